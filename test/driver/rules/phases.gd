// A rule with a barrier and `loss` (Polyak's step size) is applied in
// phases: a derived rule computes global_norm's operand (g) for every
// element of every tensor, the step reduces the squares over all tensors
// and takes the root, and the last phase is the body with the loss and the
// norm as scalar inputs. The rule's uniform part, the step size
// min(lr_max, loss / (c |g|^2 + eps)), the step computes once and passes
// as one more scalar.
// RUN: %gdc %s --emit=train-step | FileCheck %s
use std.nn
use std.losses
use std.optim

train t {
  model     = dense(4, 3)
  loss      = cross_entropy
  optimizer = polyak
  data      = synthetic(n = 64, features = 4, classes = 3)
}

// CHECK: gd.optimizer @polyak.phased attributes {{{.*}}hyper_names = ["%loss", "%barrier0", "%barrier1", "lr_max", "c", "eps"]
// CHECK-NOT: gd.global_norm
// CHECK: gd.optimizer @polyak.phase0 attributes {{{.*}}hyper_names = ["%loss", "lr_max", "c", "eps"]
// CHECK-NEXT: ^bb0(%{{[a-z0-9]+}}: tensor<f32>, %[[G:[a-z0-9]+]]: tensor<f32>,
// CHECK-NEXT: gd.yield %[[G]]
// CHECK-LABEL: func.func @gd_step
// CHECK: %[[LOSS:.*]] = gd.reduce_mean %{{.*}} [0] : tensor<?xf32> -> tensor<f32>
// CHECK: %[[GW:.*]] = gd.apply_optimizer @polyak.phase0(%{{.*}}) hypers(%[[LOSS]], {{.*}} {instance = 0 : i64}
// CHECK: %[[GB:.*]] = gd.apply_optimizer @polyak.phase0(%{{.*}}) hypers(%[[LOSS]], {{.*}} {instance = 1 : i64}
// CHECK: %[[SQW:.*]] = gd.mul %[[GW]], %[[GW]]
// CHECK: %[[SW:.*]] = gd.reduce_sum %[[SQW]] [0, 1] : tensor<4x3xf32> -> tensor<f32>
// CHECK: %[[SQB:.*]] = gd.mul %[[GB]], %[[GB]]
// CHECK: %[[SB:.*]] = gd.reduce_sum %[[SQB]] [0] : tensor<3xf32> -> tensor<f32>
// CHECK: %[[TOTAL:.*]] = gd.add %[[SW]], %[[SB]]
// CHECK: %[[NORM:.*]] = gd.sqrt %[[TOTAL]]
// CHECK: %[[DEN:.*]] = gd.add %{{.*}}, %{{.*}} : tensor<f32>
// CHECK-NEXT: %[[QUOT:.*]] = gd.div %[[LOSS]], %[[DEN]] : tensor<f32>
// CHECK-NEXT: %[[STEP:.*]] = gd.min %{{.*}}, %[[QUOT]] : tensor<f32>
// CHECK-NEXT: gd.apply_optimizer @polyak.phased(%{{.*}}) hypers(%[[LOSS]], %[[NORM]], %[[STEP]], {{.*}} {gd.poison_non_finite, instance = 0 : i64}
// CHECK-NEXT: gd.apply_optimizer @polyak.phased(%{{.*}}) hypers(%[[LOSS]], %[[NORM]], %[[STEP]], {{.*}} {gd.poison_non_finite, instance = 1 : i64}
