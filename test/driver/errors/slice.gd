// RUN: %gdc %s --verify-diagnostics --emit=mlir
use std.losses
use std.optim
fn f(x) = x[6:10] // expected-error {{cannot slice f32[8] from 6 to 10: expected 0 <= from < to <= 8 (a negative bound counts from the end)}}
train t {
  model = f
  loss = cross_entropy
  optimizer = sgd()
  data = idx("a", "b", shape = [8])
}
