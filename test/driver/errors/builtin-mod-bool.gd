// RUN: %gdc %s --verify-diagnostics --emit=mlir
// % takes numbers, not bools.
use std.nn
use std.losses
use std.optim

fn wrap(x) = x % (x > 0) // expected-error {{operator '%' cannot take a bool (bool[10])}}

train t {
  model = dense(784, 10) >> wrap
  loss = cross_entropy
  optimizer = sgd
  data = idx("a", "b")
}
