// RUN: %gdc %s --verify-diagnostics --emit=mlir
// Between the stages of a composition a tuple must meet a '||'.
use std.nn
use std.losses
use std.optim
fn split(x: f32[784]) = (x[0:392], x[392:784])
train t {
  model = dense(784, 784) >> split // expected-error {{this stage's output is the tuple (f32[392], f32[392]); stages of a composition pass tensors, except into and out of a parallel product 'f || g'}}
  loss = cross_entropy
  optimizer = sgd(lr = 0.1)
  data = idx("a", "b")
}
