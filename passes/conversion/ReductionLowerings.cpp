//===- ReductionLowerings.cpp - gd reductions as reducing linalg.generics ===//
//
// Part of convert-gd-to-linalg: sum, mean, max, min, norm, argmax and
// logsumexp over chosen axes, each a reducing linalg.generic (logsumexp and
// norm combine several), flat_index, the positions argmax counts in, and
// all_finite, the train step's check for NaN and infinity.
//
//===----------------------------------------------------------------------===//
#include "passes/conversion/LinalgBuilders.h"
#include "passes/conversion/ReductionLowerings.h"
#include "passes/conversion/ScalarOps.h"

#include "dialects/gd/GDDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace gdc;
using namespace gdc::gd;

namespace {

using utils::IteratorType;

/// Reduces `axes` of `input`; `extra` inputs are shaped like the result and
/// broadcast along the reduced axes.
Value buildReduction(OpBuilder &b, Location loc, Value input,
                     ArrayRef<int64_t> axes, Value identity, ValueRange extra,
                     function_ref<Value(OpBuilder &, Location, ValueRange, Value)> combine) {
  MLIRContext *ctx = b.getContext();
  auto in = typeOf(input);
  SmallVector<AffineExpr> kept;
  SmallVector<int64_t> shape;
  SmallVector<Value> sizes;
  SmallVector<IteratorType> iterators;
  for (int64_t i = 0; i < in.getRank(); ++i) {
    bool reduced = llvm::is_contained(axes, i);
    iterators.push_back(reduced ? IteratorType::reduction : IteratorType::parallel);
    if (reduced)
      continue;
    kept.push_back(getAffineDimExpr(i, ctx));
    shape.push_back(in.getDimSize(i));
    if (in.isDynamicDim(i))
      sizes.push_back(tensor::DimOp::create(b, loc, input, i));
  }
  auto outType = RankedTensorType::get(shape, in.getElementType());
  Value empty = tensor::EmptyOp::create(b, loc, shape, in.getElementType(), sizes);
  Value init = linalg::FillOp::create(b, loc, identity, empty).getResult(0);
  AffineMap keptMap = AffineMap::get(in.getRank(), 0, kept, ctx);
  SmallVector<Value> inputs{input};
  llvm::append_range(inputs, extra);
  SmallVector<AffineMap> maps{AffineMap::getMultiDimIdentityMap(in.getRank(), ctx)};
  for (size_t i = 0; i < extra.size(); ++i)
    maps.push_back(keptMap);
  maps.push_back(keptMap);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{outType}, inputs, ValueRange{init}, maps, iterators,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        linalg::YieldOp::create(nb, nloc,
                                combine(nb, nloc, args.drop_back(), args.back()));
      });
  return generic.getResult(0);
}

/// Tensors from this many elements are summed whole in two stages.
constexpr int64_t kTwoStageSumElements = 1 << 14;

Value sumOf(OpBuilder &b, Location loc, Value input, ArrayRef<int64_t> axes) {
  auto in = typeOf(input);
  Type element = in.getElementType();
  auto add = [](OpBuilder &nb, Location l, ValueRange in, Value acc) -> Value {
    return arith::AddFOp::create(nb, l, in[0], acc);
  };
  Value zero = floatConstant(b, loc, element, 0.0);
  // The sum of a whole large tensor (a rule's norm or mean of a weight
  // matrix) as one loop would run on one core, each addition waiting for
  // the last. Summed per row first, the rows are a parallel loop (with the
  // elementwise work fused into it); then the row sums are added. The
  // order is fixed by the shape, not by the threads, so the result does
  // not depend on their number.
  if (in.hasStaticShape() && in.getRank() >= 2 && in.getDimSize(0) > 1 &&
      int64_t(axes.size()) == in.getRank() && in.getNumElements() >= kTwoStageSumElements) {
    SmallVector<int64_t> inner;
    for (int64_t d = 1; d < in.getRank(); ++d)
      inner.push_back(d);
    Value rows = buildReduction(b, loc, input, inner, zero, {}, add);
    return buildReduction(b, loc, rows, {0}, zero, {}, add);
  }
  return buildReduction(b, loc, input, axes, zero, {}, add);
}

