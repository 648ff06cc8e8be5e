// RUN: %gdc %s --verify-diagnostics --emit=mlir
// Overlapping and missing groups are both reported, with the paths.
use std.nn
use std.losses
use std.optim

let net = dense(784, 32) >> relu >> dense(32, 10)

train t {
  model = net
  loss = cross_entropy
  // expected-error @+1 {{no parameter group matches net.2.b; every parameter needs exactly one group}}
  optimizer = { "net.0.*": adam(), // expected-note {{the first pattern is here}}
                "*.W": sgd() } // expected-error {{parameters net.0.W are matched by both "net.0.*" and "*.W"; every parameter needs exactly one group}}
  data = idx("a", "b")
}
