// Parameter groups in the train step: each parameter is updated by its
// group's rule (folded if it is a chain or scheduled), an ascending group's
// rule sees -g, a frozen parameter is not written. State slots are as many
// as the largest rule needs, named by the states that use them; names of
// hyperparameters that repeat across groups take the group's pattern.
// RUN: %gdc %s --emit=train-step | FileCheck %s
use std.nn
use std.losses
use std.optim

train t {
  model     = dense(4, 8) >> relu >> dense(8, 3)
  loss      = cross_entropy
  optimizer = { "model.0.*": adam(lr = cosine(1e-2, steps = 10)),
                "model.2.W": ascend(momentum(0.1)), "model.2.b": frozen }
  data      = synthetic(n = 64, features = 4, classes = 3)
}

// CHECK-LABEL: func.func @gd_step
// CHECK: %[[NEG:.*]] = gd.neg %{{.*}} : tensor<8x3xf32>
// Adam's bias corrections (1 - b1^t, 1 - b2^t) are uniform: the step
// computes them once and passes them before the hyperparameters.
// CHECK: gd.apply_optimizer @adam.phased({{.*}}) hypers({{.*}}) states(%{{.*}}, %{{.*}}) seed %{{.*}} {gd.poison_non_finite, instance = 0 : i64}
// CHECK: gd.apply_optimizer @adam.phased({{.*}} {gd.poison_non_finite, instance = 1 : i64}
// CHECK: gd.apply_optimizer @momentum(%{{.*}}, %[[NEG]], %{{.*}}) hypers(%{{.*}}, %{{.*}}) states(%{{.*}}) seed %{{.*}} {gd.poison_non_finite, instance = 2 : i64}
// CHECK-NOT: instance = 3
// CHECK-LABEL: func.func @gd_eval
// CHECK: gd_model_manifest
// CHECK-SAME: state m/v\0Astate v\0Aslots model.0.W m v\0Aslots model.0.b m v\0Aslots model.2.W v\0Aslots model.2.b\0Ahyper lr.lr0 0.00999999978\0Ahyper b1 0.899999976\0Ahyper b2 0.999000013\0Ahyper eps 9.99999994e-09\0Ahyper lr 0.100000001\0Ahyper mu 0.899999976\0A
