// RUN: %gdc %s --verify-diagnostics --emit=mlir
use std.nn
use std.optim
fn total(x) = sum(x)
loss raw(y: f32, label: i32) = y * y
train t {
  model = dense(784, 10) >> total // expected-error {{the model's output is f32; with class labels it must be a vector of class scores}}
  loss = raw
  optimizer = sgd
  data = idx("a", "b")
}
