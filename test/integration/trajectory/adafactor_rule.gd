// Adafactor on the MLP of muon_rule.gd, for matrix-rules.test: factor_min = 4
// factors the second moments of the 6x16 and 16x8 matrices and keeps the 8x3
// matrix's and the biases' whole.
use std.nn
use std.losses
use std.optim


train adafactor_run {
  model     = dense(6, 16) >> tanh >> dense(16, 8) >> tanh >> dense(8, 3)
  loss      = cross_entropy
  optimizer = adafactor(lr = 0.05, factor_min = 4)
  data      = npy("x.npy", "y.npy")
  batch     = 8
  epochs    = 1
}
