// RUN: gdc-opt %s -gd-batch -gd-reverse-mode -gd-build-train-step | FileCheck %s --check-prefix=STEP
// RUN: gdc-opt %s -gd-to-train-step | FileCheck %s --check-prefix=INLINED
// RUN: gdc-opt %s -gd-to-linalg | FileCheck %s --check-prefix=LINALG
// RUN: gdc-opt %s -gd-to-llvm | FileCheck %s --check-prefix=LLVM

// A two-layer model with momentum: forward maps left to right, backward
// maps right to left, the optimizer applied to every parameter.

gd.lens @dense_4_3 attributes {num_inputs = 1 : i64, param_inits = ["glorot_uniform 4 3", "zeros"], param_names = ["W", "b"]} forward {
^bb0(%W: tensor<4x3xf32>, %b: tensor<3xf32>, %x: tensor<4xf32>):
  %0 = gd.matmul %x, %W : tensor<4xf32>, tensor<4x3xf32> -> tensor<3xf32>
  %1 = gd.add %0, %b : tensor<3xf32>, tensor<3xf32> -> tensor<3xf32>
  gd.yield %1 : tensor<3xf32>
} backward {
}
gd.lens @relu_3 attributes {num_inputs = 1 : i64, param_inits = [], param_names = []} forward {
^bb0(%x: tensor<3xf32>):
  %zero = gd.constant dense<0.0> : tensor<f32>
  %0 = gd.max %x, %zero : tensor<3xf32>, tensor<f32> -> tensor<3xf32>
  gd.yield %0 : tensor<3xf32>
} backward {
}
gd.lens @xent_3 attributes {num_inputs = 2 : i64, param_inits = [], param_names = []} forward {
^bb0(%logits: tensor<3xf32>, %label: tensor<i32>):
  %0 = gd.logsumexp %logits [0] : tensor<3xf32> -> tensor<f32>
  %1 = gd.take %logits[%label] : tensor<3xf32>, tensor<i32> -> tensor<f32>
  %2 = gd.sub %0, %1 : tensor<f32>, tensor<f32> -> tensor<f32>
  gd.yield %2 : tensor<f32>
} backward {
}
gd.compose @net [@dense_4_3, @relu_3]
gd.optimizer @momentum attributes {hyper_defaults = [1.000000e-01 : f32, 9.000000e-01 : f32], hyper_names = ["lr", "mu"], state_names = ["v"]} {
^bb0(%p: tensor<f32>, %g: tensor<f32>, %t: tensor<f32>, %lr: tensor<f32>, %mu: tensor<f32>, %v: tensor<f32>):
  %0 = gd.mul %mu, %v : tensor<f32>, tensor<f32> -> tensor<f32>
  %1 = gd.add %0, %g : tensor<f32>, tensor<f32> -> tensor<f32>
  %2 = gd.mul %lr, %1 : tensor<f32>, tensor<f32> -> tensor<f32>
  %3 = gd.sub %p, %2 : tensor<f32>, tensor<f32> -> tensor<f32>
  gd.yield %3, %1 : tensor<f32>, tensor<f32>
}
gd.train_step @t {config = {batch = 2 : i64, epochs = 1 : i64, seed = 7 : i64, train = {format = "idx", images = "x.idx", labels = "y.idx", scale = 0.5 : f64}}, loss = @xent_3, model = @net, model_name = "net", optimizer = @momentum, reduction = "mean"}

