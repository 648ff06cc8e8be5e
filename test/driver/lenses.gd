// Sub-lenses, sharing, repeat, the parallel product and tuples, in gd IR.
// RUN: %gdc %s --emit=mlir | FileCheck %s
// RUN: %gdc %s --emit=params | FileCheck %s --check-prefix=PARAMS
use std.nn
use std.losses
use std.optim

// A sub-lens instance becomes part of the enclosing lens: its parameters
// are the enclosing lens's, named by path, and its forward map is inline.
lens residual(d: int) {
  let f = dense(d, d) >> relu >> dense(d, d)
  fn (x: f32[d]) -> f32[d] = relu(x + f(x))
}
// CHECK-LABEL: gd.lens @residual_8
// CHECK-SAME: param_names = ["f.0.W", "f.0.b", "f.2.W", "f.2.b"]
// CHECK: ^bb0(%[[W0:.*]]: tensor<8x8xf32>, %[[B0:.*]]: tensor<8xf32>, %[[W2:.*]]: tensor<8x8xf32>, %[[B2:.*]]: tensor<8xf32>, %[[X:.*]]: tensor<8xf32>):
// CHECK: gd.matmul %[[X]], %[[W0]]
// CHECK: gd.matmul %{{.*}}, %[[W2]]
// CHECK: gd.add %[[X]], %{{.*}}

// Applying one sub-lens twice uses its parameters twice.
lens twice(d: int) {
  let g = dense(d, d)
  fn (x: f32[d]) = g(tanh(g(x)))
}
// CHECK-LABEL: gd.lens @twice_8
// CHECK-SAME: param_names = ["g.W", "g.b"]
// CHECK: ^bb0(%[[W:.*]]: tensor<8x8xf32>, %{{.*}}: tensor<8xf32>, %[[X:.*]]: tensor<8xf32>):
// CHECK: gd.matmul %[[X]], %[[W]]
// CHECK: gd.tanh
// CHECK: gd.matmul %{{.*}}, %[[W]]

// A tuple is destructured where it is used; no tuple is left in the IR.
fn split(x: f32[8]) = (x[0:4], x[4:8])
fn join(p: (f32[4], f32[4])) = let (a, b) = p in where(a > b and not (a == b), a, b)
let head = split >> (dense(4, 4) || tanh) >> join >> dense(4, 2)

// `block` names one instance: its second use shares the first's parameters;
// `repeat` makes fresh instances even of a named one.
let block = residual(8)
let net = block >> twice(8) >> block >> repeat(2, block) >> head
// CHECK-LABEL: gd.compose @net_3 [@residual_8, @residual_8]
// CHECK-NOT: shares
// CHECK-LABEL: gd.lens @net_4
// CHECK-SAME: param_names = ["1.0.W", "1.0.b", "3.W", "3.b"]
// CHECK: %[[A:.*]] = gd.slice %[[IN:.*]] along 0 from 0 to 4
// CHECK: %[[B:.*]] = gd.slice %[[IN]] along 0 from 4 to 8
// CHECK: %[[M:.*]] = gd.matmul %[[A]]
// CHECK: %[[L:.*]] = gd.add %[[M]]
// CHECK: %[[T:.*]] = gd.tanh %[[B]]
// CHECK: %[[GT:.*]] = gd.cmp "gt", %[[L]], %[[T]]
// CHECK: %[[EQ:.*]] = gd.cmp "eq", %[[L]], %[[T]]
// CHECK: %[[NOT:.*]] = gd.cmp "eq", %[[EQ]], %{{.*}} : tensor<4xi1>, tensor<i1>
// CHECK: %[[AND:.*]] = gd.select %[[GT]], %[[NOT]], %[[GT]]
// CHECK: gd.select %[[AND]], %[[L]], %[[T]]
// CHECK-NOT: gd.tuple

// CHECK: gd.compose @net [@residual_8, @twice_8, @residual_8, @net_3, @net_4]
// CHECK-SAME: {shares = ["", "", "net.0", "", ""]}

// PARAMS: net.0.f.0.W f32[8,8]
// PARAMS: net.1.g.W f32[8,8]
// PARAMS-NOT: net.2.
// PARAMS: net.3.0.f.0.W f32[8,8]
// PARAMS: net.3.1.f.0.W f32[8,8]
// PARAMS: net.4.1.0.W f32[4,4]
// PARAMS: net.4.3.W f32[4,2]

train t {
  model = net
  loss = cross_entropy
  optimizer = sgd(lr = 0.1)
  data = idx("a", "b", shape = [8])
}
