// RUN: gdc-opt %s -gd-matmul-to-blas | FileCheck %s
// f32 products on buffers call the runtime's BLAS kernel; a transposed
// operand becomes a flag, a zero fill just before becomes beta = 0.

// CHECK: func.func private @gdrt_matmul(memref<?x?xf32, strided<[?, ?], offset: ?>>, memref<?x?xf32, strided<[?, ?], offset: ?>>, memref<?x?xf32, strided<[?, ?], offset: ?>>, i32, i32, f32) attributes {llvm.emit_c_interface}

// CHECK-LABEL: func.func @fill_then_product
func.func @fill_then_product(%a: memref<?x4xf32>, %b: memref<4x3xf32>, %c: memref<?x3xf32>) {
  %zero = arith.constant 0.0 : f32
  // CHECK-NOT: linalg.fill
  linalg.fill ins(%zero : f32) outs(%c : memref<?x3xf32>)
  // CHECK: arith.constant 0.000000e+00 : f32
  // CHECK: %[[BETA:.*]] = arith.constant 0.000000e+00 : f32
  // CHECK: %[[NO:.*]] = arith.constant 0 : i32
  // CHECK: %[[NO2:.*]] = arith.constant 0 : i32
  // CHECK: call @gdrt_matmul(%{{.*}}, %{{.*}}, %{{.*}}, %[[NO]], %[[NO2]], %[[BETA]])
  // CHECK-NOT: linalg.matmul
  linalg.matmul ins(%a, %b : memref<?x4xf32>, memref<4x3xf32>) outs(%c : memref<?x3xf32>)
  return
}

// CHECK-LABEL: func.func @transposed_lhs
func.func @transposed_lhs(%a: memref<?x4xf32>, %b: memref<?x3xf32>, %c: memref<4x3xf32>) {
  // CHECK: %[[BETA:.*]] = arith.constant 1.000000e+00 : f32
  // CHECK: %[[ONE:.*]] = arith.constant 1 : i32
  // CHECK: %[[ZERO:.*]] = arith.constant 0 : i32
  // CHECK: call @gdrt_matmul(%{{.*}}, %{{.*}}, %{{.*}}, %[[ONE]], %[[ZERO]], %[[BETA]])
  linalg.matmul indexing_maps = [affine_map<(d0, d1, d2) -> (d2, d0)>, affine_map<(d0, d1, d2) -> (d2, d1)>, affine_map<(d0, d1, d2) -> (d0, d1)>]
    ins(%a, %b : memref<?x4xf32>, memref<?x3xf32>) outs(%c : memref<4x3xf32>)
  return
}
