// The parameter wire in gd IR: transforms, schedules, chain, parameter
// groups with ascend and frozen, global state, global_norm, norm, grad_at,
// loss. Each rule use is an instance with its own hyperparameter defaults.
// RUN: %gdc %s --emit=mlir | FileCheck %s
use std.nn
use std.losses
use std.optim

transform clip_norm(max_norm: f32) = g * min(1, max_norm / global_norm(g))
transform weight_decay(wd: f32) = g + wd * p
transform per_example clip_each(c: f32) = g * min(1, c / global_norm(g))
schedule warmup(lr0: f32, steps: int) = lr0 * min(1, t / steps)
optimizer sam(lr: f32 = 0.1, rho: f32 = 0.05) {
  let e = rho * g / global_norm(g)
  p - lr * grad_at(p + e)
}
optimizer autoclip(lr: f32 = 0.1) {
  global state h: f32[4] = zeros()
  h = max(h, global_norm(g) * loss)
  p - lr * g / max(1, norm(g))
}
let net = dense(784, 32) >> relu >> dense(32, 10) >> dense(10, 10)

train t {
  model = net
  loss = cross_entropy
  optimizer = { "*.W": chain(clip_norm(1.0), weight_decay(1e-4), clip_each(2.0),
                             adam(lr = warmup(1e-3, steps = 100))),
                "net.0.b": autoclip(), "net.2.b": ascend(sam(rho = 0.5)), "net.3.b": frozen }
  data = idx("a", "b")
}

// CHECK:      gd.transform @clip_norm attributes {hyper_defaults = [1.000000e+00 : f32], hyper_names = ["max_norm"], state_names = []} {
// CHECK-NEXT: ^bb0(%[[P:.*]]: tensor<f32>, %[[G:.*]]: tensor<f32>, %{{.*}}: tensor<f32>, %[[MAX:.*]]: tensor<f32>):
// CHECK:        %[[N:.*]] = gd.global_norm %[[G]] : tensor<f32>
// CHECK:        gd.div %[[MAX]], %[[N]]
// CHECK:      gd.transform @weight_decay attributes {hyper_defaults = [9.99999974E-5 : f32]
// CHECK:      gd.transform @clip_each attributes {hyper_defaults = [2.000000e+00 : f32], hyper_names = ["c"], per_example, state_names = []}
// The schedule's int argument is a compile-time constant; lr0 stays a runtime scalar.
// CHECK:      gd.schedule @warmup attributes {gd.constants = {steps = 100 : i64}, hyper_defaults = [1.000000e-03 : f32], hyper_names = ["lr0"]} {
// CHECK-NEXT: ^bb0(%[[T:.*]]: tensor<f32>, %[[LR0:.*]]: tensor<f32>):
// CHECK:        %[[STEPS:.*]] = gd.constant dense<1.000000e+02>
// CHECK:        gd.div %[[T]], %[[STEPS]]
// CHECK:      gd.optimizer @adam attributes {{{.*}}hyper_names = ["lr", "b1", "b2", "eps"], schedules = {lr = @warmup}, state_names = ["m", "v"]}
// CHECK:      gd.chain @chain [@clip_norm, @weight_decay, @clip_each, @adam]
// CHECK:      gd.optimizer @autoclip attributes {global_state_inits = ["zeros"], global_state_names = ["h"], {{.*}}uses_loss}
// CHECK-NEXT: ^bb0(%{{.*}}: tensor<f32>, %[[AG:.*]]: tensor<f32>, %{{.*}}: tensor<f32>, %[[LOSS:.*]]: tensor<f32>, %{{.*}}: tensor<f32>, %[[H:.*]]: tensor<4xf32>):
// CHECK:        %[[AN:.*]] = gd.global_norm %[[AG]]
// CHECK:        gd.mul %[[AN]], %[[LOSS]]
// CHECK:        gd.tensor_norm %[[AG]]
// CHECK:        gd.yield %{{.*}}, %{{.*}} : tensor<f32>, tensor<4xf32>
// CHECK:      gd.optimizer @sam attributes {hyper_defaults = [1.000000e-01 : f32, 5.000000e-01 : f32]
// CHECK:        %[[POINT:.*]] = gd.add
// CHECK:        gd.grad_at %[[POINT]] : tensor<f32>
// CHECK:      gd.param_groups @groups {ascend = array<i1: false, false, true, false>, patterns = ["*.W", "net.0.b", "net.2.b", "net.3.b"], rules = [@chain, @autoclip, @sam, "frozen"]}
// CHECK:      gd.train_step @t {{{.*}}optimizer = @groups
