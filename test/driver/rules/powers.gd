// RUN: %gdc %s --emit=linalg | FileCheck %s
// RUN: sed 's/(-0.5)/(-0.25)/' %s > %t.gd
// RUN: %gdc %t.gd --emit=linalg | FileCheck %s --check-prefix=POW
// A constant exponent of 0.5 or -0.5 (a negated literal is a literal) is a
// square root, not a call to libm's powf per element (Adafactor's
// v^(-0.5)); another exponent stays powf.
use std.nn
use std.losses

optimizer damped(lr: f32 = 0.1) = p - lr * g * (1 + g^2)^(-0.5) * (2 + g^2)^0.5

train t {
  model = dense(4, 3)
  loss = cross_entropy
  optimizer = damped
  data = synthetic(n = 64, features = 4, classes = 3)
}
// CHECK-NOT: math.powf
// CHECK: math.sqrt
// CHECK-NOT: math.powf
// POW: math.powf
