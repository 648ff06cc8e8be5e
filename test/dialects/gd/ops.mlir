// RUN: gdc-opt %s | gdc-opt | FileCheck %s
// Every gd op parses, verifies, prints, and parses again.

// CHECK-LABEL: gd.lens @ops
gd.lens @ops attributes {num_inputs = 2 : i64, param_inits = ["glorot_uniform 4 3", "zeros"], param_names = ["W", "b"]} forward {
^bb0(%W: tensor<4x3xf32>, %b: tensor<3xf32>, %x: tensor<4xf32>, %label: tensor<i32>):
  // CHECK: gd.constant dense<2.000000e+00> : tensor<f32>
  %two = gd.constant dense<2.0> : tensor<f32>
  // CHECK: gd.matmul %{{.*}}, %{{.*}} : tensor<4xf32>, tensor<4x3xf32> -> tensor<3xf32>
  %0 = gd.matmul %x, %W : tensor<4xf32>, tensor<4x3xf32> -> tensor<3xf32>
  // CHECK: gd.add {{.*}} -> tensor<3xf32>
  %1 = gd.add %0, %b : tensor<3xf32>, tensor<3xf32> -> tensor<3xf32>
  // CHECK: gd.sub {{.*}} : tensor<3xf32>, tensor<f32> -> tensor<3xf32>
  %2 = gd.sub %1, %two : tensor<3xf32>, tensor<f32> -> tensor<3xf32>
  // CHECK: gd.mul
  %3 = gd.mul %2, %2 : tensor<3xf32>, tensor<3xf32> -> tensor<3xf32>
  // CHECK: gd.div
  %4 = gd.div %3, %two : tensor<3xf32>, tensor<f32> -> tensor<3xf32>
  // CHECK: gd.pow
  %5 = gd.pow %4, %two : tensor<3xf32>, tensor<f32> -> tensor<3xf32>
  // CHECK: gd.max
  %6 = gd.max %5, %two : tensor<3xf32>, tensor<f32> -> tensor<3xf32>
  // CHECK: gd.min
  %7 = gd.min %6, %two : tensor<3xf32>, tensor<f32> -> tensor<3xf32>
  // CHECK: gd.cmp "gt", {{.*}} -> tensor<3xi1>
  %8 = gd.cmp "gt", %7, %two : tensor<3xf32>, tensor<f32> -> tensor<3xi1>
  // CHECK: gd.select {{.*}} : tensor<3xi1>, tensor<3xf32>, tensor<f32> -> tensor<3xf32>
  %9 = gd.select %8, %7, %two : tensor<3xi1>, tensor<3xf32>, tensor<f32> -> tensor<3xf32>
  // CHECK: gd.convert {{.*}} : tensor<3xi1> -> tensor<3xf32>
  %10 = gd.convert %8 : tensor<3xi1> -> tensor<3xf32>
  // CHECK: gd.neg
  %11 = gd.neg %9 : tensor<3xf32>
  // CHECK: gd.exp
  %12 = gd.exp %11 : tensor<3xf32>
  // CHECK: gd.log
  %13 = gd.log %12 : tensor<3xf32>
  // CHECK: gd.sqrt
  %14 = gd.sqrt %12 : tensor<3xf32>
  // CHECK: gd.tanh
  %15 = gd.tanh %14 : tensor<3xf32>
  // CHECK: gd.reduce_sum {{.*}} [0] : tensor<3xf32> -> tensor<f32>
  %16 = gd.reduce_sum %15 [0] : tensor<3xf32> -> tensor<f32>
  // CHECK: gd.reduce_mean
  %17 = gd.reduce_mean %13 [0] : tensor<3xf32> -> tensor<f32>
  // CHECK: gd.reduce_max
  %18 = gd.reduce_max %10 [0] : tensor<3xf32> -> tensor<f32>
  // CHECK: gd.logsumexp
  %19 = gd.logsumexp %13 [0] : tensor<3xf32> -> tensor<f32>
  // CHECK: gd.dim_size {{.*}} [0] : tensor<3xf32>
  %20 = gd.dim_size %13 [0] : tensor<3xf32>
  // CHECK: gd.transpose {{.*}} [1, 0] : tensor<4x3xf32> -> tensor<3x4xf32>
  %21 = gd.transpose %W [1, 0] : tensor<4x3xf32> -> tensor<3x4xf32>
  // CHECK: gd.expand_dims {{.*}} [0] : tensor<3xf32> -> tensor<1x3xf32>
  %22 = gd.expand_dims %15 [0] : tensor<3xf32> -> tensor<1x3xf32>
  // CHECK: gd.take {{.*}}[{{.*}}] : tensor<3xf32>, tensor<i32> -> tensor<f32>
  %23 = gd.take %15[%label] : tensor<3xf32>, tensor<i32> -> tensor<f32>
  // CHECK: gd.one_hot {{.*}}, 3 : tensor<i32> -> tensor<3xf32>
  %24 = gd.one_hot %label, 3 : tensor<i32> -> tensor<3xf32>
  // CHECK: gd.full_like {{.*}}, 1.000000e+00 : tensor<3xf32>
  %25 = gd.full_like %24, 1.0 : tensor<3xf32>
  // CHECK: gd.mod {{.*}} : tensor<3xf32>, tensor<f32> -> tensor<3xf32>
  %26 = gd.mod %15, %two : tensor<3xf32>, tensor<f32> -> tensor<3xf32>
  // CHECK: gd.sigmoid
  %27 = gd.sigmoid %26 : tensor<3xf32>
  // CHECK: gd.sin
  %28 = gd.sin %27 : tensor<3xf32>
  // CHECK: gd.cos
  %29 = gd.cos %28 : tensor<3xf32>
  // CHECK: gd.abs
  %30 = gd.abs %29 : tensor<3xf32>
  // CHECK: gd.sign
  %31 = gd.sign %30 : tensor<3xf32>
  // CHECK: gd.floor
  %32 = gd.floor %31 : tensor<3xf32>
  // CHECK: gd.ceil
  %33 = gd.ceil %32 : tensor<3xf32>
  // CHECK: gd.reduce_min {{.*}} [1] : tensor<4x3xf32> -> tensor<4xf32>
  %34 = gd.reduce_min %W [1] : tensor<4x3xf32> -> tensor<4xf32>
  // CHECK: gd.norm {{.*}} [0, 1] : tensor<4x3xf32> -> tensor<f32>
  %35 = gd.norm %W [0, 1] : tensor<4x3xf32> -> tensor<f32>
  // CHECK: gd.argmax {{.*}} [1] : tensor<4x3xf32> -> tensor<4xi32>
  %36 = gd.argmax %W [1] : tensor<4x3xf32> -> tensor<4xi32>
  // CHECK: gd.flat_index {{.*}} [0, 1] : tensor<4x3xf32> -> tensor<4x3xi32>
  %flat = gd.flat_index %W [0, 1] : tensor<4x3xf32> -> tensor<4x3xi32>
  // CHECK: gd.reshape {{.*}} [-1, 2] : tensor<4x3xf32> -> tensor<6x2xf32>
  %37 = gd.reshape %W [-1, 2] : tensor<4x3xf32> -> tensor<6x2xf32>
  // CHECK: gd.concat {{.*}}, {{.*}} along 0 : tensor<3xf32>, tensor<3xf32> -> tensor<6xf32>
  %38 = gd.concat %33, %b along 0 : tensor<3xf32>, tensor<3xf32> -> tensor<6xf32>
  // CHECK: gd.slice {{.*}} along 1 from 1 to 3 : tensor<4x3xf32> -> tensor<4x2xf32>
  %39 = gd.slice %W along 1 from 1 to 3 : tensor<4x3xf32> -> tensor<4x2xf32>
  // CHECK: gd.reshape {{.*}} [1, 2, 6] : tensor<4x3xf32> -> tensor<1x2x6xf32>
  %img = gd.reshape %W [1, 2, 6] : tensor<4x3xf32> -> tensor<1x2x6xf32>
  // CHECK: gd.constant dense<1.000000e+00> : tensor<2x1x2x2xf32>
  %k = gd.constant dense<1.0> : tensor<2x1x2x2xf32>
  // CHECK: gd.conv2d {{.*}} padding 1 : tensor<1x2x6xf32>, tensor<2x1x2x2xf32> -> tensor<2x3x7xf32>
  %40 = gd.conv2d %img, %k padding 1 : tensor<1x2x6xf32>, tensor<2x1x2x2xf32> -> tensor<2x3x7xf32>
  // CHECK: gd.conv2d_grad_input {{.*}} padding 1 : {{.*}} -> tensor<1x2x6xf32>
  %41 = gd.conv2d_grad_input %40, %k, %img padding 1 : tensor<2x3x7xf32>, tensor<2x1x2x2xf32>, tensor<1x2x6xf32> -> tensor<1x2x6xf32>
  // CHECK: gd.conv2d_grad_filter {{.*}} padding 1 : {{.*}} -> tensor<2x1x2x2xf32>
  %42 = gd.conv2d_grad_filter %40, %img, %k padding 1 : tensor<2x3x7xf32>, tensor<1x2x6xf32>, tensor<2x1x2x2xf32> -> tensor<2x1x2x2xf32>
  // A filter per image of a batch: [N, O, C, KH, KW].
  %imgs = gd.constant dense<1.0> : tensor<3x1x2x6xf32>
  %ks = gd.constant dense<1.0> : tensor<3x2x1x2x2xf32>
  // CHECK: gd.conv2d {{.*}} padding 1 : tensor<3x1x2x6xf32>, tensor<3x2x1x2x2xf32> -> tensor<3x2x3x7xf32>
  %perImage = gd.conv2d %imgs, %ks padding 1 : tensor<3x1x2x6xf32>, tensor<3x2x1x2x2xf32> -> tensor<3x2x3x7xf32>
  // CHECK: gd.conv2d_grad_filter {{.*}} -> tensor<3x2x1x2x2xf32>
  %perImageGrad = gd.conv2d_grad_filter %perImage, %imgs, %ks padding 1 : tensor<3x2x3x7xf32>, tensor<3x1x2x6xf32>, tensor<3x2x1x2x2xf32> -> tensor<3x2x1x2x2xf32>
  // Stride and dilation print only when they are not 1: (2 + 2 - 2 - 1) / 2
  // + 1 = 1 row, (6 + 2 - 2 - 1) / 2 + 1 = 3 columns.
  // CHECK: gd.conv2d {{.*}} padding 1 stride 2 dilation 2 : tensor<1x2x6xf32>, tensor<2x1x2x2xf32> -> tensor<2x1x3xf32>
  %43 = gd.conv2d %img, %k padding 1 stride 2 dilation 2 : tensor<1x2x6xf32>, tensor<2x1x2x2xf32> -> tensor<2x1x3xf32>
  // CHECK: gd.conv2d_grad_input {{.*}} padding 1 stride 2 dilation 2 : {{.*}} -> tensor<1x2x6xf32>
  %44 = gd.conv2d_grad_input %43, %k, %img padding 1 stride 2 dilation 2 : tensor<2x1x3xf32>, tensor<2x1x2x2xf32>, tensor<1x2x6xf32> -> tensor<1x2x6xf32>
  // CHECK: gd.conv2d_grad_filter {{.*}} padding 1 stride 2 dilation 2 : {{.*}} -> tensor<2x1x2x2xf32>
  %45 = gd.conv2d_grad_filter %43, %img, %k padding 1 stride 2 dilation 2 : tensor<2x1x3xf32>, tensor<1x2x6xf32>, tensor<2x1x2x2xf32> -> tensor<2x1x2x2xf32>
  // Overlapping 2x2 windows one apart; padded ones two apart, (6 + 2 - 2) / 2
  // + 1 = 4 columns.
  // CHECK: gd.max_pool2d {{.*}} window 2 stride 1 padding 0 : tensor<1x2x6xf32> -> tensor<1x1x5xf32>
  %46 = gd.max_pool2d %img window 2 stride 1 padding 0 : tensor<1x2x6xf32> -> tensor<1x1x5xf32>
  // CHECK: gd.max_pool2d_grad {{.*}} window 2 stride 1 padding 0 : tensor<1x1x5xf32>, tensor<1x2x6xf32> -> tensor<1x2x6xf32>
  %47 = gd.max_pool2d_grad %46, %img window 2 stride 1 padding 0 : tensor<1x1x5xf32>, tensor<1x2x6xf32> -> tensor<1x2x6xf32>
  // CHECK: gd.avg_pool2d {{.*}} window 2 stride 2 padding 1 : tensor<1x2x6xf32> -> tensor<1x2x4xf32>
  %48 = gd.avg_pool2d %img window 2 stride 2 padding 1 : tensor<1x2x6xf32> -> tensor<1x2x4xf32>
  // CHECK: gd.avg_pool2d_grad {{.*}} window 2 stride 2 padding 1 : tensor<1x2x4xf32>, tensor<1x2x6xf32> -> tensor<1x2x6xf32>
  %49 = gd.avg_pool2d_grad %48, %img window 2 stride 2 padding 1 : tensor<1x2x4xf32>, tensor<1x2x6xf32> -> tensor<1x2x6xf32>
  gd.yield %23 : tensor<f32>
} backward {
}

