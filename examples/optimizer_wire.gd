// optimizer_wire.gd — the parameter wire, composed: no data files needed.
//
//   gdc examples/optimizer_wire.gd -o train && ./train
//
// The weights' gradients are clipped to a global norm, decayed, and fed to
// Adam whose learning rate follows a cosine schedule; the biases take plain
// SGD. gdc folds each group's chain and schedule into one update rule and
// applies clip_norm's global_norm as a phase of the step. Every number is a
// runtime hyperparameter: ./train --help lists them, e.g.
// ./train --set lr.lr0=1e-3 --set clip_norm.max_norm=0.5
use std.nn
use std.losses
use std.optim

let net = dense(16, 64) >> gelu >> dense(64, 4)

train teacher {
  model     = net
  loss      = cross_entropy
  optimizer = { "*.W": chain(clip_norm(1.0), weight_decay(1e-4),
                             adam(lr = cosine(3e-3, steps = 384))),
                "*.b": sgd(0.05) }
  data      = synthetic(n = 4096, features = 16, classes = 4, seed = 11)
  test      = synthetic(n = 1024, features = 16, classes = 4, seed = 11)
  batch     = 64
  epochs    = 6
  seed      = 1
}
