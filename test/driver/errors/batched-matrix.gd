// RUN: %gdc %s --verify-diagnostics --emit=llvm-dialect -o /dev/null
// Products of matrices that depend on the example compile (attention's
// q @ transpose(k)); a stack of matrices times one matrix that depends on
// the example does not yet, and is reported in the program's terms (no
// batch dimension), at the operator.
use std.losses
use std.optim
lens stacked() {
  param W: f32[4, 5] = zeros()
  fn (x: f32[2, 3, 4]) -> f32[10] =
    let pairwise = reshape(x[0:1], [3, 4]) @ transpose(reshape(x[1:2], [3, 4])) in
    flatten(sum(x @ (W * sum(pairwise)), axis = 1)) // expected-error {{a product of f32[2, 3, 4] and f32[4, 5] where a stack of matrices meets a matrix that depends on the example is not supported yet by code generation (stacks of one rank are)}}
}
train t {
  model = stacked()
  loss = cross_entropy
  optimizer = sgd
  data = idx("a", "b", shape = [2, 3, 4])
}
