// A sub-lens applied twice inside a lens body shares its parameters.
use std.nn
use std.losses
use std.optim
lens twice(d: int) {
  let g = dense(d, d)
  fn (x: f32[d]) -> f32[d] = g(tanh(g(x)))
}
train t {
  model = twice(3) >> dense(3, 2)
  loss = cross_entropy
  optimizer = sgd(lr = 1)
  data = idx("x.idx", "y.idx", shape = [3])
}
