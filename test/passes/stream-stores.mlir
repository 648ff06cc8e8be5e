// RUN: gdc-opt %s -split-input-file -gd-stream-stores | FileCheck %s

// An outlined body storing into large buffers of the step's caller: a
// scalar loop up to the first line boundary of the stored buffers (when
// they all start at one offset within a line), a loop of 16-lane vectors
// whose stores are non-temporal and line-aligned, and a scalar loop for
// the rest. What is the same for every element (the scale's load) is
// loaded once, before them; the reduction runs through all three.
// CHECK-LABEL: func.func private @update_par0(
// CHECK-SAME: %[[LO:[a-z0-9]+]]: index, %[[HI:[a-z0-9]+]]: index, %{{[a-z0-9]+}}: index, %[[X:[a-z0-9]+]]: memref<2097152xf32> {gd.caller_buffer}, %[[S:[a-z0-9]+]]: memref<f32> {gd.caller_buffer}, %[[Y:[a-z0-9]+]]: memref<2097152xf32> {gd.caller_buffer}, %[[Z:[a-z0-9]+]]: memref<2097152xf32> {gd.caller_buffer},
// CHECK: %[[SCALE:.*]] = memref.load %[[S]][]
// CHECK: memref.extract_aligned_pointer_as_index %[[Y]]
// CHECK: memref.extract_aligned_pointer_as_index %[[Z]]
// CHECK: %[[START:.*]] = arith.select %{{.*}}, %{{.*}}, %[[HI]] : index
// CHECK: %[[HEAD:.*]] = scf.for %[[I:.*]] = %[[LO]] to %[[START]] step %{{.*}} iter_args(%[[A:.*]] = %{{.*}}) -> (i32) {
// CHECK: %[[E:.*]] = memref.load %[[X]][%[[I]]]
// CHECK: arith.mulf %[[E]], %[[SCALE]] : f32
// CHECK: memref.store %{{.*}}, %[[Y]][%[[I]]]
// CHECK: arith.maxui %[[A]]
// CHECK: %[[BODY:.*]] = scf.for %[[V:.*]] = %[[START]] to %[[END:.*]] step %{{.*}} iter_args(%{{.*}} = %{{.*}}) -> (vector<16xi32>) {
// CHECK: %[[VE:.*]] = vector.load %[[X]][%[[V]]] : memref<2097152xf32>, vector<16xf32>
// CHECK: %[[VS:.*]] = vector.broadcast %[[SCALE]] : f32 to vector<16xf32>
// CHECK: arith.mulf %[[VE]], %[[VS]] : vector<16xf32>
// CHECK: vector.store %{{.*}}, %[[Y]][%[[V]]] {alignment = 64 : i64, nontemporal = true}
// CHECK: vector.store %{{.*}}, %[[Z]][%[[V]]] {alignment = 64 : i64, nontemporal = true}
// CHECK: arith.maxui %{{.*}} : vector<16xi32>
// CHECK: %[[MID:.*]] = vector.reduction <maxui>, %[[BODY]], %[[HEAD]] : vector<16xi32> into i32
// CHECK: %[[TAIL:.*]] = scf.for %{{.*}} = %[[END]] to %[[HI]] step %{{.*}} iter_args(%{{.*}} = %[[MID]]) -> (i32) {
// CHECK-NOT: scf.parallel
// Streaming stores are weakly ordered: a fence before the share is done
// (on x86 a locked instruction, which drains the write-combining buffers).
// CHECK: llvm.fence seq_cst
// CHECK: memref.atomic_rmw maxu %[[TAIL]]
func.func private @update_par0(%lo: index, %hi: index, %work: index,
    %x: memref<2097152xf32> {gd.caller_buffer}, %s: memref<f32> {gd.caller_buffer},
    %y: memref<2097152xf32> {gd.caller_buffer}, %z: memref<2097152xf32> {gd.caller_buffer},
    %cell: memref<i32>) attributes {gd.parallel_body} {
  %c1 = arith.constant 1 : index
  %none = arith.constant 0 : i32
  %mask = arith.constant 2139095040 : i32
  %largest = scf.parallel (%i) = (%lo) to (%hi) step (%c1) init (%none) -> i32 {
    %e = memref.load %x[%i] : memref<2097152xf32>
    %scale = memref.load %s[] : memref<f32>
    %p = arith.mulf %e, %scale : f32
    memref.store %p, %y[%i] : memref<2097152xf32>
    memref.store %e, %z[%i] : memref<2097152xf32>
    %bits = arith.bitcast %p : f32 to i32
    %exp = arith.andi %bits, %mask : i32
    scf.reduce(%exp : i32) {
    ^bb0(%a: i32, %b: i32):
      %m = arith.maxui %a, %b : i32
      scf.reduce.return %m : i32
    }
  }
  %old = memref.atomic_rmw maxu %largest, %cell[] : (i32, memref<i32>) -> i32
  return
}

