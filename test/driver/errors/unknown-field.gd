// RUN: %gdc %s --verify-diagnostics --emit=mlir
use std.nn
use std.losses
use std.optim

train t {
  model = dense(784, 10)
  loss = cross_entropy
  optimizer = sgd(lr = 0.1)
  data = idx("a", "b")
  epoch = 3 // expected-error {{unknown train field 'epoch'; the fields are: model, loss, optimizer, data, test, valid, batch, epochs, seed, metrics}}
}
