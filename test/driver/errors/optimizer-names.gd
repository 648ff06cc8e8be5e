// RUN: %gdc %s --verify-diagnostics --emit=mlir
use std.nn
use std.losses

optimizer weird(p: f32 = 0.5) = p - g // expected-error {{a hyperparameter cannot be named 'p': inside an optimizer 'p' is the parameter}}

train t {
  model = dense(784, 10)
  loss = cross_entropy
  optimizer = weird
  data = idx("a", "b")
}
