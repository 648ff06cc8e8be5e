// A scalar parameter and a summed loss: both reduce to a scalar from a
// zero start, which must not be shared.
use std.losses
use std.optim
lens affine(n: int) {
  param W: f32[2, 3] = ones()
  param e: f32 = ones()
  fn (x: f32[3]) -> f32[2] = (W @ x) + e
}
train t {
  model = affine(1)
  loss = sum(cross_entropy)
  optimizer = sgd(lr = 1)
  data = idx("x.idx", "y.idx", shape = [3])
}
