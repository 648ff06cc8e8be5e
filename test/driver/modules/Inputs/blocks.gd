// A module of definitions, used by ../use.gd.
use std.nn
fn act(x) = tanh(x)
lens residual(d: int) {
  let f = dense(d, d)
  fn (x: f32[d]) -> f32[d] = x + act(f(x))
}
