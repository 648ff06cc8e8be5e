// RUN: %gdc %s --verify-diagnostics --emit=mlir
use std.nn
use std.losses
use std.optim
train t {
  model = dense(4, 3)
  loss = cross_entropy
  optimizer = sgd()
  data = synthetic(features = 4, classes = 3) // expected-note {{the training data is here}}
  test = npy("x.npy", "y.npy", shape = [2, 2]) // expected-error {{the test data gives f32[2, 2] with class labels, but the training data gives f32[4] with class labels}}
}
