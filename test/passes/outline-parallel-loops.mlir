// RUN: gdc-opt %s -split-input-file -gd-outline-parallel-loops | FileCheck %s

// A loop of 512 x 1024 stores (each iteration: a load, an add, a store)
// is worth sharing: it moves into a function of its first dimension's
// range and its cost, and is called over the whole range.
// CHECK-LABEL: func.func @large(
// CHECK-SAME: %[[A:.*]]: memref<512x1024xf32>, %[[B:.*]]: memref<512x1024xf32>, %[[S:.*]]: f32)
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG: %[[C512:.*]] = arith.constant 512 : index
// CHECK-DAG: %[[WORK:.*]] = arith.constant 2097152 : index
// CHECK: call @large_par0(%[[C0]], %[[C512]], %[[WORK]], %[[A]], %[[S]], %[[B]])
// CHECK-NOT: scf.parallel
// CHECK: return
// The function's own arguments are the caller's buffers (gd-stream-stores
// may write those with streaming stores).
// CHECK: func.func private @large_par0(%[[LO:.*]]: index, %[[HI:.*]]: index, %{{.*}}: index, %[[PA:.*]]: memref<512x1024xf32> {gd.caller_buffer}, %[[PS:.*]]: f32, %[[PB:.*]]: memref<512x1024xf32> {gd.caller_buffer})
// CHECK-SAME: attributes {gd.parallel_body}
// CHECK: scf.parallel (%[[I:.*]], %[[J:.*]]) = (%[[LO]], %{{.*}}) to (%[[HI]], %{{.*}})
// CHECK: memref.load %[[PA]][%[[I]], %[[J]]]
// CHECK: arith.addf %{{.*}}, %[[PS]]
// CHECK: memref.store %{{.*}}, %[[PB]][%[[I]], %[[J]]]
func.func @large(%a: memref<512x1024xf32>, %b: memref<512x1024xf32>, %s: f32) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c512 = arith.constant 512 : index
  %c1024 = arith.constant 1024 : index
  scf.parallel (%i, %j) = (%c0, %c0) to (%c512, %c1024) step (%c1, %c1) {
    %x = memref.load %a[%i, %j] : memref<512x1024xf32>
    %y = arith.addf %x, %s : f32
    memref.store %y, %b[%i, %j] : memref<512x1024xf32>
    scf.reduce
  }
  return
}

// -----

// Too small to be worth waking the pool (16 x 16 iterations): stays.
// CHECK-LABEL: func.func @small(
// CHECK-NOT: call
// CHECK: scf.parallel
// CHECK-NOT: func.func private
func.func @small(%a: memref<16x16xf32>, %s: f32) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  scf.parallel (%i, %j) = (%c0, %c0) to (%c16, %c16) step (%c1, %c1) {
    memref.store %s, %a[%i, %j] : memref<16x16xf32>
    scf.reduce
  }
  return
}

// -----

// Over the batch, with a reduction inside: the cost is computed before the
// loop from the batch's size (rows x 64 x (1 + 2 operations in the inner
// loop + 2 more)), for the runtime to decide.
// CHECK-LABEL: func.func @batch(
// CHECK-SAME: %[[X:.*]]: memref<?x64xf32>, %[[Y:.*]]: memref<?xf32>)
// CHECK: %[[N:.*]] = memref.dim %[[X]], %{{.*}}
// CHECK: %[[WORK:.*]] = arith.muli %[[N]], %{{.*}}
// CHECK: call @batch_par0(%{{.*}}, %[[N]], %[[WORK]], %[[X]], %[[Y]]
func.func @batch(%x: memref<?x64xf32>, %y: memref<?xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %n = memref.dim %x, %c0 : memref<?x64xf32>
  scf.parallel (%i) = (%c0) to (%n) step (%c1) {
    scf.for %k = %c0 to %c64 step %c1 {
      %v = memref.load %x[%i, %k] : memref<?x64xf32>
      %acc = memref.load %y[%i] : memref<?xf32>
      %sum = arith.addf %v, %acc : f32
      memref.store %sum, %y[%i] : memref<?xf32>
    }
    scf.reduce
  }
  return
}

// -----

// Left alone: a store that two shares could both make (its index is not
// the first dimension's), an allocation in the loop, a call in the loop,
// a loop inside another parallel loop, and a step other than 1.
// CHECK-LABEL: func.func @unshareable(
// CHECK-NOT: call @unshareable_par
// CHECK-NOT: func.func private @unshareable_par
func.func private @opaque(f32)
func.func @unshareable(%a: memref<1024x1024xf32>, %t: memref<1024xf32>, %s: f32) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c1024 = arith.constant 1024 : index
  scf.parallel (%i, %j) = (%c0, %c0) to (%c1024, %c1024) step (%c1, %c1) {
    memref.store %s, %t[%j] : memref<1024xf32>
    scf.reduce
  }
  scf.parallel (%i, %j) = (%c0, %c0) to (%c1024, %c1024) step (%c1, %c1) {
    %buffer = memref.alloc() : memref<4xf32>
    memref.store %s, %buffer[%c0] : memref<4xf32>
    memref.dealloc %buffer : memref<4xf32>
    scf.reduce
  }
  scf.parallel (%i, %j) = (%c0, %c0) to (%c1024, %c1024) step (%c1, %c1) {
    func.call @opaque(%s) : (f32) -> ()
    scf.reduce
  }
  scf.parallel (%k) = (%c0) to (%c2) step (%c1) {
    scf.parallel (%i, %j) = (%c0, %c0) to (%c1024, %c1024) step (%c1, %c1) {
      memref.store %s, %a[%i, %j] : memref<1024x1024xf32>
      scf.reduce
    }
    scf.reduce
  }
  scf.parallel (%i, %j) = (%c0, %c0) to (%c1024, %c1024) step (%c2, %c1) {
    memref.store %s, %a[%i, %j] : memref<1024x1024xf32>
    scf.reduce
  }
  return
}

