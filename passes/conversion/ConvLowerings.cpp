//===- ConvLowerings.cpp - gd.conv2d and its gradients to linalg ----------===//
//
// Each op is one linalg.generic with parallel loops over its result and
// reduction loops over the rest. The operand that is read at a shifted
// position (the padded input, or the cotangent read backwards) is read
// with tensor.extract and a bounds check that gives 0 outside, which is
// the zero padding; the other operands are read through indexing maps.
// Axes: the batch n (present when the input has 4 axes), output channel o,
// input channel c, output row and column i, j, filter row and column ki, kj.
//
//===----------------------------------------------------------------------===//
#include "passes/conversion/ConvLowerings.h"
#include "dialects/gd/GDDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace gdc::gd;

namespace {

using utils::IteratorType;

RankedTensorType typeOf(Value v) { return cast<RankedTensorType>(v.getType()); }

/// `t[coords]`, where the last two coordinates may fall outside the tensor
/// (by the padding): those read 0.
Value readZeroPadded(OpBuilder &b, Location l, Value t, SmallVector<Value> coords) {
  Value zero = arith::ConstantIndexOp::create(b, l, 0);
  Value inside;
  int64_t rank = typeOf(t).getRank();
  for (int64_t d = rank - 2; d < rank; ++d) {
    Value size = arith::ConstantIndexOp::create(b, l, typeOf(t).getDimSize(d));
    Value low = arith::CmpIOp::create(b, l, arith::CmpIPredicate::sge, coords[d], zero);
    Value high = arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, coords[d], size);
    Value ok = arith::AndIOp::create(b, l, low, high);
    inside = inside ? arith::AndIOp::create(b, l, inside, ok).getResult() : ok;
    coords[d] = arith::SelectOp::create(b, l, ok, coords[d], zero);
  }
  Value v = tensor::ExtractOp::create(b, l, t, coords);
  Type element = typeOf(t).getElementType();
  Value none = arith::ConstantOp::create(b, l, b.getFloatAttr(element, 0.0));
  return arith::SelectOp::create(b, l, inside, v, none);
}

/// A zero-filled result; a dynamic (batch) size is read from `source`'s
/// axis 0.
Value zeroFilled(OpBuilder &b, Location l, RankedTensorType type, Value source) {
  SmallVector<Value> sizes;
  if (type.getRank() > 0 && type.isDynamicDim(0))
    sizes.push_back(tensor::DimOp::create(b, l, source, 0));
  Value empty = tensor::EmptyOp::create(b, l, type.getShape(), type.getElementType(), sizes);
  Value zero = arith::ConstantOp::create(b, l, b.getFloatAttr(type.getElementType(), 0.0));
  return linalg::FillOp::create(b, l, zero, empty).getResult(0);
}

Value shifted(OpBuilder &b, Location l, Value base, Value plus, Value minus, int64_t offset) {
  Value v = arith::AddIOp::create(b, l, base, plus);
  v = arith::SubIOp::create(b, l, v, minus);
  return arith::AddIOp::create(b, l, v, arith::ConstantIndexOp::create(b, l, offset));
}

AffineMap mapOf(MLIRContext *ctx, unsigned loops, ArrayRef<unsigned> dims) {
  SmallVector<AffineExpr> exprs;
  for (unsigned d : dims)
    exprs.push_back(getAffineDimExpr(d, ctx));
  return AffineMap::get(loops, 0, exprs, ctx);
}

