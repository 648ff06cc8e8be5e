// A regression target takes the model's output type, and the loss's label
// annotation must accept it.
// RUN: %gdc %s --emit=mlir | FileCheck %s
// CHECK: gd.lens @mse_2
// CHECK-NEXT: ^bb0(%{{.*}}: tensor<2xf32>, %{{.*}}: tensor<2xf32>):
use std.nn
use std.losses
use std.optim
train t {
  model = dense(3, 2)
  loss = mse
  optimizer = sgd()
  data = npy("x.npy", "y.npy", label_type = f32)
}
