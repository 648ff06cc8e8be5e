// RUN: %gdc %s --verify-diagnostics --emit=mlir
// Using a name bound to an instance twice shares its parameters; until code
// generation supports that, it is an error rather than a silent copy.
use std.nn
use std.losses
use std.optim

let block = dense(10, 10) >> relu
let net = dense(784, 10) >> block >> block // expected-error {{this instance is used twice, which shares its parameters; sharing is not supported yet by code generation}}

train t {
  model = net
  loss = cross_entropy
  optimizer = sgd(lr = 0.1)
  data = idx("a", "b")
}
