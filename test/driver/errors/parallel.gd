// RUN: %gdc %s --verify-diagnostics --emit=mlir
// A parallel product takes a tuple with one part per lens.
use std.nn
use std.losses
use std.optim
train t {
  model = (dense(784, 10) || dense(784, 10)) >> relu // expected-error {{this parallel product of 2 lenses takes a tuple of 2 values, but its input is f32[784]}}
  loss = cross_entropy
  optimizer = sgd(lr = 0.1)
  data = idx("a", "b")
}
