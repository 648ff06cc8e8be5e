// Regression losses need float targets: the one-hot label. A loss is also
// a function, so a program's loss can wrap std's.
use std.nn
use std.losses
use std.optim

loss onehot_mae(y: f32[10], label: i32) = mae(softmax(y), one_hot(label, 10))

train t {
  model = dense(784, 10)
  loss = onehot_mae
  optimizer = adam(lr = 1e-2)
  data = idx("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", scale = 1/255)
  test = idx("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", scale = 1/255)
  batch = 32
}
