// Each state is kept with extent 1 along the axes where the body sets it
// from values that are the same along them (passes/lens/StateShapes.h): a
// row mean's EMA as a column, a state computed from it alike, one never set
// as one number, one set by a branch that the tensor's shape picks as that
// branch says; a state that starts at `p` stays whole. The manifest says
// so, and the step's buffers have those shapes.
// RUN: %gdc %s --emit=train-step | FileCheck %s
// RUN: %gdc %s -o %t && %t --steps 3 --quiet --save %t.safetensors
use std.nn
use std.losses

optimizer shapes(lr: f32 = 0.1) {
  state r = zeros_like(p)
  state q = zeros_like(p)
  state s = p
  state z = zeros_like(p)
  state k = zeros_like(p)
  r = 0.9 * r + mean(g^2, axis = -1)
  q = q + r
  k = if size(p, -2) >= 4 then k + mean(g, axis = -2) else k + g
  p - lr * (g + r + q + s + z + k) / 100
}

train t {
  model     = dense(4, 3)
  loss      = cross_entropy
  optimizer = shapes
  data      = synthetic(n = 64, features = 4, classes = 3)
}

// CHECK-LABEL: func.func @gd_step(%arg0: memref<4x3xf32>, %arg1: memref<3xf32>, %arg2: memref<4x1xf32>, %arg3: memref<4x1xf32>, %arg4: memref<4x3xf32>, %arg5: memref<1x1xf32>, %arg6: memref<1x3xf32>, %arg7: memref<1xf32>, %arg8: memref<1xf32>, %arg9: memref<3xf32>, %arg10: memref<1xf32>, %arg11: memref<3xf32>,
// The body reads r broadcast back (times ones, which keeps -0 and NaN);
// r's new value is computed on its own shape.
// CHECK: %[[ONES:.*]] = gd.full_like %{{.*}}, 1.0{{.*}} : tensor<4x3xf32>
// CHECK: gd.mul %[[ONES]], %{{.*}} : tensor<4x3xf32>, tensor<4x1xf32> -> tensor<4x3xf32>
// CHECK: gd.apply_optimizer @shapes.state0({{.*}} : (tensor<4x1xf32>, tensor<4x1xf32>, tensor<f32>, {{.*}}) -> (tensor<4x1xf32>,
// CHECK: slots model.W r:4,1 q:4,1 s z:1,1 k:1,3\0Aslots model.b r:1 q:1 s z:1 k\0A
