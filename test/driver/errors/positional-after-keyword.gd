// RUN: %gdc %s --verify-diagnostics --emit=mlir
// A positional argument after a keyword one is an error that says so (it
// used to read as the keyword's slot "given twice").
use std.nn
use std.losses
use std.optim

train t {
  model = dense(784, 10)
  loss = cross_entropy
  optimizer = adam(lr = step(0.1, every = 30, 0.5)) // expected-error {{a positional argument cannot follow a keyword one ('every = ...'); name it}}
  data = idx("a", "b")
}
