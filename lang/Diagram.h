//===- Diagram.h - A model as a string diagram ------------------*- C++ -*-===//
//
// `gdc --emit=diagram`: the train block's model drawn as the string diagram
// of its lens composition, as SVG. Each lens instance is a box, in
// composition order from left to right; the wires between boxes carry the
// per-example types; each parameter enters its box from above, as in the
// Para construction; a reused instance is drawn dashed, naming the one
// whose parameters it shares; the factors of a parallel product `||` are
// drawn one above the other, the tuple wire fanning out to them and back.
//
//===----------------------------------------------------------------------===//
#ifndef GDC_LANG_DIAGRAM_H
#define GDC_LANG_DIAGRAM_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LogicalResult.h"

#include <string>

namespace gdc {

/// The SVG of the model of `module`'s train block (which must have one).
mlir::FailureOr<std::string> drawModelDiagram(mlir::ModuleOp module);

} // namespace gdc

#endif // GDC_LANG_DIAGRAM_H
