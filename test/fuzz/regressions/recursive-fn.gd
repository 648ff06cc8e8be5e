use std.nn
use std.losses
use std.optim
fn f(x) = f(x) + 1
fn g(x) = h(x * 2)
fn h(x) = g(x - 1)
train t {
  model = f >> g >> dense(784, 10)
  loss = cross_entropy
  optimizer = sgd
  data = idx("a", "b")
}
