// RUN: %gdc %s --verify-diagnostics --emit=mlir
// reshape's shape is a compile-time list, not a tensor.
use std.nn
use std.losses
use std.optim

fn grid(x) = reshape(x, x) // expected-error {{'reshape' takes its shape as a list of sizes, e.g. [28, 28]}}

train t {
  model = dense(784, 10) >> grid
  loss = cross_entropy
  optimizer = sgd
  data = idx("a", "b")
}
