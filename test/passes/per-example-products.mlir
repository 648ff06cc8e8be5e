// RUN: gdc-opt %s -gd-per-example-products | FileCheck %s

// A per_example rule's dense layer: each example's copy of W (W plus a
// broadcast zero) is read through W itself; each example's squared norm of
// its outer-product gradient a_i b_i^T is sum(a_i^2) sum(b_i^2); and the
// batch mean of the gradients scaled per example is one product A^T (f * B).
// No [B, 784, 128] tensor is left.

// CHECK-LABEL: func.func @dense_layer
// CHECK-NOT: tensor<?x784x128xf32>
// CHECK: gd.matmul %arg0, %arg1 : tensor<?x1x784xf32>, tensor<784x128xf32> -> tensor<?x1x128xf32>
// CHECK: %[[WT:.*]] = gd.transpose %arg1 [1, 0] : tensor<784x128xf32> -> tensor<128x784xf32>
// CHECK: gd.matmul %arg2, %[[WT]] : tensor<?x1x128xf32>, tensor<128x784xf32> -> tensor<?x1x784xf32>
// CHECK: %[[AA:.*]] = gd.mul %[[A:[0-9]+]], %[[A]] : tensor<?x784x1xf32>
// CHECK: %[[SA:.*]] = gd.reduce_sum %[[AA]] [1, 2]
// CHECK: %[[BB:.*]] = gd.mul %arg2, %arg2 : tensor<?x1x128xf32>
// CHECK: %[[SB:.*]] = gd.reduce_sum %[[BB]] [1, 2]
// CHECK: gd.mul %[[SA]], %[[SB]] : tensor<?xf32>, tensor<?xf32> -> tensor<?xf32>
// CHECK: %[[RA:.*]] = gd.reshape %[[A]] [-1, 784] : tensor<?x784x1xf32> -> tensor<?x784xf32>
// CHECK: %[[RB:.*]] = gd.reshape %arg2 [-1, 128] : tensor<?x1x128xf32> -> tensor<?x128xf32>
// CHECK: %[[RF:.*]] = gd.reshape %arg3 [-1, 1] : tensor<?x1x1xf32> -> tensor<?x1xf32>
// CHECK: %[[AT:.*]] = gd.transpose %[[RA]] [1, 0] : tensor<?x784xf32> -> tensor<784x?xf32>
// CHECK: %[[FB:.*]] = gd.mul %[[RB]], %[[RF]] : tensor<?x128xf32>, tensor<?x1xf32> -> tensor<?x128xf32>
// CHECK: %[[SUM:.*]] = gd.matmul %[[AT]], %[[FB]] : tensor<784x?xf32>, tensor<?x128xf32> -> tensor<784x128xf32>
// CHECK: %[[N:.*]] = gd.dim_size %arg3 [0] : tensor<?x1x1xf32>
// CHECK: gd.div %[[SUM]], %[[N]] : tensor<784x128xf32>, tensor<f32> -> tensor<784x128xf32>
func.func @dense_layer(%x: tensor<?x1x784xf32>, %w: tensor<784x128xf32>, %dy: tensor<?x1x128xf32>,
                       %f: tensor<?x1x1xf32>) -> (tensor<?x1x128xf32>, tensor<?x1x784xf32>, tensor<?xf32>, tensor<784x128xf32>) {
  %s = gd.reduce_sum %x [1, 2] : tensor<?x1x784xf32> -> tensor<?xf32>
  %z = gd.full_like %s, 0.000000e+00 : tensor<?xf32>
  %z3 = gd.expand_dims %z [1, 2] : tensor<?xf32> -> tensor<?x1x1xf32>
  %w3 = gd.expand_dims %w [0] : tensor<784x128xf32> -> tensor<1x784x128xf32>
  %copies = gd.add %w3, %z3 : tensor<1x784x128xf32>, tensor<?x1x1xf32> -> tensor<?x784x128xf32>
  %y = gd.matmul %x, %copies : tensor<?x1x784xf32>, tensor<?x784x128xf32> -> tensor<?x1x128xf32>
  %ct = gd.transpose %copies [0, 2, 1] : tensor<?x784x128xf32> -> tensor<?x128x784xf32>
  %dx = gd.matmul %dy, %ct : tensor<?x1x128xf32>, tensor<?x128x784xf32> -> tensor<?x1x784xf32>
  %xt = gd.transpose %x [0, 2, 1] : tensor<?x1x784xf32> -> tensor<?x784x1xf32>
  %g = gd.matmul %xt, %dy : tensor<?x784x1xf32>, tensor<?x1x128xf32> -> tensor<?x784x128xf32>
  %g2 = gd.mul %g, %g : tensor<?x784x128xf32>, tensor<?x784x128xf32> -> tensor<?x784x128xf32>
  %norm2 = gd.reduce_sum %g2 [1, 2] : tensor<?x784x128xf32> -> tensor<?xf32>
  %scaled = gd.mul %g, %f : tensor<?x784x128xf32>, tensor<?x1x1xf32> -> tensor<?x784x128xf32>
  %mean = gd.reduce_mean %scaled [0] : tensor<?x784x128xf32> -> tensor<784x128xf32>
  return %y, %dx, %norm2, %mean : tensor<?x1x128xf32>, tensor<?x1x784xf32>, tensor<?xf32>, tensor<784x128xf32>
}

// A copy plus something other than zero is not W: left alone. So is a
// product that is not an outer product, and a sum over other axes.
// CHECK-LABEL: func.func @left_alone
// CHECK: gd.matmul %arg0, %{{.*}} : tensor<?x1x4xf32>, tensor<?x4x3xf32>
// CHECK: gd.reduce_sum %{{.*}} [1, 2] : tensor<?x4x3xf32>
// CHECK: gd.reduce_sum %{{.*}} [0] : tensor<?x4x3xf32>
func.func @left_alone(%x: tensor<?x1x4xf32>, %w: tensor<4x3xf32>, %b: tensor<?x1x1xf32>,
                      %m: tensor<?x4x2xf32>, %n: tensor<?x2x3xf32>) -> (tensor<?x1x3xf32>, tensor<?xf32>, tensor<4x3xf32>) {
  %w3 = gd.expand_dims %w [0] : tensor<4x3xf32> -> tensor<1x4x3xf32>
  %shifted = gd.add %w3, %b : tensor<1x4x3xf32>, tensor<?x1x1xf32> -> tensor<?x4x3xf32>
  %y = gd.matmul %x, %shifted : tensor<?x1x4xf32>, tensor<?x4x3xf32> -> tensor<?x1x3xf32>
  %g = gd.matmul %m, %n : tensor<?x4x2xf32>, tensor<?x2x3xf32> -> tensor<?x4x3xf32>
  %g2 = gd.mul %g, %g : tensor<?x4x3xf32>, tensor<?x4x3xf32> -> tensor<?x4x3xf32>
  %norm2 = gd.reduce_sum %g2 [1, 2] : tensor<?x4x3xf32> -> tensor<?xf32>
  %scaled = gd.mul %g, %b : tensor<?x4x3xf32>, tensor<?x1x1xf32> -> tensor<?x4x3xf32>
  %sum = gd.reduce_sum %scaled [0] : tensor<?x4x3xf32> -> tensor<4x3xf32>
  return %y, %norm2, %sum : tensor<?x1x3xf32>, tensor<?xf32>, tensor<4x3xf32>
}
