// A class label per position: token ids (f32 data) through an embedding and
// a dense network on each token give class scores [8, 11] per example,
// trained on npy labels of shape [8] with cross_entropy averaged over the
// positions (torch's F.cross_entropy on [T, k]).
use std.nn
use std.losses
use std.optim

let tagger = embedding(11, 8) >> dense(8, 16) >> tanh >> dense(16, 11)

train t {
  model     = tagger
  loss      = cross_entropy
  optimizer = sgd(lr = 0.5)
  data      = npy("ids.npy", "tags.npy", shape = [8])
  test      = npy("ids.npy", "tags.npy", shape = [8])
  batch     = 8
  epochs    = 1
}
