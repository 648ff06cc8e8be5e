// The program's own modules: `use Inputs.blocks` reads Inputs/blocks.gd.
// Shadowing: a module's code sees its own definitions (blocks' act is
// tanh) and the program's code sees the program's (act is sigmoid).
// RUN: %gdc %s --emit=mlir | FileCheck %s
// RUN: %gdc %s --emit=params | FileCheck %s --check-prefix=PARAMS
use std.nn
use std.losses
use std.optim
use Inputs.blocks
use Inputs.models.vision
fn act(x) = sigmoid(x)
train t {
  model = stem >> dense(784, 16) >> residual(16) >> act >> dense(16, 10)
  loss = cross_entropy
  optimizer = sgd()
  data = idx("a", "b")
}
// CHECK-LABEL: gd.lens @stem
// CHECK: gd.tanh
// CHECK-LABEL: gd.lens @residual_16
// CHECK-SAME: param_names = ["f.W", "f.b"]
// CHECK: gd.tanh
// CHECK-LABEL: gd.lens @act_16
// CHECK: gd.sigmoid
// PARAMS: model.2.f.W f32[16,16]
