// Trajectory test model: a 784-32-10 ReLU MLP trained with Adam (non-default b1, b2).
// adam.test runs 20 steps from init.safetensors in file order and compares the
// final parameters with PyTorch's (expected_adam.safetensors, made by
// make_reference.py).
use std.nn
use std.losses
use std.optim

let mlp = dense(784, 32) >> relu >> dense(32, 10)

train fmnist {
  model     = mlp
  loss      = cross_entropy
  optimizer = adam(lr = 1e-3, b1 = 0.8, b2 = 0.99)
  data      = idx("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", scale = 1/255)
  batch     = 32
  epochs    = 1
  seed      = 0
}
