// RUN: %gdc %s --verify-diagnostics --emit=mlir
// Bools are not numbers: no silent 1-bit arithmetic, no bool indices.
use std.nn
use std.losses
use std.optim

fn count(x) = x * ((x > 0) + (x > 0)) // expected-error {{operator '+' cannot take a bool (bool[10]); write `if c then 1 else 0` to count truths}}

train t {
  model = dense(784, 10) >> count
  loss = cross_entropy
  optimizer = sgd
  data = idx("a", "b")
}
