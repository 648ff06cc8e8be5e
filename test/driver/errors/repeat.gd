// RUN: %gdc %s --verify-diagnostics --emit=mlir
use std.nn
use std.losses
use std.optim

train t {
  model = repeat(1000, repeat(1000, tanh)) // expected-error {{this model has more than 100000 stages (nested repeat?)}}
  loss = cross_entropy
  optimizer = sgd
  data = idx("a", "b")
}
