// RUN: %gdc %s --verify-diagnostics --emit=mlir
use std.losses
use std.optim

lens shift(n: int) {
  param b: f32[3] = zeros()
  fn (x: f32[n]) -> f32[n] = x + b // expected-error {{operator '+': cannot broadcast f32[784] and f32[3]: dimension sizes 784 and 3 differ}}
}

train t {
  model = shift(784)
  loss = cross_entropy
  optimizer = sgd(lr = 0.1)
  data = idx("a", "b")
}
