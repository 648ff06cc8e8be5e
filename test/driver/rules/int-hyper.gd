// An `int` hyperparameter is a compile-time constant of its rule instance
// (like a schedule's int argument): it is not a runtime scalar, and the
// call's value replaces the default. Other non-f32 types are reported.
// RUN: split-file %s %t
// RUN: %gdc %t/ok.gd --emit=mlir | FileCheck %s
// RUN: %gdc %t/not-int.gd --verify-diagnostics --emit=mlir
// RUN: %gdc %t/f64.gd --verify-diagnostics --emit=mlir

//--- ok.gd
use std.nn
use std.losses
optimizer every(lr: f32 = 0.1, k: int = 5) = p - lr * g * (t % k)
train t {
  model = dense(4, 3)
  loss = cross_entropy
  optimizer = every(k = 3)
  data = synthetic(n = 64, features = 4, classes = 3)
}
// CHECK: gd.optimizer @every attributes {gd.constants = {k = 3 : i64}, hyper_defaults = [1.000000e-01 : f32], hyper_names = ["lr"], state_names = []}
// CHECK-NEXT: ^bb0(%{{[a-z0-9]+}}: tensor<f32>, %{{[a-z0-9]+}}: tensor<f32>, %[[T:[a-z0-9]+]]: tensor<f32>, %{{[a-z0-9]+}}: tensor<f32>):
// CHECK: %[[K:.*]] = gd.constant dense<3.000000e+00> : tensor<f32>
// CHECK: gd.mod %[[T]], %[[K]]

//--- not-int.gd
use std.nn
use std.losses
optimizer every(lr: f32 = 0.1, k: int = 5) = p - lr * g * (t % k)
train t {
  model = dense(4, 3)
  loss = cross_entropy
  optimizer = every(k = 2.5) // expected-error {{expected an integer, got 2.5}}
  data = synthetic(n = 64, features = 4, classes = 3)
}

//--- f64.gd
use std.nn
use std.losses
optimizer wide(lr: f64 = 0.1) = p - lr * g // expected-error {{hyperparameters of type 'f64' are not supported yet by code generation (f32 and int)}}
train t {
  model = dense(4, 3)
  loss = cross_entropy
  optimizer = wide
  data = synthetic(n = 64, features = 4, classes = 3)
}
