// A rule whose states hold one value per row, per column or per tensor, for
// kept-states.test: the step keeps `r` as a column, `c` as a row and `n` as
// one number (`m`, momentum, whole), and the checkpoint holds them so.
use std.nn
use std.losses

optimizer row_scaled(lr: f32 = 0.05, beta: f32 = 0.9) {
  state r = zeros_like(p)
  state c = zeros_like(p)
  state n = zeros_like(p)
  state m = zeros_like(p)
  r = beta * r + (1 - beta) * mean(g^2, axis = -1)
  c = beta * c + (1 - beta) * mean(g^2, axis = -2)
  n = beta * n + (1 - beta) * mean(g^2)
  m = beta * m + g
  p - lr * m / sqrt(r * c / n + 1e-8)
}

train kept {
  model     = dense(6, 16) >> tanh >> dense(16, 3)
  loss      = cross_entropy
  optimizer = row_scaled
  data      = npy("x.npy", "y.npy")
  batch     = 8
  epochs    = 1
}
