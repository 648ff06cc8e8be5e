// A linear regression that plain SGD drives to infinity with a large --set lr.
use std.nn
use std.losses
use std.optim
let net = dense(4, 1)
train fit {
  model     = net
  loss      = mse
  optimizer = sgd(lr = 0.01)
  data      = synthetic(n = 256, features = 4, classes = 0, seed = 3)
  test      = synthetic(n = 64, features = 4, classes = 0, seed = 3)
  batch     = 32
}
