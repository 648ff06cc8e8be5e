// RUN: %gdc %s --verify-diagnostics --emit=mlir
// reshape keeps the number of elements; the error names both shapes.
use std.nn
use std.losses
use std.optim

fn grid(x) = reshape(x, [3, 4]) // expected-error {{cannot reshape f32[10] to [3, 4]: 10 elements do not fit 12}}

train t {
  model = dense(784, 10) >> grid
  loss = cross_entropy
  optimizer = sgd
  data = idx("a", "b")
}
