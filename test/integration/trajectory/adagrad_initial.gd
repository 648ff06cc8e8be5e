// Trajectory test model: the MLP of mlp_sgd.gd trained with std.optim's
// adagrad whose accumulator starts at 0.1 (a state initialiser other than
// zeros_like(p)). state-init.test compares 20 steps with
// torch.optim.Adagrad(initial_accumulator_value = 0.1).
use std.nn
use std.losses
use std.optim

let mlp = dense(784, 32) >> relu >> dense(32, 10)

train fmnist {
  model     = mlp
  loss      = cross_entropy
  optimizer = adagrad(lr = 0.05, eps = 1e-10, initial = 0.1)
  data      = idx("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", scale = 1/255)
  batch     = 32
  epochs    = 1
  seed      = 0
}
