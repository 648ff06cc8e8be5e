// binary_cross_entropy on ten independent logits, one per class
// (one-vs-rest): the targets are the one-hot label.
use std.nn
use std.losses
use std.optim

loss one_vs_rest(logits: f32[10], label: i32) = binary_cross_entropy(logits, one_hot(label, 10))

train t {
  model = dense(784, 10)
  loss = one_vs_rest
  optimizer = sgd(lr = 0.1)
  data = idx("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", scale = 1/255)
  test = idx("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", scale = 1/255)
  batch = 32
}
