// RUN: gdc-opt %s -pass-pipeline='builtin.module(func.func(gd-lower-control-flow))' | FileCheck %s

// Loops in a row, lowered last first: the result is the same control flow
// graph as convert-scf-to-cf's, every loop a header block with its
// condition and a body block, in program order.
// CHECK-LABEL: func.func @loops_in_a_row(
// CHECK-NOT: scf.
// CHECK: cf.br ^[[H1:.*]](%{{.*}} : index)
// CHECK: ^[[H1]](%[[I:.*]]: index):
// CHECK: arith.cmpi slt, %[[I]]
// CHECK: memref.store %{{.*}}, %arg0[%[[I]]]
// CHECK: ^[[H2:.*]](%[[J:.*]]: index):
// CHECK: arith.cmpi slt, %[[J]]
// CHECK: memref.store %{{.*}}, %arg1[%[[J]]]
// CHECK: memref.store %{{.*}}, %arg0
// CHECK-NOT: scf.
// CHECK: return
func.func @loops_in_a_row(%a: memref<8xf32>, %b: memref<8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %one = arith.constant 1.0 : f32
  scf.for %i = %c0 to %c8 step %c1 {
    memref.store %one, %a[%i] : memref<8xf32>
  }
  scf.for %j = %c0 to %c8 step %c1 {
    memref.store %one, %b[%j] : memref<8xf32>
  }
  memref.store %one, %a[%c0] : memref<8xf32>
  return
}

// A parallel loop (one that stayed inline) becomes the same nest of loops.
// CHECK-LABEL: func.func @parallel_loop(
// CHECK-NOT: scf.
// CHECK: ^[[H:.*]](%[[I:.*]]: index):
// CHECK: arith.cmpi slt, %[[I]]
// CHECK: ^[[G:.*]](%[[J:.*]]: index):
// CHECK: arith.cmpi slt, %[[J]]
// CHECK: memref.store %{{.*}}, %arg0[%[[I]], %[[J]]]
// CHECK-NOT: scf.
// CHECK: return
func.func @parallel_loop(%a: memref<4x8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %one = arith.constant 1.0 : f32
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c8) step (%c1, %c1) {
    memref.store %one, %a[%i, %j] : memref<4x8xf32>
  }
  return
}
