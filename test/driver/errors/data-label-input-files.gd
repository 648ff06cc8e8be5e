// RUN: %gdc %s --verify-diagnostics --emit=mlir
// `label = input` (each example its own label) replaces the labels file of
// idx and npy; it takes only the name `input`.
use std.nn
use std.losses
use std.optim
let ae = dense(784, 8) >> dense(8, 784)
train both_files {
  model = ae
  loss = mse
  optimizer = sgd
  data = idx("images", "labels", label = input) // expected-error {{idx with label = input takes only the examples' file (images); the examples are the labels}}
}
