// RUN: %gdc %s --verify-diagnostics --emit=mlir
use std.nn
use std.losses
use std.optim

train t {
  model = dense(784, 10)
  loss = cross_entropy
  optimizer = sgd
  data = idx("a", "b", shape = [0]) // expected-error {{example dimension 0 is out of range (1 to 2^30)}}
}
