// Whole-tensor operations in a rule body are barriers: a phase computes
// the operand for every element, the step takes the row means (reduce,
// then broadcast back along the axis) or the Newton-Schulz iteration
// (normalise, then X <- aX + (bA + cAA)X with A = XX^T, on the wide
// orientation) on the whole tensor, and the value enters the next phases
// per element, like a state.
// RUN: %gdc %s --emit=train-step | FileCheck %s
use std.nn
use std.losses

optimizer rownorm(lr: f32 = 0.1) = p - lr * orthogonalize(g / sqrt(mean(g^2, axis = -1)), steps = 1)

train t {
  model     = linear(4, 3)
  loss      = cross_entropy
  optimizer = rownorm
  data      = synthetic(n = 64, features = 4, classes = 3)
}

// CHECK-LABEL: func.func @gd_step
// CHECK: %[[SQ:.*]] = gd.apply_optimizer @rownorm.phase0(
// CHECK-NEXT: %[[SUM:.*]] = gd.reduce_sum %[[SQ]] [1] : tensor<4x3xf32> -> tensor<4xf32>
// CHECK-NEXT: %[[MEAN:.*]] = gd.div %[[SUM]], %{{.*}} : tensor<4xf32>, tensor<f32> -> tensor<4xf32>
// CHECK-NEXT: %[[COL:.*]] = gd.expand_dims %[[MEAN]] [1] : tensor<4xf32> -> tensor<4x1xf32>
// CHECK-NEXT: %[[ZERO:.*]] = gd.full_like %[[SQ]], 0.0
// CHECK-NEXT: %[[ROWS:.*]] = gd.add %[[ZERO]], %[[COL]] : tensor<4x3xf32>, tensor<4x1xf32> -> tensor<4x3xf32>
// CHECK-NEXT: %[[X:.*]], %{{.*}} = gd.apply_optimizer @rownorm.phase1({{.*}}) states(%[[ROWS]])
// CHECK-NEXT: %[[WIDE:.*]] = gd.transpose %[[X]] [1, 0] : tensor<4x3xf32> -> tensor<3x4xf32>
// CHECK: %[[N:.*]] = gd.div %[[WIDE]], %{{.*}} : tensor<3x4xf32>, tensor<f32> -> tensor<3x4xf32>
// CHECK: %[[A:.*]] = gd.matmul %[[N]], %{{.*}} : tensor<3x4xf32>, tensor<4x3xf32> -> tensor<3x3xf32>
// CHECK: gd.matmul %[[A]], %[[A]] : tensor<3x3xf32>, tensor<3x3xf32> -> tensor<3x3xf32>
// CHECK: %[[BX:.*]] = gd.matmul %{{.*}}, %[[N]] : tensor<3x3xf32>, tensor<3x4xf32> -> tensor<3x4xf32>
// CHECK: %[[NEXT:.*]] = gd.add %{{.*}}, %[[BX]]
// CHECK-NEXT: %[[TALL:.*]] = gd.transpose %[[NEXT]] [1, 0] : tensor<3x4xf32> -> tensor<4x3xf32>
// CHECK-NOT: gd.matmul
// CHECK: gd.apply_optimizer @rownorm.phased({{.*}}) states(%[[ROWS]], %[[TALL]])
