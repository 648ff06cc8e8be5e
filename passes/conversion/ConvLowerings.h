//===- ConvLowerings.h - gd convolution ops as linalg ------------*- C++ -*-===//
#ifndef GDC_PASSES_CONVERSION_CONVLOWERINGS_H
#define GDC_PASSES_CONVERSION_CONVLOWERINGS_H

#include "mlir/IR/PatternMatch.h"

namespace gdc {

/// The convert-gd-to-linalg patterns of the windowed ops: `gd.conv2d`, the
/// pools, and their gradient ops, each one or two linalg.generics; with
/// `kernels`, f32 convolutions of a batch become gd.conv2d_kernel.
void populateConvLowerings(mlir::RewritePatternSet &patterns, bool kernels);

} // namespace gdc

#endif // GDC_PASSES_CONVERSION_CONVLOWERINGS_H
