// RUN: gdc-opt %s -split-input-file -pass-pipeline='builtin.module(func.func(gd-compute-in-destination))' | FileCheck %s

// An update written to its next buffer is computed there: the generic's
// inits become the buffers (restrict writable), one per result, even where
// CSE made one tensor.empty serve all of them; the other empty uses get
// empties of their own.
#id = affine_map<(d0) -> (d0)>
// CHECK-LABEL: func.func @update(
// CHECK-SAME: %[[P:.*]]: memref<8xf32>, %[[G:.*]]: memref<8xf32>, %[[NEXT_P:.*]]: memref<8xf32>, %[[NEXT_M:.*]]: memref<8xf32>)
func.func @update(%p: memref<8xf32>, %g: memref<8xf32>, %next_p: memref<8xf32>, %next_m: memref<8xf32>) {
  %pt = bufferization.to_tensor %p restrict : memref<8xf32> to tensor<8xf32>
  %gt = bufferization.to_tensor %g restrict : memref<8xf32> to tensor<8xf32>
  // A use the pass does not redirect keeps an empty of its own.
  // CHECK: %[[OWN:.*]] = tensor.empty() : tensor<8xf32>
  // CHECK-DAG: %[[IN_P:.*]] = bufferization.to_tensor %[[NEXT_P]] restrict writable
  // CHECK-DAG: %[[IN_M:.*]] = bufferization.to_tensor %[[NEXT_M]] restrict writable
  // CHECK: %[[NEW:.*]]:2 = linalg.generic {{.*}} outs(%[[IN_P]], %[[IN_M]] : tensor<8xf32>, tensor<8xf32>)
  %e = tensor.empty() : tensor<8xf32>
  %new:2 = linalg.generic {indexing_maps = [#id, #id, #id, #id], iterator_types = ["parallel"]}
      ins(%pt, %gt : tensor<8xf32>, tensor<8xf32>) outs(%e, %e : tensor<8xf32>, tensor<8xf32>) {
  ^bb0(%a: f32, %b: f32, %o1: f32, %o2: f32):
    %d = arith.subf %a, %b : f32
    linalg.yield %d, %b : f32, f32
  } -> (tensor<8xf32>, tensor<8xf32>)
  // CHECK: linalg.generic {{.*}} outs(%[[OWN]] : tensor<8xf32>)
  %other = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
      ins(%pt : tensor<8xf32>) outs(%e : tensor<8xf32>) {
  ^bb0(%a: f32, %o: f32):
    linalg.yield %a : f32
  } -> tensor<8xf32>
  // CHECK: bufferization.materialize_in_destination %[[NEW]]#0 in restrict writable %[[NEXT_P]]
  // CHECK: bufferization.materialize_in_destination %[[NEW]]#1 in restrict writable %[[NEXT_M]]
  bufferization.materialize_in_destination %new#0 in restrict writable %next_p : (tensor<8xf32>, memref<8xf32>) -> ()
  bufferization.materialize_in_destination %new#1 in restrict writable %next_m : (tensor<8xf32>, memref<8xf32>) -> ()
  return
}

// -----

// A value not computed by a linalg op into an empty tensor (here a
// parameter carried over unchanged) is left to be copied.
// CHECK-LABEL: func.func @carry(
// CHECK-NOT: writable %arg0
// CHECK: bufferization.materialize_in_destination %{{.*}} in restrict writable %arg1
func.func @carry(%p: memref<8xf32>, %next_p: memref<8xf32>) {
  %pt = bufferization.to_tensor %p restrict : memref<8xf32> to tensor<8xf32>
  bufferization.materialize_in_destination %pt in restrict writable %next_p : (tensor<8xf32>, memref<8xf32>) -> ()
  return
}
