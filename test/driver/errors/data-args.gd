// RUN: %gdc %s --verify-diagnostics --emit=mlir
use std.nn
use std.losses
use std.optim
train t {
  model = dense(4, 3)
  loss = cross_entropy
  optimizer = sgd()
  data = csv("d.csv", labels = "y") // expected-error {{csv has no argument 'labels'; its arguments are: path label label_type scale features}}
}
