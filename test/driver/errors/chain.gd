// RUN: %gdc %s --verify-diagnostics --emit=mlir
use std.nn
use std.losses
use std.optim
transform clip(c: f32) = g * min(1, c / global_norm(g))

train t {
  model = dense(784, 10)
  loss = cross_entropy
  optimizer = chain(adam(), clip(1.0)) // expected-error {{'adam' is an optimizer, but a transform is expected here (in chain(...), only the last stage is an optimizer)}}
  data = idx("a", "b")
}
