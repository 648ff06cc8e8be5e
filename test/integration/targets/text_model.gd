// Next-byte prediction from `text(...)` data: windows of 8 bytes of
// corpus.txt, each position labelled with the byte after it, through an
// embedding and a dense layer per position (a bigram model).
use std.nn
use std.losses
use std.optim

lens bigram() {
  let embed = embedding(256, 8)
  let out = dense(8, 256)
  fn (ids: f32[8]) -> f32[8, 256] = out(embed(ids))
}

train t {
  model     = bigram()
  loss      = cross_entropy
  optimizer = sgd(lr = 1.0)
  data      = text("corpus.txt", context = 8)
  batch     = 4
  epochs    = 1
}
