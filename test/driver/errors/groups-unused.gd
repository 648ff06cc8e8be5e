// RUN: %gdc %s --verify-diagnostics --emit=mlir
use std.nn
use std.losses
use std.optim

train t {
  model = dense(784, 10)
  loss = cross_entropy
  optimizer = { "*": sgd(),
                "encoder.*": frozen } // expected-error {{the pattern "encoder.*" matches no parameter of 'model'}}
  data = idx("a", "b")
}
