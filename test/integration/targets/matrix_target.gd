// A regression whose targets are matrices (`f32[2, 3]` per example, from
// y.npy), with an mse loss over the matrix.
use std.nn
use std.losses
use std.optim

fn to_matrix(x) = reshape(x, [2, 3])
let net = dense(4, 6) >> tanh >> to_matrix

train t {
  model     = net
  loss      = mse
  optimizer = sgd(lr = 0.3)
  data      = npy("x.npy", "y.npy", label_type = f32)
  batch     = 16
  epochs    = 1
}
