// Random draws, `training`, std.nn's dropout and std.optim's noise in gd
// IR, and how the train step binds them.
// RUN: %gdc %s --emit=mlir | FileCheck %s
// Code generation does not take chain(...) yet, so the step is checked with
// plain sgd.
// RUN: sed 's/chain(noise(eta = 0.01), sgd(0.1))/sgd(0.1)/' %s > %t.gd
// RUN: %gdc %t.gd --emit=train-step | FileCheck %s --check-prefix=STEP
use std.nn
use std.losses
use std.optim

// A lens that behaves differently in evaluation, with a float argument.
// CHECK-LABEL: gd.lens @dropout_0p25
// CHECK: %[[T:.*]] = gd.training : tensor<i1>
// CHECK: %[[U:.*]] = gd.random "uniform" %arg0 stream
// CHECK: %[[RATE:.*]] = gd.constant dense<2.500000e-01> : tensor<f32>
// CHECK: %[[DROP:.*]] = gd.cmp "lt", %[[U]], %[[RATE]]
// CHECK: %[[KEPT:.*]] = gd.select %[[DROP]], %{{.*}}, %{{.*}} : tensor<16xi1>, tensor<f32>, tensor<16xf32> -> tensor<16xf32>
// CHECK: gd.select %[[T]], %[[KEPT]], %arg0 : tensor<i1>, tensor<16xf32>, tensor<16xf32> -> tensor<16xf32>

// Each call site is its own stream; a draw is shaped like its argument, and
// normal() / uniform() draw one number (per example, once batched).
fn jitter(x) = x + 0.1 * normal_like(x) + uniform() - 0.5 * uniform_like(x) * normal()
// CHECK-LABEL: gd.lens @jitter_16
// CHECK: %[[N:.*]] = gd.random "normal" %arg0 stream [[S0:[0-9]+]] : tensor<16xf32> -> tensor<16xf32>
// CHECK: %[[ZERO:.*]] = gd.constant dense<0.000000e+00> : tensor<f32>
// CHECK: gd.random "uniform" %[[ZERO]] stream [[S1:[0-9]+]] : tensor<f32> -> tensor<f32>
// CHECK: gd.random "uniform" %arg0 stream [[S2:[0-9]+]] : tensor<16xf32> -> tensor<16xf32>
// CHECK: gd.random "normal" %{{.*}} stream [[S3:[0-9]+]] : tensor<f32> -> tensor<f32>

// Gradient noise: a transform that draws like g.
// CHECK-LABEL: gd.transform @noise
// CHECK: gd.random "normal" %{{.*}} stream {{[0-9]+}} : tensor<f32> -> tensor<f32>

let net = dense(8, 16) >> relu >> dropout(0.25) >> jitter >> dense(16, 3)

train random {
  model     = net
  loss      = cross_entropy
  optimizer = chain(noise(eta = 0.01), sgd(0.1))
  data      = synthetic(n = 256, features = 8, classes = 3)
  batch     = 32
  epochs    = 1
}

// The step takes the run's seed after t, and every draw gets (seed, t) as
// its key and the stage's position (here the third and fourth stages) in
// the high bits of its stream, once: the backward map's recomputation of
// the forward draws is the same op (CSE), so it draws the same.
// STEP-LABEL: func.func @gd_step
// STEP-SAME: %[[TBUF:[a-z0-9]+]]: memref<f32>, %[[SEEDBUF:[a-z0-9]+]]: memref<i64>, %{{[a-z0-9]+}}: memref<?x8xf32>
// STEP-DAG: %[[TT:.*]] = bufferization.to_tensor %[[TBUF]]
// STEP-DAG: %[[SEED:.*]] = bufferization.to_tensor %[[SEEDBUF]]
// STEP: gd.random "uniform" %{{.*}} stream 85899345{{[0-9]+}} key(%[[SEED]], %[[TT]] : tensor<i64>, tensor<f32>) : tensor<?x16xf32>
// STEP: gd.random "normal" %{{.*}} stream 12884901{{[0-9]+}} key(%[[SEED]], %[[TT]] : tensor<i64>, tensor<f32>) : tensor<?x16xf32>
// STEP-NOT: gd.random "uniform" %{{.*}} stream 85899345
// STEP-NOT: gd.training
// Evaluation: dropout is the identity (no uniform draw of its stage), and
// the remaining draws use the fixed key (0, 0).
// STEP-LABEL: func.func @gd_eval
// STEP-NOT: stream 85899345
// STEP: %[[ZS:.*]] = gd.constant dense<0> : tensor<i64>
// STEP: gd.random "normal" %{{.*}} key(%[[ZS]], %{{.*}} : tensor<i64>, tensor<f32>)
// STEP-NOT: gd.training
