// A lens's compile-time arguments are ints (sizes) or floats, as declared.
// RUN: split-file %s %t
// RUN: %gdc %t/int.gd --verify-diagnostics --emit=mlir
// RUN: %gdc %t/tensor.gd --verify-diagnostics --emit=mlir

//--- int.gd
use std.nn
use std.losses
use std.optim
lens sized(n: int) {
  fn (x: f32[n]) -> f32[n] = x
}
train t {
  model = dense(4, 4) >> sized(2.5) // expected-error {{expected an integer, got 2.5}}
  loss = cross_entropy
  optimizer = sgd
  data = synthetic(n = 8, features = 4, classes = 4)
}

//--- tensor.gd
use std.nn
use std.losses
use std.optim
lens scaled(n: int, by: f32[2]) { // expected-error {{a lens parameter is a compile-time 'int', 'f32' or 'f64'}}
  fn (x: f32[n]) -> f32[n] = x
}
train t {
  model = dense(4, 4) >> scaled(4, 1)
  loss = cross_entropy
  optimizer = sgd
  data = synthetic(n = 8, features = 4, classes = 4)
}
