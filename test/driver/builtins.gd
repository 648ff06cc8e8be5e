// RUN: %gdc %s --emit=mlir | FileCheck %s
// RUN: %gdc %s --emit=llvm-dialect -o /dev/null
// Each built-in becomes its gd op, at the example's shapes: elementwise
// ones keep the shape, reductions drop the reduced axes, shape built-ins
// compute the new shape, argmax gives i32, and an integer % stays integer.
use std.nn
use std.losses
use std.optim

fn elementwise(x) = abs(x) + sign(x) + floor(x) + ceil(x) + sin(x) + cos(x)
  + sigmoid(x) + where(x > 0, x, 0.5 * x) + x % 3
fn shapes(x) = concat(flatten(transpose(reshape(x, [2, 5]))), one_hot(argmax(x), 4))
fn reductions(x) = x * norm(x) + min(x) + sum(min(reshape(x, [7, 2]), axis = 0))
// (Number literals are f32, so an integer divisor is built from the label.)
loss scored(y: f32[14], label: i32) =
  cross_entropy(y, label % (ones_like(label) + ones_like(label)))

train t {
  model = dense(784, 10) >> elementwise >> shapes >> reductions
  loss = scored
  optimizer = sgd
  data = idx("a", "b")
}

// CHECK-LABEL: gd.lens @elementwise_10
// CHECK: gd.abs %arg0 : tensor<10xf32>
// CHECK: gd.sign %arg0 : tensor<10xf32>
// CHECK: gd.floor %arg0 : tensor<10xf32>
// CHECK: gd.ceil %arg0 : tensor<10xf32>
// CHECK: gd.sin %arg0 : tensor<10xf32>
// CHECK: gd.cos %arg0 : tensor<10xf32>
// CHECK: gd.sigmoid %arg0 : tensor<10xf32>
// CHECK: %[[POS:.*]] = gd.cmp "gt", %arg0
// CHECK: gd.select %[[POS]], %arg0, %{{.*}} : tensor<10xi1>, tensor<10xf32>, tensor<10xf32> -> tensor<10xf32>
// CHECK: gd.mod %arg0, %{{.*}} : tensor<10xf32>, tensor<f32> -> tensor<10xf32>

// CHECK-LABEL: gd.lens @shapes_10
// CHECK: %[[GRID:.*]] = gd.reshape %arg0 [2, 5] : tensor<10xf32> -> tensor<2x5xf32>
// CHECK: %[[T:.*]] = gd.transpose %[[GRID]] [1, 0] : tensor<2x5xf32> -> tensor<5x2xf32>
// CHECK: %[[FLAT:.*]] = gd.reshape %[[T]] [10] : tensor<5x2xf32> -> tensor<10xf32>
// CHECK: %[[I:.*]] = gd.argmax %arg0 [0] : tensor<10xf32> -> tensor<i32>
// CHECK: %[[HOT:.*]] = gd.one_hot %[[I]], 4 : tensor<i32> -> tensor<4xf32>
// CHECK: gd.concat %[[FLAT]], %[[HOT]] along 0 : tensor<10xf32>, tensor<4xf32> -> tensor<14xf32>

// CHECK-LABEL: gd.lens @reductions_14
// CHECK: gd.norm %arg0 [0] : tensor<14xf32> -> tensor<f32>
// CHECK: gd.reduce_min %arg0 [0] : tensor<14xf32> -> tensor<f32>
// CHECK: %[[ROWS:.*]] = gd.reshape %arg0 [7, 2] : tensor<14xf32> -> tensor<7x2xf32>
// CHECK: gd.reduce_min %[[ROWS]] [0] : tensor<7x2xf32> -> tensor<2xf32>

// CHECK-LABEL: gd.lens @scored_14
// CHECK: gd.mod %arg1, %{{.*}} : tensor<i32>, tensor<i32> -> tensor<i32>
