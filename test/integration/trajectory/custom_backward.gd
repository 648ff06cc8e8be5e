// Trajectory test model: lenses whose backward maps the user wrote, between
// two dense layers, trained with plain SGD. custom-backward.test runs 20
// steps in file order and compares the parameters with PyTorch's, where
// each of these lenses is a torch.autograd.Function with the same backward
// (custom_backward_reference.py).
use std.nn
use std.losses
use std.optim

// A per-feature gain whose backward map passes the true input cotangent
// but only half of the gain's own gradient (a per-parameter learning-rate
// scale, written as a derivative).
lens half_gain(n: int) {
  param g: f32[n] = ones()
  fn (x: f32[n]) -> f32[n] = g * x
  backward (x, dy) = (g * dy, 0.5 * x * dy)
}

// Hard tanh forward, the identity's derivative backward: the
// straight-through estimator of a clipping.
lens clip_ste() {
  fn (x) = max(min(x, 1), -1)
  backward (x, dy) = dy
}

// Gradient reversal (Ganin and Lempitsky): the identity forward, the
// cotangent times -scale backward.
lens reverse_gradient(scale: f32) {
  fn (x) = x
  backward (x, dy) = -scale * dy
}

let net = dense(784, 32) >> half_gain(32) >> clip_ste() >> reverse_gradient(0.5)
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
