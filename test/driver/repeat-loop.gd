// A block repeated at least 4 times is applied as one loop over its
// parameters stacked along a new leading dimension (passes/lens/StageLoops.h):
// its forward and backward maps appear once in the step, whatever the
// count, and an elementwise rule updates each stack as one tensor. Three
// repetitions, or --unroll-repeats, apply every stage on its own.
// RUN: %gdc %s --emit=train-step | FileCheck %s
// RUN: %gdc %s --emit=train-step --unroll-repeats | FileCheck %s --check-prefix=UNROLLED
// RUN: sed 's/repeat(12,/repeat(3,/' %s > %t.gd
// RUN: %gdc %t.gd --emit=train-step | FileCheck %s --check-prefix=UNROLLED
use std.nn
use std.losses
use std.optim

train deep {
  model     = dense(6, 8) >> repeat(12, dense(8, 8) >> tanh) >> dense(8, 3)
  loss      = cross_entropy
  optimizer = adam(lr = 1e-3)
  data      = synthetic(n = 64, features = 6, classes = 3)
}

// CHECK-LABEL: func.func @gd_step
// The twelve W (and b) of the block, stacked once.
// CHECK: tensor.concat dim(0) {{.*}} -> tensor<12x8x8xf32>
// CHECK: tensor.concat dim(0) {{.*}} -> tensor<12x8xf32>
// The forward loop saves each stage's inputs for the backward one.
// CHECK: scf.for {{.*}} = %c0 to %c12 step %c1 iter_args({{.*}}) -> (tensor<?x8xf32>, tensor<12x?x8xf32>, tensor<12x?x8xf32>)
// CHECK: gd.matmul
// CHECK: gd.tanh
// CHECK-NOT: gd.tanh
// CHECK: scf.yield
// The backward loop runs the repetitions last to first and stacks the
// gradients.
// CHECK: scf.for {{.*}} -> (tensor<?x8xf32>, tensor<12x8x8xf32>, tensor<12x8xf32>)
// CHECK: arith.subi %c11
// CHECK: scf.yield
// Adam updates the stacked W with its stacked states, as one tensor.
// CHECK: gd.apply_optimizer {{.*}} : (tensor<12x8x8xf32>
// CHECK: bufferization.materialize_in_destination
// CHECK-LABEL: func.func @gd_eval
// CHECK: scf.for
// CHECK-LABEL: func.func @gd_diagnose
// CHECK: scf.for

// UNROLLED-LABEL: func.func @gd_step
// UNROLLED-NOT: scf.for
// UNROLLED-NOT: tensor.concat
// UNROLLED-LABEL: func.func @gd_eval
