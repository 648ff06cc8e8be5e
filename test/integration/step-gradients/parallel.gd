// A parallel product between a function that splits the example into a
// tuple and one that joins the parts.
use std.nn
use std.losses
use std.optim
fn split(x: f32[3]) = (x[0:1], x[1:3])
fn join(parts: (f32[2], f32[2])) = let (a, b) = parts in a * b
train t {
  model = split >> (dense(1, 2) || dense(2, 2)) >> join
  loss = cross_entropy
  optimizer = sgd(lr = 1)
  data = idx("x.idx", "y.idx", shape = [3])
}
