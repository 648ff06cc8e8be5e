// RUN: %gdc %s --verify-diagnostics --emit=mlir
// The boolean operators take bools.
use std.losses
use std.optim
fn pair(x) = (x, 2 * x)
fn f(x) = if not x then x else x // expected-error {{'not' takes bools, but this is f32[10]}}
train t {
  model = f
  loss = cross_entropy
  optimizer = sgd(lr = 0.1)
  data = idx("a", "b", shape = [10])
}
