// RUN: %gdc %s --verify-diagnostics --emit=mlir
// A scalar has no axis to join along.
use std.nn
use std.losses
use std.optim

fn join(x) = concat(x, sum(x)) // expected-error {{'concat' joins tensors along their first axis, but f32 is a scalar}}

train t {
  model = dense(784, 10) >> join
  loss = cross_entropy
  optimizer = sgd
  data = idx("a", "b")
}
