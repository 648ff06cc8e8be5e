// RUN: %gdc %s --verify-diagnostics --emit=mlir
// A pattern binds each name once.
use std.losses
use std.optim
fn pair(x) = (x, 2 * x)
fn f(x) = let (a, a) = pair(x) in a // expected-error {{'a' is bound twice in this pattern}}
train t {
  model = f
  loss = cross_entropy
  optimizer = sgd(lr = 0.1)
  data = idx("a", "b", shape = [10])
}
