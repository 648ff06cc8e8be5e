//===- ConvLowerings.cpp - gd's windowed ops and their gradients to linalg ===//
//
// gd.conv2d, gd.max_pool2d, gd.avg_pool2d and their gradient ops. Each is a
// linalg.generic with parallel loops over its result and reduction loops
// over the rest. The operand read at a window position (the padded input,
// or a cotangent read backwards) is read with tensor.extract and a bounds
// check that gives a neutral value outside, which is the padding; other
// operands are read through indexing maps. Axes: the batch n (present when
// the image has 4 axes), output channel o, input channel c, output row and
// column i, j, window row and column ki, kj.
//
// A forward op reads input row i s + ki d - p (stride s, dilation d,
// padding p). Its input gradient gathers instead of scattering: input row h
// receives the output rows i with i s = h + p - ki d, which exist only when
// s divides h + p - ki d, and only up to the last output row, so the rows
// no window reads get 0. With s = d = 1 the index arithmetic is the same as
// before strides existed: the stride-1 path pays for nothing.
//
//===----------------------------------------------------------------------===//
#include "passes/conversion/ConvLowerings.h"
#include "dialects/gd/GDDialect.h"
#include "passes/conversion/LinalgBuilders.h"
#include "runtime/Conv.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

#include <limits>

using namespace mlir;
using namespace gdc;
using namespace gdc::gd;

namespace {

using utils::IteratorType;

Value indexConstant(OpBuilder &b, Location l, int64_t v) {
  return arith::ConstantIndexOp::create(b, l, v);
}

/// `t[coords]` if `valid` (which may be null) holds and the last two
/// coordinates fall inside the tensor; `outside` otherwise. `read`, if
/// given, receives that condition.
Value readWindow(OpBuilder &b, Location l, Value t, SmallVector<Value> coords, Value valid,
                 Value outside, Value *read = nullptr) {
  Value zero = indexConstant(b, l, 0);
  Value inside = valid;
  int64_t rank = typeOf(t).getRank();
  for (int64_t d = rank - 2; d < rank; ++d) {
    Value size = indexConstant(b, l, typeOf(t).getDimSize(d));
    Value low = arith::CmpIOp::create(b, l, arith::CmpIPredicate::sge, coords[d], zero);
    Value high = arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, coords[d], size);
    Value ok = arith::AndIOp::create(b, l, low, high);
    inside = inside ? arith::AndIOp::create(b, l, inside, ok).getResult() : ok;
    // The extract must stay in bounds even where its value is not used.
    coords[d] = arith::SelectOp::create(b, l, ok, coords[d], zero);
  }
  Value v = tensor::ExtractOp::create(b, l, t, coords);
  if (read)
    *read = inside;
  return arith::SelectOp::create(b, l, inside, v, outside);
}

/// `t[coords]`, where the last two coordinates may fall outside the tensor
/// (by the padding): those read 0.
Value readZeroPadded(OpBuilder &b, Location l, Value t, SmallVector<Value> coords,
                     Value valid = {}) {
  return readWindow(b, l, t, std::move(coords), valid,
                    floatConstant(b, l, typeOf(t).getElementType(), 0.0));
}

/// A result filled with `value`; a dynamic (batch) size is read from
/// `source`'s axis 0.
Value filled(OpBuilder &b, Location l, RankedTensorType type, Value source, Value value) {
  SmallVector<Value> sizes;
  if (type.getRank() > 0 && type.isDynamicDim(0))
    sizes.push_back(tensor::DimOp::create(b, l, source, 0));
  Value empty = tensor::EmptyOp::create(b, l, type.getShape(), type.getElementType(), sizes);
  return linalg::FillOp::create(b, l, value, empty).getResult(0);
}

Value zeroFilled(OpBuilder &b, Location l, RankedTensorType type, Value source) {
  return filled(b, l, type, source, floatConstant(b, l, type.getElementType(), 0.0));
}

/// v * factor, without a multiplication when the factor is 1.
Value scaled(OpBuilder &b, Location l, Value v, int64_t factor) {
  return factor == 1 ? v : arith::MulIOp::create(b, l, v, indexConstant(b, l, factor));
}

