// RUN: %gdc %s --verify-diagnostics --emit=mlir
// A name bound to an instance denotes one instance, with one set of
// parameters: its uses must agree on the input type.
use std.losses
use std.optim
lens scale() {
  param s: f32 = ones()
  fn (x) = s * x
}
lens linear(n_in: int, n_out: int) {
  param W: f32[n_in, n_out] = glorot_uniform()
  fn (x: f32[n_in]) = x @ W
}
let sc = scale()
let net = sc >> linear(784, 10) >> sc // expected-error {{this instance is shared with 'net.0', so its input must have the same type there and here: f32[784] there, f32[10] here}}

train t {
  model = net
  loss = cross_entropy
  optimizer = sgd(lr = 0.1)
  data = idx("a", "b")
}
