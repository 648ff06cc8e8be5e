// RUN: %gdc %s --verify-diagnostics --emit=mlir
// A lens instance is applied by name only inside the lens body that
// declares it; a fn has no parameters to hold it.
use std.nn
use std.losses
use std.optim
let enc = dense(10, 10)
fn f(x) = enc(x) // expected-error {{'enc' is a lens instance; apply it as enc(x) in the body of a lens that declares it (`let enc = ...`), or compose it with '>>'}}
train t {
  model = f
  loss = cross_entropy
  optimizer = sgd(lr = 0.1)
  data = idx("a", "b", shape = [10])
}
