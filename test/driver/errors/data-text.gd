// RUN: %gdc %s --verify-diagnostics --emit=mlir
// text data labels each position with the next byte: the model scores 256
// classes per position.
use std.nn
use std.losses
use std.optim
train t {
  model = embedding(256, 8) >> dense(8, 10) // expected-error {{the model's output is f32[16, 10], but text data labels each of its 16 positions with the next byte, one of 256 classes: the model must output f32[16, 256]}}
  loss = cross_entropy
  optimizer = sgd
  data = text("corpus.txt", context = 16) // expected-note {{the data is here}}
}
