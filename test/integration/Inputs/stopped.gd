// dense >> stop_gradient >> dense: the first dense gets no gradient.
use std.nn
use std.losses
use std.optim
let net = dense(4, 8) >> stop_gradient >> dense(8, 3)
train t {
  model     = net
  loss      = cross_entropy
  optimizer = sgd(lr = 0.1)
  data      = synthetic(n = 256, features = 4, classes = 3, seed = 5)
  batch     = 32
}