Value maxOf(OpBuilder &b, Location loc, Value input, ArrayRef<int64_t> axes) {
  Type element = typeOf(input).getElementType();
  Value lowest = floatConstant(b, loc, element, -std::numeric_limits<double>::infinity());
  return buildReduction(b, loc, input, axes, lowest, {},
                        [](OpBuilder &nb, Location l, ValueRange in, Value acc) -> Value {
                          return arith::MaximumFOp::create(nb, l, in[0], acc);
                        });
}

/// Applies `fn` to each element of `input` (same shape).
Value mapElements(OpBuilder &b, Location loc, Value input, ValueRange others,
                  function_ref<Value(OpBuilder &, Location, ValueRange)> fn) {
  SmallVector<Value> inputs{input};
  llvm::append_range(inputs, others);
  return buildElementwise(b, loc, typeOf(input), inputs, fn);
}

struct ReduceSumLowering : OpConversionPattern<ReduceSumOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ReduceSumOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    rw.replaceOp(op, sumOf(rw, op.getLoc(), adaptor.getInput(), op.getAxes()));
    return success();
  }
};

struct ReduceMaxLowering : OpConversionPattern<ReduceMaxOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ReduceMaxOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    rw.replaceOp(op, maxOf(rw, op.getLoc(), adaptor.getInput(), op.getAxes()));
    return success();
  }
};

struct ReduceMinLowering : OpConversionPattern<ReduceMinOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ReduceMinOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    Location loc = op.getLoc();
    Type element = typeOf(adaptor.getInput()).getElementType();
    Value highest = floatConstant(rw, loc, element, std::numeric_limits<double>::infinity());
    rw.replaceOp(op, buildReduction(rw, loc, adaptor.getInput(), op.getAxes(), highest, {},
                                    [](OpBuilder &b, Location l, ValueRange in, Value acc) -> Value {
                                      return arith::MinimumFOp::create(b, l, in[0], acc);
                                    }));
    return success();
  }
};

/// sqrt(sum(x * x)). (No rescaling by the largest element: an f32 norm
/// overflows only past ~1e19 per element, far beyond activations.)
struct NormLowering : OpConversionPattern<NormOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(NormOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    Location loc = op.getLoc();
    Type element = typeOf(adaptor.getInput()).getElementType();
    Value squares = buildReduction(
        rw, loc, adaptor.getInput(), op.getAxes(), floatConstant(rw, loc, element, 0.0), {},
        [](OpBuilder &b, Location l, ValueRange in, Value acc) -> Value {
          Value square = arith::MulFOp::create(b, l, in[0], in[0]);
          return arith::AddFOp::create(b, l, square, acc);
        });
    rw.replaceOp(op, mapElements(rw, loc, squares, {},
                                 [](OpBuilder &b, Location l, ValueRange a) -> Value {
                                   return math::SqrtOp::create(b, l, a[0]);
                                 }));
    return success();
  }
};

/// The row-major stride of each of `axes` within them (0 for the other
/// axes). Their sizes are static: the ops' verifiers check.
SmallVector<int64_t> rowMajorStrides(RankedTensorType in, ArrayRef<int64_t> axes) {
  SmallVector<int64_t> strides(in.getRank(), 0);
  int64_t stride = 1;
  for (int64_t i = in.getRank() - 1; i >= 0; --i)
    if (llvm::is_contained(axes, i)) {
      strides[i] = stride;
      stride *= in.getDimSize(i);
    }
  return strides;
}

/// Inside a linalg.generic over the input's loops: the current element's
/// flat index over the axes with non-zero `strides`, as `type`.
Value flatIndexWithin(OpBuilder &b, Location l, ArrayRef<int64_t> strides, Type type) {
  Value flat = arith::ConstantIndexOp::create(b, l, 0);
  for (auto [i, stride] : llvm::enumerate(strides)) {
    if (!stride)
      continue;
    Value scaled = arith::MulIOp::create(b, l, linalg::IndexOp::create(b, l, i),
                                         arith::ConstantIndexOp::create(b, l, stride));
    flat = arith::AddIOp::create(b, l, flat, scaled);
  }
  return arith::IndexCastOp::create(b, l, type, flat);
}

