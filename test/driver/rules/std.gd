// The standard library's barrier optimizers, transforms and schedules reach
// gd IR (and say what code generation lacks).
// RUN: %gdc %s --emit=mlir | FileCheck %s
// RUN: %gdc %s --emit=train-step | FileCheck %s --check-prefix=STEP
use std.nn
use std.losses
use std.optim

let net = dense(784, 16) >> relu >> dense(16, 10)
train t {
  model = net
  loss = cross_entropy
  optimizer = { "net.0.*": chain(clip_value(5.0), clip_norm(1.0), weight_decay(),
                                 lamb(lr = cosine(1e-3, steps = 1000))),
                "net.2.W": polyak(),
                "net.2.b": autoclip(lr = step(0.1, every = 10)) }
  data = idx("a", "b")
}
// CHECK-DAG: gd.transform @clip_value attributes {hyper_defaults = [5.000000e+00 : f32], hyper_names = ["limit"]
// CHECK-DAG: gd.transform @clip_norm attributes {hyper_defaults = [1.000000e+00 : f32], hyper_names = ["max_norm"]
// CHECK-DAG: gd.transform @weight_decay attributes {hyper_defaults = [9.99999974E-5 : f32]
// CHECK-DAG: gd.schedule @cosine attributes {gd.constants = {steps = 1000 : i64}, hyper_defaults = [1.000000e-03 : f32], hyper_names = ["lr0"]}
// CHECK-DAG: gd.optimizer @lamb attributes {{{.*}}schedules = {lr = @cosine}, state_names = ["m", "v"]}
// CHECK-DAG: gd.chain @chain [@clip_value, @clip_norm, @weight_decay, @lamb]
// CHECK-DAG: gd.optimizer @polyak attributes {{{.*}}uses_loss}
// CHECK-DAG: gd.schedule @step attributes {gd.constants = {every = 10 : i64}, hyper_defaults = [1.000000e-01 : f32, 1.000000e-01 : f32], hyper_names = ["lr0", "gamma"]}
// CHECK-DAG: gd.optimizer @autoclip attributes {global_state_inits = ["zeros"], global_state_names = ["largest"], {{.*}}schedules = {lr = @step}
// CHECK:     gd.param_groups @groups {ascend = array<i1: false, false, false>, patterns = ["net.0.*", "net.2.W", "net.2.b"], rules = [@chain, @polyak, @autoclip]}
// All of it compiles: the chain and lamb's schedule fold, lamb, clip_norm
// and polyak run in phases, autoclip's global state is a runtime scalar
// whose new value the step computes once (max with the global norm).
// `lr.lr0` is in two groups, so it takes the group's pattern.
// STEP: gd.apply_optimizer @chain.phase{{[0-9]+}}
// STEP: gd.apply_optimizer @polyak.phase0
// STEP: gd.apply_optimizer @autoclip.phase{{[0-9]+}}
// STEP: %[[NEW:.*]] = gd.max %{{.*}}, %{{.*}} : tensor<f32>, tensor<f32> -> tensor<f32>
// STEP: gd.all_finite {{.*}}%[[NEW]]
// STEP-NOT: @autoclip.global0
// STEP: gd_model_manifest
// STEP-SAME: global largest 0\0A
// STEP-SAME: hyper net.0.*.lr.lr0 0.00100000005\0A
// CODEGEN-NOT: internal error
