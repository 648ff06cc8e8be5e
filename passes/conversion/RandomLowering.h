//===- RandomLowering.h - gd.random as a counter-based generator -*- C++ -*-===//
#ifndef GDC_PASSES_CONVERSION_RANDOMLOWERING_H
#define GDC_PASSES_CONVERSION_RANDOMLOWERING_H

#include "mlir/IR/PatternMatch.h"

namespace gdc {

/// The convert-gd-to-linalg pattern of `gd.random`: one parallel
/// linalg.generic whose body hashes (seed, t, stream, element index).
void populateRandomLowering(mlir::RewritePatternSet &patterns);

} // namespace gdc

#endif // GDC_PASSES_CONVERSION_RANDOMLOWERING_H
