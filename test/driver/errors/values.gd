// RUN: %gdc %s --verify-diagnostics --emit=mlir
// Values the runtime could not use are errors at the source.
use std.losses
use std.optim
lens odd(n: int) {
  param W: f32[n, 10] = uniform(1, -1) // expected-error {{uniform(lo, hi): lo 1 exceeds hi -1}}
  fn (x: f32[n]) -> f32[10] = x @ W
}
train t {
  model = odd(784)
  loss = cross_entropy
  optimizer = sgd
  data = idx("a", "b")
}
