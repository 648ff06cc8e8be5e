// RUN: %gdc %s --verify-diagnostics --emit=mlir
// p, g, t and loss exist only inside update-rule bodies; so do barriers.
use std.losses
use std.optim
optimizer o(t: f32 = 1) = p - g // expected-error {{a hyperparameter cannot be named 't': inside an optimizer 't' is the step}}
fn f(x) = x

train t {
  model = f
  loss = cross_entropy
  optimizer = o()
  data = idx("a", "b", shape = [10])
}
