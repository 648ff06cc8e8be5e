// RUN: %gdc %s --verify-diagnostics --emit=mlir
// where's condition is a bool, as if's is.
use std.nn
use std.losses
use std.optim

fn leaky(x) = where(x, x, 0.1 * x) // expected-error {{the condition of 'where' must be a bool, got f32[10]}}

train t {
  model = dense(784, 10) >> leaky
  loss = cross_entropy
  optimizer = sgd
  data = idx("a", "b")
}
