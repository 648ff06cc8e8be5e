use std.nn
use std.losses
use std.optim
lens big() {
  param W: f32[9223372036854775807, 9223372036854775807] = glorot_uniform()
  fn (x: f32[9223372036854775807]) -> f32[9223372036854775807] = x @ W
}
train t {
  model = big()
  loss = mse
  optimizer = sgd
  data = idx("a", "b", shape = [9000000000000000, 9000000000000000])
}
