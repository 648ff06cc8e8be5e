// DP-SGD (noise off) on a small CNN, for dp-sgd-cnn.test: per-example
// clipping needs each example's gradient of the convolution filters; on npy
// data written by dp_sgd_cnn_reference.py.
use std.nn
use std.losses
use std.optim

train dp {
  model     = conv(2, 4, 3, 1, stride = 2) >> tanh >> conv(4, 3, 3, 2, dilation = 2)
              >> tanh >> flatten >> dense(3 * 4 * 4, 3)
  loss      = cross_entropy
  optimizer = chain(clip_per_example(c = 5.0), gaussian_noise(std = 0), sgd(lr = 0.1))
  data      = npy("x.npy", "y.npy", shape = [2, 8, 8])
  batch     = 8
  epochs    = 1
}
