// RUN: gdc-opt %s -split-input-file -gd-dispatch-parallel-bodies -verify-diagnostics | FileCheck %s

// The call of a parallel body stores its captures in a record on the
// caller's stack and hands gdrt_parallel_for a task that loads them; the
// range and the cost go to the runtime as they are.
// CHECK-LABEL: llvm.func @step(
// CHECK-SAME: %[[P:.*]]: !llvm.ptr, %[[N:.*]]: i64, %[[X:.*]]: f32)
// CHECK: %[[ONE:.*]] = llvm.mlir.constant(1 : i64)
// CHECK: %[[RECORD:.*]] = llvm.alloca %[[ONE]] x !llvm.struct<(ptr, i64, f32)>
// CHECK: %[[F0:.*]] = llvm.getelementptr %[[RECORD]][0, 0]
// CHECK: llvm.store %[[P]], %[[F0]]
// CHECK: %[[F1:.*]] = llvm.getelementptr %[[RECORD]][0, 1]
// CHECK: llvm.store %[[N]], %[[F1]]
// CHECK: %[[F2:.*]] = llvm.getelementptr %[[RECORD]][0, 2]
// CHECK: llvm.store %[[X]], %[[F2]]
// CHECK: %[[TASK:.*]] = llvm.mlir.addressof @step_par0.task
// CHECK: llvm.call @gdrt_parallel_for(%[[TASK]], %[[RECORD]], %{{.*}}, %[[N]], %[[WORK:.*]]) : (!llvm.ptr, !llvm.ptr, i64, i64, i64) -> ()
// CHECK-NOT: llvm.call @step_par0(
// CHECK: llvm.return
// CHECK: llvm.func internal @step_par0(
// CHECK: llvm.func internal @step_par0.task(%[[CTX:.*]]: !llvm.ptr, %[[LO:.*]]: i64, %[[HI:.*]]: i64)
// CHECK: %[[UNUSED:.*]] = llvm.mlir.constant(0 : i64)
// CHECK: %[[G0:.*]] = llvm.getelementptr %[[CTX]][0, 0]
// CHECK: %[[V0:.*]] = llvm.load %[[G0]] : !llvm.ptr -> !llvm.ptr
// CHECK: %[[G1:.*]] = llvm.getelementptr %[[CTX]][0, 1]
// CHECK: %[[V1:.*]] = llvm.load %[[G1]] : !llvm.ptr -> i64
// CHECK: %[[G2:.*]] = llvm.getelementptr %[[CTX]][0, 2]
// CHECK: %[[V2:.*]] = llvm.load %[[G2]] : !llvm.ptr -> f32
// CHECK: llvm.call @step_par0(%[[LO]], %[[HI]], %[[UNUSED]], %[[V0]], %[[V1]], %[[V2]])
// CHECK: llvm.func @gdrt_parallel_for(!llvm.ptr, !llvm.ptr, i64, i64, i64)
llvm.func @step(%p: !llvm.ptr, %n: i64, %x: f32) {
  %zero = llvm.mlir.constant(0 : i64) : i64
  %work = llvm.mul %n, %n : i64
  llvm.call @step_par0(%zero, %n, %work, %p, %n, %x) : (i64, i64, i64, !llvm.ptr, i64, f32) -> ()
  llvm.return
}
llvm.func @step_par0(%lo: i64, %hi: i64, %work: i64, %p: !llvm.ptr, %n: i64, %x: f32) attributes {gd.parallel_body} {
  llvm.return
}

// -----

// expected-error @+1 {{a parallel body takes its range and its cost (i64, i64, i64) first}}
llvm.func @bad_par0(%lo: i64, %p: !llvm.ptr) attributes {gd.parallel_body} {
  llvm.return
}
