// nll on log-probabilities: log_softmax >> nll is cross_entropy.
use std.nn
use std.losses
use std.optim

train t {
  model = dense(784, 10) >> log_softmax
  loss = nll
  optimizer = sgd(lr = 0.05)
  data = idx("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", scale = 1/255)
  test = idx("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", scale = 1/255)
  batch = 32
}
