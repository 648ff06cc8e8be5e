//===- RandomOps.cpp - gd.random and gd.training ---------------------------===//
//
// Their verifiers, reverse rules and batching rules, kept together because
// both ops are bound to the step they run in by gd-inline-lenses.
//
//===----------------------------------------------------------------------===//
#include "dialects/gd/GDDialect.h"

#include "mlir/IR/TypeUtilities.h"

using namespace mlir;

namespace gdc::gd {

LogicalResult RandomOp::verify() {
  if (getDistribution() != "normal" && getDistribution() != "uniform")
    return emitOpError("distribution must be \"normal\" or \"uniform\", not \"")
           << getDistribution() << "\"";
  auto like = cast<RankedTensorType>(getLike().getType());
  auto result = cast<RankedTensorType>(getType());
  if (!isa<FloatType>(result.getElementType()))
    return emitOpError("draws floats, not ") << result.getElementType();
  if (failed(verifyCompatibleShape(like.getShape(), result.getShape())))
    return emitOpError("result shape ")
           << formatTensorType(result) << " differs from the operand's "
           << formatTensorType(like);
  if (getStream() < 0)
    return emitOpError("stream must be non-negative");
  if (getKey().empty())
    return success();
  auto scalarOf = [](Value v, Type element) {
    auto t = cast<RankedTensorType>(v.getType());
    return t.getRank() == 0 && t.getElementType() == element;
  };
  Builder b(getContext());
  if (getKey().size() < 2 || getKey().size() > 3 || !scalarOf(getKey()[0], b.getI64Type()) ||
      !scalarOf(getKey()[1], b.getF32Type()) ||
      (getKey().size() == 3 && !scalarOf(getKey()[2], b.getI64Type())))
    return emitOpError("key must be (seed: tensor<i64>, t: tensor<f32>), and the instance "
                       "(tensor<i64>) where it is known only at run time");
  return success();
}

LogicalResult RandomOp::buildReverse(OpBuilder &, ValueRange, SmallVectorImpl<Value> &dx) {
  dx.push_back(nullptr); // only the operand's shape is read
  for (size_t i = 0; i < getKey().size(); ++i)
    dx.push_back(nullptr);
  return success();
}

LogicalResult RandomOp::buildBatched(OpBuilder &b, ValueRange operands, ArrayRef<bool> batched,
                                     SmallVectorImpl<Value> &results) {
  if (!batched[0])
    return emitOpError("must draw for a batched operand (gd-batch broadcasts it)");
  auto like = cast<RankedTensorType>(operands[0].getType());
  auto element = cast<RankedTensorType>(getType()).getElementType();
  results.push_back(RandomOp::create(b, getLoc(), like.clone(element), operands[0],
                                     getDistributionAttr(), getStreamAttr(),
                                     operands.drop_front()));
  return success();
}

LogicalResult TrainingOp::buildReverse(OpBuilder &, ValueRange, SmallVectorImpl<Value> &) {
  return success();
}

LogicalResult TrainingOp::buildBatched(OpBuilder &, ValueRange, ArrayRef<bool>,
                                       SmallVectorImpl<Value> &) {
  return emitOpError("has no operands to batch");
}

} // namespace gdc::gd
