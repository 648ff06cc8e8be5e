// RUN: %gdc %s --verify-diagnostics --emit=mlir
use std.nn
use std.losses

optimizer leaky(lr: f32 = 0.1) {
  v = lr * g // expected-error {{'v' is not a state of 'leaky'; declare it with `state v = zeros_like(p)`}}
  p - v
}

train t {
  model = dense(784, 10)
  loss = cross_entropy
  optimizer = leaky(lr = 0.1)
  data = idx("a", "b")
}