/// The input coordinate a window reads: out s + k d - p.
Value windowRead(OpBuilder &b, Location l, Value out, Value k, int64_t stride,
                 int64_t dilation, int64_t padding) {
  Value v = arith::AddIOp::create(b, l, scaled(b, l, out, stride), scaled(b, l, k, dilation));
  return arith::AddIOp::create(b, l, v, indexConstant(b, l, -padding));
}

/// The output coordinate whose window reads input coordinate `in` at
/// window offset `k`: (in + p - k d) / s. With s > 1 it exists only where s
/// divides in + p - k d; the condition is and-ed into `valid`.
Value windowWrite(OpBuilder &b, Location l, Value in, Value k, int64_t stride,
                  int64_t dilation, int64_t padding, Value &valid) {
  Value t = arith::SubIOp::create(b, l, in, scaled(b, l, k, dilation));
  t = arith::AddIOp::create(b, l, t, indexConstant(b, l, padding));
  if (stride == 1)
    return t;
  Value s = indexConstant(b, l, stride);
  Value exact = arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq,
                                      arith::RemSIOp::create(b, l, t, s), indexConstant(b, l, 0));
  valid = valid ? arith::AndIOp::create(b, l, valid, exact).getResult() : exact;
  // A negative t may divide exactly; its quotient is negative, which the
  // bounds check rejects.
  return arith::DivSIOp::create(b, l, t, s);
}

AffineMap mapOf(MLIRContext *ctx, unsigned loops, ArrayRef<unsigned> dims) {
  SmallVector<AffineExpr> exprs;
  for (unsigned d : dims)
    exprs.push_back(getAffineDimExpr(d, ctx));
  return AffineMap::get(loops, 0, exprs, ctx);
}

struct Window {
  int64_t padding, stride, dilation;
};

/// The correlation of `source` with a filter that both conv2d and its input
/// gradient are: loops (n,) a, r, q | b, ki, kj and
///   forward:  out[n, a, r, q] += source[n, b, r s + ki d - p, q s + kj d - p]
///                                * filter[a, b, ki, kj]
///   backward: out[n, a, r, q] += source[n, b, (r + p - ki d) / s, ...]
///                                * filter[b, a, ki, kj]
/// (conv2d: a = o, b = c; its input gradient reads dy backwards: a = c, b = o).
Value correlate(ConversionPatternRewriter &rw, Location loc, RankedTensorType type,
                Value source, Value filter, Window win, bool backward) {
  MLIRContext *ctx = rw.getContext();
  unsigned nb = type.getRank() == 4 ? 1 : 0, loops = nb + 6;
  unsigned a = nb, r = nb + 1, q = nb + 2, bb = nb + 3, ki = nb + 4, kj = nb + 5;
  SmallVector<unsigned> outDims;
  if (nb)
    outDims.push_back(0);
  llvm::append_values(outDims, a, r, q);
  SmallVector<unsigned> filterDims = backward ? SmallVector<unsigned>{bb, a, ki, kj}
                                              : SmallVector<unsigned>{a, bb, ki, kj};
  // A filter per example (a per_example rule's parameter) is read at n.
  if (typeOf(filter).getRank() == 5)
    filterDims.insert(filterDims.begin(), 0);
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
        Value valid;
        for (auto [out, k] : {std::pair{r, ki}, std::pair{q, kj}})
          coords.push_back(backward ? windowWrite(b, l, index(out), index(k), win.stride,
                                                  win.dilation, win.padding, valid)
                                    : windowRead(b, l, index(out), index(k), win.stride,
                                                 win.dilation, win.padding));
        Value x = readZeroPadded(b, l, source, coords, valid);
        Value prod = arith::MulFOp::create(b, l, x, args[0]);
        linalg::YieldOp::create(b, l, arith::AddFOp::create(b, l, prod, args[1]).getResult());
      });
  return generic->getResult(0);
}

template <typename Op>
Window convWindow(Op op) {
  return {int64_t(op.getPadding()), int64_t(op.getStride()), int64_t(op.getDilation())};
}

