// RUN: not %gdc %s -o %t 2>&1 | FileCheck %s --check-prefix=EACH --implicit-check-not=error:
// RUN: sed 's/chain(centred(), sgd())/sgd()/' %s > %t.gd
// RUN: not %gdc %t.gd -o %t 2>&1 | FileCheck %s --implicit-check-not=error:
// RUN: not test -e %t
// A whole-tensor operation in a per_example transform is not compiled yet;
// one that does not fit a tensor the rule updates is an error at the
// operation, once per tensor, naming it.
use std.nn
use std.losses
use std.optim

optimizer rows(lr: f32 = 0.1) = p - lr * g / sqrt(mean(g^2, axis = 1) + 1e-8)
transform per_example centred() = g - mean(g)

let net = dense(784, 3) >> dense(3, 2) >> dense(2, 2)

train t {
  model = net
  loss = cross_entropy
  optimizer = { "net.0.*": muon(), "net.1.*": rows(), "net.2.*": chain(centred(), sgd()) }
  data = idx("a", "b")
}
// EACH: tensor-shapes.gd:20:72: error: a per_example transform that takes a mean, sum or size over the tensor is not supported yet by code generation
// CHECK-DAG: optim.gd:{{[0-9]+}}:{{[0-9]+}}: error: 'orthogonalize' takes a matrix, but this rule updates 'net.0.b', of shape f32[3] (give such tensors another rule with a parameter group)
// CHECK-DAG: tensor-shapes.gd.tmp.gd:12:51: error: axis 1 is out of range for 'net.1.b', of shape f32[2] (count from the last axis with a negative one)
