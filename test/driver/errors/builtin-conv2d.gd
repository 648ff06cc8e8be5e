// RUN: %gdc %s --verify-diagnostics --emit=mlir
// A filter's input channels match the image's; the error names both shapes.
use std.nn
use std.losses
use std.optim

lens bad_conv(k: int) {
  param W: f32[4, 3, k, k] = he_normal()
  fn (x: f32[1, 28, 28]) = conv2d(x, W) // expected-error {{cannot convolve f32[1, 28, 28] with f32[4, 3, 3, 3]: the input has 1 channels but the filter expects 3}}
}

train t {
  model = bad_conv(3) >> flatten >> dense(2704, 10)
  loss = cross_entropy
  optimizer = sgd
  data = idx("a", "b", shape = [1, 28, 28])
}
