// RUN: %gdc %s --verify-diagnostics --emit=mlir
// The evaluation model's phase rule: a global state is one value for all
// the tensors an optimizer updates.
use std.nn
use std.losses

optimizer leaky(lr: f32 = 0.1) {
  global state h: f32[8] = zeros()
  h = h + g // expected-error {{global state 'h' is shared by every tensor, but this value differs per element (it depends on p, g, a state or a whole-tensor value: norm, mean, sum, size, orthogonalize); reduce it with global_norm(...) first}}
  p - lr * g
}

train t {
  model = dense(784, 10)
  loss = cross_entropy
  optimizer = leaky()
  data = idx("a", "b")
}
