//===- RandomLowering.h - gd.random as a counter-based generator -*- C++ -*-===//
#ifndef GDC_PASSES_CONVERSION_RANDOMLOWERING_H
#define GDC_PASSES_CONVERSION_RANDOMLOWERING_H

#include "mlir/IR/PatternMatch.h"

namespace gdc {

/// The convert-gd-to-linalg pattern of `gd.random`: one parallel
/// linalg.generic whose body hashes (seed, t, stream, element index).
void populateRandomLowering(mlir::RewritePatternSet &patterns);

/// In a linalg.generic's body: the row-major index (i64) of the current
/// element of an iteration space with these sizes (i64 values).
mlir::Value rowMajorIndex(mlir::OpBuilder &b, mlir::Location loc,
                          llvm::ArrayRef<mlir::Value> sizes);

/// One draw from `distribution` ("normal" or "uniform") as a scalar of the
/// float type `element`: a hash of `seed` (i64), `t` (f32), `stream` and
/// `index` (i64), so the same four always draw the same number. With
/// `instance` (i64, known only at run time: a loop over repeated stages),
/// the stream is `stream + (instance << 32)`, as gd-inline-lenses makes it
/// for an instance known when it inlines.
mlir::Value buildDraw(mlir::OpBuilder &b, mlir::Location loc, llvm::StringRef distribution,
                      uint64_t stream, mlir::Value seed, mlir::Value t, mlir::Value index,
                      mlir::Type element, mlir::Value instance = {});

} // namespace gdc

#endif // GDC_PASSES_CONVERSION_RANDOMLOWERING_H
