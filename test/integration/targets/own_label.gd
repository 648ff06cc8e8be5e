// An autoencoder of npy data: each example [4] is its own target.
use std.nn
use std.losses
use std.optim

let ae = dense(4, 2) >> tanh >> dense(2, 4)

train t {
  model     = ae
  loss      = mse
  optimizer = sgd(lr = 0.3)
  data      = npy("x.npy", label = input)
  batch     = 16
  epochs    = 1
}
