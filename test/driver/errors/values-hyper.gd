// RUN: %gdc %s --verify-diagnostics --emit=mlir
use std.nn
use std.losses
use std.optim
train t {
  model = dense(784, 10)
  loss = cross_entropy
  optimizer = sgd(lr = 1e39) // expected-error {{hyperparameter 'lr' = 1e+39 does not fit in f32}}
  data = idx("a", "b")
}
