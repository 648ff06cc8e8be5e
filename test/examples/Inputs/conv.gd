// A small convolutional network on image-shaped examples: std.nn's conv
// (3x3 filters, padding 1 keeps the size), relu, 2x2 max and mean pooling,
// flatten, dense. 28x28 -> 14x14 -> 7x7. No test set: evaluating 10000
// images through these unblocked convolutions would dominate the test's
// time; the training loss is the check.
use std.nn
use std.losses
use std.optim

let cnn = conv(1, 4, 3, 1) >> relu >> max_pool2 >> conv(4, 8, 3, 1) >> relu >> avg_pool2
  >> flatten >> dense(392, 10)

train t {
  model = cnn
  loss = cross_entropy
  optimizer = adam(lr = 3e-3)
  data = idx("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", scale = 1/255, shape = [1, 28, 28])
  batch = 32
}
