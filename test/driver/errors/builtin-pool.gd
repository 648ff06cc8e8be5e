// RUN: %gdc %s --verify-diagnostics --emit=mlir
// Pooling windows may overlap and leave a remainder (as torch, floor
// mode), but the padding is at most half the window: a window entirely in
// the padding would have no maximum.
use std.nn
use std.losses
use std.optim

fn pool(x) = max_pool2d(x, 3, padding = 2) // expected-error {{cannot max-pool f32[1, 28, 28] by 3x3 windows with stride 3 and padding 2: the padding must be between 0 and half the window (1)}}

train t {
  model = pool >> flatten >> dense(100, 10)
  loss = cross_entropy
  optimizer = sgd
  data = idx("a", "b", shape = [1, 28, 28])
}
