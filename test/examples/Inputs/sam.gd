// Sharpness-aware minimisation (grad_at) on a loss whose gradient depends
// on the parameters, 0.5 |x W + b|^2, so that the gradient at the
// perturbed point differs from the gradient at p.
use std.nn

loss half_square(y: f32[3], label: i32) = 0.5 * sum(y * y)

optimizer sam(lr: f32 = 0.1, rho: f32 = 0.05) {
  let e = rho * g / global_norm(g)
  p - lr * grad_at(p + e)
}

train sam {
  model     = dense(4, 3)
  loss      = half_square
  optimizer = sam(lr = 0.1, rho = 0.5)
  data      = csv("phases.csv", label = "class")
  batch     = 8
  epochs    = 1
  seed      = 5
}
