// AutoClip's global state across steps, on the loss 0.5 |x W + b|^2 whose
// gradient shrinks as training goes on: the largest gradient norm seen so
// far, from the first step, keeps scaling the later, smaller ones.
use std.nn
use std.optim

loss half_square(y: f32[3], label: i32) = 0.5 * sum(y * y)

train autoclip {
  model     = dense(4, 3)
  loss      = half_square
  optimizer = autoclip(lr = 0.1, ratio = 0.5)
  data      = csv("phases.csv", label = "class")
  batch     = 8
  epochs    = 3
  seed      = 5
}
