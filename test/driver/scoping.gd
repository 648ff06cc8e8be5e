// RUN: %gdc %s --emit=mlir | FileCheck %s
// A program's definitions shadow built-ins in the program, never inside a
// library's bodies: std's adam keeps the built-in sqrt, cross_entropy the
// built-in logsumexp, while the program's own uses see its definitions.
use std.nn
use std.losses
use std.optim

fn sqrt(x) = x
fn logsumexp(x) = max(x)
fn mine(x) = x + sqrt(x) + logsumexp(x)

train t {
  model = dense(784, 10) >> mine
  loss = cross_entropy
  optimizer = adam
  data = idx("a", "b")
}

// CHECK-LABEL: gd.lens @mine_10
// CHECK-NOT: gd.sqrt
// CHECK-NOT: gd.logsumexp
// CHECK: gd.reduce_max
// CHECK-LABEL: gd.lens @cross_entropy_10
// CHECK: gd.logsumexp
// CHECK-LABEL: gd.optimizer @adam
// CHECK: gd.sqrt
