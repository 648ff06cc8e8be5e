// Random draws take the arguments they document; `training` is a lens-side
// flag. One program per case (each stops its model's elaboration).
// RUN: split-file %s %t
// RUN: %gdc %t/like-arity.gd --verify-diagnostics --emit=mlir
// RUN: %gdc %t/normal-args.gd --verify-diagnostics --emit=mlir
// RUN: %gdc %t/uniform-args.gd --verify-diagnostics --emit=mlir
// RUN: %gdc %t/like-two.gd --verify-diagnostics --emit=mlir
// RUN: %gdc %t/training-in-rule.gd --verify-diagnostics --emit=mlir

//--- like-arity.gd
use std.nn
use std.losses
use std.optim
fn a(x) = x + normal_like() // expected-error {{'normal_like' takes 1 argument (the tensor whose shape to draw), got 0}}
train t { model = dense(4, 4) >> a  loss = cross_entropy  optimizer = sgd  data = synthetic(n = 8, features = 4, classes = 4) }

//--- normal-args.gd
use std.nn
use std.losses
use std.optim
fn b(x) = x + normal(0, 2) // expected-error {{'normal()' draws one number and takes no arguments, got 2; for mean m and standard deviation s write m + s * normal()}}
train t { model = dense(4, 4) >> b  loss = cross_entropy  optimizer = sgd  data = synthetic(n = 8, features = 4, classes = 4) }

//--- uniform-args.gd
use std.nn
use std.losses
use std.optim
fn c(x) = x * uniform(1) // expected-error {{'uniform()' draws one number and takes no arguments, got 1; for a draw from [lo, hi) write lo + (hi - lo) * uniform()}}
train t { model = dense(4, 4) >> c  loss = cross_entropy  optimizer = sgd  data = synthetic(n = 8, features = 4, classes = 4) }

//--- like-two.gd
use std.nn
use std.losses
use std.optim
fn d(x) = x + uniform_like(x, x) // expected-error {{'uniform_like' takes 1 argument (the tensor whose shape to draw), got 2}}
train t { model = dense(4, 4) >> d  loss = cross_entropy  optimizer = sgd  data = synthetic(n = 8, features = 4, classes = 4) }

//--- training-in-rule.gd
use std.nn
use std.losses
optimizer wobbly(lr: f32 = 0.1) {
  p - lr * (if training then g else 0 * g) // expected-error {{'training' is always true in an update rule; it is for lenses that behave differently in evaluation (dropout)}}
}
train t { model = dense(4, 4)  loss = cross_entropy  optimizer = wobbly  data = synthetic(n = 8, features = 4, classes = 4) }
