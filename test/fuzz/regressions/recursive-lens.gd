use std.nn
use std.losses
use std.optim
lens l(n: int) {
  fn (x: f32[n]) -> f32[n] = x >> l(n)
}
train t {
  model = l(3)
  loss = mse
  optimizer = sgd
  data = idx("a", "b")
}