// CHECK: gd.compose @model [@ops, @ops]
gd.compose @model [@ops, @ops]

// CHECK-LABEL: gd.optimizer @sgd
gd.optimizer @sgd attributes {hyper_defaults = [1.000000e-01 : f32], hyper_names = ["lr"], state_names = ["v"]} {
^bb0(%p: tensor<f32>, %g: tensor<f32>, %t: tensor<f32>, %lr: tensor<f32>, %v: tensor<f32>):
  %0 = gd.mul %lr, %g : tensor<f32>, tensor<f32> -> tensor<f32>
  %1 = gd.sub %p, %0 : tensor<f32>, tensor<f32> -> tensor<f32>
  gd.yield %1, %v : tensor<f32>, tensor<f32>
}

// CHECK-LABEL: func.func @apply
func.func @apply(%p: tensor<3xf32>, %g: tensor<3xf32>, %t: tensor<f32>, %lr: tensor<f32>, %v: tensor<3xf32>) -> tensor<3xf32> {
  // CHECK: gd.apply_optimizer @sgd({{.*}}) hypers({{.*}}) states({{.*}})
  %new, %state = gd.apply_optimizer @sgd(%p, %g, %t) hypers(%lr) states(%v) : (tensor<3xf32>, tensor<3xf32>, tensor<f32>, tensor<f32>, tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>)
  return %new : tensor<3xf32>
}