struct Conv2DLowering : OpConversionPattern<Conv2DOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(Conv2DOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rw) const override {
    rw.replaceOp(op, correlate(rw, op.getLoc(), typeOf(op.getResult()), adaptor.getInput(),
                               adaptor.getFilter(), convWindow(op), /*backward=*/false));
    return success();
  }
};

struct Conv2DGradInputLowering : OpConversionPattern<Conv2DGradInputOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(Conv2DGradInputOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rw) const override {
    rw.replaceOp(op, correlate(rw, op.getLoc(), typeOf(op.getResult()), adaptor.getGrad(),
                               adaptor.getFilter(), convWindow(op), /*backward=*/true));
    return success();
  }
};

/// df[o, c, ki, kj] += dy[n, o, i, j] * in[n, c, i s + ki d - p, j s + kj d - p]
/// Loops: o, c, ki, kj | (n,) i, j. (Per example, df[n, o, c, ki, kj], n not
/// summed.)
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
    Window win = convWindow(op);
    SmallVector<unsigned> gradDims;
    if (nb)
      gradDims.push_back(n);
    llvm::append_values(gradDims, o, i, j);
    // A filter per example (a per_example rule's parameter) gets one
    // gradient per image: n is then not summed over.
    bool perExample = type.getRank() == 5;
    SmallVector<unsigned> filterDims{o, c, ki, kj};
    if (perExample)
      filterDims.insert(filterDims.begin(), n);
    SmallVector<AffineMap> maps{mapOf(ctx, loops, gradDims), mapOf(ctx, loops, filterDims)};
    SmallVector<IteratorType> iterators(4, IteratorType::parallel);
    if (nb)
      iterators.push_back(perExample ? IteratorType::parallel : IteratorType::reduction);
    iterators.append(2, IteratorType::reduction);
    auto generic = linalg::GenericOp::create(
        rw, loc, TypeRange{type}, ValueRange{grad},
        ValueRange{zeroFilled(rw, loc, type, grad)}, maps, iterators,
        [&](OpBuilder &b, Location l, ValueRange args) {
          auto index = [&](unsigned d) { return linalg::IndexOp::create(b, l, d).getResult(); };
          SmallVector<Value> coords;
          if (nb)
            coords.push_back(index(n));
          coords.push_back(index(c));
          for (auto [out, k] : {std::pair{i, ki}, std::pair{j, kj}})
            coords.push_back(
                windowRead(b, l, index(out), index(k), win.stride, win.dilation, win.padding));
          Value x = readZeroPadded(b, l, input, coords);
          Value prod = arith::MulFOp::create(b, l, args[0], x);
          linalg::YieldOp::create(b, l, arith::AddFOp::create(b, l, prod, args[1]).getResult());
        });
    rw.replaceOp(op, generic->getResults());
    return success();
  }
};

