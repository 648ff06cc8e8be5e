// Trained on a csv file with a validation split, tested on npy files
// (both written by write_blobs.py: two Gaussian blobs in 4 dimensions).
use std.nn
use std.losses
use std.optim
train blobs {
  model = dense(4, 2)
  loss = cross_entropy
  optimizer = sgd(lr = 0.5)
  data = csv("blobs.csv", label = "class")
  test = npy("test_x.npy", "test_y.npy")
  valid = 0.2
  epochs = 4
  batch = 16
}
