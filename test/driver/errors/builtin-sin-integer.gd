// RUN: %gdc %s --verify-diagnostics --emit=mlir
// sin, cos, sigmoid, exp, ... need floats; a label is an integer.
use std.nn
use std.losses
use std.optim

loss l(y: f32[10], label: i32) = sum(y) * sin(label) // expected-error {{'sin' needs a float tensor, got i32}}

train t {
  model = dense(784, 10)
  loss = l
  optimizer = sgd
  data = idx("a", "b")
}
