// RUN: gdc-opt %s -convert-gd-to-linalg -gd-fuse-elementwise | FileCheck %s

// The sum of a whole large tensor (from 16K elements, rank 2 or more) is
// taken per row first, a loop parallel over the rows with the elementwise
// work fused into it, then over the row sums: an order fixed by the shape,
// whatever the number of threads. A small tensor, and a sum along some
// axes only, stay one reduction.

// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[ROW:.*]] = affine_map<(d0, d1) -> (d0)>
// CHECK-DAG: #[[V:.*]] = affine_map<(d0) -> (d0)>
// CHECK-DAG: #[[ALL:.*]] = affine_map<(d0) -> ()>
// CHECK-LABEL: func.func @large
// CHECK: %[[ROWS:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[ROW]]], iterator_types = ["parallel", "reduction"]}
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK: linalg.generic {indexing_maps = [#[[V]], #[[ALL]]], iterator_types = ["reduction"]} ins(%[[ROWS]] : tensor<256xf32>)
func.func @large(%x: tensor<256x128xf32>) -> tensor<f32> {
  %sq = gd.mul %x, %x : tensor<256x128xf32>, tensor<256x128xf32> -> tensor<256x128xf32>
  %s = gd.reduce_sum %sq [0, 1] : tensor<256x128xf32> -> tensor<f32>
  return %s : tensor<f32>
}

// CHECK-LABEL: func.func @small
// CHECK: linalg.generic {{.*}} iterator_types = ["reduction", "reduction"]
// CHECK-NOT: linalg.generic
func.func @small(%x: tensor<16x16xf32>) -> tensor<f32> {
  %s = gd.reduce_sum %x [0, 1] : tensor<16x16xf32> -> tensor<f32>
  return %s : tensor<f32>
}

// CHECK-LABEL: func.func @rows
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]
// CHECK-NOT: linalg.generic
func.func @rows(%x: tensor<256x128xf32>) -> tensor<256xf32> {
  %s = gd.reduce_sum %x [1] : tensor<256x128xf32> -> tensor<256xf32>
  return %s : tensor<256xf32>
}
