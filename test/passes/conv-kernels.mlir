// RUN: gdc-opt %s -convert-gd-to-linalg="conv-kernels=true" | FileCheck %s
// RUN: gdc-opt %s -convert-gd-to-linalg="conv-kernels=true" -one-shot-bufferize="bufferize-function-boundaries" -gd-conv-to-dnnl | FileCheck %s --check-prefix=CALL
// RUN: gdc-opt %s -convert-gd-to-linalg | FileCheck %s --check-prefix=GENERIC

// f32 convolutions of a batch and both their gradients become
// gd.conv2d_kernel (kind 0, 1, 2) writing a fresh tensor; after
// bufferization, each is a call of the runtime's oneDNN kernel. Without
// conv-kernels (and for f64, or one example) they stay generics.

// CHECK-LABEL: func.func @step
// CHECK: %[[N:.*]] = tensor.dim %arg0, %c0
// CHECK: %[[OUT:.*]] = tensor.empty(%[[N]]) : tensor<?x4x8x8xf32>
// CHECK: %[[Y:.*]] = gd.conv2d_kernel 0 %arg0, %arg1 into %[[OUT]] padding 1 stride 1 dilation 1 : tensor<?x2x8x8xf32>, tensor<4x2x3x3xf32>, tensor<?x4x8x8xf32> -> tensor<?x4x8x8xf32>
// CHECK: gd.conv2d_kernel 1 %arg2, %arg1 into %{{.*}} padding 1 stride 1 dilation 1 : tensor<?x4x8x8xf32>, tensor<4x2x3x3xf32>, tensor<?x2x8x8xf32> -> tensor<?x2x8x8xf32>
// CHECK: %[[DW:.*]] = tensor.empty() : tensor<4x2x3x3xf32>
// CHECK: gd.conv2d_kernel 2 %arg2, %arg0 into %[[DW]] padding 1 stride 1 dilation 1 : tensor<?x4x8x8xf32>, tensor<?x2x8x8xf32>, tensor<4x2x3x3xf32> -> tensor<4x2x3x3xf32>
// CHECK-NOT: linalg.generic

// CALL: func.func private @gdrt_conv2d(i32, memref<?x?x?x?xf32, strided<[?, ?, ?, ?], offset: ?>>, memref<?x?x?x?xf32, strided<[?, ?, ?, ?], offset: ?>>, memref<?x?x?x?xf32, strided<[?, ?, ?, ?], offset: ?>>, i64, i64, i64) attributes {llvm.emit_c_interface}
// CALL-LABEL: func.func @step
// CALL: call @gdrt_conv2d(%c0_i32
// CALL: call @gdrt_conv2d(%c1_i32
// CALL: call @gdrt_conv2d(%c2_i32
// CALL-NOT: gd.conv2d_kernel

// GENERIC-LABEL: func.func @step
// GENERIC-NOT: gd.conv2d_kernel
// GENERIC: linalg.generic
func.func @step(%x: tensor<?x2x8x8xf32>, %w: tensor<4x2x3x3xf32>, %dy: tensor<?x4x8x8xf32>)
    -> (tensor<?x4x8x8xf32>, tensor<?x2x8x8xf32>, tensor<4x2x3x3xf32>) {
  %y = gd.conv2d %x, %w padding 1 : tensor<?x2x8x8xf32>, tensor<4x2x3x3xf32> -> tensor<?x4x8x8xf32>
  %dx = gd.conv2d_grad_input %dy, %w, %x padding 1 : tensor<?x4x8x8xf32>, tensor<4x2x3x3xf32>, tensor<?x2x8x8xf32> -> tensor<?x2x8x8xf32>
  %dw = gd.conv2d_grad_filter %dy, %x, %w padding 1 : tensor<?x4x8x8xf32>, tensor<?x2x8x8xf32>, tensor<4x2x3x3xf32> -> tensor<4x2x3x3xf32>
  return %y, %dx, %dw : tensor<?x4x8x8xf32>, tensor<?x2x8x8xf32>, tensor<4x2x3x3xf32>
}

// CHECK-LABEL: func.func @f64_stays_generic
// CHECK-NOT: gd.conv2d_kernel
// CHECK: linalg.generic
func.func @f64_stays_generic(%x: tensor<?x2x8x8xf64>, %w: tensor<4x2x3x3xf64>) -> tensor<?x4x8x8xf64> {
  %y = gd.conv2d %x, %w padding 1 : tensor<?x2x8x8xf64>, tensor<4x2x3x3xf64> -> tensor<?x4x8x8xf64>
  return %y : tensor<?x4x8x8xf64>
}

// A filter per image ([N, O, C, KH, KW], a per_example rule's parameter)
// goes to the kernel as the [N * O, C, KH, KW] it is in memory, with 4
// added to the kind: one grouped convolution, the images as the groups.
// CHECK-LABEL: func.func @filter_per_image
// CHECK: %[[W:.*]] = tensor.collapse_shape %arg1 {{\[\[}}0, 1], [2], [3], [4]] : tensor<?x4x2x3x3xf32> into tensor<?x2x3x3xf32>
// CHECK: gd.conv2d_kernel 4 %arg0, %[[W]] into %{{.*}} : tensor<?x2x8x8xf32>, tensor<?x2x3x3xf32>, tensor<?x4x8x8xf32>
// CHECK: gd.conv2d_kernel 5 %arg2, %{{.*}} into %{{.*}} : tensor<?x4x8x8xf32>, tensor<?x2x3x3xf32>, tensor<?x2x8x8xf32>
// CHECK: %[[N:.*]] = tensor.dim %arg2, %c0
// CHECK: %[[ROWS:.*]] = arith.muli %[[N]], %c4
// CHECK: %[[DW:.*]] = tensor.empty(%[[ROWS]]) : tensor<?x2x3x3xf32>
// CHECK: %[[FLAT:.*]] = gd.conv2d_kernel 6 %arg2, %arg0 into %[[DW]] {{.*}} -> tensor<?x2x3x3xf32>
// CHECK: tensor.expand_shape %[[FLAT]] {{\[\[}}0, 1], [2], [3], [4]] {{.*}} : tensor<?x2x3x3xf32> into tensor<?x4x2x3x3xf32>
func.func @filter_per_image(%x: tensor<?x2x8x8xf32>, %w: tensor<?x4x2x3x3xf32>, %dy: tensor<?x4x8x8xf32>)
    -> (tensor<?x4x8x8xf32>, tensor<?x2x8x8xf32>, tensor<?x4x2x3x3xf32>) {
  %y = gd.conv2d %x, %w padding 1 : tensor<?x2x8x8xf32>, tensor<?x4x2x3x3xf32> -> tensor<?x4x8x8xf32>
  %dx = gd.conv2d_grad_input %dy, %w, %x padding 1 : tensor<?x4x8x8xf32>, tensor<?x4x2x3x3xf32>, tensor<?x2x8x8xf32> -> tensor<?x2x8x8xf32>
  %dw = gd.conv2d_grad_filter %dy, %x, %w padding 1 : tensor<?x4x8x8xf32>, tensor<?x2x8x8xf32>, tensor<?x4x2x3x3xf32> -> tensor<?x4x2x3x3xf32>
  return %y, %dx, %dw : tensor<?x4x8x8xf32>, tensor<?x2x8x8xf32>, tensor<?x4x2x3x3xf32>
}
