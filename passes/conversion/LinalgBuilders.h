//===- LinalgBuilders.h - Helpers shared by the gd-to-linalg patterns -*- C++ -*-===//
#ifndef GDC_PASSES_CONVERSION_LINALGBUILDERS_H
#define GDC_PASSES_CONVERSION_LINALGBUILDERS_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"

#include <functional>

namespace gdc {

inline mlir::RankedTensorType typeOf(mlir::Value v) {
  return llvm::cast<mlir::RankedTensorType>(v.getType());
}

/// A parallel linalg.generic over `resultType` whose inputs broadcast.
mlir::Value buildElementwise(
    mlir::OpBuilder &b, mlir::Location loc, mlir::RankedTensorType resultType,
    mlir::ValueRange inputs,
    llvm::function_ref<mlir::Value(mlir::OpBuilder &, mlir::Location, mlir::ValueRange)> body);

/// tensor.empty of `type`, its dynamic sizes taken from `sources`: for each
/// dynamic result dimension, an operand with a dynamic dimension at the same
/// right-aligned position (broadcasting ops) supplies it.
mlir::Value emptyFor(mlir::OpBuilder &b, mlir::Location loc, mlir::RankedTensorType type,
                     mlir::ValueRange sources);

/// A scalar arith constant `v` of the float `type`.
mlir::Value floatConstant(mlir::OpBuilder &b, mlir::Location loc, mlir::Type type, double v);

/// The number of elements in `axes` of `input`, as a scalar of `type`.
mlir::Value countOf(mlir::OpBuilder &b, mlir::Location loc, mlir::Value input,
                    llvm::ArrayRef<int64_t> axes, mlir::Type type);

} // namespace gdc

#endif
