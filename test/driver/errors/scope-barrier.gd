// RUN: %gdc %s --verify-diagnostics --emit=mlir
// p, g, t and loss exist only inside update-rule bodies; so do barriers.
use std.losses
use std.optim
fn f(x) = x + global_norm(x) // expected-error {{'global_norm' exists only inside optimizer and transform bodies (it spans every tensor they update)}}

train t {
  model = f
  loss = cross_entropy
  optimizer = sgd()
  data = idx("a", "b", shape = [10])
}
