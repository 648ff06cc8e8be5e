// A small MLP: two dense layers, a smooth activation, the mean loss.
use std.nn
use std.losses
use std.optim
train t {
  model = dense(3, 4) >> tanh >> dense(4, 2)
  loss = cross_entropy
  optimizer = sgd(lr = 1)
  data = idx("x.idx", "y.idx", shape = [3])
}
