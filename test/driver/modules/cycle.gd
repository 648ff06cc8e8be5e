// A cycle of `use` is reported at the `use` that closes it.
// RUN: not %gdc %s --emit=mlir 2>&1 | FileCheck %s
// CHECK: Inputs/cycle_b.gd:1:5: error: 'use Inputs.cycle_a' makes a cycle of modules: Inputs.cycle_a uses Inputs.cycle_b uses Inputs.cycle_a
use Inputs.cycle_a
