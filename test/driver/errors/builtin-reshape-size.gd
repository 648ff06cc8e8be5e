// RUN: %gdc %s --verify-diagnostics --emit=mlir
// Sizes are positive, or -1 for the rest.
use std.nn
use std.losses
use std.optim

fn grid(x) = reshape(x, [0, 10]) // expected-error {{a size in 'reshape' must be positive (or -1), got 0}}

train t {
  model = dense(784, 10) >> grid
  loss = cross_entropy
  optimizer = sgd
  data = idx("a", "b")
}