/// One reduction generic with two accumulators, the running maximum and
/// its index. The loops run in row-major order and only a strictly greater
/// element replaces the maximum, so the first of equal maxima wins.
struct ArgMaxLowering : OpConversionPattern<ArgMaxOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ArgMaxOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rw.getContext();
    Value input = adaptor.getInput();
    auto in = typeOf(input);
    auto indexType = typeOf(op.getResult());
    ArrayRef<int64_t> axes = op.getAxes();
    SmallVector<AffineExpr> kept;
    SmallVector<Value> sizes;
    SmallVector<IteratorType> iterators;
    for (int64_t i = 0; i < in.getRank(); ++i) {
      bool reduced = llvm::is_contained(axes, i);
      iterators.push_back(reduced ? IteratorType::reduction : IteratorType::parallel);
      if (reduced)
        continue;
      kept.push_back(getAffineDimExpr(i, ctx));
      if (in.isDynamicDim(i))
        sizes.push_back(tensor::DimOp::create(rw, loc, input, i));
    }
    SmallVector<int64_t> strides = rowMajorStrides(in, axes);
    auto valueType = indexType.clone(in.getElementType());
    Value lowest = floatConstant(rw, loc, in.getElementType(),
                                 -std::numeric_limits<double>::infinity());
    Value values = linalg::FillOp::create(
        rw, loc, lowest,
        tensor::EmptyOp::create(rw, loc, valueType.getShape(), in.getElementType(), sizes)
            .getResult()).getResult(0);
    Value zero = arith::ConstantOp::create(rw, loc, rw.getIntegerAttr(indexType.getElementType(), 0));
    Value indices = linalg::FillOp::create(
        rw, loc, zero,
        tensor::EmptyOp::create(rw, loc, indexType.getShape(), indexType.getElementType(), sizes)
            .getResult()).getResult(0);
    AffineMap keptMap = AffineMap::get(in.getRank(), 0, kept, ctx);
    SmallVector<AffineMap> maps{AffineMap::getMultiDimIdentityMap(in.getRank(), ctx),
                                keptMap, keptMap};
    auto generic = linalg::GenericOp::create(
        rw, loc, TypeRange{valueType, indexType}, input, ValueRange{values, indices}, maps,
        iterators, [&](OpBuilder &b, Location l, ValueRange args) {
          Value index = flatIndexWithin(b, l, strides, indexType.getElementType());
          Value greater = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OGT, args[0], args[1]);
          linalg::YieldOp::create(
              b, l, ValueRange{arith::SelectOp::create(b, l, greater, args[0], args[1]),
                               arith::SelectOp::create(b, l, greater, index, args[2])});
        });
    rw.replaceOp(op, generic.getResult(1));
    return success();
  }
};

/// Each element's flat index over the op's axes: a generic with no input
/// that writes the index computed from its loop indices.
struct FlatIndexLowering : OpConversionPattern<FlatIndexOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(FlatIndexOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    auto in = typeOf(input);
    auto resultType = typeOf(op.getResult());
    Value init = emptyFor(rw, loc, resultType, input);
    SmallVector<int64_t> strides = rowMajorStrides(in, op.getAxes());
    auto generic = linalg::GenericOp::create(
        rw, loc, TypeRange{resultType}, ValueRange{}, ValueRange{init},
        SmallVector<AffineMap>{AffineMap::getMultiDimIdentityMap(in.getRank(), rw.getContext())},
        SmallVector<IteratorType>(in.getRank(), IteratorType::parallel),
        [&](OpBuilder &b, Location l, ValueRange) {
          linalg::YieldOp::create(
              b, l, flatIndexWithin(b, l, strides, resultType.getElementType()));
        });
    rw.replaceOp(op, generic->getResults());
    return success();
  }
};

struct ReduceMeanLowering : OpConversionPattern<ReduceMeanOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ReduceMeanOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    Type element = typeOf(input).getElementType();
    Value count = countOf(rw, loc, input, op.getAxes(), element);
    Value sum = sumOf(rw, loc, input, op.getAxes());
    rw.replaceOp(op, mapElements(rw, loc, sum, {},
                                 [&](OpBuilder &b, Location l, ValueRange a) -> Value {
                                   return arith::DivFOp::create(b, l, a[0], count);
                                 }));
    return success();
  }
};

struct LogSumExpLowering : OpConversionPattern<LogSumExpOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(LogSumExpOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    // m + log(sum(exp(x - m))) with m = max(x): no overflow, no underflow of
    // the largest term.
    Location loc = op.getLoc();
    Value x = adaptor.getInput();
    Type element = typeOf(x).getElementType();
    Value m = maxOf(rw, loc, x, op.getAxes());
    Value s = buildReduction(
        rw, loc, x, op.getAxes(), floatConstant(rw, loc, element, 0.0), m,
        [](OpBuilder &b, Location l, ValueRange in, Value acc) -> Value {
          Value shifted = arith::SubFOp::create(b, l, in[0], in[1]);
          return arith::AddFOp::create(b, l, math::ExpOp::create(b, l, shifted), acc);
        });
    rw.replaceOp(op, mapElements(rw, loc, m, s,
                                 [](OpBuilder &b, Location l, ValueRange a) -> Value {
                                   return arith::AddFOp::create(
                                       b, l, a[0], math::LogOp::create(b, l, a[1]));
                                 }));
    return success();
  }
};


