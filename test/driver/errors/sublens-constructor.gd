// RUN: %gdc %s --verify-diagnostics --emit=mlir
// A constructor call inside an expression would create an instance per
// evaluation; the instance is named first.
use std.nn
use std.losses
use std.optim
lens block(d: int) {
  fn (x: f32[d]) = relu(dense(d, d)) // expected-error {{'dense(...)' creates a lens instance; in a lens body, name it (`let f = dense(...)`) and apply it as f(x); elsewhere compose it with '>>'}}
}
train t {
  model = block(10)
  loss = cross_entropy
  optimizer = sgd(lr = 0.1)
  data = idx("a", "b", shape = [10])
}
