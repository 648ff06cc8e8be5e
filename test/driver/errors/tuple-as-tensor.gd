// RUN: %gdc %s --verify-diagnostics --emit=mlir
// A tuple is no tensor: arithmetic needs its parts.
use std.losses
use std.optim
fn pair(x) = (x, 2 * x)
fn f(x) = pair(x) + 1 // expected-error {{expected a tensor, but this is the tuple (f32[10], f32[10]); take it apart with `let (a, b) = ...`}}
train t {
  model = f
  loss = cross_entropy
  optimizer = sgd(lr = 0.1)
  data = idx("a", "b", shape = [10])
}
