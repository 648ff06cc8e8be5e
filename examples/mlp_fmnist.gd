// A Fashion-MNIST classifier: a 784-256-128-10 ReLU MLP trained with Adam.
//
//   gdc examples/mlp_fmnist.gd -o train
//   ./train --data-dir /usr/share/datasets/fashion-mnist --epochs 5 --log run.jsonl
use std.nn
use std.losses
use std.optim

let mlp = dense(784, 256) >> relu >> dense(256, 128) >> relu >> dense(128, 10)

train fmnist {
  model     = mlp
  loss      = cross_entropy
  optimizer = adam(lr = 1e-3)
  data      = idx("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", scale = 1/255)
  test      = idx("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", scale = 1/255)
  batch     = 128
  epochs    = 5
  seed      = 42
  metrics   = [loss, accuracy]
}
