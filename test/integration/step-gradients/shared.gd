// One instance used twice: its gradient is the sum over both uses.
use std.nn
use std.losses
use std.optim
let enc = dense(3, 3) >> tanh
train t {
  model = enc >> enc >> dense(3, 2)
  loss = cross_entropy
  optimizer = sgd(lr = 1)
  data = idx("x.idx", "y.idx", shape = [3])
}
