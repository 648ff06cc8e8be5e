// std.nn's newer layers in one model, on image-shaped examples: flatten
// first, then the pixels joined with a folded copy (concat), layer_norm
// (with its learned scale and shift), gelu, the built-in tanh as a layer.
use std.nn
use std.losses
use std.optim

fn features(x) = concat(x, abs(x - 0.5))

let net = flatten >> features >> dense(1568, 64) >> layer_norm(64) >> gelu
  >> dense(64, 32) >> tanh >> dense(32, 10) >> log_softmax

train t {
  model = net
  loss = nll
  optimizer = adamw(lr = 1e-3)
  data = idx("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", scale = 1/255, shape = [1, 28, 28])
  test = idx("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", scale = 1/255, shape = [1, 28, 28])
  batch = 32
}
