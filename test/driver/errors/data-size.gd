// RUN: %gdc %s --verify-diagnostics --emit=mlir
// csv gives vectors whose size the model must declare.
use std.losses
use std.optim
fn f(x) = x * 2
train t {
  model = f
  loss = cross_entropy
  optimizer = sgd()
  data = csv("d.csv", label = "y") // expected-error {{this data gives vectors of f32 whose size the model must declare; its first stage does not (give `features = n`, or annotate its input)}}
}
