// custom_backward.gd's model with the backward maps gdc derives: the
// control of custom-backward.test, whose trajectory must differ from the
// custom one.
use std.nn
use std.losses
use std.optim

lens half_gain(n: int) {
  param g: f32[n] = ones()
  fn (x: f32[n]) -> f32[n] = g * x
}

fn hard_tanh(x) = max(min(x, 1), -1)
fn identity(x) = x

let net = dense(784, 32) >> half_gain(32) >> hard_tanh >> identity
       >> dense(32, 10)

train fmnist {
  model     = net
  loss      = cross_entropy
  optimizer = sgd(lr = 0.1)
  data      = idx("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                  scale = 1/255)
  batch     = 32
  epochs    = 1
  seed      = 0
}
