// RUN: %gdc %s --verify-diagnostics --emit=mlir
// A reduction's axis is one of the example's axes (the batch is not one).
use std.nn
use std.losses
use std.optim

fn pick(x) = x * argmax(x, axis = 1) // expected-error {{axis 1 is out of range for f32[10]}}

train t {
  model = dense(784, 10) >> pick
  loss = cross_entropy
  optimizer = sgd
  data = idx("a", "b")
}
