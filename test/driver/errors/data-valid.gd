// RUN: %gdc %s --verify-diagnostics --emit=mlir
use std.nn
use std.losses
use std.optim
train t {
  model = dense(4, 3)
  loss = cross_entropy
  optimizer = sgd()
  data = synthetic(features = 4, classes = 3)
  valid = 1.5 // expected-error {{valid is the fraction of the training data held out, between 0 and 1 (exclusive); got 1.5}}
}
