// RUN: gdc-opt %s -split-input-file -gd-fuse-finite-checks | FileCheck %s
// RUN: gdc-opt %s -split-input-file -gd-fuse-finite-checks -gd-outline-parallel-loops | FileCheck %s --check-prefix=SHARED

// The check of a buffer that the loop before wrote in full (here through
// a collapsed view, as AllFiniteLowering reads a matrix) becomes that
// loop's reduction over the values it stores: the largest exponent.
// CHECK-LABEL: func.func @fused(
// CHECK-SAME: %[[A:.*]]: memref<512x256xf32>, %[[B:.*]]: memref<512x256xf32>)
// CHECK: %[[LARGEST:.*]] = scf.parallel (%[[I:.*]], %[[J:.*]]) = {{.*}} init (%{{.*}}) -> i32 {
// CHECK: %[[Y:.*]] = arith.mulf
// CHECK: memref.store %[[Y]], %[[B]][%[[I]], %[[J]]]
// CHECK: %[[BITS:.*]] = arith.bitcast %[[Y]] : f32 to i32
// CHECK: %[[EXP:.*]] = arith.andi %[[BITS]], %{{.*}} : i32
// CHECK: scf.reduce(%[[EXP]] : i32)
// CHECK: arith.maxui
// CHECK-NOT: scf.for
// CHECK: %[[ALL:.*]] = arith.maxui %{{.*}}, %[[LARGEST]] : i32
// CHECK: return %[[ALL]]

// Shared out, each thread's share combines into a cell the caller reads.
// SHARED-LABEL: func.func @fused(
// SHARED: %[[CELL:.*]] = memref.alloca() : memref<i32>
// SHARED: memref.store %{{.*}}, %[[CELL]][]
// SHARED: call @fused_par0({{.*}}, %[[CELL]])
// SHARED: %[[LARGEST:.*]] = memref.load %[[CELL]][]
// SHARED: arith.maxui %{{.*}}, %[[LARGEST]]
// SHARED: func.func private @fused_par0(
// SHARED-SAME: %[[PCELL:[a-z0-9]+]]: memref<i32>) attributes {gd.parallel_body}
// SHARED: %[[MINE:.*]] = scf.parallel
// SHARED: memref.atomic_rmw maxu %[[MINE]], %[[PCELL]][]
func.func @fused(%a: memref<512x256xf32>, %b: memref<512x256xf32>) -> i32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c256 = arith.constant 256 : index
  %c512 = arith.constant 512 : index
  %n = arith.constant 131072 : index
  %none = arith.constant 0 : i32
  %mask = arith.constant 2139095040 : i32
  scf.parallel (%i, %j) = (%c0, %c0) to (%c512, %c256) step (%c1, %c1) {
    %x = memref.load %a[%i, %j] : memref<512x256xf32>
    %y = arith.mulf %x, %x : f32
    memref.store %y, %b[%i, %j] : memref<512x256xf32>
    scf.reduce
  }
  %flat = memref.collapse_shape %b [[0, 1]] : memref<512x256xf32> into memref<131072xf32>
  %largest = scf.for %k = %c0 to %n step %c1 iter_args(%acc = %none) -> (i32) {
    %e = memref.load %flat[%k] : memref<131072xf32>
    %bits = arith.bitcast %e : f32 to i32
    %exp = arith.andi %bits, %mask : i32
    %m = arith.maxui %acc, %exp : i32
    scf.yield %m : i32
  }
  return %largest : i32
}

// -----