/// An f32 convolution of a batch (or one of its gradients) as
/// gd.conv2d_kernel, which becomes a call of the runtime's oneDNN kernel
/// after bufferization; the generics above stay for f64 and single
/// examples. `lhs` and `rhs` are the kernel's operands for each kind (see
/// runtime/Conv.h).
template <typename Op> struct KernelLowering : OpConversionPattern<Op> {
  using OpConversionPattern<Op>::OpConversionPattern;
  using OpAdaptor = typename Op::Adaptor;
  LogicalResult matchAndRewrite(Op op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rw) const override {
    Value lhs, rhs;
    int32_t kind;
    if constexpr (std::is_same_v<Op, Conv2DOp>) {
      std::tie(lhs, rhs, kind) = std::tuple(adaptor.getInput(), adaptor.getFilter(), 0);
    } else if constexpr (std::is_same_v<Op, Conv2DGradInputOp>) {
      std::tie(lhs, rhs, kind) = std::tuple(adaptor.getGrad(), adaptor.getFilter(), 1);
    } else {
      std::tie(lhs, rhs, kind) = std::tuple(adaptor.getGrad(), adaptor.getInput(), 2);
    }
    Location loc = op.getLoc();
    // A filter per image, [N, O, C, KH, KW], goes to the kernel as the
    // [N * O, C, KH, KW] it is in memory (runtime/Conv.h).
    SmallVector<ReassociationIndices> perImageRows{{0, 1}, {2}, {3}, {4}};
    auto flatten = [&](Value filter) -> Value {
      if (typeOf(filter).getRank() != 5)
        return filter;
      kind |= GdrtConvPerImage;
      return tensor::CollapseShapeOp::create(rw, loc, filter, perImageRows);
    };
    if constexpr (std::is_same_v<Op, Conv2DGradFilterOp>) {
      if (typeOf(op.getResult()).getRank() == 5)
        kind |= GdrtConvPerImage;
    } else {
      rhs = flatten(rhs);
    }
    auto resultType = typeOf(op.getResult());
    auto type = resultType;
    if (type.getRank() == 5) {
      SmallVector<int64_t> shape(type.getShape().drop_front());
      shape[0] = ShapedType::isDynamic(type.getDimSize(0))
                     ? ShapedType::kDynamic
                     : type.getDimSize(0) * type.getDimSize(1);
      type = type.clone(shape);
    }
    // The batch: [N, ...] tensors; only N may be dynamic.
    for (Value v : {lhs, rhs}) {
      auto t = typeOf(v);
      if (!t.getElementType().isF32() || t.getRank() != 4 ||
          llvm::any_of(t.getShape().drop_front(), ShapedType::isDynamic))
        return failure();
    }
    if (!type.getElementType().isF32() || type.getRank() != 4 ||
        llvm::any_of(type.getShape().drop_front(), ShapedType::isDynamic))
      return failure();
    SmallVector<Value> sizes;
    if (type.isDynamicDim(0)) {
      Value n = tensor::DimOp::create(rw, loc, lhs, 0);
      // Per image, the filter gradient's rows are N * O.
      if (resultType.getRank() == 5)
        n = arith::MulIOp::create(rw, loc, n, indexConstant(rw, loc, resultType.getDimSize(1)));
      sizes.push_back(n);
    }
    Value init = tensor::EmptyOp::create(rw, loc, type.getShape(), type.getElementType(), sizes);
    Window win = convWindow(op);
    auto kernel = Conv2DKernelOp::create(
        rw, loc, TypeRange{type}, lhs, rhs, init, rw.getI32IntegerAttr(kind),
        rw.getI64IntegerAttr(win.padding), rw.getI64IntegerAttr(win.stride),
        rw.getI64IntegerAttr(win.dilation));
    Value result = kernel->getResult(0);
    if (resultType.getRank() == 5)
      result = tensor::ExpandShapeOp::create(rw, loc, resultType, result, perImageRows);
    rw.replaceOp(op, result);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

/// A generic over the loops (n,) c, i, j | ki, kj of a pool (or, for its
/// input gradient, (n,) c, h, w | ki, kj) accumulating into `init`, shaped
/// like the first loops; returns the last accumulator. An unused k x k
/// operand gives the window loops their range.
template <typename Body>
Value poolGeneric(OpBuilder &rw, Location loc, ValueRange inits, int64_t k, Body body) {
  MLIRContext *ctx = rw.getContext();
  auto type = typeOf(inits[0]);
  unsigned rank = type.getRank(), loops = rank + 2;
  Value window = tensor::EmptyOp::create(rw, loc, ArrayRef<int64_t>{k, k},
                                         type.getElementType());
  SmallVector<unsigned> outDims;
  for (unsigned d = 0; d < rank; ++d)
    outDims.push_back(d);
  SmallVector<AffineMap> maps{mapOf(ctx, loops, {rank, rank + 1})};
  maps.append(inits.size(), mapOf(ctx, loops, outDims));
  SmallVector<IteratorType> iterators(rank, IteratorType::parallel);
  iterators.append(2, IteratorType::reduction);
  auto generic = linalg::GenericOp::create(
      rw, loc, inits.getTypes(), ValueRange{window}, inits, maps, iterators,
      [&](OpBuilder &b, Location l, ValueRange args) {
        SmallVector<Value> index;
        for (unsigned d = 0; d < loops; ++d)
          index.push_back(linalg::IndexOp::create(b, l, d));
        linalg::YieldOp::create(b, l, body(b, l, index, args.drop_front()));
      });
  return generic->getResult(inits.size() - 1);
}

/// The coordinates of the input element that window (i, j) of a pool reads
/// at (ki, kj): `index` holds the loops (n,) c, i, j, ki, kj.
SmallVector<Value> poolReads(OpBuilder &b, Location l, ArrayRef<Value> index, int64_t stride,
                             int64_t padding) {
  size_t n = index.size();
  SmallVector<Value> coords(index.take_front(n - 4));
  coords.push_back(windowRead(b, l, index[n - 4], index[n - 2], stride, 1, padding));
  coords.push_back(windowRead(b, l, index[n - 3], index[n - 1], stride, 1, padding));
  return coords;
}

/// The coordinates of the window whose (ki, kj) element is input element
/// (h, w): `index` holds the loops (n,) c, h, w, ki, kj; `valid` receives
/// whether the stride lets one exist.
SmallVector<Value> poolWrites(OpBuilder &b, Location l, ArrayRef<Value> index, int64_t stride,
                              int64_t padding, Value &valid) {
  size_t n = index.size();
  SmallVector<Value> coords(index.take_front(n - 4));
  coords.push_back(windowWrite(b, l, index[n - 4], index[n - 2], stride, 1, padding, valid));
  coords.push_back(windowWrite(b, l, index[n - 3], index[n - 1], stride, 1, padding, valid));
  return coords;
}

/// Every element divided by the window's size (avg_pool2d divides by k * k
/// whatever the padding, as torch's count_include_pad).
Value dividedByWindow(OpBuilder &b, Location loc, Value sum, int64_t k) {
  auto type = typeOf(sum);
  return buildElementwise(b, loc, type, sum, [&](OpBuilder &nb, Location l, ValueRange args) {
    Value size = floatConstant(nb, l, type.getElementType(), double(k * k));
    return arith::DivFOp::create(nb, l, args[0], size).getResult();
  });
}

Value negativeInfinity(OpBuilder &b, Location l, Type element) {
  return floatConstant(b, l, element, -std::numeric_limits<double>::infinity());
}

struct MaxPool2DLowering : OpConversionPattern<MaxPool2DOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(MaxPool2DOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rw) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    auto type = typeOf(op.getResult());
    Value lowest = negativeInfinity(rw, loc, type.getElementType());
    int64_t s = op.getStride(), p = op.getPadding();
    rw.replaceOp(op, poolGeneric(rw, loc, filled(rw, loc, type, input, lowest), op.getWindow(),
                                 [&](OpBuilder &b, Location l, ArrayRef<Value> index,
                                     ValueRange acc) -> SmallVector<Value> {
                                   Value v = readWindow(b, l, input, poolReads(b, l, index, s, p),
                                                        {}, lowest);
                                   return {arith::MaximumFOp::create(b, l, v, acc[0])};
                                 }));
    return success();
  }
};

