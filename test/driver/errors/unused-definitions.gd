// RUN: %gdc %s --verify-diagnostics --emit=mlir
// Every definition is checked where it is written, whether or not a train
// block uses it (there is none here): models at their declared input, fns
// and losses whose parameters have concrete types, update rules with their
// defaults. Generic definitions wait for a use.
use std.nn
use std.losses

let m = dense(784, 256) >> dense(128, 10) // expected-error {{'>>' cannot compose: its left side gives f32[256], its right side takes f32[128]}}
let fine = dense(784, 256) >> relu >> dense(256, 10)

fn f(x: f32[3], y: f32[4]) -> f32[3] = x + y // expected-error {{operator '+': cannot broadcast f32[3] and f32[4]: dimension sizes 3 and 4 differ}}
// expected-error @+1 {{the result of 'wrong_result' is f32[3] but is declared with dimension 4 here}}
fn wrong_result(x: f32[3]) -> f32[4] = x
fn generic(x, y) = x + y
fn shaped(x: f32[k], y: f32[k]) = x * y * k
// A generic definition has its names resolved before any use.
fn generic_typo(x) = let z = 2 * x in z + softmax(x) + zz // expected-error {{unknown name 'zz'; did you mean 'z'?}}
fn generic_call(x) = x + softmx(x) // expected-error {{unknown function 'softmx'; did you mean 'softmax'?}}

loss typo(y: f32[10], label: i32) = logsumexp(y) - yy[label] // expected-error {{unknown name 'yy'; did you mean 'y'?}}

optimizer bad(lr: f32 = 0.1) = p - lr * gg // expected-error {{unknown name 'gg'; did you mean 'g'?}}
optimizer no_default(lr: f32, k: int) = p - lr * g / k
transform noisy(eta: f32 = 0.1) = g + eta * normal_like(gq) // expected-error {{unknown name 'gq'; did you mean 'g'?}}
schedule halve(lr0: f32, every: int) = lr0 * 0.5^floor((t - 1) / every)
schedule broken(lr0: f32) = lr0 * tt // expected-error {{unknown name 'tt'; did you mean 't'?}}

fn big(x: f32[99999999999, 99999999999]) = x // expected-error {{the type f32[99999999999, 99999999999] has more than 2^40 elements}}
fn negative(x: f32[0 - 4]) = x // expected-error {{dimension -4 is out of range (1 to 2^40)}}

lens tower() {
  let enc = dense(8, 16)
  fn (x: f32[8]) -> f32[16] = enc(x) + w // expected-error {{unknown name 'w'}}
}
