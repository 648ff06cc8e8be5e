// A regression on the .npy files next to this file (use-data.test writes them).
use std.nn
use std.losses
use std.optim

let net = dense(3, 1)

train fit {
  model     = net
  loss      = mse
  optimizer = sgd(lr = 0.1)
  data      = npy("x.npy", "y.npy", label_type = f32)
  batch     = 4
  epochs    = 1
}
