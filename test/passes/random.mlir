// RUN: gdc-opt %s -gd-batch | FileCheck %s --check-prefix=BATCH
// RUN: gdc-opt %s -gd-to-train-step | FileCheck %s --check-prefix=STEP
// RUN: gdc-opt %s -gd-to-linalg | FileCheck %s --check-prefix=LINALG
// RUN: gdc-opt %s -gd-to-llvm | FileCheck %s --check-prefix=LLVM

// A noisy layer used twice: each use draws its own noise, its backward map
// draws what its forward map drew, and evaluation turns it off.

gd.lens @noisy_3 attributes {num_inputs = 1 : i64, param_inits = ["zeros"], param_names = ["b"]} forward {
^bb0(%b: tensor<3xf32>, %x: tensor<3xf32>):
  %on = gd.training : tensor<i1>
  %n = gd.random "normal" %x stream 0 : tensor<3xf32> -> tensor<3xf32>
  %zero = gd.constant dense<0.0> : tensor<f32>
  %s = gd.random "uniform" %zero stream 1 : tensor<f32> -> tensor<f32>
  %ns = gd.mul %n, %s : tensor<3xf32>, tensor<f32> -> tensor<3xf32>
  %y = gd.add %x, %ns : tensor<3xf32>, tensor<3xf32> -> tensor<3xf32>
  %noisy = gd.select %on, %y, %x : tensor<i1>, tensor<3xf32>, tensor<3xf32> -> tensor<3xf32>
  %out = gd.add %noisy, %b : tensor<3xf32>, tensor<3xf32> -> tensor<3xf32>
  gd.yield %out : tensor<3xf32>
} backward {
}
// A draw whose shape does not depend on the example is still drawn per
// example: its operand is broadcast along the batch.
// BATCH-LABEL: gd.lens @noisy_3
// BATCH: gd.random "normal" %{{.*}} stream 0 : tensor<?x3xf32> -> tensor<?x3xf32>
// BATCH: %[[ONE:.*]] = gd.add %{{.*}}, %{{.*}} : tensor<1xf32>, tensor<?xf32> -> tensor<?xf32>
// BATCH: gd.random "uniform" %[[ONE]] stream 1 : tensor<?xf32> -> tensor<?xf32>

gd.lens @mse_3 attributes {num_inputs = 2 : i64, param_inits = [], param_names = []} forward {
^bb0(%y: tensor<3xf32>, %t: tensor<3xf32>):
  %d = gd.sub %y, %t : tensor<3xf32>, tensor<3xf32> -> tensor<3xf32>
  %s = gd.mul %d, %d : tensor<3xf32>, tensor<3xf32> -> tensor<3xf32>
  %m = gd.reduce_mean %s [0] : tensor<3xf32> -> tensor<f32>
  gd.yield %m : tensor<f32>
} backward {
}
gd.compose @model [@noisy_3, @noisy_3]
gd.optimizer @sgd attributes {hyper_defaults = [1.000000e-01 : f32], hyper_names = ["lr"], state_names = []} {
^bb0(%p: tensor<f32>, %g: tensor<f32>, %t: tensor<f32>, %lr: tensor<f32>):
  %0 = gd.mul %lr, %g : tensor<f32>, tensor<f32> -> tensor<f32>
  %1 = gd.sub %p, %0 : tensor<f32>, tensor<f32> -> tensor<f32>
  gd.yield %1 : tensor<f32>
}
gd.train_step @train {config = {batch = 4 : i64, epochs = 1 : i64}, loss = @mse_3, model = @model, model_name = "model", optimizer = @sgd, reduction = "mean"}

// Four draws in the step: two sites times two uses (instances 0 and 1 in
// the stream's high bits), all keyed by the step's seed and t; the
// backward maps' recomputations were merged with them.
// STEP-LABEL: func.func @gd_step
// STEP-SAME: %[[TB:[a-z0-9]+]]: memref<f32>, %[[SB:[a-z0-9]+]]: memref<i64>, %{{[a-z0-9]+}}: memref<?x3xf32>
// STEP-DAG: %[[T:.*]] = bufferization.to_tensor %[[TB]]
// STEP-DAG: %[[SEED:.*]] = bufferization.to_tensor %[[SB]]
// STEP-DAG: gd.random "normal" %{{.*}} stream 0 key(%[[SEED]], %[[T]] : tensor<i64>, tensor<f32>)
// STEP-DAG: gd.random "uniform" %{{.*}} stream 1 key(%[[SEED]], %[[T]] : tensor<i64>, tensor<f32>)
// STEP-DAG: gd.random "normal" %{{.*}} stream 4294967296 key(%[[SEED]], %[[T]] : tensor<i64>, tensor<f32>)
// STEP-DAG: gd.random "uniform" %{{.*}} stream 4294967297 key(%[[SEED]], %[[T]] : tensor<i64>, tensor<f32>)
// STEP-NOT: gd.random
// STEP-NOT: gd.training
// STEP-LABEL: func.func @gd_eval
// STEP-NOT: gd.random
// STEP-NOT: gd.training
// STEP: return

// The lowering: a parallel generic hashing the element's row-major index;
// normals by Box-Muller.
// LINALG-LABEL: func.func @gd_step
// LINALG: linalg.generic
// LINALG: linalg.index 0
// LINALG: linalg.index 1
// LINALG: arith.xori
// LINALG: arith.shrui
// LINALG: math.log
// LINALG: math.cos
// LLVM: llvm.func @gd_model_step
