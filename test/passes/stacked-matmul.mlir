// RUN: gdc-opt %s -convert-gd-to-linalg -gd-fuse-elementwise | FileCheck %s
// RUN: gdc-opt %s -convert-gd-to-linalg -gd-fuse-elementwise -one-shot-bufferize="bufferize-function-boundaries" -gd-matmul-to-blas | FileCheck %s --check-prefix=BLAS

// A product of two stacks of matrices (attention's q @ k^T) is one
// linalg.batch_matmul over the stack axes collapsed to one; an operand
// that is a transpose of its last two axes is read through a transposed
// map, not copied. Elementwise fusion keeps the reshapes around the product
// (folding them would make it a generic that BLAS does not replace).

// CHECK-DAG: #[[S_M_K:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
// CHECK-DAG: #[[S_N_K:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d2, d3)>
// CHECK-DAG: #[[S_M_N:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @scores
// CHECK-SAME: (%[[Q:.*]]: tensor<?x4x6x8xf32>, %[[K:.*]]: tensor<?x4x6x8xf32>)
// CHECK-NOT: linalg.transpose
// CHECK-DAG: %[[QF:.*]] = tensor.collapse_shape %[[Q]] {{\[\[}}0, 1], [2], [3]] : tensor<?x4x6x8xf32> into tensor<?x6x8xf32>
// CHECK-DAG: %[[KF:.*]] = tensor.collapse_shape %[[K]] {{\[\[}}0, 1], [2], [3]] : tensor<?x4x6x8xf32> into tensor<?x6x8xf32>
// CHECK: %[[P:.*]] = linalg.batch_matmul indexing_maps = [#[[S_M_K]], #[[S_N_K]], #[[S_M_N]]] ins(%[[QF]], %[[KF]] : {{.*}}) outs(%{{.*}} : tensor<?x6x6xf32>)
// CHECK: tensor.expand_shape %[[P]] {{\[\[}}0, 1], [2], [3]]
// CHECK-NOT: linalg.generic
// CHECK: return

// BLAS: func.func private @gdrt_batch_matmul(memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>, memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>, memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>, i32, i32, f32) attributes {llvm.emit_c_interface}
// BLAS-LABEL: func.func @scores
// BLAS-NOT: linalg.fill
// BLAS-DAG: %[[NO:.*]] = arith.constant 0 : i32
// BLAS-DAG: %[[YES:.*]] = arith.constant 1 : i32
// BLAS: call @gdrt_batch_matmul(%{{.*}}, %{{.*}}, %{{.*}}, %[[NO]], %[[YES]], %{{.*}})
// BLAS-NOT: linalg.batch_matmul
func.func @scores(%q: tensor<?x4x6x8xf32>, %k: tensor<?x4x6x8xf32>) -> tensor<?x4x6x6xf32> {
  %kt = gd.transpose %k [0, 1, 3, 2] : tensor<?x4x6x8xf32> -> tensor<?x4x8x6xf32>
  %s = gd.matmul %q, %kt : tensor<?x4x6x8xf32>, tensor<?x4x8x6xf32> -> tensor<?x4x6x6xf32>
  return %s : tensor<?x4x6x6xf32>
}

// A transpose of other axes is materialised; the product is still one
// batch_matmul.
// CHECK-LABEL: func.func @heads_first
// CHECK: linalg.transpose
// CHECK: linalg.batch_matmul
// CHECK-NOT: linalg.generic
// CHECK: return
func.func @heads_first(%a: tensor<6x4x8xf32>, %b: tensor<4x8x5xf32>) -> tensor<4x6x5xf32> {
  %at = gd.transpose %a [1, 0, 2] : tensor<6x4x8xf32> -> tensor<4x6x8xf32>
  %p = gd.matmul %at, %b : tensor<4x6x8xf32>, tensor<4x8x5xf32> -> tensor<4x6x5xf32>
  return %p : tensor<4x6x5xf32>
}
