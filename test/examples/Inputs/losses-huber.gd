// huber with its delta set by name in the call.
use std.nn
use std.losses
use std.optim

loss onehot_huber(y: f32[10], label: i32) = huber(y, one_hot(label, 10), delta = 0.5)

train t {
  model = dense(784, 10)
  loss = onehot_huber
  optimizer = sgd(lr = 0.1)
  data = idx("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", scale = 1/255)
  test = idx("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", scale = 1/255)
  batch = 32
}
