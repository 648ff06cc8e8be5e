// RUN: %gdc %s --verify-diagnostics --emit=mlir
// Destructuring names one part each.
use std.losses
use std.optim
fn pair(x) = (x, 2 * x)
fn f(x) = let (a, b, c) = pair(x) in a // expected-error {{cannot destructure (f32[10], f32[10]) into 3 names: it has 2 parts}}
train t {
  model = f
  loss = cross_entropy
  optimizer = sgd(lr = 0.1)
  data = idx("a", "b", shape = [10])
}
