// A used module holds definitions; an instance there would be shared by
// every program using it.
// RUN: not %gdc %s --emit=mlir 2>&1 | FileCheck %s
// CHECK: Inputs/has_let.gd:2:5: error: a used module holds definitions (fn, lens, loss, optimizer, transform, schedule); this let belongs in the program
use Inputs.has_let
