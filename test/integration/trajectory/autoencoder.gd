// Trajectory test model: an autoencoder, whose loss compares the output
// with the example itself (`label = input`), trained with plain SGD.
// autoencoder.test runs 20 steps in file order and compares the parameters
// with PyTorch's (autoencoder_reference.py).
use std.nn
use std.losses
use std.optim

let ae = dense(784, 16) >> tanh >> dense(16, 784) >> sigmoid

train fmnist {
  model     = ae
  loss      = mse
  optimizer = sgd(lr = 0.5)
  data      = idx("train-images-idx3-ubyte.gz", label = input, scale = 1/255)
  batch     = 32
  epochs    = 1
  seed      = 0
}
