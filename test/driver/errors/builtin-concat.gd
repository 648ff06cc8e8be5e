// RUN: %gdc %s --verify-diagnostics --emit=mlir
// concat joins along the first axis; the others must agree.
use std.nn
use std.losses
use std.optim

fn join(x) = concat(reshape(x, [2, 5]), reshape(x, [5, 2])) // expected-error {{cannot concat f32[2, 5] and f32[5, 2]: sizes of axis 1 differ}}

train t {
  model = dense(784, 10) >> join
  loss = cross_entropy
  optimizer = sgd
  data = idx("a", "b")
}
