// Activations of 4096 x 100000 floats (1.6 GB) per step.
use std.nn
use std.losses
use std.optim
train wide {
  model     = dense(16, 100000) >> relu >> dense(100000, 10)
  loss      = cross_entropy
  optimizer = sgd
  data      = synthetic(n = 4096, features = 16, classes = 10, seed = 1)
  batch     = 4096
}
