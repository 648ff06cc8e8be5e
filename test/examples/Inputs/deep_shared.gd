// A repeated block used twice: the second use shares the first's
// parameters, whose gradient sums both uses. Neither runs as a loop: a
// loop's stacked gradients would hold the first use's alone.
use std.nn
use std.losses
use std.optim
let r = repeat(4, dense(8, 8) >> tanh)
train s {
  model     = dense(6, 8) >> r >> r >> dense(8, 3)
  loss      = cross_entropy
  optimizer = adam(lr = 1e-2)
  data      = synthetic(n = 256, features = 6, classes = 3, seed = 2)
  batch     = 32
  epochs    = 2
}
