// RUN: %gdc %s --emit=mlir | FileCheck %s
// The windowed built-ins' keywords reach the ops. std.nn's conv takes an
// optional stride (and dilation); pools whose windows tile the image stay
// a reshape and a reduction, the others become pooling ops.
use std.nn
use std.losses
use std.optim

fn overlapping(x) = max_pool2d(x, 3, stride = 2)
fn padded(x) = avg_pool2d(x, 2, padding = 1)

// CHECK: gd.conv2d %{{.*}}, %{{.*}} padding 1 stride 2 : tensor<1x28x28xf32>, tensor<4x1x3x3xf32> -> tensor<4x14x14xf32>
// CHECK: gd.max_pool2d %{{.*}} window 3 stride 2 padding 0 : tensor<4x14x14xf32> -> tensor<4x6x6xf32>
// CHECK: gd.conv2d %{{.*}}, %{{.*}} padding 2 dilation 2 : tensor<4x6x6xf32>, tensor<4x4x3x3xf32> -> tensor<4x6x6xf32>
// CHECK: gd.avg_pool2d %{{.*}} window 2 stride 2 padding 1 : tensor<4x6x6xf32> -> tensor<4x4x4xf32>
// CHECK: gd.reshape %{{.*}} [4, 2, 2, 2, 2] : tensor<4x4x4xf32> -> tensor<4x2x2x2x2xf32>
// CHECK: gd.reduce_max
train t {
  model = conv(1, 4, 3, 1, stride = 2) >> overlapping >> conv(4, 4, 3, 2, dilation = 2)
          >> padded >> max_pool2 >> flatten >> dense(16, 10)
  loss = cross_entropy
  optimizer = sgd
  data = idx("a", "b", shape = [1, 28, 28])
}
