// A deep narrow network: a block repeated twelve times, which the step
// applies as one loop (passes/lens/StageLoops.h). `sed` in the tests
// changes the rule.
use std.nn
use std.losses
use std.optim
train deep {
  model     = dense(8, 16) >> repeat(12, dense(16, 16) >> tanh) >> dense(16, 4)
  loss      = cross_entropy
  optimizer = adam(lr = 1e-2)
  data      = synthetic(n = 512, features = 8, classes = 4, seed = 5)
  batch     = 32
  epochs    = 3
}
