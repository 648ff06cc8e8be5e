// RUN: %gdc %s --verify-diagnostics --emit=mlir
use std.nn
use std.losses
use std.optim

let net = dense(784, 32) >> relu >> dense(32, 10)

train t {
  model = net
  loss = cross_entropy
  optimizer = { "*.W": sgd() } // expected-error {{no parameter group matches net.0.b, net.2.b; every parameter needs a group (add "*": ... or "*": frozen)}}
  data = idx("a", "b")
}
