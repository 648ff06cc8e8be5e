// RUN: %gdc %s --verify-diagnostics
// `f32[*s]` is an f32 tensor of any shape, named s whole: later uses of s
// must have that shape. Errors are reported at the annotation.
fn same_shape(a: f32[*s], b: f32[*s]) = a - b
// expected-error@-1 {{argument 'b' of 'same_shape' is f32[3], but its declared type is f32[2, 3]}}
// expected-error@-2 {{argument 'a' of 'same_shape' is i32[4], but its declared type is f32[*s]}}
// expected-error@-3 {{argument 'b' of 'same_shape' is i32[4], but its declared type is f32[*s]}}
fn pair(a: f32[2, 3], b: f32[3]) = same_shape(a, b)
fn ints(a: i32[4]) = same_shape(a, a)
// A scalar is a shape too (the empty one).
fn scalars(a: f32, b: f32) = same_shape(a, b)
