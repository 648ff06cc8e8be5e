// RUN: %gdc %s --verify-diagnostics
// `backward` is the one word a lens body takes before a parenthesis.

lens misspelled() {
  fn (x) = x
  backwards (x, dy) = dy // expected-error {{expected `param`, `let`, `fn (x) = ...` or `backward (x, dy) = ...` in a lens body, not 'backwards'}}
}
