// A classifier regularised with dropout, trained on synthetic data (a fixed
// random teacher labels the examples), so it needs no data files:
//
//   gdc examples/dropout_classifier.gd -o train && ./train
//
// dropout(0.2) zeroes a fifth of the hidden units at random in every
// training step (each example its own draws, reproducible from --seed) and
// is the identity when the model is evaluated.
use std.nn
use std.losses
use std.optim

let net = dense(16, 64) >> relu >> dropout(0.2)
       >> dense(64, 64) >> relu >> dropout(0.2)
       >> dense(64, 4)

train teacher {
  model     = net
  loss      = cross_entropy
  optimizer = adam(lr = 3e-3)
  data      = synthetic(n = 4096, features = 16, classes = 4, seed = 3)
  test      = synthetic(n = 1024, features = 16, classes = 4, seed = 3)
  batch     = 64
  epochs    = 6
  seed      = 1
}
