//===- ReductionLowerings.h - gd reductions as linalg ------------*- C++ -*-===//
#ifndef GDC_PASSES_CONVERSION_REDUCTIONLOWERINGS_H
#define GDC_PASSES_CONVERSION_REDUCTIONLOWERINGS_H

#include "mlir/IR/PatternMatch.h"

namespace gdc {

/// The convert-gd-to-linalg patterns of the reductions (`gd.reduce_sum`,
/// `reduce_mean`, `reduce_max`, `reduce_min`, `norm`, `argmax`, `logsumexp`).
void populateReductionLowerings(mlir::RewritePatternSet &patterns);

} // namespace gdc

#endif
