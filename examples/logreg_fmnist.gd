// Multinomial logistic regression on Fashion-MNIST: 784 -> 10, SGD.
//
//   gdc examples/logreg_fmnist.gd -o logreg
//   ./logreg --data-dir /usr/share/datasets/fashion-mnist --epochs 5
use std.nn
use std.losses
use std.optim

train fmnist {
  model     = dense(784, 10)
  loss      = cross_entropy
  optimizer = sgd(lr = 0.1)
  data      = idx("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", scale = 1/255)
  test      = idx("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", scale = 1/255)
  batch     = 256
  epochs    = 5
  seed      = 42
  metrics   = [loss, accuracy]
}
