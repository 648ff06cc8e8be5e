// RUN: %gdc %s --verify-diagnostics --emit=mlir
use std.losses
use std.optim
lens odd(n: int) {
  param W: f32[n, 10] = normal(0, -2) // expected-error {{normal(mean, std): the standard deviation -2 is negative}}
  fn (x: f32[n]) -> f32[10] = x @ W
}
train t {
  model = odd(784)
  loss = cross_entropy
  optimizer = sgd
  data = idx("a", "b")
}
