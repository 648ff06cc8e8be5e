// RUN: gdc-opt %s -convert-gd-to-linalg | FileCheck %s

// A draw whose instance is known only at run time (a loop over repeated
// stages, passes/lens/StageLoops.h) carries it as its key's third scalar:
// the stream becomes stream + (instance << 32), computed in the generic,
// wrapping as the constant the step folds for a known instance.
// CHECK-LABEL: func.func @dynamic_instance(
// CHECK-SAME: %[[X:.*]]: tensor<?x3xf32>, %[[SEED:.*]]: tensor<i64>, %[[T:.*]]: tensor<f32>, %[[I:.*]]: tensor<i64>)
// CHECK: linalg.generic
// CHECK-SAME: ins(%[[SEED]], %[[T]], %[[I]] : tensor<i64>, tensor<f32>, tensor<i64>)
// CHECK: ^bb0(%[[S:.*]]: i64, %{{.*}}: f32, %[[INST:.*]]: i64, %{{.*}}: f32):
// CHECK: %[[C32:.*]] = arith.constant 32 : i64
// CHECK: %[[SHIFTED:.*]] = arith.shli %[[INST]], %[[C32]] : i64
// CHECK: %[[SCALED:.*]] = arith.muli %[[SHIFTED]], %{{.*}} : i64
// CHECK: %[[STREAM:.*]] = arith.addi %{{.*}}, %[[SCALED]] : i64
// CHECK: arith.xori %[[S]], %[[STREAM]] : i64
func.func @dynamic_instance(%x: tensor<?x3xf32>, %seed: tensor<i64>, %t: tensor<f32>,
                            %i: tensor<i64>) -> tensor<?x3xf32> {
  %r = gd.random "uniform" %x stream 2 key(%seed, %t, %i : tensor<i64>, tensor<f32>, tensor<i64>)
      : tensor<?x3xf32> -> tensor<?x3xf32>
  return %r : tensor<?x3xf32>
}
