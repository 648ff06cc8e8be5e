// A repeated block with dropout: the loop gives each repetition's draws
// its instance at run time, so they are those of the stages applied one by
// one.
use std.nn
use std.losses
use std.optim
train drop {
  model     = dense(8, 16) >> repeat(6, dense(16, 16) >> relu >> dropout(0.3)) >> dense(16, 4)
  loss      = cross_entropy
  optimizer = adam(lr = 1e-2)
  data      = synthetic(n = 512, features = 8, classes = 4, seed = 7)
  batch     = 32
  epochs    = 2
}
