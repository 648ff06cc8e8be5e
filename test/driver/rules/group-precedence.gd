// Parameter groups: where several patterns match a parameter, the most
// specific (most characters other than '*') gives its rule, so a catch-all
// "*" beside "*.W" works, and "*.enc.*" beats "*.W" for the encoder's W.
// RUN: %gdc %s --emit=train-step | FileCheck %s
use std.nn
use std.losses
use std.optim

lens tower() {
  let enc = dense(4, 6) >> relu
  let head = dense(6, 3)
  fn (x: f32[4]) -> f32[3] = head(enc(x))
}

train t {
  model     = tower()
  loss      = cross_entropy
  optimizer = { "*.W": adam(), "*.enc.*": frozen, "*": momentum() }
  data      = synthetic(n = 64, features = 4, classes = 3)
}

// Parameters in order: enc.0.W, enc.0.b (frozen), head.W (adam), head.b
// (momentum).
// CHECK-LABEL: func.func @gd_step
// CHECK-NOT: instance = 0
// CHECK-NOT: instance = 1
// CHECK-DAG: gd.apply_optimizer @adam.phased({{.*}} {gd.poison_non_finite, instance = 2 : i64}
// CHECK-DAG: gd.apply_optimizer @momentum({{.*}} {gd.poison_non_finite, instance = 3 : i64}
// CHECK-LABEL: func.func @gd_eval