// -----

// A matrix: the rows stay shared (scf.parallel over the first dimension),
// each row vectorised on its own, with its own line boundary.
// CHECK-LABEL: func.func private @rows_par0(
// CHECK: scf.parallel (%[[R:.*]]) =
// CHECK: scf.for
// CHECK: scf.for
// CHECK: vector.store %{{.*}}[%[[R]], %{{.*}}] {alignment = 64 : i64, nontemporal = true}
// CHECK: scf.for
// CHECK: llvm.fence seq_cst
func.func private @rows_par0(%lo: index, %hi: index, %work: index,
    %x: memref<1024x1024xf32> {gd.caller_buffer}, %y: memref<1024x1024xf32> {gd.caller_buffer}) attributes {gd.parallel_body} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c1024 = arith.constant 1024 : index
  scf.parallel (%i, %j) = (%lo, %c0) to (%hi, %c1024) step (%c1, %c1) {
    %e = memref.load %x[%i, %j] : memref<1024x1024xf32>
    %n = arith.negf %e : f32
    memref.store %n, %y[%i, %j] : memref<1024x1024xf32>
    scf.reduce
  }
  return
}

// -----

// Small buffers (the next step reads them back from the cache), buffers
// the step allocated itself, and loops that index other than at the
// innermost variable are left to LLVM's vectoriser.
// CHECK-LABEL: func.func private @small_par0(
// CHECK: scf.parallel
// CHECK-NOT: vector.
// CHECK-LABEL: func.func private @own_par0(
// CHECK: scf.parallel
// CHECK-NOT: vector.
// CHECK-LABEL: func.func private @transposed_par0(
// CHECK: scf.parallel
// CHECK-NOT: vector.
func.func private @small_par0(%lo: index, %hi: index, %work: index,
    %x: memref<1024xf32> {gd.caller_buffer}, %y: memref<1024xf32> {gd.caller_buffer}) attributes {gd.parallel_body} {
  %c1 = arith.constant 1 : index
  scf.parallel (%i) = (%lo) to (%hi) step (%c1) {
    %e = memref.load %x[%i] : memref<1024xf32>
    memref.store %e, %y[%i] : memref<1024xf32>
    scf.reduce
  }
  return
}
func.func private @own_par0(%lo: index, %hi: index, %work: index,
    %x: memref<2097152xf32> {gd.caller_buffer}, %y: memref<2097152xf32>) attributes {gd.parallel_body} {
  %c1 = arith.constant 1 : index
  scf.parallel (%i) = (%lo) to (%hi) step (%c1) {
    %e = memref.load %x[%i] : memref<2097152xf32>
    memref.store %e, %y[%i] : memref<2097152xf32>
    scf.reduce
  }
  return
}
func.func private @transposed_par0(%lo: index, %hi: index, %work: index,
    %x: memref<2048x1024xf32> {gd.caller_buffer}, %y: memref<1024x2048xf32> {gd.caller_buffer}) attributes {gd.parallel_body} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2048 = arith.constant 2048 : index
  scf.parallel (%i, %j) = (%lo, %c0) to (%hi, %c2048) step (%c1, %c1) {
    %e = memref.load %x[%j, %i] : memref<2048x1024xf32>
    memref.store %e, %y[%i, %j] : memref<1024x2048xf32>
    scf.reduce
  }
  return
}