/// The largest exponent field among the elements of `input`, as an integer
/// of the element's width; it equals the exponent mask exactly when
/// some element is a NaN or an infinity. A loop over the flattened tensor
/// with the running maximum in a register, not a reducing linalg.generic:
/// that one keeps its accumulator in a heap buffer the loop vectoriser
/// cannot prove apart from the input, and the train step runs this check
/// over every gradient and parameter on every step, so it must vectorise
/// (an integer maximum does; a float reduction could not be reordered).
Value largestExponent(OpBuilder &b, Location loc, Value input) {
  auto type = typeOf(input);
  auto exponentOf = [](OpBuilder &nb, Location l, Value element) {
    return exponentBits(nb, l, element).first;
  };
  if (type.getRank() == 0)
    return exponentOf(b, loc, tensor::ExtractOp::create(b, loc, input, ValueRange{}));
  Value flat = input;
  if (type.getRank() > 1) {
    ReassociationIndices all = llvm::to_vector(llvm::seq<int64_t>(0, type.getRank()));
    flat = tensor::CollapseShapeOp::create(b, loc, input, ArrayRef<ReassociationIndices>{all});
  }
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  Value count = tensor::DimOp::create(b, loc, flat, 0);
  Type bits = b.getIntegerType(type.getElementTypeBitWidth());
  Value none = arith::ConstantOp::create(b, loc, b.getIntegerAttr(bits, 0));
  auto loop = scf::ForOp::create(
      b, loc, zero, count, one, ValueRange{none},
      [&](OpBuilder &nb, Location l, Value i, ValueRange largest) {
        Value element = tensor::ExtractOp::create(nb, l, flat, ValueRange{i});
        Value exponent = exponentOf(nb, l, element);
        scf::YieldOp::create(nb, l,
                             ValueRange{arith::MaxUIOp::create(nb, l, largest[0], exponent)});
      });
  return loop.getResult(0);
}

/// True when no element of any operand has all exponent bits set (a NaN or
/// an infinity in IEEE formats).
struct AllFiniteLowering : OpConversionPattern<AllFiniteOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(AllFiniteOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    Location loc = op.getLoc();
    Value ok = arith::ConstantOp::create(rw, loc, rw.getBoolAttr(true));
    for (Value input : adaptor.getInputs()) {
      Value largest = largestExponent(rw, loc, input);
      Value mask = exponentMask(rw, loc, cast<FloatType>(typeOf(input).getElementType()));
      Value finite = arith::CmpIOp::create(rw, loc, arith::CmpIPredicate::ne, largest, mask);
      ok = arith::AndIOp::create(rw, loc, ok, finite);
    }
    rw.replaceOpWithNewOp<tensor::FromElementsOp>(
        op, RankedTensorType::get({}, rw.getI1Type()), ValueRange{ok});
    return success();
  }
};
} // namespace

Value gdc::floatConstant(OpBuilder &b, Location loc, Type type, double v) {
  return arith::ConstantOp::create(b, loc, b.getFloatAttr(type, v));
}

/// The number of elements in `axes` of `input`, as a scalar of `type`.
Value gdc::countOf(OpBuilder &b, Location loc, Value input, ArrayRef<int64_t> axes,
              Type type) {
  Value count = arith::ConstantIndexOp::create(b, loc, 1);
  for (int64_t axis : axes)
    count = arith::MulIOp::create(b, loc, count,
                                  tensor::DimOp::create(b, loc, input, axis));
  Value asInt = arith::IndexCastOp::create(b, loc, b.getI64Type(), count);
  return arith::UIToFPOp::create(b, loc, type, asInt);
}

void gdc::populateReductionLowerings(RewritePatternSet &patterns) {
  patterns.add<ReduceSumLowering, ReduceMaxLowering, ReduceMinLowering, NormLowering,
               ArgMaxLowering, FlatIndexLowering, ReduceMeanLowering, LogSumExpLowering,
               AllFiniteLowering>(patterns.getContext());
}
