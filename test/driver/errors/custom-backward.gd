// RUN: %gdc %s --verify-diagnostics
// A lens's own backward map is checked where the lens is used: it takes
// the input and the output's cotangent, and gives one cotangent per value
// (the input, then each parameter) of that value's type.

lens wrong_shape() {
  fn (x: f32[4]) -> f32[2] = x[0:2]
  backward (x, dy) = dy // expected-error {{the backward map of 'wrong_shape' gives f32[2] as the cotangent of the input x, which is f32[4]; a cotangent has its value's type}}
}
let a = wrong_shape()

lens missing_param(n: int) {
  param w: f32[n] = ones()
  fn (x: f32[n]) = w * x
  backward (x, dy) = w * dy // expected-error {{the backward map of 'missing_param' must give 2 cotangents, the input's and each parameter's, as the tuple (dx, dw), but it gives f32[3]}}
}
let b = missing_param(3)

lens wrong_param(n: int) {
  param w: f32[n] = ones()
  fn (x: f32[n]) = w * x
  backward (x, dy) = (w * dy, sum(x * dy)) // expected-error {{the backward map of 'wrong_param' gives f32 as the cotangent of the parameter w, which is f32[3]; a cotangent has its value's type}}
}
let c = wrong_param(3)

lens one_argument() {
  fn (x: f32[3]) = x
  backward (dy) = dy // expected-error {{the backward map takes the input and the output's cotangent, `backward (x, dy) = ...`, not 1 values}}
}
let d = one_argument()

lens two_backwards() {
  fn (x: f32[3]) = x
  backward (x, dy) = dy
  backward (x, dy) = -dy // expected-error {{a lens has one backward map; 'two_backwards' has two}}
}
let e = two_backwards()

lens annotated() {
  fn (x: f32[3]) = x
  backward (x, dy: f32[4]) = dy // expected-error {{the cotangent of the output of 'annotated'}}
}
let f = annotated()