struct AvgPool2DLowering : OpConversionPattern<AvgPool2DOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(AvgPool2DOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rw) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    int64_t k = op.getWindow(), s = op.getStride(), p = op.getPadding();
    Value sum = poolGeneric(rw, loc, zeroFilled(rw, loc, typeOf(op.getResult()), input), k,
                            [&](OpBuilder &b, Location l, ArrayRef<Value> index,
                                ValueRange acc) -> SmallVector<Value> {
                              Value v = readZeroPadded(b, l, input, poolReads(b, l, index, s, p));
                              return {arith::AddFOp::create(b, l, v, acc[0])};
                            });
    rw.replaceOp(op, dividedByWindow(rw, loc, sum, k));
    return success();
  }
};

/// Two generics: the first finds each window's first maximum, as its
/// offset ki k + kj (torch's rule: the first element in bounds, then any
/// strictly greater one or a NaN, in row-major order); the second gathers,
/// for each input element, the cotangents of the windows whose maximum it
/// is. The maximum is recomputed rather than kept from the forward pass so
/// that the forward op stays one result that fuses like any other.
struct MaxPool2DGradLowering : OpConversionPattern<MaxPool2DGradOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(MaxPool2DGradOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rw) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput(), grad = adaptor.getGrad();
    int64_t k = op.getWindow(), s = op.getStride(), p = op.getPadding();
    auto gradType = typeOf(grad);
    Type element = gradType.getElementType();
    Value lowest = negativeInfinity(rw, loc, element);
    Type i64 = rw.getI64Type();
    Value none = arith::ConstantOp::create(rw, loc, rw.getI64IntegerAttr(-1));
    Value maxima = filled(rw, loc, gradType, grad, lowest);
    Value offsets = filled(rw, loc, gradType.clone(i64), grad, none);
    Value argmax = poolGeneric(
        rw, loc, ValueRange{maxima, offsets}, k,
        [&](OpBuilder &b, Location l, ArrayRef<Value> index, ValueRange acc) -> SmallVector<Value> {
          Value inside;
          Value v = readWindow(b, l, input, poolReads(b, l, index, s, p), {}, lowest, &inside);
          size_t n = index.size();
          Value offset = arith::AddIOp::create(b, l, scaled(b, l, index[n - 2], k), index[n - 1]);
          offset = arith::IndexCastOp::create(b, l, i64, offset);
          Value first = arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq, acc[1], none);
          Value greater = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OGT, v, acc[0]);
          Value nan = arith::CmpFOp::create(b, l, arith::CmpFPredicate::UNO, v, v);
          Value take = arith::OrIOp::create(b, l, arith::OrIOp::create(b, l, first, greater), nan);
          take = arith::AndIOp::create(b, l, take, inside);
          return {arith::SelectOp::create(b, l, take, v, acc[0]),
                  arith::SelectOp::create(b, l, take, offset, acc[1])};
        });
    Value dx = poolGeneric(
        rw, loc, zeroFilled(rw, loc, typeOf(op.getResult()), input), k,
        [&](OpBuilder &b, Location l, ArrayRef<Value> index, ValueRange acc) -> SmallVector<Value> {
          Value valid;
          SmallVector<Value> window = poolWrites(b, l, index, s, p, valid);
          size_t n = index.size();
          Value offset = arith::AddIOp::create(b, l, scaled(b, l, index[n - 2], k), index[n - 1]);
          offset = arith::IndexCastOp::create(b, l, i64, offset);
          Value chosen = readWindow(b, l, argmax, window, valid, none);
          Value hit = arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq, chosen, offset);
          Value g = readZeroPadded(b, l, grad, window, valid);
          Value zero = floatConstant(b, l, element, 0.0);
          Value contribution = arith::SelectOp::create(b, l, hit, g, zero);
          return {arith::AddFOp::create(b, l, contribution, acc[0])};
        });
    rw.replaceOp(op, dx);
    return success();
  }
};

