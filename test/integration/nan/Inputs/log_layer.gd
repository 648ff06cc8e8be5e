// A regression whose second stage takes the log of a value that the first
// stage makes negative for some examples: NaN in the first step's forward map.
use std.nn
use std.losses
use std.optim
fn unstable(x) = log(x)
let net = dense(4, 1) >> unstable
train fit {
  model     = net
  loss      = mse
  optimizer = adam(lr = 0.01)
  data      = synthetic(n = 256, features = 4, classes = 0, seed = 3)
  batch     = 32
}