// Arguments: params (W, b), their states (v of W, v of b), lr, mu, t, seed,
// x, y, loss, status, then the next params and states, which it writes.
// STEP-LABEL: func.func @gd_step(
// STEP-SAME: %{{[a-z0-9]+}}: memref<4x3xf32>, %{{[a-z0-9]+}}: memref<3xf32>, %{{[a-z0-9]+}}: memref<4x3xf32>, %{{[a-z0-9]+}}: memref<3xf32>,
// STEP-SAME: %{{[a-z0-9]+}}: memref<f32>, %{{[a-z0-9]+}}: memref<f32>, %{{[a-z0-9]+}}: memref<f32>, %{{[a-z0-9]+}}: memref<i64>, %{{[a-z0-9]+}}: memref<?x4xf32>, %{{[a-z0-9]+}}: memref<?xi32>, %{{[a-z0-9]+}}: memref<f32>, %[[STATUS:[a-z0-9]+]]: memref<i32>,
// STEP-SAME: %[[NEXT_W:[a-z0-9]+]]: memref<4x3xf32>, %[[NEXT_B:[a-z0-9]+]]: memref<3xf32>, %[[NEXT_VW:[a-z0-9]+]]: memref<4x3xf32>, %[[NEXT_VB:[a-z0-9]+]]: memref<3xf32>)
// STEP: %[[H1:.*]] = gd.apply_forward @dense_4_3(
// STEP: %[[H2:.*]] = gd.apply_forward @relu_3(%[[H1]])
// STEP: %[[L:.*]] = gd.apply_forward @xent_3(%[[H2]], %{{.*}})
// STEP: %[[MEAN:.*]] = gd.reduce_mean %[[L]] [0]
// STEP: %[[D2:.*]] = gd.apply_backward @xent_3(%[[H2]], %{{.*}}, %{{.*}})
// STEP: %[[D1:.*]] = gd.apply_backward @relu_3(%[[H1]], %[[D2]])
// STEP: %[[GRADS:.*]]:3 = gd.apply_backward @dense_4_3(%{{.*}}, %{{.*}}, %{{.*}}, %[[D1]])
// Each update poisons its parameter where the gradient or a new state is not
// finite, so that checking the loss and the parameters checks all of them.
// The updates are written to the next buffers, never to one the step reads
// (so each may be computed in its destination); the loss and the status
// after them.
// STEP: %[[W:.*]], %[[VW:.*]] = gd.apply_optimizer @momentum(%{{.*}}, %[[GRADS]]#0, %{{.*}}) hypers(%{{.*}}, %{{.*}}) states(%{{.*}}) seed %{{.*}} {gd.poison_non_finite, instance = 0 : i64}
// STEP: %[[B:.*]], %[[VB:.*]] = gd.apply_optimizer @momentum(%{{.*}}, %[[GRADS]]#1, %{{.*}}) hypers(%{{.*}}, %{{.*}}) states(%{{.*}}) seed %{{.*}} {gd.poison_non_finite, instance = 1 : i64}
// STEP-DAG: bufferization.materialize_in_destination %[[W]] in restrict writable %[[NEXT_W]]
// STEP-DAG: bufferization.materialize_in_destination %[[VW]] in restrict writable %[[NEXT_VW]]
// STEP-DAG: bufferization.materialize_in_destination %[[B]] in restrict writable %[[NEXT_B]]
// STEP-DAG: bufferization.materialize_in_destination %[[VB]] in restrict writable %[[NEXT_VB]]
// STEP: %[[OK:.*]] = gd.all_finite %[[MEAN]], %[[W]], %[[B]] : tensor<f32>, tensor<4x3xf32>, tensor<3xf32> -> tensor<i1>
// STEP-NEXT: bufferization.materialize_in_destination %[[MEAN]] in restrict writable
// STEP: bufferization.materialize_in_destination %{{.*}} in restrict writable %[[STATUS]]
// STEP-NOT: materialize_in_destination
// STEP-NOT: scf.if
// STEP: return
// STEP-LABEL: func.func @gd_eval(
// The diagnosis: the same step and `site`; it writes nothing yet.
// STEP-LABEL: func.func @gd_diagnose(
// STEP-SAME: %{{.*}}: memref<i32>, %{{.*}}: memref<i32>) attributes {gd.diagnose}
// STEP-NOT: bufferization.materialize_in_destination
// STEP: return
// STEP: llvm.mlir.global external constant @gd_model_manifest("gdc-model 1\0Ainput f32 4\0Alabel i32\0Aoutput f32 3\0Aparam net.0.W 4,3 glorot_uniform 4 3\0Aparam net.0.b 3 zeros\0Astate v\0Aslots net.0.W v\0Aslots net.0.b v\0Ahyper lr 0.100000001\0Ahyper mu 0.899999976\0Atrain batch 2\0Atrain epochs 1\0Atrain seed 7\0Adata train idx x.idx y.idx 0.5\0A\00")

// Inlined: no lens applications or structure ops remain; the backward's
// recomputation of the forward is merged with the forward by CSE.
// INLINED-NOT: gd.apply_forward
// INLINED-NOT: gd.apply_backward
// INLINED-NOT: gd.lens
// INLINED-LABEL: func.func @gd_step
// INLINED-COUNT-1: gd.logsumexp
// INLINED-NOT: gd.logsumexp
// INLINED: return

