// RUN: %gdc %s --verify-diagnostics --emit=mlir
use std.nn
use std.losses
use std.optim

fn g(x) = exq(x) // expected-error {{unknown function 'exq'; did you mean 'exp'?}}

let net = dense(784, 10) >> relu >> g

train t {
  model = net
  loss = cross_entropy
  optimizer = sgd(lr = 0.1)
  data = idx("a", "b")
}
