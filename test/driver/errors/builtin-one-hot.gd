// RUN: %gdc %s --verify-diagnostics --emit=mlir
// one_hot encodes integer labels, not floats.
use std.nn
use std.losses
use std.optim

loss l(y: f32[10], label: i32) = mean((y - one_hot(y, 10))^2) // expected-error {{'one_hot' needs an integer label (i32 or i64), got f32[10]}}

train t {
  model = dense(784, 10)
  loss = l
  optimizer = sgd
  data = idx("a", "b")
}
