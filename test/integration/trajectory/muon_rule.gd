// Muon on a 6-16-8-3 MLP, for matrix-rules.test, on npy data written by
// matrix_rules_reference.py. Muon updates the matrices (one wide, two tall)
// and NAdam the biases, as optax.contrib.muon does. adafactor_rule.gd trains
// the same model with Adafactor.
use std.nn
use std.losses
use std.optim


train muon_run {
  model     = dense(6, 16) >> tanh >> dense(16, 8) >> tanh >> dense(8, 3)
  loss      = cross_entropy
  optimizer = { "*.W": muon(lr = 0.02), "*": nadam(lr = 0.02) }
  data      = npy("x.npy", "y.npy")
  batch     = 8
  epochs    = 1
}
