// RUN: %gdc %s --verify-diagnostics --emit=mlir
// `label = input` (each example its own label) replaces the labels file of
// idx and npy; it takes only the name `input`.
use std.nn
use std.losses
use std.optim
let ae = dense(784, 8) >> dense(8, 784)
train other_name {
  model = ae
  loss = mse
  optimizer = sgd
  data = npy("x.npy", label = output) // expected-error {{label = input makes each example its own label (an autoencoder's target); otherwise npy reads the labels from its second file}}
}
