// tiny_mlp.gd — the tiny-mlp benchmark workload (../shared/bench): a
// 32-64-64-1 tanh MLP regressing a noisy synthetic teacher with SGD and
// momentum 0.9, batch 32. So small that per-step overhead, not arithmetic,
// bounds its speed (docs/benchmarks.md). No files needed:
//
//   gdc examples/tiny_mlp.gd -o tiny && ./tiny
use std.nn
use std.losses
use std.optim

let net = dense(32, 64) >> tanh >> dense(64, 64) >> tanh >> dense(64, 1)

train tiny {
  model     = net
  loss      = mse
  optimizer = momentum(lr = 0.01, mu = 0.9)
  data      = synthetic(n = 4096, features = 32, classes = 0, seed = 1)
  test      = synthetic(n = 512, features = 32, classes = 0, seed = 1)
  batch     = 32
  epochs    = 10
  seed      = 0
}
