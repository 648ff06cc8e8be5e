// RUN: %gdc %s --verify-diagnostics --emit=mlir
use Inputs.missing // expected-error-re {{unknown module 'Inputs.missing': there is no standard module of that name, and '{{.*}}Inputs/missing.gd' cannot be read (No such file or directory)}}
use std.vision // expected-error {{unknown module 'std.vision'; the standard modules are std.nn, std.losses, std.optim}}
