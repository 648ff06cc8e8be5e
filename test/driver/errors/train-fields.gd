// RUN: %gdc %s --verify-diagnostics --emit=mlir
use std.nn
use std.losses
use std.optim

train t { // expected-error {{train block 't' is missing the field 'optimizer'}}
  model = dense(784, 10)
  loss = cross_entropy
  data = idx("a", "b")
}
