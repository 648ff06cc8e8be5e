// RUN: %gdc %s --verify-diagnostics --emit=mlir
// The windows of conv2d and the pools: each error names the shapes and the
// window's sizes.
use std.nn
use std.losses
use std.optim

fn big(x: f32[1, 4, 4]) = avg_pool2d(x, 5, stride = 1) // expected-error {{cannot average-pool f32[1, 4, 4] by 5x5 windows with stride 1 and padding 0: the window is larger than the padded input's 4x4}}
fn still(x: f32[1, 4, 4], w: f32[2, 1, 3, 3]) = conv2d(x, w, stride = 0) // expected-error {{cannot convolve f32[1, 4, 4] with f32[2, 1, 3, 3]: the stride must be between 1 and 2^24, got 0}}
fn wide(x: f32[1, 4, 4], w: f32[2, 1, 3, 3]) = conv2d(x, w, padding = 0, dilation = 2) // expected-error {{cannot convolve f32[1, 4, 4] with f32[2, 1, 3, 3]: the 3x3 filter dilated by 2 spans 5x5, which is larger than the padded input's 4x4}}
fn holes(x: f32[1, 4, 4]) = max_pool2d(x, 2, dilation = 2) // expected-error {{unknown keyword argument 'dilation' for 'max_pool2d'}}

train t {
  model = dense(16, 10)
  loss = cross_entropy
  optimizer = sgd
  data = idx("a", "b", shape = [16])
}
