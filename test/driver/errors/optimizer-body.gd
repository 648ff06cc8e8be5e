// RUN: %gdc %s --verify-diagnostics --emit=mlir
use std.nn
use std.losses

optimizer normed(lr: f32 = 0.1) = p - lr * g / sum(g) // expected-error {{'sum' over a parameter tensor inside an optimizer is not supported yet by code generation}}

train t {
  model = dense(784, 10)
  loss = cross_entropy
  optimizer = normed
  data = idx("a", "b")
}
