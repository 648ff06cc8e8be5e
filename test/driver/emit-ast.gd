// --emit=ast prints the checked tree; each expression carries the types it
// was checked at (a fn used at two shapes shows both).
// RUN: %gdc %s --emit=ast | FileCheck %s
use std.losses
use std.optim
fn act(x) = x * 2 - 1

lens affine(n: int) {
  param w: f32[n] = ones()
  fn (x: f32[n]) -> f32[n] = act(x) * w
}
train t {
  model = affine(4) >> act
  loss = cross_entropy
  optimizer = sgd()
  data = idx("a", "b", shape = [4])
}

// CHECK:      fn act @6:1
// CHECK-NEXT:   param x @6:8
// CHECK-NEXT:   op - : f32[4] @6:19
// CHECK-NEXT:     op * : f32[4] @6:15
// CHECK-NEXT:       name x : f32[4] @6:13
// CHECK-NEXT:       number 2 : f32 @6:17
// CHECK:      lens affine @8:1
// CHECK-NEXT:   param n: int @8:13
// CHECK-NEXT:   param w: f32[n] @9:3
// CHECK:        fn -> f32[n] @10:3
// CHECK-NEXT:     param x: f32[n] @10:7
// CHECK-NEXT:     op * : f32[4] @10:37
// CHECK-NEXT:       call act : f32[4] @10:30
// CHECK:      field model @13:3
