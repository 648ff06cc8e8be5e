// RUN: %gdc %s --verify-diagnostics --emit=mlir
// Two matching patterns equally specific (as many characters other than
// '*') are an error that names them and the parameters they share.
use std.nn
use std.losses
use std.optim

let net = dense(784, 32) >> relu >> dense(32, 10)

train t {
  model = net
  loss = cross_entropy
  optimizer = { "net.*": adam(), // expected-note {{the first pattern is here}}
                "*.0.W": sgd() } // expected-error {{parameters net.0.W are matched by both "net.*" and "*.0.W", which are equally specific; make one more specific (the pattern with the most characters other than '*' wins)}}
  data = idx("a", "b")
}
