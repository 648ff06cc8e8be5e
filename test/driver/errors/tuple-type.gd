// RUN: %gdc %s --verify-diagnostics --emit=mlir
// A tuple type annotation checks each part.
use std.losses
use std.optim
fn pair(x) = (x, 2 * x)
fn typed(p: (f32[10], i32)) = let (a, b) = p in a // expected-error {{argument 'p' of 'typed' (part 2) is f32[10], but its declared type is i32}}
fn f(x) = typed(pair(x))
train t {
  model = f
  loss = cross_entropy
  optimizer = sgd(lr = 0.1)
  data = idx("a", "b", shape = [10])
}
