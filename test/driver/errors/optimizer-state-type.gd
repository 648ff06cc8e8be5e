// RUN: %gdc %s --verify-diagnostics --emit=mlir
use std.nn
use std.losses

optimizer sign(lr: f32 = 0.1) {
  state v = zeros_like(p)
  v = g > 0 // expected-error {{state 'v' is shaped like 'p' (f32), but is assigned bool}}
  p - lr * v
}

train t {
  model = dense(784, 10)
  loss = cross_entropy
  optimizer = sign
  data = idx("a", "b")
}
