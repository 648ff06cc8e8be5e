// Training data from the gzip bomb bomb.py writes.
use std.nn
use std.losses
use std.optim

train t {
  model     = dense(784, 2)
  loss      = cross_entropy
  optimizer = sgd
  data      = idx("bomb.gz", "bomb.gz")
}
