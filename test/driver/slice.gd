// x[a:b] slices the example's first axis; bounds default to the whole axis
// and a negative bound counts from the end.
// RUN: %gdc %s --emit=mlir | FileCheck %s
use std.losses
use std.optim
fn f(x) = x[2:5] * 2 + x[:3] + x[-3:]
train t {
  model = f
  loss = cross_entropy
  optimizer = sgd()
  data = idx("a", "b", shape = [8])
}
// CHECK: gd.slice %[[X:.*]] along 0 from 2 to 5 : tensor<8xf32> -> tensor<3xf32>
// CHECK: gd.slice %[[X]] along 0 from 0 to 3 : tensor<8xf32> -> tensor<3xf32>
// CHECK: gd.slice %[[X]] along 0 from 5 to 8 : tensor<8xf32> -> tensor<3xf32>
