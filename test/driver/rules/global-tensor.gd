// RUN: split-file %s %t
// RUN: %gdc %t/f64.gd -o %t/f64 && %t/f64 --epochs 1 --save %t/f64.safetensors --quiet
// RUN: %python %S/../../integration/trajectory/compare.py %t/f64.safetensors %t/f64.safetensors | FileCheck %s
// RUN: not %gdc %t/leak.gd -o %t/leak 2>&1 | FileCheck %s --check-prefix=LEAK
// A global state that is not a scalar may be updated with f64 arithmetic
// (the step computes it, in f64, and rounds it to f32 once): two steps of
// h = b * h with b = 0.9 leave 0.81 in every element.
// CHECK: global/h [4] {{.*}} max|b| 8.100e-01
// Only f32 scalars computed from it enter the elementwise part: an f64 sum
// of it is an error at the use, not a crash.
// LEAK: leak.gd:5:22: error: this use of a global state that is not a scalar leads to a f64[4] value the elementwise part needs; only f32 scalars computed from such a state can enter it (write f32(...) around an f64 result)

//--- f64.gd
use std.nn
use std.losses
optimizer decaying(lr: f32 = 0.1, b: f64 = 0.9) {
  global state h: f32[4] = ones()
  h = b * h
  p - lr * g * sum(h)
}
train t {
  model = dense(4, 3)
  loss = cross_entropy
  optimizer = decaying
  data = synthetic(n = 64, features = 4, classes = 3)
  batch = 32
}

//--- leak.gd
use std.nn
use std.losses
optimizer leak(lr: f32 = 0.1, b: f64 = 0.9) {
  global state h: f32[4] = ones()
  p - lr * g * sum(b * h)
}
train t {
  model = dense(4, 3)
  loss = cross_entropy
  optimizer = leak
  data = synthetic(n = 64, features = 4, classes = 3)
}
