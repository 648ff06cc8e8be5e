// RUN: %gdc %s --verify-diagnostics --emit=mlir
// f >> g must meet: the output of f is the input of g. When g declares its
// input, the error is at the '>>', naming both types.
use std.nn
use std.losses
use std.optim

lens wants_100() {
  param b: f32[100] = zeros()
  fn (x: f32[100]) -> f32[100] = x + b
}

train t {
  model = dense(784, 10) >> wants_100() // expected-error {{'>>' cannot compose: its left side gives f32[10], its right side takes f32[100]}}
  loss = cross_entropy
  optimizer = sgd(lr = 0.1)
  data = idx("a", "b")
}
