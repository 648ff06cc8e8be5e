// RUN: %gdc %s --verify-diagnostics --emit=mlir
// p, g, t and loss exist only inside update-rule bodies; so do barriers.
use std.losses
use std.optim
fn f(x) = x * g // expected-error {{unknown name 'g'; 'g' exists only inside optimizer, transform bodies}}

train t {
  model = f
  loss = cross_entropy
  optimizer = sgd()
  data = idx("a", "b", shape = [10])
}
