// RUN: %gdc %s --verify-diagnostics --emit=mlir
// Regression targets are f32 shaped like the output; this loss wants a
// class label.
use std.nn
use std.optim
loss ce(y: f32[k], label: i32) = logsumexp(y) - y[label] // expected-error {{the label given to 'ce' is f32[3], but its declared type is i32}}
train t {
  model = dense(4, 3)
  loss = ce
  optimizer = sgd()
  data = synthetic(features = 4, classes = 0)
}
