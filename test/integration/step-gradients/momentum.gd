// As scalar-sum.gd, with an optimizer that has state.
//
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
  optimizer = momentum(lr = 1, mu = 0.9)
  data = idx("x.idx", "y.idx", shape = [3])
}
