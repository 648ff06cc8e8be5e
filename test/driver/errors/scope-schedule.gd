// RUN: %gdc %s --verify-diagnostics --emit=mlir
// p, g, t and loss exist only inside update-rule bodies; so do barriers.
use std.losses
use std.optim
schedule s(lr: f32) = lr * p // expected-error {{unknown name 'p'; 'p' exists only inside optimizer, transform bodies}}
fn f(x) = x

train t {
  model = f
  loss = cross_entropy
  optimizer = sgd(lr = s(1))
  data = idx("a", "b", shape = [10])
}
