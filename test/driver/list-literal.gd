// RUN: %gdc %s --emit=mlir | FileCheck %s
// A list of numbers is one constant; a list of other expressions stacks
// them along a new first axis.
use std.nn
use std.losses
use std.optim

// CHECK: gd.constant dense<{{\[}}[1.000000e+00, 2.000000e+00], [3.000000e+00, -4.000000e+00]]> : tensor<2x2xf32>
// CHECK: gd.expand_dims
// CHECK: gd.concat
fn mix(x: f32[2]) -> f32[2] = [[1.0, 2.0], [3.0, -4.0]] @ x + sum([x, 2 * x], axis = 0)

train t {
  model     = dense(4, 2) >> mix
  loss      = mse
  optimizer = sgd
  data      = npy("x.npy", "y.npy", label_type = f32)
}
