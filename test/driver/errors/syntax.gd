// RUN: %gdc %s --verify-diagnostics --emit=mlir
// Syntax errors say what was expected and what was found, at line:col, and
// the parser recovers to report several in one run.

fn f(x) = x + * 2 // expected-error {{expected an expression but found '*'}}
fn g(x = 3
let = 4
// expected-error @-1 {{expected ')' but found 'let'}}
// expected-error @-2 {{expected a name but found '='}}
