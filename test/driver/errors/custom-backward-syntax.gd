// RUN: not %gdc %s 2>&1 | FileCheck %s
// `backward` is a keyword; a lens body holds nothing else of that form.
lens misspelled() {
  fn (x) = x
  backwards (x, dy) = dy
}
// CHECK: custom-backward-syntax.gd:5:3: error: expected 'let', 'fn', 'param', 'backward' or '}' but found 'backwards'
