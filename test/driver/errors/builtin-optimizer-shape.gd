// RUN: %gdc %s --verify-diagnostics --emit=mlir
// Optimizer bodies work on one element; shape built-ins have nothing to act on there.
use std.nn
use std.losses
use std.optim

optimizer flat(lr: f32 = 0.1) = p - lr * flatten(g) // expected-error {{'flatten' inside an optimizer is not supported (optimizer bodies work on one element of a parameter; global states excepted)}}

train t {
  model = dense(784, 10)
  loss = cross_entropy
  optimizer = flat
  data = idx("a", "b")
}