// -----

// The diagnosis (run once, after a step that was not finite, and compiled
// without optimisation) keeps its loops.
// CHECK-LABEL: func.func @diagnose(
// CHECK-NOT: call
// CHECK: scf.parallel
// CHECK-NOT: func.func private
func.func @diagnose(%a: memref<1024x1024xf32>, %s: f32) attributes {gd.diagnose} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c1024 = arith.constant 1024 : index
  scf.parallel (%i, %j) = (%c0, %c0) to (%c1024, %c1024) step (%c1, %c1) {
    memref.store %s, %a[%i, %j] : memref<1024x1024xf32>
    scf.reduce
  }
  return
}

// -----

// A buffer the function allocated, which no other capture views, cannot
// overlap another: it is marked noalias, so that the body vectorises
// without run-time overlap checks. An argument (%out), or two views of one
// allocation (%pair), are not; the argument is the caller's buffer.
// CHECK-LABEL: func.func private @buffers_par0(
// CHECK-SAME: %{{[^:]*}}: memref<1024x1024xf32> {llvm.noalias}
// CHECK-SAME: %{{[^:]*}}: memref<1024x512xf32, strided<[1024, 1]>>,
// CHECK-SAME: %{{[^:]*}}: memref<1024x512xf32, strided<[1024, 1], offset: 512>>,
// CHECK-SAME: %{{[^:]*}}: memref<1024x1024xf32> {gd.caller_buffer})
func.func @buffers(%out: memref<1024x1024xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c512 = arith.constant 512 : index
  %c1024 = arith.constant 1024 : index
  %own = memref.alloc() : memref<1024x1024xf32>
  %pair = memref.alloc() : memref<1024x1024xf32>
  %left = memref.subview %pair[0, 0] [1024, 512] [1, 1] : memref<1024x1024xf32> to memref<1024x512xf32, strided<[1024, 1]>>
  %right = memref.subview %pair[0, 512] [1024, 512] [1, 1] : memref<1024x1024xf32> to memref<1024x512xf32, strided<[1024, 1], offset: 512>>
  scf.parallel (%i, %j) = (%c0, %c0) to (%c1024, %c512) step (%c1, %c1) {
    %a = memref.load %own[%i, %j] : memref<1024x1024xf32>
    %b = memref.load %left[%i, %j] : memref<1024x512xf32, strided<[1024, 1]>>
    %c = memref.load %right[%i, %j] : memref<1024x512xf32, strided<[1024, 1], offset: 512>>
    %s = arith.addf %a, %b : f32
    %t = arith.addf %s, %c : f32
    memref.store %t, %out[%i, %j] : memref<1024x1024xf32>
    scf.reduce
  }
  memref.dealloc %own : memref<1024x1024xf32>
  memref.dealloc %pair : memref<1024x1024xf32>
  return
}

// -----

// A loop inside a sequential scf.for (the repetitions of a repeated block)
// is shared each iteration; its captures include the iteration's values.
// A loop inside another parallel loop is not.
// CHECK-LABEL: func.func @in_sequence(
// CHECK: scf.for %[[K:.*]] =
// CHECK: %[[ROW:.*]] = memref.subview
// CHECK: call @in_sequence_par0(%{{.*}}, %{{.*}}, %{{.*}}, %[[ROW]],
// CHECK: func.func private @in_sequence_par0(
// CHECK-SAME: attributes {gd.parallel_body}
func.func @in_sequence(%stack: memref<8x512x1024xf32>, %s: f32) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c512 = arith.constant 512 : index
  %c1024 = arith.constant 1024 : index
  scf.for %k = %c0 to %c8 step %c1 {
    %row = memref.subview %stack[%k, 0, 0] [1, 512, 1024] [1, 1, 1]
        : memref<8x512x1024xf32> to memref<512x1024xf32, strided<[1024, 1], offset: ?>>
    scf.parallel (%i, %j) = (%c0, %c0) to (%c512, %c1024) step (%c1, %c1) {
      %x = memref.load %row[%i, %j] : memref<512x1024xf32, strided<[1024, 1], offset: ?>>
      %y = arith.addf %x, %s : f32
      memref.store %y, %row[%i, %j] : memref<512x1024xf32, strided<[1024, 1], offset: ?>>
      scf.reduce
    }
  }
  return
}
