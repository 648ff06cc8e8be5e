// RUN: %gdc %s --verify-diagnostics --emit=mlir
// mean and sum act on the whole tensor in a rule body (rule-tensor-ops.gd); the
// other reductions do not compile there yet.
use std.nn
use std.losses

optimizer normed(lr: f32 = 0.1) = p - lr * g / logsumexp(g) // expected-error {{'logsumexp' over a parameter tensor inside an optimizer is not supported yet by code generation}}

train t {
  model = dense(784, 10)
  loss = cross_entropy
  optimizer = normed
  data = idx("a", "b")
}
