//===- ShapeLowerings.h - gd shape ops as tensor ops -------------*- C++ -*-===//
#ifndef GDC_PASSES_CONVERSION_SHAPELOWERINGS_H
#define GDC_PASSES_CONVERSION_SHAPELOWERINGS_H

#include "mlir/IR/PatternMatch.h"

namespace gdc {

/// The convert-gd-to-linalg patterns of the ops that move elements without
/// computing: `gd.reshape` (to tensor.reshape), `gd.concat` and `gd.slice`
/// (to linalg.generic copies).
void populateShapeLowerings(mlir::RewritePatternSet &patterns);

} // namespace gdc

#endif // GDC_PASSES_CONVERSION_SHAPELOWERINGS_H
