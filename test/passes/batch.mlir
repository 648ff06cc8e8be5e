// RUN: gdc-opt %s -gd-batch | FileCheck %s
// gd-batch lifts per-example lenses to a leading dynamic batch dimension:
// inputs get it, parameters do not, user axes shift past it.

// CHECK-LABEL: gd.lens @dense_relu
// CHECK-SAME: batched
// CHECK: ^bb0(%[[W:.*]]: tensor<4x3xf32>, %[[B:.*]]: tensor<3xf32>, %[[X:.*]]: tensor<?x4xf32>):
// CHECK: %[[MM:.*]] = gd.matmul %[[X]], %[[W]] : tensor<?x4xf32>, tensor<4x3xf32> -> tensor<?x3xf32>
// CHECK: %[[ADD:.*]] = gd.add %[[MM]], %[[B]] : tensor<?x3xf32>, tensor<3xf32> -> tensor<?x3xf32>
// CHECK: gd.max %[[ADD]], %{{.*}} : tensor<?x3xf32>, tensor<f32> -> tensor<?x3xf32>
gd.lens @dense_relu attributes {num_inputs = 1 : i64, param_inits = ["glorot_uniform 4 3", "zeros"], param_names = ["W", "b"]} forward {
^bb0(%W: tensor<4x3xf32>, %b: tensor<3xf32>, %x: tensor<4xf32>):
  %zero = gd.constant dense<0.0> : tensor<f32>
  %0 = gd.matmul %x, %W : tensor<4xf32>, tensor<4x3xf32> -> tensor<3xf32>
  %1 = gd.add %0, %b : tensor<3xf32>, tensor<3xf32> -> tensor<3xf32>
  %2 = gd.max %1, %zero : tensor<3xf32>, tensor<f32> -> tensor<3xf32>
  gd.yield %2 : tensor<3xf32>
} backward {
}

// A batched vector meeting an unbatched matrix is aligned first, so that
// right-aligned broadcasting still pairs the example's own axes.
// CHECK-LABEL: gd.lens @align
// CHECK: ^bb0(%[[M:.*]]: tensor<2x3xf32>, %[[V:.*]]: tensor<?x3xf32>):
// CHECK: %[[E:.*]] = gd.expand_dims %[[V]] [1] : tensor<?x3xf32> -> tensor<?x1x3xf32>
// CHECK: gd.mul %[[E]], %[[M]] : tensor<?x1x3xf32>, tensor<2x3xf32> -> tensor<?x2x3xf32>
// CHECK: gd.reduce_sum %{{.*}} [1, 2] : tensor<?x2x3xf32> -> tensor<?xf32>
gd.lens @align attributes {num_inputs = 1 : i64, param_inits = ["zeros"], param_names = ["m"]} forward {
^bb0(%m: tensor<2x3xf32>, %v: tensor<3xf32>):
  %0 = gd.mul %v, %m : tensor<3xf32>, tensor<2x3xf32> -> tensor<2x3xf32>
  %1 = gd.reduce_sum %0 [0, 1] : tensor<2x3xf32> -> tensor<f32>
  gd.yield %1 : tensor<f32>
} backward {
}

// Matrix times a batched vector becomes the batch times the transpose.
// CHECK-LABEL: gd.lens @matvec
// CHECK: %[[T:.*]] = gd.transpose %{{.*}} [1, 0] : tensor<2x3xf32> -> tensor<3x2xf32>
// CHECK: gd.matmul %{{.*}}, %[[T]] : tensor<?x3xf32>, tensor<3x2xf32> -> tensor<?x2xf32>
gd.lens @matvec attributes {num_inputs = 1 : i64, param_inits = ["zeros"], param_names = ["m"]} forward {
^bb0(%m: tensor<2x3xf32>, %v: tensor<3xf32>):
  %0 = gd.matmul %m, %v : tensor<2x3xf32>, tensor<3xf32> -> tensor<2xf32>
  gd.yield %0 : tensor<2xf32>
} backward {
}

// A loss: both inputs (prediction and label) are batched; the pick by label
// becomes one pick per example, the per-example scalar a vector.
// CHECK-LABEL: gd.lens @xent
// CHECK: ^bb0(%[[L:.*]]: tensor<?x3xf32>, %[[Y:.*]]: tensor<?xi32>):
// CHECK: gd.logsumexp %[[L]] [1] : tensor<?x3xf32> -> tensor<?xf32>
// CHECK: gd.take %[[L]][%[[Y]]] : tensor<?x3xf32>, tensor<?xi32> -> tensor<?xf32>
// CHECK: gd.yield %{{.*}} : tensor<?xf32>
gd.lens @xent attributes {num_inputs = 2 : i64, param_inits = [], param_names = []} forward {
^bb0(%logits: tensor<3xf32>, %label: tensor<i32>):
  %0 = gd.logsumexp %logits [0] : tensor<3xf32> -> tensor<f32>
  %1 = gd.take %logits[%label] : tensor<3xf32>, tensor<i32> -> tensor<f32>
  %2 = gd.sub %0, %1 : tensor<f32>, tensor<f32> -> tensor<f32>
  gd.yield %2 : tensor<f32>
} backward {
}
