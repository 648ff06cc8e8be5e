// RUN: %gdc %s --verify-diagnostics --emit=llvm-dialect -o /dev/null
// A product whose matrix depends on the example is reported in the
// program's terms (no batch dimension), at the operator.
use std.losses
use std.optim
lens pairwise(n: int) {
  param W: f32[10, 10] = zeros()
  fn (x: f32[n]) -> f32[10] = x @ ((x @ W) * 0 + W) @ W // expected-error {{a product of f32[10] and f32[10, 10] where a matrix depends on the example is not supported yet by code generation}}
}
train t {
  model = pairwise(10)
  loss = cross_entropy
  optimizer = sgd
  data = idx("a", "b", shape = [10])
}
