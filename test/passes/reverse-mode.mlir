// RUN: gdc-opt %s -gd-batch -gd-reverse-mode | FileCheck %s
// gd-reverse-mode composes the ops' reverse rules into each lens's backward
// region: parameters, inputs, output cotangent -> parameter cotangents and
// the input's cotangent.

// CHECK-LABEL: gd.lens @dense
// CHECK: backward {
// CHECK: ^bb0(%[[W:.*]]: tensor<4x3xf32>, %[[B:.*]]: tensor<3xf32>, %[[X:.*]]: tensor<?x4xf32>, %[[DY:.*]]: tensor<?x3xf32>):
// The bias receives the cotangent summed over the batch (unbroadcast).
// CHECK: %[[DB:.*]] = gd.reduce_sum %[[DY]] [0] : tensor<?x3xf32> -> tensor<3xf32>
// CHECK: %[[WT:.*]] = gd.transpose %[[W]] [1, 0]
// CHECK: %[[DX:.*]] = gd.matmul %[[DY]], %[[WT]] : tensor<?x3xf32>, tensor<3x4xf32> -> tensor<?x4xf32>
// CHECK: %[[XT:.*]] = gd.transpose %[[X]] [1, 0] : tensor<?x4xf32> -> tensor<4x?xf32>
// CHECK: %[[DW:.*]] = gd.matmul %[[XT]], %[[DY]] : tensor<4x?xf32>, tensor<?x3xf32> -> tensor<4x3xf32>
// CHECK: gd.yield %[[DW]], %[[DB]], %[[DX]] : tensor<4x3xf32>, tensor<3xf32>, tensor<?x4xf32>
gd.lens @dense attributes {num_inputs = 1 : i64, param_inits = ["glorot_uniform 4 3", "zeros"], param_names = ["W", "b"]} forward {
^bb0(%W: tensor<4x3xf32>, %b: tensor<3xf32>, %x: tensor<4xf32>):
  %0 = gd.matmul %x, %W : tensor<4xf32>, tensor<4x3xf32> -> tensor<3xf32>
  %1 = gd.add %0, %b : tensor<3xf32>, tensor<3xf32> -> tensor<3xf32>
  gd.yield %1 : tensor<3xf32>
} backward {
}

// relu routes the cotangent where the input was positive (0 at ties).
// CHECK-LABEL: gd.lens @relu
// CHECK: backward {
// CHECK: %[[POS:.*]] = gd.cmp "gt", %{{.*}}, %{{.*}} : tensor<?x3xf32>, tensor<f32> -> tensor<?x3xi1>
// CHECK: %[[Z:.*]] = gd.full_like %[[D:.*]], 0.000000e+00
// CHECK: %[[SEL:.*]] = gd.select %[[POS]], %[[D]], %[[Z]]
// CHECK: gd.yield %[[SEL]] : tensor<?x3xf32>
gd.lens @relu attributes {num_inputs = 1 : i64, param_inits = [], param_names = []} forward {
^bb0(%x: tensor<3xf32>):
  %zero = gd.constant dense<0.0> : tensor<f32>
  %0 = gd.max %x, %zero : tensor<3xf32>, tensor<f32> -> tensor<3xf32>
  gd.yield %0 : tensor<3xf32>
} backward {
}

// A value used twice receives the sum of both cotangents.
// CHECK-LABEL: gd.lens @square
// CHECK: backward {
// CHECK: ^bb0(%[[X:.*]]: tensor<?x3xf32>, %[[DY:.*]]: tensor<?x3xf32>):
// CHECK: %[[A:.*]] = gd.mul %[[DY]], %[[X]]
// CHECK: %[[B:.*]] = gd.mul %[[DY]], %[[X]]
// CHECK: %[[S:.*]] = gd.add %[[A]], %[[B]]
// CHECK: gd.yield %[[S]]
gd.lens @square attributes {num_inputs = 1 : i64, param_inits = [], param_names = []} forward {
^bb0(%x: tensor<3xf32>):
  %0 = gd.mul %x, %x : tensor<3xf32>, tensor<3xf32> -> tensor<3xf32>
  gd.yield %0 : tensor<3xf32>
} backward {
}

// The cross-entropy's cotangent: softmax minus the one-hot label.
// CHECK-LABEL: gd.lens @xent
// CHECK: backward {
// CHECK-DAG: gd.one_hot %{{.*}}, 3 : tensor<?xi32> -> tensor<?x3xf32>
// CHECK-DAG: gd.exp
// CHECK: gd.yield %{{.*}} : tensor<?x3xf32>
gd.lens @xent attributes {num_inputs = 2 : i64, param_inits = [], param_names = []} forward {
^bb0(%logits: tensor<3xf32>, %label: tensor<i32>):
  %0 = gd.logsumexp %logits [0] : tensor<3xf32> -> tensor<f32>
  %1 = gd.take %logits[%label] : tensor<3xf32>, tensor<i32> -> tensor<f32>
  %2 = gd.sub %0, %1 : tensor<f32>, tensor<f32> -> tensor<f32>
  gd.yield %2 : tensor<f32>
} backward {
}

// A max reduction gives the cotangent to the first maximum of each reduced
// slice in row-major order: argmax over the reduced axes against each
// element's flat index there, not every element equal to the maximum.
// CHECK-LABEL: gd.lens @window_max
// CHECK: backward {
// CHECK: %[[ARG:.*]] = gd.argmax %[[X:.*]] [2, 4] : tensor<?x1x2x2x2x2xf32> -> tensor<?x1x2x2xi32>
// CHECK: %[[EXP:.*]] = gd.expand_dims %[[ARG]] [2, 4]
// CHECK: %[[POS:.*]] = gd.flat_index %[[X]] [2, 4] : tensor<?x1x2x2x2x2xf32> -> tensor<?x1x2x2x2x2xi32>
// CHECK: %[[FIRST:.*]] = gd.cmp "eq", %[[POS]], %[[EXP]]
// CHECK: gd.select %[[FIRST]]
// CHECK-NOT: gd.cmp "eq"
// CHECK: gd.yield
gd.lens @window_max attributes {num_inputs = 1 : i64, param_inits = [], param_names = []} forward {
^bb0(%x: tensor<1x2x2x2x2xf32>):
  %0 = gd.reduce_max %x [1, 3] : tensor<1x2x2x2x2xf32> -> tensor<1x2x2xf32>
  gd.yield %0 : tensor<1x2x2xf32>
} backward {
}
