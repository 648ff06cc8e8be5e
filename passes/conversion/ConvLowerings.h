//===- ConvLowerings.h - gd convolution ops as linalg ------------*- C++ -*-===//
#ifndef GDC_PASSES_CONVERSION_CONVLOWERINGS_H
#define GDC_PASSES_CONVERSION_CONVLOWERINGS_H

#include "mlir/IR/PatternMatch.h"

namespace gdc {

/// The convert-gd-to-linalg patterns of `gd.conv2d` and its two gradient
/// ops: each one linalg.generic accumulating a correlation.
void populateConvLowerings(mlir::RewritePatternSet &patterns);

} // namespace gdc

#endif // GDC_PASSES_CONVERSION_CONVLOWERINGS_H
