// RUN: %gdc %s --verify-diagnostics --emit=mlir
// Pooling windows tile the image exactly.
use std.nn
use std.losses
use std.optim

fn pool(x) = max_pool2d(x, 3) // expected-error {{'max_pool2d' of f32[1, 28, 28] by 3x3 windows: the height and width must be multiples of 3}}

train t {
  model = pool >> flatten >> dense(81, 10)
  loss = cross_entropy
  optimizer = sgd
  data = idx("a", "b", shape = [1, 28, 28])
}
