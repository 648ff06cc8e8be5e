// An `int` hyperparameter is a compile-time constant of its rule instance
// (like a schedule's int argument): it is not a runtime scalar, and the
// call's value replaces the default. Types other than f32, f64 and int are
// reported.
// RUN: split-file %s %t
// RUN: %gdc %t/ok.gd --emit=mlir | FileCheck %s
// RUN: %gdc %t/not-int.gd --verify-diagnostics --emit=mlir
// RUN: %gdc %t/f64.gd --verify-diagnostics --emit=mlir
// An `f64` one is a compile-time constant too, and the arithmetic with it
// runs in f64; the new parameter is rounded to f32 once.
// RUN: %gdc %t/wide.gd --emit=mlir | FileCheck %s --check-prefix=WIDE
// RUN: %gdc %t/chain.gd -o %t/chain && %t/chain --help | FileCheck %s --check-prefix=CHAIN
// RUN: %gdc %t/let.gd -o %t/let && %gdc %t/let.gd --emit=mlir | FileCheck %s --check-prefix=LET

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
optimizer narrow(lr: i32 = 1) = p - lr * g // expected-error {{hyperparameters of type 'i32' are not supported yet by code generation (f32, f64 and int)}}
train t {
  model = dense(4, 3)
  loss = cross_entropy
  optimizer = narrow
  data = synthetic(n = 64, features = 4, classes = 3)
}

//--- wide.gd
use std.nn
use std.losses
optimizer wide(lr: f64 = 0.1) = p - lr * 0.999 * g
train t {
  model = dense(4, 3)
  loss = cross_entropy
  optimizer = wide(lr = 0.3)
  data = synthetic(n = 64, features = 4, classes = 3)
}
// WIDE: gd.optimizer @wide attributes {gd.constants = {lr = 3.000000e-01 : f64}, hyper_defaults = [], hyper_names = [], state_names = []}
// WIDE-NEXT: ^bb0(%[[P:[a-z0-9]+]]: tensor<f32>, %[[G:[a-z0-9]+]]: tensor<f32>, %{{[a-z0-9]+}}: tensor<f32>):
// WIDE-NEXT: %[[LR:.*]] = gd.constant dense<3.000000e-01> : tensor<f64>
// The literal next to it is made at f64 from its exact value, not widened
// from its f32 rounding.
// WIDE-NOT: gd.convert
// WIDE: %[[C:.*]] = gd.constant dense<0.99899999999999999> : tensor<f64>
// WIDE: %[[S:.*]] = gd.mul %[[LR]], %[[C]] : tensor<f64>, tensor<f64> -> tensor<f64>
// WIDE: %[[G64:.*]] = gd.convert %[[G]] : tensor<f32> -> tensor<f64>
// WIDE: %[[STEP:.*]] = gd.mul %[[S]], %[[G64]] : tensor<f64>, tensor<f64> -> tensor<f64>
// WIDE: %[[P64:.*]] = gd.convert %[[P]] : tensor<f32> -> tensor<f64>
// WIDE: %[[NEW:.*]] = gd.sub %[[P64]], %[[STEP]]
// WIDE: %[[OUT:.*]] = gd.convert %[[NEW]] : tensor<f64> -> tensor<f32>
// WIDE: gd.yield %[[OUT]] : tensor<f32>

//--- let.gd
use std.nn
use std.losses
optimizer shared(lr: f64 = 0.1) {
  let c = 0.999
  p - lr * c * g - c * g
}
train t {
  model = dense(4, 3)
  loss = cross_entropy
  optimizer = shared
  data = synthetic(n = 64, features = 4, classes = 3)
}
// A let-bound literal promoted in one use is still there for the next.
// LET: %[[C32:.*]] = gd.constant dense<9.990000e-01> : tensor<f32>
// LET: gd.constant dense<0.99899999999999999> : tensor<f64>
// LET: gd.mul %[[C32]], %{{.*}} : tensor<f32>, tensor<f32> -> tensor<f32>

//--- chain.gd
use std.nn
use std.losses
use std.optim
transform decay(c: f64 = 1e-4) = g + c * p
transform per_example scaled(c: f64 = 0.5) = g * c
train t {
  model = dense(4, 3)
  loss = cross_entropy
  optimizer = { "*.W": chain(decay(c = 0.001), sgd(0.1)), "*.b": chain(scaled(), sgd(0.1)) }
  data = synthetic(n = 64, features = 4, classes = 3)
}
// f64 arguments of transforms fold into the chain's rule, per_example ones
// included, and keep their prefixed names.
// CHAIN: compile-time arguments of the update rule (int and f64; change them in the program):
// CHAIN-NEXT: decay.c{{ +}}0.001 (f64)
// CHAIN-NEXT: scaled.c{{ +}}0.5 (f64)