// Random draws, the run-mode flag, and applications bound to a step's
// context.
// CHECK-LABEL: gd.lens @noisy
gd.lens @noisy attributes {num_inputs = 1 : i64, param_inits = [], param_names = []} forward {
^bb0(%x: tensor<4xf32>):
  // CHECK: gd.training : tensor<i1>
  %on = gd.training : tensor<i1>
  // CHECK: gd.random "normal" %{{.*}} stream 3 : tensor<4xf32> -> tensor<4xf32>
  %n = gd.random "normal" %x stream 3 : tensor<4xf32> -> tensor<4xf32>
  %y = gd.add %x, %n : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  %z = gd.select %on, %y, %x : tensor<i1>, tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  gd.yield %z : tensor<4xf32>
} backward {
}

// CHECK-LABEL: func.func @bound
func.func @bound(%x: tensor<?x4xf32>, %seed: tensor<i64>, %t: tensor<f32>, %on: tensor<i1>) -> tensor<?x4xf32> {
  // CHECK: gd.random "uniform" %{{.*}} stream 4294967299 key(%{{.*}}, %{{.*}} : tensor<i64>, tensor<f32>) : tensor<?x4xf32> -> tensor<?x4xf32>
  %u = gd.random "uniform" %x stream 4294967299 key(%seed, %t : tensor<i64>, tensor<f32>) : tensor<?x4xf32> -> tensor<?x4xf32>
  // CHECK: gd.apply_forward @noisy(%{{.*}}) context(%{{.*}}, %{{.*}}, %{{.*}} : tensor<i64>, tensor<f32>, tensor<i1>) {instance = 1 : i64}
  %y = gd.apply_forward @noisy(%u) context(%seed, %t, %on : tensor<i64>, tensor<f32>, tensor<i1>) {instance = 1 : i64} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  return %y : tensor<?x4xf32>
}
