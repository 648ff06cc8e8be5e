//===- BatchingRules.cpp - The batching rule (vmap) of each gd op ---------===//
//
// One rule per op. A rule is called only when at least one operand carries
// the leading dynamic batch dimension; ops with no batched operand are
// cloned unchanged by the gd-batch pass.
//
//===----------------------------------------------------------------------===//
#include "dialects/gd/GDDialect.h"

using namespace mlir;

namespace gdc::gd {
namespace {

int64_t rankOf(Value v) { return cast<RankedTensorType>(v.getType()).getRank(); }

/// Gives a batched operand (`[B, s...]`, per-example rank k) the per-example
/// rank `rank` by inserting unit dimensions after the batch dimension, so
/// that right-aligned broadcasting against unbatched operands stays correct.
Value alignBatched(OpBuilder &b, Location loc, Value v, int64_t rank) {
  int64_t perExample = rankOf(v) - 1;
  if (perExample >= rank)
    return v;
  SmallVector<int64_t> axes;
  for (int64_t i = 1; i <= rank - perExample; ++i)
    axes.push_back(i);
  return ExpandDimsOp::create(b, loc, v, axes);
}

/// The rule shared by all elementwise ops: align ranks, apply the same op.
template <typename OpTy>
LogicalResult batchElementwise(OpTy op, OpBuilder &b, ValueRange operands,
                               ArrayRef<bool> batched,
                               SmallVectorImpl<Value> &results) {
  int64_t rank = rankOf(op->getResult(0));
  SmallVector<Value> aligned;
  for (auto [v, isBatched] : llvm::zip(operands, batched))
    aligned.push_back(isBatched ? alignBatched(b, op.getLoc(), v, rank) : v);
  results.push_back(
      OpTy::create(b, op.getLoc(), aligned, op->getAttrs())->getResult(0));
  return success();
}

/// Shifts per-example axes past the batch dimension.
SmallVector<int64_t> shiftAxes(ArrayRef<int64_t> axes) {
  SmallVector<int64_t> shifted;
  for (int64_t a : axes)
    shifted.push_back(a + 1);
  return shifted;
}

} // namespace

#define GD_ELEMENTWISE_BATCHING(OP)                                            \
  LogicalResult OP::buildBatched(OpBuilder &b, ValueRange operands,            \
                                 ArrayRef<bool> batched,                       \
                                 SmallVectorImpl<Value> &results) {            \
    return batchElementwise(*this, b, operands, batched, results);             \
  }
GD_ELEMENTWISE_BATCHING(AddOp)
GD_ELEMENTWISE_BATCHING(SubOp)
GD_ELEMENTWISE_BATCHING(MulOp)
GD_ELEMENTWISE_BATCHING(DivOp)
GD_ELEMENTWISE_BATCHING(PowOp)
GD_ELEMENTWISE_BATCHING(MaxOp)
GD_ELEMENTWISE_BATCHING(MinOp)
GD_ELEMENTWISE_BATCHING(CmpOp)
GD_ELEMENTWISE_BATCHING(SelectOp)
GD_ELEMENTWISE_BATCHING(NegOp)
GD_ELEMENTWISE_BATCHING(ExpOp)
GD_ELEMENTWISE_BATCHING(LogOp)
GD_ELEMENTWISE_BATCHING(SqrtOp)
GD_ELEMENTWISE_BATCHING(TanhOp)
GD_ELEMENTWISE_BATCHING(FullLikeOp)
GD_ELEMENTWISE_BATCHING(ModOp)
GD_ELEMENTWISE_BATCHING(SigmoidOp)
GD_ELEMENTWISE_BATCHING(SinOp)
GD_ELEMENTWISE_BATCHING(CosOp)
GD_ELEMENTWISE_BATCHING(AbsOp)
GD_ELEMENTWISE_BATCHING(SignOp)
GD_ELEMENTWISE_BATCHING(FloorOp)
GD_ELEMENTWISE_BATCHING(StopGradientOp)
GD_ELEMENTWISE_BATCHING(CeilOp)
#undef GD_ELEMENTWISE_BATCHING

LogicalResult ConstantOp::buildBatched(OpBuilder &, ValueRange,
                                       ArrayRef<bool>,
                                       SmallVectorImpl<Value> &) {
  return emitOpError("has no operands to batch");
}

LogicalResult ConvertOp::buildBatched(OpBuilder &b, ValueRange operands,
                                      ArrayRef<bool>,
                                      SmallVectorImpl<Value> &results) {
  auto in = cast<RankedTensorType>(operands[0].getType());
  auto element = cast<RankedTensorType>(getType()).getElementType();
  results.push_back(
      ConvertOp::create(b, getLoc(), in.clone(element), operands[0]));
  return success();
}

#define GD_REDUCE_BATCHING(OP)                                                 \
  LogicalResult OP::buildBatched(OpBuilder &b, ValueRange operands,            \
                                 ArrayRef<bool>,                               \
                                 SmallVectorImpl<Value> &results) {            \
    results.push_back(                                                         \
        OP::create(b, getLoc(), operands[0], shiftAxes(getAxes())));           \
    return success();                                                          \
  }
GD_REDUCE_BATCHING(ReduceSumOp)
GD_REDUCE_BATCHING(ReduceMeanOp)
GD_REDUCE_BATCHING(ReduceMaxOp)
GD_REDUCE_BATCHING(ReduceMinOp)
GD_REDUCE_BATCHING(NormOp)
GD_REDUCE_BATCHING(ArgMaxOp)
GD_REDUCE_BATCHING(FlatIndexOp)
GD_REDUCE_BATCHING(LogSumExpOp)
GD_REDUCE_BATCHING(DimSizeOp)
GD_REDUCE_BATCHING(ExpandDimsOp)
#undef GD_REDUCE_BATCHING

LogicalResult MatmulOp::buildBatched(OpBuilder &b, ValueRange operands,
                                     ArrayRef<bool> batched,
                                     SmallVectorImpl<Value> &results) {
  Location loc = getLoc();
  Value lhs = operands[0], rhs = operands[1];
  int64_t pl = rankOf(lhs) - (batched[0] ? 1 : 0), pr = rankOf(rhs) - (batched[1] ? 1 : 0);
  auto transpose = [&](Value v, ArrayRef<int64_t> perm) -> Value {
    return TransposeOp::create(b, loc, v, perm);
  };
  // The per-example result's shape behind a dynamic batch axis.
  SmallVector<int64_t> batchedResult{-1};
  llvm::append_range(batchedResult, cast<RankedTensorType>(getType()).getShape());
  // What depends on the example times a matrix that does not: [B, k] @ [k, n]
  // is one matrix product, [B, ..., m, k] @ [k, n] one for the whole stack.
  if (batched[0] && !batched[1] && pr == 2) {
    results.push_back(MatmulOp::create(b, loc, lhs, rhs));
    return success();
  }
  // [m, k] @ [k] per example: [B, k] @ [k, m] gives the batch of results.
  if (!batched[0] && batched[1] && pl == 2 && pr == 1) {
    results.push_back(MatmulOp::create(b, loc, rhs, transpose(lhs, {1, 0})));
    return success();
  }
  // A @ X_b for a matrix or vector A that does not depend on the example:
  // (X_b^T A^T)^T, one product of the stack of X_b^T by A^T.
  if (!batched[0] && batched[1] && pl <= 2 && pr == 2) {
    Value aT = pl == 2 ? transpose(lhs, {1, 0})
                       : ExpandDimsOp::create(b, loc, lhs, ArrayRef<int64_t>{1}).getResult();
    Value product = MatmulOp::create(b, loc, transpose(rhs, {0, 2, 1}), aT);
    results.push_back(pl == 2 ? transpose(product, {0, 2, 1})
                              : ReshapeOp::create(b, loc, product, batchedResult).getResult());
    return success();
  }
  // Both depend on the example (an operand that does not is repeated along
  // the batch): one stacked product, vectors as matrices of one row or
  // column.
  if (!batched[0])
    lhs = broadcastToBatch(b, loc, lhs, rhs);
  if (!batched[1])
    rhs = broadcastToBatch(b, loc, rhs, lhs);
  if (pl == 1)
    lhs = ExpandDimsOp::create(b, loc, lhs, ArrayRef<int64_t>{1});
  if (pr == 1)
    rhs = ExpandDimsOp::create(b, loc, rhs, ArrayRef<int64_t>{2});
  if (rankOf(lhs) != rankOf(rhs)) {
    // Reported in the program's terms: per-example shapes, no batch dimension.
    auto perExample = [](Value v, bool isBatched) {
      auto t = cast<RankedTensorType>(v.getType());
      return formatTensorType(isBatched ? RankedTensorType::get(t.getShape().drop_front(),
                                                                t.getElementType())
                                        : t);
    };
    return mlir::emitError(loc)
           << "a product of " << perExample(operands[0], batched[0]) << " and "
           << perExample(operands[1], batched[1])
           << " where a stack of matrices meets a matrix that depends on the example is "
              "not supported yet by code generation (stacks of one rank are)";
  }
  Value product = MatmulOp::create(b, loc, lhs, rhs);
  if (pl == 1 || pr == 1)
    product = ReshapeOp::create(b, loc, product, batchedResult);
  results.push_back(product);
  return success();
}

LogicalResult TransposeOp::buildBatched(OpBuilder &b, ValueRange operands,
                                        ArrayRef<bool>,
                                        SmallVectorImpl<Value> &results) {
  SmallVector<int64_t> perm{0};
  llvm::append_range(perm, shiftAxes(getPermutation()));
  results.push_back(TransposeOp::create(b, getLoc(), operands[0], perm));
  return success();
}

LogicalResult TakeOp::buildBatched(OpBuilder &b, ValueRange operands,
                                   ArrayRef<bool> batched,
                                   SmallVectorImpl<Value> &results) {
  if (!batched[0] || !batched[1])
    return emitOpError("batching an index where only one of the tensor and "
                       "the index depends on the example is not supported yet");
  results.push_back(TakeOp::create(b, getLoc(), operands[0], operands[1]));
  return success();
}

LogicalResult OneHotOp::buildBatched(OpBuilder &b, ValueRange operands,
                                     ArrayRef<bool>,
                                     SmallVectorImpl<Value> &results) {
  results.push_back(OneHotOp::create(b, getLoc(), operands[0], getDepth()));
  return success();
}

LogicalResult ReshapeOp::buildBatched(OpBuilder &b, ValueRange operands,
                                      ArrayRef<bool>,
                                      SmallVectorImpl<Value> &results) {
  // Per example the result's shape is static (any -1 has been resolved);
  // the batch dimension passes through as the one -1.
  auto perExample = cast<RankedTensorType>(getType());
  if (!perExample.hasStaticShape())
    return emitOpError("batching a reshape to a dynamic shape is not supported");
  SmallVector<int64_t> shape{-1};
  llvm::append_range(shape, perExample.getShape());
  results.push_back(ReshapeOp::create(b, getLoc(), operands[0], shape));
  return success();
}

// `expand_dims(v, [0]) + zeros[B, 1, ..., 1]`.
Value broadcastToBatch(OpBuilder &b, Location loc, Value v, Value batched) {
  int64_t rank = rankOf(v);
  SmallVector<int64_t> perExampleAxes;
  for (int64_t i = 1; i < rankOf(batched); ++i)
    perExampleAxes.push_back(i);
  Value batch = perExampleAxes.empty()
                    ? batched
                    : ReduceSumOp::create(b, loc, batched, perExampleAxes).getResult();
  Value zeros = FullLikeOp::create(b, loc, batch, b.getF64FloatAttr(0.0));
  if (rank > 0)
    zeros = alignBatched(b, loc, zeros, rank);
  Value lifted = ExpandDimsOp::create(b, loc, v, ArrayRef<int64_t>{0});
  return AddOp::create(b, loc, lifted, zeros);
}

LogicalResult ConcatOp::buildBatched(OpBuilder &b, ValueRange operands,
                                     ArrayRef<bool> batched,
                                     SmallVectorImpl<Value> &results) {
  Value anyBatched;
  for (auto [v, isBatched] : llvm::zip(operands, batched))
    if (isBatched)
      anyBatched = v;
  SmallVector<Value> inputs;
  for (auto [v, isBatched] : llvm::zip(operands, batched))
    inputs.push_back(isBatched ? v : broadcastToBatch(b, getLoc(), v, anyBatched));
  results.push_back(ConcatOp::create(b, getLoc(), inputs, getAxis() + 1));
  return success();
}

LogicalResult SliceOp::buildBatched(OpBuilder &b, ValueRange operands,
                                    ArrayRef<bool>,
                                    SmallVectorImpl<Value> &results) {
  results.push_back(
      SliceOp::create(b, getLoc(), operands[0], getAxis() + 1, getLo(), getHi()));
  return success();
}

LogicalResult Conv2DOp::buildBatched(OpBuilder &b, ValueRange operands,
                                     ArrayRef<bool> batched,
                                     SmallVectorImpl<Value> &results) {
  // A batch of images is the convolution's own leading axis; a batch of
  // filters (a parameter taken once per example) pairs with it, one filter
  // per image.
  if (batched[1] && !batched[0])
    return emitOpError("a convolution whose filter depends on the example needs an input "
                       "that does too");
  results.push_back(Conv2DOp::create(b, getLoc(), operands[0], operands[1], getPadding(),
                                     getStride(), getDilation()));
  return success();
}

// Likewise a batch of images is the pools' own leading axis.
LogicalResult MaxPool2DOp::buildBatched(OpBuilder &b, ValueRange operands, ArrayRef<bool>,
                                        SmallVectorImpl<Value> &results) {
  results.push_back(MaxPool2DOp::create(b, getLoc(), operands[0], getWindow(), getStride(),
                                        getPadding()));
  return success();
}

LogicalResult AvgPool2DOp::buildBatched(OpBuilder &b, ValueRange operands, ArrayRef<bool>,
                                        SmallVectorImpl<Value> &results) {
  results.push_back(AvgPool2DOp::create(b, getLoc(), operands[0], getWindow(), getStride(),
                                        getPadding()));
  return success();
}

// The gradient ops are built by the reverse rules, which run after
// gd-batch: they are never batched.
LogicalResult Conv2DGradInputOp::buildBatched(OpBuilder &, ValueRange, ArrayRef<bool>,
                                              SmallVectorImpl<Value> &) {
  return emitOpError("is built after batching and has no batching rule");
}

LogicalResult Conv2DGradFilterOp::buildBatched(OpBuilder &, ValueRange, ArrayRef<bool>,
                                               SmallVectorImpl<Value> &) {
  return emitOpError("is built after batching and has no batching rule");
}

LogicalResult MaxPool2DGradOp::buildBatched(OpBuilder &, ValueRange, ArrayRef<bool>,
                                            SmallVectorImpl<Value> &) {
  return emitOpError("is built after batching and has no batching rule");
}

LogicalResult AvgPool2DGradOp::buildBatched(OpBuilder &, ValueRange, ArrayRef<bool>,
                                            SmallVectorImpl<Value> &) {
  return emitOpError("is built after batching and has no batching rule");
}

} // namespace gdc::gd
