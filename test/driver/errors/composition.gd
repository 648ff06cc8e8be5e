// RUN: %gdc %s --verify-diagnostics --emit=mlir
// f >> g must meet: the output of f is the input of g.
use std.nn
use std.losses
use std.optim

lens wants_100() {
  param b: f32[100] = zeros()
  fn (x: f32[100]) -> f32[100] = x + b // expected-error {{the input of 'wants_100' is f32[10] but is declared with dimension 100 here}}
}

train t {
  model = dense(784, 10) >> wants_100()
  loss = cross_entropy
  optimizer = sgd(lr = 0.1)
  data = idx("a", "b")
}
