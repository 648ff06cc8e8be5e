// RUN: %gdc %s --verify-diagnostics --emit=mlir
use std.nn
use std.losses
use std.optim

train t {
  model = dense(784, 10)
  loss = cross_entropy
  optimizer = adam(rate = 0.1) // expected-error {{'adam' has no hyperparameter 'rate'; its hyperparameters are: lr, b1, b2, eps}}
  data = idx("a", "b")
}
