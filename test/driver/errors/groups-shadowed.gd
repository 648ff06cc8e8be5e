// RUN: %gdc %s --verify-diagnostics --emit=mlir
// A pattern that matches parameters but is never the most specific match of
// any is dead: an error that says why.
use std.nn
use std.losses
use std.optim

let net = dense(784, 32) >> relu >> dense(32, 10)

train t {
  model = net
  loss = cross_entropy
  optimizer = { "*.W": adam(), "*.b": sgd(),
                "*": momentum() } // expected-error {{the pattern "*" gives no parameter its rule: every parameter it matches takes a more specific pattern}}
  data = idx("a", "b")
}
