//===- ScalarOps.h - gd elementwise ops as arith/math on scalars -*- C++ -*-===//
#ifndef GDC_PASSES_CONVERSION_SCALAROPS_H
#define GDC_PASSES_CONVERSION_SCALAROPS_H

#include "mlir/IR/Builders.h"

namespace gdc {

/// Whether `op` is a gd op computed element by element (so it has a scalar
/// form): arithmetic, math, comparisons, select, convert, constants.
bool isElementwise(mlir::Operation *op);

/// `value` as a constant of `element` type, float or integer.
mlir::TypedAttr scalarAttr(mlir::Builder &b, mlir::Type element, double value);

/// Emits `op`'s computation on one element: `operands` are scalars (f32,
/// i32, i1, ...) standing for `op`'s operands. Used for the body of the
/// linalg.generic of an elementwise op and of an optimizer's update, so
/// each op's scalar semantics is written once. Returns null (after emitting
/// an error) for ops without a scalar form.
/// The exponent field of the float `x`, as an integer of its width, and the
/// mask of all exponent bits (the bits of +infinity): `x` is a NaN or an
/// infinity exactly when the two are equal. On the bits, so that the loops
/// the train step's finiteness checks run in vectorise.
std::pair<mlir::Value, mlir::Value> exponentBits(mlir::OpBuilder &b, mlir::Location loc,
                                                 mlir::Value x);
/// The mask of all exponent bits of `type` (the bits of +infinity).
mlir::Value exponentMask(mlir::OpBuilder &b, mlir::Location loc, mlir::FloatType type);

mlir::Value emitScalar(mlir::OpBuilder &b, mlir::Location loc,
                       mlir::Operation *op, mlir::ValueRange operands);

} // namespace gdc

#endif // GDC_PASSES_CONVERSION_SCALAROPS_H
