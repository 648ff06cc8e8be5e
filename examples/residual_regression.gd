// residual_regression.gd — regression on a synthetic teacher, no files needed.
//
//   gdc examples/residual_regression.gd -o train && ./train
//
// A residual block holds a sub-lens `f`; `block` names one instance, so
// using it twice shares its parameters (their gradients add up). The data
// is a fixed random teacher (synthetic with classes = 0 gives f32 targets
// shaped like the model's output); 10% of it is held out for validation.
use std.nn
use std.losses
use std.optim

lens residual(d: int) {
  let f = dense(d, d) >> tanh >> dense(d, d)
  fn (x: f32[d]) -> f32[d] = x + f(x)
}

let block = residual(32)
let net = dense(8, 32) >> block >> tanh >> block >> dense(32, 1)

train teacher {
  model     = net
  loss      = mse
  optimizer = adam(lr = 3e-3)
  data      = synthetic(n = 4096, features = 8, classes = 0, seed = 7)
  test      = synthetic(n = 512, features = 8, classes = 0, seed = 7)
  valid     = 0.1
  batch     = 64
  epochs    = 8
  seed      = 1
}
