// RUN: %gdc %s --verify-diagnostics --emit=mlir
// The condition of `if` broadcasts with both branches.
use std.nn
use std.losses
use std.optim

lens gate(n: int) {
  param c: f32[3] = zeros()
  fn (x: f32[n]) -> f32[n] = if c > 0 then x else -x // expected-error {{'if': cannot broadcast bool[3], f32[10] and f32[10]: dimension sizes 3 and 10 differ}}
}

train t {
  model = dense(784, 10) >> gate(10)
  loss = cross_entropy
  optimizer = sgd
  data = idx("a", "b")
}
