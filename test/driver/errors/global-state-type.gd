// RUN: %gdc %s --verify-diagnostics --emit=mlir
use std.nn
use std.losses

optimizer untyped() {
  global state h = zeros() // expected-error {{global state 'h' needs a type, e.g. `global state h: f32[100] = zeros()`}}
  p - g
}

train t {
  model = dense(784, 10)
  loss = cross_entropy
  optimizer = untyped()
  data = idx("a", "b")
}
