// RUN: %gdc %s --verify-diagnostics --emit=mlir
// Whole-tensor operations of update-rule bodies: their arguments, and where
// they exist.
use std.nn
use std.losses

fn outside(x) = orthogonalize(x) // expected-error {{'orthogonalize' exists only inside optimizer and transform bodies (it works on the whole parameter tensor)}}

optimizer kept(lr: f32 = 0.1) = p - lr * mean(g, axis = 0, keepdims = true) // expected-error {{keepdims does not apply in an update rule: 'mean(x, axis = k)' already gives every element its row's value}}
optimizer sized(lr: f32 = 0.1) = p - lr * g / size(p) // expected-error {{'size' takes (x, axis)}}
optimizer steps(lr: f32 = 0.1) = p - lr * orthogonalize(g, steps = -1) // expected-error {{'orthogonalize' takes a number of steps >= 0, got -1}}
optimizer keyword(lr: f32 = 0.1) = p - lr * orthogonalize(g, iterations = 3) // expected-error {{'orthogonalize' takes (x, steps): unknown keyword argument 'iterations'}}
optimizer gram(lr: f32 = 0.1) = p - lr * (g @ g) // expected-error {{'@' inside an optimizer: its body works on one element of a parameter; matrix operations on the whole tensor are orthogonalize(x), mean(x, axis = k) and sum(x, axis = k)}}

train t {
  model = dense(784, 10) >> dense(10, 10) >> dense(10, 10)
  loss = cross_entropy
  optimizer = { "model.0.W": kept(), "model.0.b": sized(), "model.1.W": steps(),
                "model.1.b": keyword(), "model.2.*": gram() }
  data = idx("a", "b")
}
