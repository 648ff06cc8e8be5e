// A 1-layer version of examples/char_transformer.gd (the lenses of
// examples/transformer.gd, copied next to this file by the test), trained
// on the same text with SGD, for char_transformer_reference.py.
use std.losses
use std.optim
use transformer

train gpl {
  model     = byte_transformer(1, 64, 64, 4)
  loss      = cross_entropy
  optimizer = sgd(lr = 0.5)
  data      = text("GPL-3", context = 64)
  batch     = 4
  epochs    = 1
}
