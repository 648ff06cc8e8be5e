// A parameter (g) whose gradient reads another parameter (W) that the same
// step also updates.
use std.losses
use std.optim
lens scaled_dense(n_in: int, n_out: int) {
  param g: f32[n_out] = ones()
  param W: f32[n_in, n_out] = glorot_uniform()
  fn (x: f32[n_in]) -> f32[n_out] = x @ (g * W)
}
train t {
  model = scaled_dense(3, 2)
  loss = cross_entropy
  optimizer = sgd(lr = 1)
  data = idx("x.idx", "y.idx", shape = [3])
}
