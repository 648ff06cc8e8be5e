// RUN: %gdc %s --verify-diagnostics --emit=mlir
// Shape mismatches name the operation and both shapes.
use std.losses
use std.optim

lens bad_matmul(n: int) {
  param W: f32[256, 128] = zeros()
  fn (x: f32[n]) -> f32[128] = x @ W // expected-error {{cannot matmul f32[784] by f32[256, 128]: inner dimensions 784 and 256 differ}}
}

train t {
  model = bad_matmul(784)
  loss = cross_entropy
  optimizer = sgd(lr = 0.1)
  data = idx("a", "b")
}
