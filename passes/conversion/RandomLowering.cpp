//===- RandomLowering.cpp - gd.random as a counter-based generator ---------===//
//
// A draw is a pure function of (seed, t, stream, i) where i is the
// element's row-major index: SplitMix64's finaliser chained over the four,
// a 64-bit hash whose outputs pass BigCrush as a counter-based generator.
// Being stateless it needs no RNG state in the step's ABI or in
// checkpoints, it is the same in a forward map and in the backward map's
// recomputation of it, and every element can be drawn in parallel.
//
//===----------------------------------------------------------------------===//
#include "passes/conversion/RandomLowering.h"
#include "dialects/gd/GDDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

#include <cmath>

using namespace mlir;
using namespace gdc;
using namespace gdc::gd;

namespace {

/// Scalar i64 arithmetic in a generic's body.
struct Hasher {
  OpBuilder &b;
  Location loc;

  Value c(uint64_t v) { return arith::ConstantIntOp::create(b, loc, b.getI64Type(), v); }
  Value add(Value x, Value y) { return arith::AddIOp::create(b, loc, x, y); }
  Value mul(Value x, Value y) { return arith::MulIOp::create(b, loc, x, y); }
  Value xorShift(Value x, unsigned s) {
    return arith::XOrIOp::create(b, loc, x, arith::ShRUIOp::create(b, loc, x, c(s)));
  }
  /// SplitMix64: advance by the golden gamma, then finalise.
  Value mix(Value x) {
    Value z = add(x, c(0x9e3779b97f4a7c15ull));
    z = mul(xorShift(z, 30), c(0xbf58476d1ce4e5b9ull));
    z = mul(xorShift(z, 27), c(0x94d049bb133111ebull));
    return xorShift(z, 31);
  }
  /// 24 bits of `h` from bit `shift` as an f32 in [0, 1).
  Value unit(Value h, unsigned shift) {
    Value bits = arith::AndIOp::create(
        b, loc, arith::ShRUIOp::create(b, loc, h, c(shift)), c(0xffffff));
    Value f = arith::UIToFPOp::create(b, loc, b.getF32Type(), bits);
    return arith::MulFOp::create(b, loc, f, f32(1.0 / (1 << 24)));
  }
  Value f32(double v) {
    return arith::ConstantOp::create(b, loc, b.getF32FloatAttr(static_cast<float>(v)));
  }
};

} // namespace

Value gdc::rowMajorIndex(OpBuilder &b, Location l, ArrayRef<Value> sizes) {
  Hasher h{b, l};
  Value index = h.c(0);
  for (auto [d, size] : llvm::enumerate(sizes)) {
    Value i = arith::IndexCastOp::create(b, l, b.getI64Type(), linalg::IndexOp::create(b, l, d));
    index = h.add(h.mul(index, size), i);
  }
  return index;
}

Value gdc::buildDraw(OpBuilder &b, Location l, StringRef distribution, uint64_t stream,
                     Value seed, Value t, Value index, Type element, Value instance) {
  Hasher h{b, l};
  constexpr uint64_t kStreamFactor = 0xd1b54a32d192ed03ull;
  Value step = arith::FPToSIOp::create(b, l, b.getI64Type(), t);
  // (stream + (instance << 32)) * factor, wrapping as the constant does.
  Value streamBits = h.c(stream * kStreamFactor);
  if (instance)
    streamBits = h.add(streamBits,
                       h.mul(arith::ShLIOp::create(b, l, instance, h.c(32)), h.c(kStreamFactor)));
  Value bits = h.mix(arith::XOrIOp::create(b, l, seed, streamBits));
  bits = h.mix(h.add(bits, step));
  bits = h.mix(h.add(bits, index));
  Value draw;
  if (distribution != "normal") {
    draw = h.unit(bits, 40);
  } else {
    // Box-Muller: u1 in (0, 1] keeps the logarithm finite.
    Value u1 = arith::AddFOp::create(b, l, h.unit(bits, 40), h.f32(1.0 / (1 << 24)));
    Value u2 = h.unit(bits, 8);
    Value radius = math::SqrtOp::create(
        b, l, arith::MulFOp::create(b, l, h.f32(-2.0), math::LogOp::create(b, l, u1)));
    Value angle = arith::MulFOp::create(b, l, h.f32(2 * M_PI), u2);
    draw = arith::MulFOp::create(b, l, radius, math::CosOp::create(b, l, angle));
  }
  if (element.getIntOrFloatBitWidth() > 32)
    return arith::ExtFOp::create(b, l, element, draw);
  if (element != b.getF32Type())
    return arith::TruncFOp::create(b, l, element, draw);
  return draw;
}

namespace {

struct RandomLoweringPattern : OpConversionPattern<RandomOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(RandomOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rw) const override {
    if (adaptor.getKey().size() != 2 && adaptor.getKey().size() != 3)
      return op.emitOpError("is not bound to a step's seed and t (a random draw "
                            "outside a lens applied by gd-build-train-step)");
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getType());
    int64_t rank = type.getRank();
    SmallVector<Value> dynamicSizes;
    SmallVector<Value> sizes; // every dimension, as i64, for the row-major index
    for (int64_t d = 0; d < rank; ++d) {
      Value size;
      if (type.isDynamicDim(d)) {
        size = tensor::DimOp::create(rw, loc, adaptor.getLike(), d);
        dynamicSizes.push_back(size);
      } else {
        size = arith::ConstantIndexOp::create(rw, loc, type.getDimSize(d));
      }
      sizes.push_back(arith::IndexCastOp::create(rw, loc, rw.getI64Type(), size));
    }
    Value init = tensor::EmptyOp::create(rw, loc, type.getShape(), type.getElementType(),
                                         dynamicSizes);
    MLIRContext *ctx = rw.getContext();
    AffineMap scalarMap = AffineMap::get(rank, 0, {}, ctx);
    // The key's scalars (seed, t, and an instance known only at run time),
    // then the result.
    SmallVector<AffineMap> maps(adaptor.getKey().size(), scalarMap);
    maps.push_back(AffineMap::getMultiDimIdentityMap(rank, ctx));
    SmallVector<utils::IteratorType> iterators(rank, utils::IteratorType::parallel);
    auto generic = linalg::GenericOp::create(
        rw, loc, TypeRange{type}, adaptor.getKey(), ValueRange{init}, maps, iterators,
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value instance = args.size() == 4 ? args[2] : Value();
          Value draw = buildDraw(b, l, op.getDistribution(), op.getStream(), args[0], args[1],
                                 rowMajorIndex(b, l, sizes), type.getElementType(), instance);
          linalg::YieldOp::create(b, l, draw);
        });
    rw.replaceOp(op, generic->getResults());
    return success();
  }
};

} // namespace

void gdc::populateRandomLowering(RewritePatternSet &patterns) {
  patterns.add<RandomLoweringPattern>(patterns.getContext());
}
