// RUN: %gdc %s --verify-diagnostics --emit=mlir
// A function's body is checked where it is used, at the shapes of that use.
use std.nn
use std.losses
use std.optim

fn twice(x) = exp(x, x) // expected-error {{'exp' takes 1 argument, got 2}}

train t {
  model = dense(784, 10) >> twice
  loss = cross_entropy
  optimizer = sgd(lr = 0.1)
  data = idx("a", "b")
}
