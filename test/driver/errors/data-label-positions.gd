// RUN: %gdc %s --verify-diagnostics --emit=mlir
// Class scores per position need a class label per position, which only
// npy data holds.
use std.nn
use std.losses
use std.optim
fn rows(x) = reshape(x, [28, 28])
train t {
  model = rows >> dense(28, 10) // expected-error {{the model's output is f32[28, 10], class scores per position, which needs a class label per position: give npy labels of shape [28] per example, not idx data}}
  loss = cross_entropy
  optimizer = sgd
  data = idx("a", "b") // expected-note {{the data is here}}
}
