// RUN: %gdc %s --verify-diagnostics --emit=mlir
use std.nn
use std.losses
use std.optim
train t {
  model = dense(4, 3) // expected-error {{the model's output is f32[3], but the data has 5 classes}}
  loss = cross_entropy
  optimizer = sgd()
  data = synthetic(features = 4, classes = 5) // expected-note {{the data is here}}
}
