// A repeated block's small parameters are updated as one stack by an
// elementwise rule (passes/lens/StageLoops.h), but not when a state is kept
// smaller than its parameter: each repetition is then updated on its own.
// RUN: %gdc %s --emit=train-step | FileCheck %s
// RUN: %gdc %s -o %t && %t --steps 3 --quiet
use std.nn
use std.losses

optimizer idle(lr: f32 = 0.1) {
  state unused = zeros_like(p)
  p - lr * g + unused
}

train t {
  model     = repeat(4, dense(3, 3) >> tanh)
  loss      = mse
  optimizer = idle
  data      = synthetic(n = 64, features = 3, classes = 0)
}

// CHECK: slots model.0.0.W unused:1,1
