// RUN: %gdc %s --verify-diagnostics --emit=mlir
// A loss takes the prediction and the label; further parameters are settings with defaults.
use std.nn
use std.losses
use std.optim

loss scaled(y: f32[10], label: i32, s: f32) = s * cross_entropy(y, label)

train t {
  model = dense(784, 10)
  loss = scaled // expected-error {{the loss 'scaled' must take the prediction and the label, and give defaults to the rest (3 parameters given)}}
  optimizer = sgd
  data = idx("a", "b")
}
