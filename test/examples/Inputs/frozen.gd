// A frozen first layer beside a trained second one, for frozen-carry.test.
use std.nn
use std.losses
use std.optim

train frozen {
  model     = dense(8, 16) >> tanh >> dense(16, 3)
  loss      = cross_entropy
  optimizer = { "*.0.*": frozen, "*": adam(lr = 0.01) }
  data      = synthetic(n = 256, features = 8, classes = 3, seed = 1)
  batch     = 32
  epochs    = 3
}
