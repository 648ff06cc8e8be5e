// RUN: gdc-opt %s -gd-batch | FileCheck %s --check-prefix=BATCH
// RUN: gdc-opt %s -gd-batch -gd-reverse-mode | FileCheck %s --check-prefix=REVERSE
// A backward map the user wrote (gd.custom_backward): gd-batch batches both
// of its regions and sums the parameter's per-example cotangent over the
// batch; gd-reverse-mode uses that region instead of differentiating the
// forward one, then leaves only the forward map.

// BATCH-LABEL: gd.lens @half_gain
// BATCH: gd.custom_backward %{{.*}}, %{{.*}} : tensor<?x3xf32>, tensor<3xf32> -> tensor<?x3xf32> forward
// BATCH: gd.mul %{{.*}}, %{{.*}} : tensor<3xf32>, tensor<?x3xf32> -> tensor<?x3xf32>
// BATCH: } backward {
// BATCH: ^bb0(%{{.*}}: tensor<?x3xf32>, %{{.*}}: tensor<3xf32>, %{{.*}}: tensor<?x3xf32>):
// BATCH: %[[DS:.*]] = gd.mul %{{.*}}, %{{.*}} : tensor<?x3xf32>, tensor<?x3xf32> -> tensor<?x3xf32>
// BATCH: %[[SUM:.*]] = gd.reduce_sum %[[DS]] [0] : tensor<?x3xf32> -> tensor<3xf32>
// BATCH: gd.yield %{{.*}}, %[[SUM]] : tensor<?x3xf32>, tensor<3xf32>

// REVERSE-LABEL: gd.lens @half_gain
// REVERSE-NOT: gd.custom_backward
// REVERSE: } backward {
// REVERSE: ^bb0(%[[S:.*]]: tensor<3xf32>, %[[X:.*]]: tensor<?x3xf32>, %[[DY:.*]]: tensor<?x3xf32>):
// The user's cotangents: s * dy for x, sum over the batch of 0.5 * x * dy for s.
// REVERSE: %[[DX:.*]] = gd.mul %[[S]], %[[DY]]
// REVERSE: %[[HALF:.*]] = gd.mul %{{.*}}, %[[X]]
// REVERSE: %[[DS:.*]] = gd.mul %[[HALF]], %[[DY]]
// REVERSE: %[[SUM:.*]] = gd.reduce_sum %[[DS]] [0]
// REVERSE: gd.yield %[[SUM]], %[[DX]] : tensor<3xf32>, tensor<?x3xf32>
gd.lens @half_gain attributes {num_inputs = 1 : i64, param_inits = ["ones"], param_names = ["s"]} forward {
^bb0(%s: tensor<3xf32>, %x: tensor<3xf32>):
  %y = gd.custom_backward %x, %s : tensor<3xf32>, tensor<3xf32> -> tensor<3xf32> forward {
  ^bb0(%x0: tensor<3xf32>, %s0: tensor<3xf32>):
    %0 = gd.mul %s0, %x0 : tensor<3xf32>, tensor<3xf32> -> tensor<3xf32>
    gd.yield %0 : tensor<3xf32>
  } backward {
  ^bb0(%x0: tensor<3xf32>, %s0: tensor<3xf32>, %dy: tensor<3xf32>):
    %half = gd.constant dense<5.000000e-01> : tensor<f32>
    %dx = gd.mul %s0, %dy : tensor<3xf32>, tensor<3xf32> -> tensor<3xf32>
    %0 = gd.mul %half, %x0 : tensor<f32>, tensor<3xf32> -> tensor<3xf32>
    %ds = gd.mul %0, %dy : tensor<3xf32>, tensor<3xf32> -> tensor<3xf32>
    gd.yield %dx, %ds : tensor<3xf32>, tensor<3xf32>
  }
  gd.yield %y : tensor<3xf32>
} backward {
}
