// Trajectory test model: a 784-32-10 ReLU MLP trained with plain SGD.
// sgd.test runs 20 steps from init.safetensors in file order and compares the
// final parameters with PyTorch's (expected_sgd.safetensors, made by
// make_reference.py).
use std.nn
use std.losses
use std.optim

let mlp = dense(784, 32) >> relu >> dense(32, 10)

train fmnist {
  model     = mlp
  loss      = cross_entropy
  optimizer = sgd(lr = 0.1)
  data      = idx("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", scale = 1/255)
  batch     = 32
  epochs    = 1
  seed      = 0
}
