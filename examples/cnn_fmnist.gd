// The shared cnn-fmnist workload: two 5x5 convolutions (1 -> 32 -> 64
// channels, padding 2), each with ReLU and 2x2 max pooling, then a dense
// layer of 1024 and one to the 10 classes; Adam, batch 64.
//
//   gdc examples/cnn_fmnist.gd -o cnn
//   ./cnn --data-dir /usr/share/datasets/fashion-mnist
use std.nn
use std.losses
use std.optim

let cnn = conv(1, 32, 5, 2) >> relu >> max_pool2
       >> conv(32, 64, 5, 2) >> relu >> max_pool2
       >> flatten >> dense(7 * 7 * 64, 1024) >> relu >> dense(1024, 10)

train fmnist {
  model     = cnn
  loss      = cross_entropy
  optimizer = adam(lr = 1e-3)
  data      = idx("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                  scale = 1/255, shape = [1, 28, 28])
  test      = idx("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz",
                  scale = 1/255, shape = [1, 28, 28])
  batch     = 64
  epochs    = 2
}
