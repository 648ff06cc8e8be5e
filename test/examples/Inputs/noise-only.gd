// A loss that does not depend on the parameters (g = 0), so that one step
// of chain(noise(eta = 1, gamma = 0), sgd(1)) moves every parameter by
// exactly minus one standard normal draw.
use std.nn
use std.optim

loss flat(y: f32[64], label: i32) = 0 * sum(y)

train noise {
  model     = dense(64, 64)
  loss      = flat
  optimizer = chain(noise(eta = 1, gamma = 0), sgd(1))
  data      = synthetic(n = 64, features = 64, classes = 64)
  batch     = 64
  epochs    = 1
}
