//===- ShapeLowerings.cpp - gd.reshape, gd.concat, gd.slice to tensor ops -===//
//
// These ops only move elements: reshape becomes tensor.reshape (a view
// after bufferization), concat and slice linalg.generics that read their
// inputs with tensor.extract. Sizes
// that are dynamic (the batch dimension) are read with tensor.dim.
//
//===----------------------------------------------------------------------===//
#include "passes/conversion/ShapeLowerings.h"
#include "dialects/gd/GDDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace gdc::gd;

namespace {

RankedTensorType typeOf(Value v) { return cast<RankedTensorType>(v.getType()); }

/// The sizes of `v`'s axes: static ones as attributes, dynamic ones read.
SmallVector<OpFoldResult> sizesOf(OpBuilder &b, Location loc, Value v) {
  SmallVector<OpFoldResult> sizes;
  auto type = typeOf(v);
  for (int64_t i = 0; i < type.getRank(); ++i)
    sizes.push_back(type.isDynamicDim(i)
                        ? OpFoldResult(tensor::DimOp::create(b, loc, v, i).getResult())
                        : OpFoldResult(b.getIndexAttr(type.getDimSize(i))));
  return sizes;
}

/// tensor.reshape to a shape computed at run time: the -1 (dynamic) entry
/// is the input's element count divided by the result's static sizes.
struct ReshapeLowering : OpConversionPattern<ReshapeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ReshapeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    auto type = typeOf(op.getResult());
    int64_t staticCount = 1;
    for (int64_t d : type.getShape())
      if (!ShapedType::isDynamic(d))
        staticCount *= d;
    SmallVector<Value> extents;
    for (int64_t d : type.getShape()) {
      if (!ShapedType::isDynamic(d)) {
        extents.push_back(arith::ConstantIndexOp::create(rw, loc, d));
        continue;
      }
      Value count = arith::ConstantIndexOp::create(rw, loc, 1);
      for (int64_t i = 0; i < typeOf(input).getRank(); ++i)
        count = arith::MulIOp::create(rw, loc, count,
                                      tensor::DimOp::create(rw, loc, input, i));
      extents.push_back(arith::DivUIOp::create(
          rw, loc, count, arith::ConstantIndexOp::create(rw, loc, staticCount)));
    }
    auto shapeType = RankedTensorType::get({type.getRank()}, rw.getIndexType());
    Value shape = tensor::FromElementsOp::create(rw, loc, shapeType, extents);
    rw.replaceOpWithNewOp<tensor::ReshapeOp>(op, type, input, shape);
    return success();
  }
};

/// A generic over the result that reads, at each position along the
/// joined axis, the operand covering it. (Not tensor.insert_slice: a copy
/// into a strided view of the result would need MLIR's runtime library's
/// memrefCopy, which compiled models do not link.) Every operand is read at
/// a clamped position, so no read goes out of bounds, and the selects keep
/// the one that covers the position.
struct ConcatLowering : OpConversionPattern<ConcatOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ConcatOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    Location loc = op.getLoc();
    auto type = typeOf(op.getResult());
    int64_t rank = type.getRank(), axis = op.getAxis();
    ValueRange inputs = adaptor.getInputs();
    // Every axis but the joined one has the first operand's size.
    SmallVector<OpFoldResult> sizes = sizesOf(rw, loc, inputs.front());
    sizes[axis] = rw.getIndexAttr(type.getDimSize(axis));
    Value init = tensor::EmptyOp::create(rw, loc, sizes, type.getElementType());
    if (init.getType() != type)
      init = tensor::CastOp::create(rw, loc, type, init);
    SmallVector<AffineMap> maps{AffineMap::getMultiDimIdentityMap(rank, rw.getContext())};
    SmallVector<utils::IteratorType> iterators(rank, utils::IteratorType::parallel);
    auto generic = linalg::GenericOp::create(
        rw, loc, TypeRange{type}, ValueRange{}, ValueRange{init}, maps, iterators,
        [&](OpBuilder &b, Location l, ValueRange) {
          SmallVector<Value> coords;
          for (int64_t d = 0; d < rank; ++d)
            coords.push_back(linalg::IndexOp::create(b, l, d));
          Value position = coords[axis];
          Value result;
          int64_t offset = 0;
          for (Value in : inputs) {
            int64_t size = typeOf(in).getDimSize(axis);
            Value start = arith::ConstantIndexOp::create(b, l, offset);
            Value local = arith::MaxSIOp::create(
                b, l, arith::SubIOp::create(b, l, position, start),
                arith::ConstantIndexOp::create(b, l, 0));
            local = arith::MinSIOp::create(b, l, local,
                                           arith::ConstantIndexOp::create(b, l, size - 1));
            SmallVector<Value> at(coords);
            at[axis] = local;
            Value v = tensor::ExtractOp::create(b, l, in, at);
            if (!result) {
              result = v;
            } else {
              Value before = arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt,
                                                   position, start);
              result = arith::SelectOp::create(b, l, before, result, v);
            }
            offset += size;
          }
          linalg::YieldOp::create(b, l, result);
        });
    rw.replaceOp(op, generic->getResults());
    return success();
  }
};

/// A generic over the result reading the input at the position shifted by
/// `lo` along the sliced axis. (Not an indexing map `d + lo`: with lo = 0 it
/// is a plain dimension, and linalg then requires the input's size to equal
/// the loop's.)
struct SliceLowering : OpConversionPattern<SliceOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(SliceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    auto type = typeOf(op.getResult());
    int64_t rank = type.getRank(), axis = op.getAxis(), lo = op.getLo();
    SmallVector<OpFoldResult> sizes = sizesOf(rw, loc, input);
    sizes[axis] = rw.getIndexAttr(op.getHi() - lo);
    Value init = tensor::EmptyOp::create(rw, loc, sizes, type.getElementType());
    if (init.getType() != type)
      init = tensor::CastOp::create(rw, loc, type, init);
    SmallVector<AffineMap> maps{AffineMap::getMultiDimIdentityMap(rank, rw.getContext())};
    SmallVector<utils::IteratorType> iterators(rank, utils::IteratorType::parallel);
    auto generic = linalg::GenericOp::create(
        rw, loc, TypeRange{type}, ValueRange{}, ValueRange{init}, maps, iterators,
        [&](OpBuilder &b, Location l, ValueRange) {
          SmallVector<Value> coords;
          for (int64_t d = 0; d < rank; ++d)
            coords.push_back(linalg::IndexOp::create(b, l, d));
          coords[axis] = arith::AddIOp::create(b, l, coords[axis],
                                               arith::ConstantIndexOp::create(b, l, lo));
          linalg::YieldOp::create(b, l, tensor::ExtractOp::create(b, l, input, coords).getResult());
        });
    rw.replaceOp(op, generic->getResults());
    return success();
  }
};

} // namespace

void gdc::populateShapeLowerings(RewritePatternSet &patterns) {
  patterns.add<ReshapeLowering, ConcatLowering, SliceLowering>(patterns.getContext());
}
