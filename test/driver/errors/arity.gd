// RUN: %gdc %s --verify-diagnostics --emit=mlir
use std.nn
use std.losses
use std.optim

train t {
  model = dense(784, 10, 3) // expected-error {{'dense' takes 2 arguments, got 3}}
  loss = cross_entropy
  optimizer = sgd(lr = 0.1)
  data = idx("a", "b")
}