/// The correlation of `source` with a filter that both conv2d and its input
/// gradient are: loops (n,) a, r, s | b, ki, kj and
///   forward:  out[n, a, r, s] += source[n, b, r + ki - p, s + kj - p] * filter[a, b, ki, kj]
///   backward: out[n, a, r, s] += source[n, b, r - ki + p, s - kj + p] * filter[b, a, ki, kj]
/// (conv2d: a = o, b = c; its input gradient reads dy backwards: a = c, b = o).
Value correlate(ConversionPatternRewriter &rw, Location loc, RankedTensorType type,
                Value source, Value filter, int64_t p, bool backward) {
  MLIRContext *ctx = rw.getContext();
  unsigned nb = type.getRank() == 4 ? 1 : 0, loops = nb + 6;
  unsigned a = nb, r = nb + 1, s = nb + 2, bb = nb + 3, ki = nb + 4, kj = nb + 5;
  SmallVector<unsigned> outDims;
  if (nb)
    outDims.push_back(0);
  llvm::append_values(outDims, a, r, s);
  SmallVector<unsigned> filterDims = backward ? SmallVector<unsigned>{bb, a, ki, kj}
                                              : SmallVector<unsigned>{a, bb, ki, kj};
  SmallVector<AffineMap> maps{mapOf(ctx, loops, filterDims), mapOf(ctx, loops, outDims)};
  SmallVector<IteratorType> iterators(nb + 3, IteratorType::parallel);
  iterators.append(3, IteratorType::reduction);
  auto generic = linalg::GenericOp::create(
      rw, loc, TypeRange{type}, ValueRange{filter},
      ValueRange{zeroFilled(rw, loc, type, source)}, maps, iterators,
      [&](OpBuilder &b, Location l, ValueRange args) {
        auto index = [&](unsigned d) { return linalg::IndexOp::create(b, l, d).getResult(); };
        SmallVector<Value> coords;
        if (nb)
          coords.push_back(index(0));
        coords.push_back(index(bb));
        Value zero = arith::ConstantIndexOp::create(b, l, 0);
        for (auto [out, k] : {std::pair{r, ki}, std::pair{s, kj}})
          coords.push_back(backward ? shifted(b, l, index(out), zero, index(k), p)
                                    : shifted(b, l, index(out), index(k), zero, -p));
        Value x = readZeroPadded(b, l, source, coords);
        Value prod = arith::MulFOp::create(b, l, x, args[0]);
        linalg::YieldOp::create(b, l, arith::AddFOp::create(b, l, prod, args[1]).getResult());
      });
  return generic->getResult(0);
}

struct Conv2DLowering : OpConversionPattern<Conv2DOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(Conv2DOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rw) const override {
    rw.replaceOp(op, correlate(rw, op.getLoc(), typeOf(op.getResult()), adaptor.getInput(),
                               adaptor.getFilter(), op.getPadding(), /*backward=*/false));
    return success();
  }
};

struct Conv2DGradInputLowering : OpConversionPattern<Conv2DGradInputOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(Conv2DGradInputOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rw) const override {
    rw.replaceOp(op, correlate(rw, op.getLoc(), typeOf(op.getResult()), adaptor.getGrad(),
                               adaptor.getFilter(), op.getPadding(), /*backward=*/true));
    return success();
  }
};

/// df[o, c, ki, kj] += dy[n, o, i, j] * in[n, c, i + ki - p, j + kj - p]
/// Loops: o, c, ki, kj | (n,) i, j.
struct Conv2DGradFilterLowering : OpConversionPattern<Conv2DGradFilterOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(Conv2DGradFilterOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rw) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rw.getContext();
    Value grad = adaptor.getGrad(), input = adaptor.getInput();
    auto type = typeOf(op.getResult());
    unsigned nb = typeOf(grad).getRank() == 4 ? 1 : 0, loops = nb + 6;
    unsigned o = 0, c = 1, ki = 2, kj = 3, n = 4, i = 4 + nb, j = 5 + nb;
    int64_t p = op.getPadding();
    SmallVector<unsigned> gradDims;
    if (nb)
      gradDims.push_back(n);
    llvm::append_values(gradDims, o, i, j);
    SmallVector<AffineMap> maps{mapOf(ctx, loops, gradDims), mapOf(ctx, loops, {o, c, ki, kj})};
    SmallVector<IteratorType> iterators(4, IteratorType::parallel);
    iterators.append(nb + 2, IteratorType::reduction);
    auto generic = linalg::GenericOp::create(
        rw, loc, TypeRange{type}, ValueRange{grad},
        ValueRange{zeroFilled(rw, loc, type, grad)}, maps, iterators,
        [&](OpBuilder &b, Location l, ValueRange args) {
          auto index = [&](unsigned d) { return linalg::IndexOp::create(b, l, d).getResult(); };
          SmallVector<Value> coords;
          if (nb)
            coords.push_back(index(n));
          coords.push_back(index(c));
          Value zero = arith::ConstantIndexOp::create(b, l, 0);
          coords.push_back(shifted(b, l, index(i), index(ki), zero, -p));
          coords.push_back(shifted(b, l, index(j), index(kj), zero, -p));
          Value x = readZeroPadded(b, l, input, coords);
          Value prod = arith::MulFOp::create(b, l, args[0], x);
          linalg::YieldOp::create(b, l, arith::AddFOp::create(b, l, prod, args[1]).getResult());
        });
    rw.replaceOp(op, generic->getResults());
    return success();
  }
};

} // namespace

void gdc::populateConvLowerings(RewritePatternSet &patterns) {
  patterns.add<Conv2DLowering, Conv2DGradInputLowering, Conv2DGradFilterLowering>(
      patterns.getContext());
}
