// DP-SGD with the noise off, for dp-sgd.test: std.optim's per-example
// clipping, then the batch mean, then SGD; on npy data written by
// dp_sgd_reference.py.
use std.nn
use std.losses
use std.optim

train dp {
  model     = dense(6, 8) >> tanh >> dense(8, 3)
  loss      = cross_entropy
  optimizer = chain(clip_per_example(c = 2.5), gaussian_noise(std = 0), sgd(lr = 0.5))
  data      = npy("x.npy", "y.npy")
  batch     = 8
  epochs    = 1
}
