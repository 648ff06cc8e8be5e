// RUN: %gdc %s --verify-diagnostics --emit=mlir
// `label = input` (each example its own label) replaces the labels file of
// idx and npy; it takes only the name `input`.
use std.nn
use std.losses
use std.optim
let ae = dense(784, 8) >> dense(8, 784)
train class_labels {
  model = ae
  loss = mse
  optimizer = sgd
  data = npy("x.npy", label = input, label_type = i32) // expected-error {{with label = input the labels are the examples, f32; label_type cannot be i32}}
}