// A loop that writes only part of the buffer, or under a condition, does
// not tell the largest exponent of all of it: the check stays.
// CHECK-LABEL: func.func @partial(
// CHECK: scf.parallel
// CHECK-NOT: init
// CHECK: scf.for
// CHECK-LABEL: func.func @conditional(
// CHECK: scf.parallel
// CHECK-NOT: init
// CHECK: scf.for
func.func @partial(%a: memref<1024xf32>, %b: memref<1024xf32>) -> i32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c512 = arith.constant 512 : index
  %n = arith.constant 1024 : index
  %none = arith.constant 0 : i32
  %mask = arith.constant 2139095040 : i32
  scf.parallel (%i) = (%c0) to (%c512) step (%c1) {
    %x = memref.load %a[%i] : memref<1024xf32>
    memref.store %x, %b[%i] : memref<1024xf32>
    scf.reduce
  }
  %largest = scf.for %k = %c0 to %n step %c1 iter_args(%acc = %none) -> (i32) {
    %e = memref.load %b[%k] : memref<1024xf32>
    %bits = arith.bitcast %e : f32 to i32
    %exp = arith.andi %bits, %mask : i32
    %m = arith.maxui %acc, %exp : i32
    scf.yield %m : i32
  }
  return %largest : i32
}
func.func @conditional(%a: memref<1024xf32>, %b: memref<1024xf32>, %c: i1) -> i32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = arith.constant 1024 : index
  %none = arith.constant 0 : i32
  %mask = arith.constant 2139095040 : i32
  scf.parallel (%i) = (%c0) to (%n) step (%c1) {
    %x = memref.load %a[%i] : memref<1024xf32>
    scf.if %c {
      memref.store %x, %b[%i] : memref<1024xf32>
    }
    scf.reduce
  }
  %largest = scf.for %k = %c0 to %n step %c1 iter_args(%acc = %none) -> (i32) {
    %e = memref.load %b[%k] : memref<1024xf32>
    %bits = arith.bitcast %e : f32 to i32
    %exp = arith.andi %bits, %mask : i32
    %m = arith.maxui %acc, %exp : i32
    scf.yield %m : i32
  }
  return %largest : i32
}

// -----

// A write to the buffer between the loop and the check: the check stays.
// CHECK-LABEL: func.func @written_between(
// CHECK: scf.parallel
// CHECK-NOT: init
// CHECK: memref.store
// CHECK: scf.for
func.func @written_between(%a: memref<1024xf32>, %b: memref<1024xf32>, %v: f32) -> i32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = arith.constant 1024 : index
  %none = arith.constant 0 : i32
  %mask = arith.constant 2139095040 : i32
  scf.parallel (%i) = (%c0) to (%n) step (%c1) {
    %x = memref.load %a[%i] : memref<1024xf32>
    memref.store %x, %b[%i] : memref<1024xf32>
    scf.reduce
  }
  memref.store %v, %b[%c0] : memref<1024xf32>
  %largest = scf.for %k = %c0 to %n step %c1 iter_args(%acc = %none) -> (i32) {
    %e = memref.load %b[%k] : memref<1024xf32>
    %bits = arith.bitcast %e : f32 to i32
    %exp = arith.andi %bits, %mask : i32
    %m = arith.maxui %acc, %exp : i32
    scf.yield %m : i32
  }
  return %largest : i32
}

// -----

// A value stored from outside the loop (a fill) is checked as well.
// CHECK-LABEL: func.func @fill(
// CHECK-SAME: %{{.*}}: memref<1024xf32>, %[[V:[a-z0-9]+]]: f32
// CHECK: scf.parallel {{.*}} init
// CHECK: memref.store %[[V]]
// CHECK: arith.bitcast %[[V]] : f32 to i32
// CHECK: scf.reduce
// CHECK-NOT: scf.for
func.func @fill(%b: memref<1024xf32>, %v: f32) -> i32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = arith.constant 1024 : index
  %none = arith.constant 0 : i32
  %mask = arith.constant 2139095040 : i32
  scf.parallel (%i) = (%c0) to (%n) step (%c1) {
    memref.store %v, %b[%i] : memref<1024xf32>
    scf.reduce
  }
  %largest = scf.for %k = %c0 to %n step %c1 iter_args(%acc = %none) -> (i32) {
    %e = memref.load %b[%k] : memref<1024xf32>
    %bits = arith.bitcast %e : f32 to i32
    %exp = arith.andi %bits, %mask : i32
    %m = arith.maxui %acc, %exp : i32
    scf.yield %m : i32
  }
  return %largest : i32
}
