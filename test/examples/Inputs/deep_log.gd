// A repeated block whose second stage takes the log of what the first
// makes negative for some examples: NaN in the loop over the repetitions.
use std.nn
use std.losses
use std.optim
fn unstable(x) = log(x)
train fit {
  model     = repeat(6, dense(4, 4) >> unstable) >> dense(4, 1)
  loss      = mse
  optimizer = sgd(lr = 0.01)
  data      = synthetic(n = 256, features = 4, classes = 0, seed = 3)
  batch     = 32
}
