//===- ReverseRules.cpp - The reverse derivative of each gd op ------------===//
//
// The one home of every op's derivative: given the cotangent `dy` of an
// op's result, build the cotangents of its operands as gd ops. The
// gd-reverse-mode pass composes these (the chain rule); nothing else
// differentiates an op. A null operand cotangent means "none flows there".
//
//===----------------------------------------------------------------------===//
#include "dialects/gd/GDDialect.h"

#include "mlir/IR/IRMapping.h"

using namespace mlir;

namespace gdc::gd {
namespace {

RankedTensorType tensorType(Value v) {
  return cast<RankedTensorType>(v.getType());
}

/// `v` converted to element type `element` (dim_size and one_hot give f32
/// whatever the model's float type).
Value withElementType(OpBuilder &b, Location loc, Value v, Type element) {
  auto type = tensorType(v);
  if (type.getElementType() == element)
    return v;
  return ConvertOp::create(b, loc, type.clone(element), v);
}

Value zerosLike(OpBuilder &b, Location loc, Value v) {
  return FullLikeOp::create(b, loc, v, b.getF64FloatAttr(0.0));
}

/// Sums a cotangent of the broadcast result shape back to `primal`'s shape:
/// the reverse of NumPy broadcasting. Axes the primal lacks are summed away;
/// axes where the primal has size 1 are summed and kept.
Value unbroadcast(OpBuilder &b, Location loc, Value cotangent, Value primal) {
  auto from = tensorType(cotangent);
  auto to = tensorType(primal);
  if (from == to)
    return cotangent;
  int64_t lead = from.getRank() - to.getRank();
  SmallVector<int64_t> axes, keptOnes;
  for (int64_t i = 0; i < from.getRank(); ++i) {
    if (i < lead) {
      axes.push_back(i);
      continue;
    }
    int64_t d = to.getShape()[i - lead];
    if (d == 1 && from.getShape()[i] != 1) {
      axes.push_back(i);
      keptOnes.push_back(i - lead);
    }
  }
  Value sum = axes.empty() ? cotangent
                           : ReduceSumOp::create(b, loc, cotangent, axes).getResult();
  if (!keptOnes.empty())
    sum = ExpandDimsOp::create(b, loc, sum, keptOnes);
  return sum;
}

/// Broadcasts the cotangent of a reduction back over the reduced axes of
/// `input`: `dy[..]` becomes `dy` repeated along `axes`.
Value unreduce(OpBuilder &b, Location loc, Value cotangent, Value input,
               ArrayRef<int64_t> axes) {
  SmallVector<int64_t> sorted(axes);
  llvm::sort(sorted);
  Value expanded = sorted.empty()
                       ? cotangent
                       : ExpandDimsOp::create(b, loc, cotangent, sorted).getResult();
  return AddOp::create(b, loc, expanded, zerosLike(b, loc, input));
}

Value matmul(OpBuilder &b, Location loc, Value lhs, Value rhs) {
  return MatmulOp::create(b, loc, lhs, rhs);
}

Value transposed(OpBuilder &b, Location loc, Value m) {
  return TransposeOp::create(b, loc, m, ArrayRef<int64_t>{1, 0});
}

Value expand(OpBuilder &b, Location loc, Value v, int64_t axis) {
  return ExpandDimsOp::create(b, loc, v, ArrayRef<int64_t>{axis});
}

} // namespace

LogicalResult ConstantOp::buildReverse(OpBuilder &, ValueRange,
                                       SmallVectorImpl<Value> &) {
  return success();
}

LogicalResult AddOp::buildReverse(OpBuilder &b, ValueRange dy,
                                  SmallVectorImpl<Value> &dx) {
  dx.push_back(unbroadcast(b, getLoc(), dy[0], getLhs()));
  dx.push_back(unbroadcast(b, getLoc(), dy[0], getRhs()));
  return success();
}

LogicalResult SubOp::buildReverse(OpBuilder &b, ValueRange dy,
                                  SmallVectorImpl<Value> &dx) {
  dx.push_back(unbroadcast(b, getLoc(), dy[0], getLhs()));
  Value neg = NegOp::create(b, getLoc(), dy[0]);
  dx.push_back(unbroadcast(b, getLoc(), neg, getRhs()));
  return success();
}

LogicalResult MulOp::buildReverse(OpBuilder &b, ValueRange dy,
                                  SmallVectorImpl<Value> &dx) {
  Location loc = getLoc();
  dx.push_back(unbroadcast(b, loc, MulOp::create(b, loc, dy[0], getRhs()), getLhs()));
  dx.push_back(unbroadcast(b, loc, MulOp::create(b, loc, dy[0], getLhs()), getRhs()));
  return success();
}

LogicalResult DivOp::buildReverse(OpBuilder &b, ValueRange dy,
                                  SmallVectorImpl<Value> &dx) {
  // d(a/b) = da / b - db * (a/b) / b
  Location loc = getLoc();
  Value dlhs = DivOp::create(b, loc, dy[0], getRhs());
  dx.push_back(unbroadcast(b, loc, dlhs, getLhs()));
  Value q = MulOp::create(b, loc, dlhs, getResult());
  dx.push_back(unbroadcast(b, loc, NegOp::create(b, loc, q), getRhs()));
  return success();
}

LogicalResult PowOp::buildReverse(OpBuilder &b, ValueRange dy,
                                  SmallVectorImpl<Value> &dx) {
  // d(x^y) = y * x^(y-1) dx + x^y * log(x) dy
  Location loc = getLoc();
  Type element = tensorType(getRhs()).getElementType();
  Value ym1 = SubOp::create(b, loc, getRhs(), scalarConstant(b, loc, element, 1.0));
  Value dbase = MulOp::create(b, loc, getRhs(), PowOp::create(b, loc, getLhs(), ym1));
  dx.push_back(unbroadcast(b, loc, MulOp::create(b, loc, dy[0], dbase), getLhs()));
  // The exponent's cotangent is only built when the exponent is not a
  // constant: log(x) of a negative base would be NaN.
  if (getRhs().getDefiningOp<ConstantOp>()) {
    dx.push_back(nullptr);
    return success();
  }
  Value dexp = MulOp::create(b, loc, getResult(), LogOp::create(b, loc, getLhs()));
  dx.push_back(unbroadcast(b, loc, MulOp::create(b, loc, dy[0], dexp), getRhs()));
  return success();
}

/// max and min route the cotangent to the operand that was chosen; on a tie
/// it goes to the right operand, so relu (`max(x, 0)`) has derivative 0 at 0.
static LogicalResult reverseOfChoice(Operation *op, StringRef predicate,
                                     OpBuilder &b, Value dy,
                                     SmallVectorImpl<Value> &dx) {
  Location loc = op->getLoc();
  Value lhs = op->getOperand(0), rhs = op->getOperand(1);
  Value pickLhs = CmpOp::create(b, loc, b.getStringAttr(predicate), lhs, rhs);
  Value zero = zerosLike(b, loc, dy);
  dx.push_back(unbroadcast(b, loc, SelectOp::create(b, loc, pickLhs, dy, zero), lhs));
  dx.push_back(unbroadcast(b, loc, SelectOp::create(b, loc, pickLhs, zero, dy), rhs));
  return success();
}

LogicalResult MaxOp::buildReverse(OpBuilder &b, ValueRange dy,
                                  SmallVectorImpl<Value> &dx) {
  return reverseOfChoice(*this, "gt", b, dy[0], dx);
}

LogicalResult MinOp::buildReverse(OpBuilder &b, ValueRange dy,
                                  SmallVectorImpl<Value> &dx) {
  return reverseOfChoice(*this, "lt", b, dy[0], dx);
}

LogicalResult SelectOp::buildReverse(OpBuilder &b, ValueRange dy,
                                     SmallVectorImpl<Value> &dx) {
  Location loc = getLoc();
  Value zero = zerosLike(b, loc, dy[0]);
  dx.push_back(nullptr);
  dx.push_back(unbroadcast(b, loc, SelectOp::create(b, loc, getCond(), dy[0], zero), getLhs()));
  dx.push_back(unbroadcast(b, loc, SelectOp::create(b, loc, getCond(), zero, dy[0]), getRhs()));
  return success();
}

LogicalResult ConvertOp::buildReverse(OpBuilder &b, ValueRange dy,
                                      SmallVectorImpl<Value> &dx) {
  auto in = tensorType(getInput());
  if (!isa<FloatType>(in.getElementType()) ||
      !isa<FloatType>(tensorType(getResult()).getElementType())) {
    dx.push_back(nullptr);
    return success();
  }
  dx.push_back(ConvertOp::create(b, getLoc(), in, dy[0]));
  return success();
}

LogicalResult NegOp::buildReverse(OpBuilder &b, ValueRange dy,
                                  SmallVectorImpl<Value> &dx) {
  dx.push_back(NegOp::create(b, getLoc(), dy[0]));
  return success();
}

LogicalResult ExpOp::buildReverse(OpBuilder &b, ValueRange dy,
                                  SmallVectorImpl<Value> &dx) {
  dx.push_back(MulOp::create(b, getLoc(), dy[0], getResult()));
  return success();
}

LogicalResult LogOp::buildReverse(OpBuilder &b, ValueRange dy,
                                  SmallVectorImpl<Value> &dx) {
  dx.push_back(DivOp::create(b, getLoc(), dy[0], getInput()));
  return success();
}

LogicalResult SqrtOp::buildReverse(OpBuilder &b, ValueRange dy,
                                   SmallVectorImpl<Value> &dx) {
  Location loc = getLoc();
  Type element = tensorType(getInput()).getElementType();
  Value half = scalarConstant(b, loc, element, 0.5);
  Value scaled = MulOp::create(b, loc, dy[0], half);
  dx.push_back(DivOp::create(b, loc, scaled, getResult()));
  return success();
}

LogicalResult TanhOp::buildReverse(OpBuilder &b, ValueRange dy,
                                   SmallVectorImpl<Value> &dx) {
  Location loc = getLoc();
  Type element = tensorType(getInput()).getElementType();
  Value one = scalarConstant(b, loc, element, 1.0);
  Value square = MulOp::create(b, loc, getResult(), getResult());
  Value slope = SubOp::create(b, loc, one, square);
  dx.push_back(MulOp::create(b, loc, dy[0], slope));
  return success();
}

LogicalResult SigmoidOp::buildReverse(OpBuilder &b, ValueRange dy,
                                      SmallVectorImpl<Value> &dx) {
  // sigmoid' = y (1 - y)
  Location loc = getLoc();
  Type element = tensorType(getInput()).getElementType();
  Value one = scalarConstant(b, loc, element, 1.0);
  Value slope = MulOp::create(b, loc, getResult(),
                              SubOp::create(b, loc, one, getResult()));
  dx.push_back(MulOp::create(b, loc, dy[0], slope));
  return success();
}

LogicalResult SinOp::buildReverse(OpBuilder &b, ValueRange dy,
                                  SmallVectorImpl<Value> &dx) {
  dx.push_back(MulOp::create(b, getLoc(), dy[0], CosOp::create(b, getLoc(), getInput())));
  return success();
}

LogicalResult CosOp::buildReverse(OpBuilder &b, ValueRange dy,
                                  SmallVectorImpl<Value> &dx) {
  Location loc = getLoc();
  Value sin = SinOp::create(b, loc, getInput());
  dx.push_back(NegOp::create(b, loc, MulOp::create(b, loc, dy[0], sin)));
  return success();
}

LogicalResult AbsOp::buildReverse(OpBuilder &b, ValueRange dy,
                                  SmallVectorImpl<Value> &dx) {
  // sign(x) is 0 at 0: the subgradient PyTorch and JAX choose.
  dx.push_back(MulOp::create(b, getLoc(), dy[0], SignOp::create(b, getLoc(), getInput())));
  return success();
}

// sign, floor and ceil are piecewise constant: derivative 0 almost
// everywhere, so no cotangent flows through them (as in PyTorch).
LogicalResult SignOp::buildReverse(OpBuilder &, ValueRange,
                                   SmallVectorImpl<Value> &dx) {
  dx.push_back(nullptr);
  return success();
}

LogicalResult FloorOp::buildReverse(OpBuilder &, ValueRange,
                                    SmallVectorImpl<Value> &dx) {
  dx.push_back(nullptr);
  return success();
}

// What stop_gradient is for: its input gets no cotangent from it.
LogicalResult StopGradientOp::buildReverse(OpBuilder &, ValueRange,
                                           SmallVectorImpl<Value> &dx) {
  dx.push_back(nullptr);
  return success();
}

/// The user's backward map, inlined: the cotangent of each operand is what
/// the backward region yields for it, given the operands and `dy`.
LogicalResult CustomBackwardOp::buildReverse(OpBuilder &b, ValueRange dy,
                                             SmallVectorImpl<Value> &dx) {
  Block &backward = getBackward().front();
  IRMapping map;
  map.map(backward.getArguments().drop_back(), getOperands());
  map.map(backward.getArguments().back(), dy[0]);
  for (Operation &op : backward.without_terminator())
    b.clone(op, map);
  for (Value v : cast<YieldOp>(backward.getTerminator()).getValues())
    dx.push_back(map.lookupOrDefault(v));
  return success();
}

LogicalResult CeilOp::buildReverse(OpBuilder &, ValueRange,
                                   SmallVectorImpl<Value> &dx) {
  dx.push_back(nullptr);
  return success();
}

LogicalResult ModOp::buildReverse(OpBuilder &b, ValueRange dy,
                                  SmallVectorImpl<Value> &dx) {
  // a % b = a - floor(a / b) * b: da = dy, db = -floor(a / b) dy.
  Location loc = getLoc();
  dx.push_back(unbroadcast(b, loc, dy[0], getLhs()));
  Value quotient = FloorOp::create(b, loc, DivOp::create(b, loc, getLhs(), getRhs()));
  Value db = NegOp::create(b, loc, MulOp::create(b, loc, dy[0], quotient));
  dx.push_back(unbroadcast(b, loc, db, getRhs()));
  return success();
}

LogicalResult ReduceSumOp::buildReverse(OpBuilder &b, ValueRange dy,
                                        SmallVectorImpl<Value> &dx) {
  dx.push_back(unreduce(b, getLoc(), dy[0], getInput(), getAxes()));
  return success();
}

LogicalResult ReduceMeanOp::buildReverse(OpBuilder &b, ValueRange dy,
                                         SmallVectorImpl<Value> &dx) {
  Location loc = getLoc();
  Value count = withElementType(b, loc,
                                DimSizeOp::create(b, loc, getInput(), getAxes()),
                                tensorType(getInput()).getElementType());
  Value scaled = DivOp::create(b, loc, dy[0], count);
  dx.push_back(unreduce(b, loc, scaled, getInput(), getAxes()));
  return success();
}

/// The cotangent of a max or min reduction goes to the first extremum of
/// each reduced slice, in row-major order over the reduced axes (as
/// torch.max(dim) and max pooling choose), so tied elements share it
/// rather than each receiving all of it. `extremes` is the input for max,
/// its negation for min: the first maximum of -x is the first minimum of x.
static Value firstExtremumCotangent(OpBuilder &b, Location loc, Value dy, Value input,
                                   Value extremes, ArrayRef<int64_t> axes) {
  SmallVector<int64_t> sorted(axes);
  llvm::sort(sorted);
  Value chosen = ArgMaxOp::create(b, loc, extremes, axes);
  if (!sorted.empty())
    chosen = ExpandDimsOp::create(b, loc, chosen, sorted);
  Value position = FlatIndexOp::create(b, loc, input, axes);
  Value isFirst = CmpOp::create(b, loc, b.getStringAttr("eq"), position, chosen);
  Value spread = unreduce(b, loc, dy, input, axes);
  return SelectOp::create(b, loc, isFirst, spread, zerosLike(b, loc, spread));
}

LogicalResult ReduceMaxOp::buildReverse(OpBuilder &b, ValueRange dy,
                                        SmallVectorImpl<Value> &dx) {
  dx.push_back(firstExtremumCotangent(b, getLoc(), dy[0], getInput(), getInput(), getAxes()));
  return success();
}

LogicalResult ReduceMinOp::buildReverse(OpBuilder &b, ValueRange dy,
                                        SmallVectorImpl<Value> &dx) {
  Value negated = NegOp::create(b, getLoc(), getInput());
  dx.push_back(firstExtremumCotangent(b, getLoc(), dy[0], getInput(), negated, getAxes()));
  return success();
}

LogicalResult NormOp::buildReverse(OpBuilder &b, ValueRange dy,
                                   SmallVectorImpl<Value> &dx) {
  // d|x| = x / |x|; at x = 0 (all of the reduced elements zero) the
  // derivative is taken to be 0 rather than 0/0.
  Location loc = getLoc();
  Type element = tensorType(getInput()).getElementType();
  Value norm = unreduce(b, loc, getResult(), getInput(), getAxes());
  Value zero = scalarConstant(b, loc, element, 0.0);
  Value one = scalarConstant(b, loc, element, 1.0);
  Value isZero = CmpOp::create(b, loc, b.getStringAttr("eq"), norm, zero);
  Value safe = SelectOp::create(b, loc, isZero, one, norm);
  Value spread = unreduce(b, loc, dy[0], getInput(), getAxes());
  Value direction = DivOp::create(b, loc, getInput(), safe);
  dx.push_back(MulOp::create(b, loc, spread, direction));
  return success();
}

LogicalResult ArgMaxOp::buildReverse(OpBuilder &, ValueRange,
                                     SmallVectorImpl<Value> &dx) {
  dx.push_back(nullptr); // an integer result: not differentiable
  return success();
}

LogicalResult LogSumExpOp::buildReverse(OpBuilder &b, ValueRange dy,
                                        SmallVectorImpl<Value> &dx) {
  // d logsumexp(x) = softmax(x) = exp(x - logsumexp(x))
  Location loc = getLoc();
  Value lse = unreduce(b, loc, getResult(), getInput(), getAxes());
  Value softmax = ExpOp::create(b, loc, SubOp::create(b, loc, getInput(), lse));
  Value spread = unreduce(b, loc, dy[0], getInput(), getAxes());
  dx.push_back(MulOp::create(b, loc, spread, softmax));
  return success();
}

LogicalResult MatmulOp::buildReverse(OpBuilder &b, ValueRange dy,
                                     SmallVectorImpl<Value> &dx) {
  Location loc = getLoc();
  Value a = getLhs(), w = getRhs(), dc = dy[0];
  int64_t ra = tensorType(a).getRank(), rw = tensorType(w).getRank();
  if (ra >= 3 && rw == 2) {
    // C = A W for each matrix A of the stack: dA = dC W^T; dW sums A^T dC
    // over the stack, one product of the stacks' rows.
    int64_t k = tensorType(a).getShape().back(), n = tensorType(w).getShape().back();
    dx.push_back(matmul(b, loc, dc, transposed(b, loc, w)));
    Value rowsA = ReshapeOp::create(b, loc, a, ArrayRef<int64_t>{-1, k});
    Value rowsC = ReshapeOp::create(b, loc, dc, ArrayRef<int64_t>{-1, n});
    dx.push_back(matmul(b, loc, transposed(b, loc, rowsA), rowsC));
  } else if (ra >= 3) {
    // Stacks of products: each pair as in the matrix case.
    SmallVector<int64_t> swap;
    for (int64_t i = 0; i < ra - 2; ++i)
      swap.push_back(i);
    swap.append({ra - 1, ra - 2});
    dx.push_back(matmul(b, loc, dc, TransposeOp::create(b, loc, w, swap)));
    dx.push_back(matmul(b, loc, TransposeOp::create(b, loc, a, swap), dc));
  } else if (ra == 2 && rw == 2) { // C = A W: dA = dC W^T, dW = A^T dC
    dx.push_back(matmul(b, loc, dc, transposed(b, loc, w)));
    dx.push_back(matmul(b, loc, transposed(b, loc, a), dc));
  } else if (ra == 1) { // c = a W: da = W dc, dW = a dc^T (outer product)
    dx.push_back(matmul(b, loc, w, dc));
    dx.push_back(matmul(b, loc, expand(b, loc, a, 1), expand(b, loc, dc, 0)));
  } else { // c = A w: dA = dc w^T (outer product), dw = A^T dc
    dx.push_back(matmul(b, loc, expand(b, loc, dc, 1), expand(b, loc, w, 0)));
    dx.push_back(matmul(b, loc, transposed(b, loc, a), dc));
  }
  return success();
}

LogicalResult TransposeOp::buildReverse(OpBuilder &b, ValueRange dy,
                                        SmallVectorImpl<Value> &dx) {
  ArrayRef<int64_t> perm = getPermutation();
  SmallVector<int64_t> inverse(perm.size());
  for (auto [i, p] : llvm::enumerate(perm))
    inverse[p] = i;
  dx.push_back(TransposeOp::create(b, getLoc(), dy[0], inverse));
  return success();
}

LogicalResult ExpandDimsOp::buildReverse(OpBuilder &b, ValueRange dy,
                                         SmallVectorImpl<Value> &dx) {
  dx.push_back(ReduceSumOp::create(b, getLoc(), dy[0], getAxes()));
  return success();
}

LogicalResult TakeOp::buildReverse(OpBuilder &b, ValueRange dy,
                                   SmallVectorImpl<Value> &dx) {
  // The picked element receives the cotangent; the others receive zero.
  Location loc = getLoc();
  auto in = tensorType(getInput());
  Value hot = withElementType(
      b, loc, OneHotOp::create(b, loc, getIndices(), in.getShape().back()),
      in.getElementType());
  Value spread = expand(b, loc, dy[0], in.getRank() - 1);
  dx.push_back(MulOp::create(b, loc, hot, spread));
  dx.push_back(nullptr);
  return success();
}

LogicalResult OneHotOp::buildReverse(OpBuilder &, ValueRange,
                                     SmallVectorImpl<Value> &dx) {
  dx.push_back(nullptr); // the indices are integers
  return success();
}

LogicalResult ReshapeOp::buildReverse(OpBuilder &b, ValueRange dy,
                                      SmallVectorImpl<Value> &dx) {
  // The same elements in the input's shape; its one dynamic (batch) axis,
  // if any, is the -1.
  SmallVector<int64_t> shape;
  unsigned dynamic = 0;
  for (int64_t d : tensorType(getInput()).getShape()) {
    bool isDynamic = ShapedType::isDynamic(d);
    dynamic += isDynamic;
    shape.push_back(isDynamic ? -1 : d);
  }
  if (dynamic > 1)
    return emitOpError("cannot differentiate a reshape of a tensor with more "
                       "than one dynamic axis");
  dx.push_back(ReshapeOp::create(b, getLoc(), dy[0], shape));
  return success();
}

LogicalResult ConcatOp::buildReverse(OpBuilder &b, ValueRange dy,
                                     SmallVectorImpl<Value> &dx) {
  // Each operand receives its own slice of the cotangent.
  int64_t offset = 0, axis = getAxis();
  for (Value in : getInputs()) {
    int64_t size = tensorType(in).getDimSize(axis);
    dx.push_back(SliceOp::create(b, getLoc(), dy[0], axis, offset, offset + size));
    offset += size;
  }
  return success();
}

LogicalResult SliceOp::buildReverse(OpBuilder &b, ValueRange dy,
                                    SmallVectorImpl<Value> &dx) {
  // The cotangent padded with zeros where the slice did not reach; the
  // zeros are shaped like the parts of the input left out.
  Location loc = getLoc();
  int64_t axis = getAxis(), lo = getLo(), hi = getHi();
  int64_t size = tensorType(getInput()).getDimSize(axis);
  SmallVector<Value> parts;
  if (lo > 0)
    parts.push_back(zerosLike(b, loc, SliceOp::create(b, loc, getInput(), axis, 0, lo)));
  parts.push_back(dy[0]);
  if (hi < size)
    parts.push_back(zerosLike(b, loc, SliceOp::create(b, loc, getInput(), axis, hi, size)));
  dx.push_back(parts.size() == 1 ? parts[0]
                                 : ConcatOp::create(b, loc, parts, axis).getResult());
  return success();
}

LogicalResult Conv2DOp::buildReverse(OpBuilder &b, ValueRange dy,
                                     SmallVectorImpl<Value> &dx) {
  // Both cotangents are correlations of dy; they get ops of their own
  // rather than padding, dilating and flipping tensors around a conv2d.
  Location loc = getLoc();
  dx.push_back(Conv2DGradInputOp::create(b, loc, dy[0], getFilter(), getInput(), getPadding(),
                                         getStride(), getDilation()));
  dx.push_back(Conv2DGradFilterOp::create(b, loc, dy[0], getInput(), getFilter(),
                                          getPadding(), getStride(), getDilation()));
  return success();
}

LogicalResult MaxPool2DOp::buildReverse(OpBuilder &b, ValueRange dy,
                                        SmallVectorImpl<Value> &dx) {
  dx.push_back(MaxPool2DGradOp::create(b, getLoc(), dy[0], getInput(), getWindow(),
                                       getStride(), getPadding()));
  return success();
}

LogicalResult AvgPool2DOp::buildReverse(OpBuilder &b, ValueRange dy,
                                        SmallVectorImpl<Value> &dx) {
  dx.push_back(AvgPool2DGradOp::create(b, getLoc(), dy[0], getInput(), getWindow(),
                                       getStride(), getPadding()));
  return success();
}

LogicalResult FullLikeOp::buildReverse(OpBuilder &, ValueRange,
                                       SmallVectorImpl<Value> &dx) {
  dx.push_back(nullptr); // the result does not depend on the input's values
  return success();
}

} // namespace gdc::gd
