// RUN: %gdc %s --verify-diagnostics --emit=mlir
use std.nn
use std.losses
transform clip(c: f32) = g * min(1, c / global_norm(g))

train t {
  model = dense(784, 10)
  loss = cross_entropy
  optimizer = chain(clip(1.0), clip(2.0)) // expected-error {{'clip' is a transform, but an optimizer is expected here}}
  data = idx("a", "b")
}
