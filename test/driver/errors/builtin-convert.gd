// RUN: %gdc %s --verify-diagnostics
// i32(x) and f32(x) convert numbers; a bool is counted with `if`.
fn count(x: f32[3]) = i32(x > 0) // expected-error {{'i32' takes a number, got bool[3]; write `if c then 1 else 0` to count truths}}
fn two(x: f32[3]) = f32(x, x) // expected-error {{'f32' takes 1 argument, got 2}}
