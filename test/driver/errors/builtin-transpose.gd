// RUN: %gdc %s --verify-diagnostics
// transpose(x, order) takes a permutation of x's axes.
fn bad(x: f32[2, 3, 4]) = transpose(x, [0, 0, 2]) // expected-error {{cannot transpose f32[2, 3, 4] by [0, 0, 2]: the new order must list each of its 3 axes once}}
fn short(x: f32[2, 3, 4]) = transpose(x, [1, 0]) // expected-error {{cannot transpose f32[2, 3, 4] by [1, 0]: the new order must list each of its 3 axes once}}
lens heads(d: int, h: int) {
  let dh = d / h // expected-error {{the compile-time integer 10 / 3 is not a whole number}}
  fn (x: f32[d]) = reshape(x, [h, dh])
}
let m = heads(10, 3)
