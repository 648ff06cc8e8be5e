// Trajectory test model: a convolution, ReLU, 2x2 max pooling and a dense
// layer, trained with plain SGD. cnn.test runs 20 steps in file order and
// compares the parameters with PyTorch's (cnn_reference.py). After the ReLU
// many pooling windows hold several equal maxima (zeros), so the test pins
// down which element of a tied window receives the gradient.
use std.nn
use std.losses
use std.optim

let cnn = conv(1, 4, 5, 2) >> relu >> max_pool2 >> flatten >> dense(784, 10)

train fmnist {
  model     = cnn
  loss      = cross_entropy
  optimizer = sgd(lr = 0.1)
  data      = idx("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                  scale = 1/255, shape = [1, 28, 28])
  batch     = 32
  epochs    = 1
  seed      = 0
}
