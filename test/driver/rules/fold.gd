// gd-fold-update-rules: a chain of elementwise transforms and an optimizer
// whose lr follows a schedule become one gd.optimizer, named like the
// chain, that runs the transforms on g in order, then the optimizer with
// the schedule's value at t for lr.
// RUN: %gdc %s --emit=batched | FileCheck %s
// A chain opened by a per_example transform folds too: its stages, then
// gd.reduce_examples (the batch reduction), then the rest; the model's
// lenses take their parameters per example.
// RUN: sed 's/clip_value(0.5)/clip_each(1.0)/' %s > %t.gd
// RUN: %gdc %t.gd --emit=batched | FileCheck %s --check-prefix=PEREXAMPLE
// PEREXAMPLE: gd.lens @dense_4_3 attributes {{.*}}gd.per_example_params
// PEREXAMPLE-NEXT: ^bb0(%{{.*}}: tensor<?x4x3xf32>, %{{.*}}: tensor<?x3xf32>, %{{.*}}: tensor<?x4xf32>):
// PEREXAMPLE: gd.optimizer @chain attributes {{.*}}hyper_names = ["clip_each.c", "weight_decay.wd", "lr.lr0", "mu"]
// PEREXAMPLE: gd.global_norm
// PEREXAMPLE: %[[CLIPPED:.*]] = gd.mul %{{.*}}, %{{.*}}
// PEREXAMPLE-NEXT: %[[REDUCED:.*]] = gd.reduce_examples %[[CLIPPED]] : tensor<f32>
// PEREXAMPLE: gd.add %[[REDUCED]], %{{.*}}
// A per_example stage after another stage cannot act before the batch
// reduction: gd-check-codegen names it (not the chain).
// RUN: sed 's/weight_decay(1e-3)/clip_each(1.0)/' %s > %t.late.gd
// RUN: not %gdc %t.late.gd -o %t 2>&1 | FileCheck %s --check-prefix=UNFOLDED
// UNFOLDED-NOT: chain(...)
// UNFOLDED: error: a per_example transform that follows a transform that is not per_example (per_example transforms open the chain: they act before the batch reduction) is not supported yet by code generation
// Global states fold too (autoclip's `largest`).
// RUN: sed 's/momentum(lr = linear_warmup(0.1, warm = 10))/autoclip()/' %s > %t.global.gd
// RUN: %gdc %t.global.gd --emit=batched | FileCheck %s --check-prefix=GLOBAL
// GLOBAL: gd.optimizer @chain attributes {global_state_inits = ["zeros"], global_state_names = ["largest"]
// A barrier does not stop folding: the step applies the folded rule in
// phases.
// RUN: sed 's/clip_value(0.5)/clip_norm(1.0)/' %s > %t.norm.gd
// RUN: %gdc %t.norm.gd --emit=batched | FileCheck %s --check-prefix=BARRIER
// BARRIER-NOT: gd.chain
// BARRIER: gd.optimizer @chain attributes {{.*}}hyper_names = ["clip_norm.max_norm", "weight_decay.wd", "lr.lr0", "mu"]
// BARRIER: gd.global_norm
use std.nn
use std.losses
use std.optim

transform per_example clip_each(c: f32) = g * min(1, c / global_norm(g))

train t {
  model     = dense(4, 3)
  loss      = cross_entropy
  optimizer = chain(clip_value(0.5), weight_decay(1e-3), momentum(lr = linear_warmup(0.1, warm = 10)))
  data      = synthetic(n = 64, features = 4, classes = 3)
}

// CHECK-NOT: gd.chain
// CHECK-NOT: gd.transform
// CHECK-NOT: gd.schedule
// CHECK: gd.train_step {{.*}}optimizer = @chain
// CHECK: gd.optimizer @chain attributes {gd.constants = {lr.warm = 10 : i64}, hyper_defaults = [5.000000e-01 : f32, 1.000000e-03 : f32, 1.000000e-01 : f32, 0.899999976 : f32], hyper_names = ["clip_value.limit", "weight_decay.wd", "lr.lr0", "mu"], state_names = ["v"]}
// CHECK-NEXT: ^bb0(%[[P:[a-z0-9]+]]: tensor<f32>, %[[G:[a-z0-9]+]]: tensor<f32>, %[[T:[a-z0-9]+]]: tensor<f32>, %[[LIMIT:[a-z0-9]+]]: tensor<f32>, %[[WD:[a-z0-9]+]]: tensor<f32>, %[[LR0:[a-z0-9]+]]: tensor<f32>, %[[MU:[a-z0-9]+]]: tensor<f32>, %[[V:[a-z0-9]+]]: tensor<f32>):
// clip_value on g, then weight_decay on the clipped g:
// CHECK: %[[NEG:.*]] = gd.neg %[[LIMIT]]
// CHECK: %[[LO:.*]] = gd.max %[[G]], %[[NEG]]
// CHECK: %[[CLIPPED:.*]] = gd.min %[[LO]], %[[LIMIT]]
// CHECK: %[[DECAY:.*]] = gd.mul %[[WD]], %[[P]]
// CHECK: %[[G2:.*]] = gd.add %[[CLIPPED]], %[[DECAY]]
// the schedule at t:
// CHECK: %[[RAMP:.*]] = gd.div %[[T]], %{{.*}}
// CHECK: %[[FRAC:.*]] = gd.min %{{.*}}, %[[RAMP]]
// CHECK: %[[LR:.*]] = gd.mul %[[LR0]], %[[FRAC]]
// then momentum on the transformed gradient:
// CHECK: %[[MV:.*]] = gd.mul %[[MU]], %[[V]]
// CHECK: %[[NEWV:.*]] = gd.add %[[MV]], %[[G2]]
// CHECK: %[[STEP:.*]] = gd.mul %[[LR]], %[[NEWV]]
// CHECK: %[[NEWP:.*]] = gd.sub %[[P]], %[[STEP]]
// CHECK: gd.yield %[[NEWP]], %[[NEWV]]
