// Two parameters whose gradients each read the other.
use std.losses
use std.optim
lens product(n_in: int, n_out: int) {
  param W: f32[n_in, n_out] = glorot_uniform()
  param V: f32[n_in, n_out] = glorot_uniform()
  fn (x: f32[n_in]) -> f32[n_out] = x @ (W * V)
}
train t {
  model = product(3, 2)
  loss = cross_entropy
  optimizer = sgd(lr = 1)
  data = idx("x.idx", "y.idx", shape = [3])
}