/// dx[h, w] = the sum of dy over the windows that cover (h, w), / k^2.
struct AvgPool2DGradLowering : OpConversionPattern<AvgPool2DGradOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(AvgPool2DGradOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rw) const override {
    Location loc = op.getLoc();
    Value grad = adaptor.getGrad();
    int64_t k = op.getWindow(), s = op.getStride(), p = op.getPadding();
    Value sum = poolGeneric(
        rw, loc, zeroFilled(rw, loc, typeOf(op.getResult()), grad), k,
        [&](OpBuilder &b, Location l, ArrayRef<Value> index, ValueRange acc) -> SmallVector<Value> {
          Value valid;
          SmallVector<Value> window = poolWrites(b, l, index, s, p, valid);
          Value g = readZeroPadded(b, l, grad, window, valid);
          return {arith::AddFOp::create(b, l, g, acc[0])};
        });
    rw.replaceOp(op, dividedByWindow(rw, loc, sum, k));
    return success();
  }
};

} // namespace

void gdc::populateConvLowerings(RewritePatternSet &patterns, bool kernels) {
  patterns.add<Conv2DLowering, Conv2DGradInputLowering, Conv2DGradFilterLowering,
               MaxPool2DLowering, AvgPool2DLowering, MaxPool2DGradLowering,
               AvgPool2DGradLowering>(patterns.getContext());
  if (kernels)
    patterns.add<KernelLowering<Conv2DOp>, KernelLowering<Conv2DGradInputOp>,
                 KernelLowering<Conv2DGradFilterOp>>(patterns.getContext(), /*benefit=*/2);
}