// gd-locate-non-finite: in the diagnosis, every operation that can make a
// value non-finite is checked (relu's max cannot, so it is no site), and
// the first not finite is written to `site`; the manifest names each
// site's operation, source location and the map it ran in.
// INLINED-LABEL: func.func @gd_diagnose
// INLINED: %[[MM:.*]] = gd.matmul
// INLINED: gd.all_finite %[[MM]] : tensor<?x3xf32> -> tensor<i1>
// The site is the argument after the next params and states.
// INLINED: bufferization.materialize_in_destination %{{.*}} in restrict writable %arg16 : (tensor<i32>, memref<i32>)
// INLINED-NEXT: return
// INLINED: @gd_model_manifest("{{.*}}\0Asite matmul {{.*}}train-step.mlir:11:8 the%20forward%20map%20of%20net.0\0Asite add {{.*}}train-step.mlir:12:8 the%20forward%20map%20of%20net.0\0Asite logsumexp {{.*}}the%20forward%20map%20of%20the%20loss{{.*}}\0Asite reduce_mean {{.*}} the%20mean%20of%20the%20loss%20over%20the%20batch\0A{{.*}}\0Asite apply_optimizer {{.*}} the%20update%20of%20net.0.W\0Asite apply_optimizer {{.*}} the%20update%20of%20net.0.b\0A\00")

// Lowered: the weight gradient X^T dY reads X through a transposed indexing
// map (no copy); each parameter's update is one fused linalg.generic; the
// input's cotangent, unused, is gone.
// LINALG-DAG: #[[AT:.*]] = affine_map<(d0, d1, d2) -> (d2, d0)>
// LINALG-LABEL: func.func @gd_step
// LINALG-NOT: gd.
// LINALG: linalg.matmul indexing_maps = [#[[AT]],
// LINALG-COUNT-2: arith.mulf %{{.*}}, %{{.*}} : f32
// LINALG-LABEL: func.func @gd_eval

// LLVM: llvm.func @_mlir_ciface_gdrt_matmul
// LLVM: llvm.func @gd_model_step(%{{.*}}: !llvm.ptr, %{{.*}}: i64)
// LLVM: llvm.func @gd_model_eval(%{{.*}}: !llvm.ptr, %{{.*}}: i64)

// RUN: gdc-opt %s -gd-batch -gd-reverse-mode -gd-build-train-step=build-apply=true | FileCheck %s --check-prefix=APPLY
// RUN: gdc-opt %s -gd-to-llvm=build-apply=true | FileCheck %s --check-prefix=APPLY-ABI
// With build-apply, @gd_apply: the step's update of gradients the caller
// gives, in place of x, y and loss (params, states, lr, mu, t, seed, grads,
// status, next params and states), checked and written as the step's.
// APPLY-LABEL: func.func @gd_apply(
// APPLY-SAME: %[[W:[a-z0-9]+]]: memref<4x3xf32>, %{{[a-z0-9]+}}: memref<3xf32>, %{{[a-z0-9]+}}: memref<4x3xf32>, %{{[a-z0-9]+}}: memref<3xf32>,
// APPLY-SAME: %{{[a-z0-9]+}}: memref<f32>, %{{[a-z0-9]+}}: memref<f32>, %{{[a-z0-9]+}}: memref<f32>, %{{[a-z0-9]+}}: memref<i64>, %[[GW:[a-z0-9]+]]: memref<4x3xf32>, %[[GB:[a-z0-9]+]]: memref<3xf32>, %[[STATUS:[a-z0-9]+]]: memref<i32>,
// APPLY-SAME: %[[NEXT_W:[a-z0-9]+]]: memref<4x3xf32>, %{{[a-z0-9]+}}: memref<3xf32>, %{{[a-z0-9]+}}: memref<4x3xf32>, %{{[a-z0-9]+}}: memref<3xf32>)
// APPLY-NOT: gd.apply_forward
// APPLY-NOT: gd.apply_backward
// APPLY-DAG: %[[WT:.*]] = bufferization.to_tensor %[[W]] restrict
// APPLY-DAG: %[[GWT:.*]] = bufferization.to_tensor %[[GW]] restrict
// APPLY: %[[NEW_W:new_param[_0-9]*]], %{{.*}} = gd.apply_optimizer @momentum(%[[WT]], %[[GWT]], %{{.*}}) {{.*}}gd.poison_non_finite
// APPLY: bufferization.materialize_in_destination %[[NEW_W]] in restrict writable %[[NEXT_W]]
// APPLY: gd.all_finite %[[NEW_W]],
// APPLY: bufferization.materialize_in_destination %{{.*}} in restrict writable %[[STATUS]]
// APPLY-NEXT: return

// The runtime's entry point for it (ModelABI.h), only when asked for.
// LLVM-NOT: gd_model_apply
// APPLY-ABI: llvm.func @gd_model_apply(%{{.*}}: !llvm.ptr, %{{.*}}: i64)
