use std.nn
use std.losses
use std.optim
let m = dense(-1, 0) >> dense(0, -5)
train t {
  model = m
  loss = mse
  optimizer = adam
  data = idx("a", "b")
}
