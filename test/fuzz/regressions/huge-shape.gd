use std.nn
use std.losses
use std.optim
lens big(n: int) {
  param W: f32[n, 99999999999] = zeros()
  param V: f32[99999999999, 99999999999] = glorot_uniform()
  fn (x: f32[n]) -> f32[99999999999] = x @ W @ V
}
train t {
  model = big(1073741824) >> dense(99999999999, 10)
  loss = cross_entropy
  optimizer = adam
  data = idx("a", "b", shape = [1073741824])
}
