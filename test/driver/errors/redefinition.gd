// RUN: %gdc %s --verify-diagnostics --emit=mlir
fn f(x) = x // expected-note {{the previous definition is here}}
fn f(x) = x + 1 // expected-error {{'f' is defined twice}}
