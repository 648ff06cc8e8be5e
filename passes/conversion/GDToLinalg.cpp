//===- GDToLinalg.cpp - convert-gd-to-linalg -------------------------------===//
//
// gd tensor ops become linalg on tensors: elementwise ops and optimizer
// updates become linalg.generic (bodies from ScalarOps, so linalg's
// elementwise fusion can merge whole chains), reductions reducing generics
// (ReductionLowerings.cpp; shapes and convolutions have files of their own),
// gd.matmul a linalg.matmul whose indexing maps absorb transposes.
//
//===----------------------------------------------------------------------===//
#include "passes/Passes.h"
#include "passes/conversion/ScalarOps.h"
#include "passes/conversion/ConvLowerings.h"
#include "passes/conversion/LinalgBuilders.h"
#include "passes/conversion/RandomLowering.h"
#include "passes/conversion/ReductionLowerings.h"
#include "passes/conversion/ShapeLowerings.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Transforms/DialectConversion.h"

namespace gdc {
#define GEN_PASS_DEF_CONVERTGDTOLINALG
#include "passes/Passes.h.inc"
} // namespace gdc

using namespace mlir;
using namespace gdc;
using namespace gdc::gd;

namespace {

using utils::IteratorType;



/// The indexing map of an operand broadcast (right-aligned) to `resultRank`
/// loops; its unit dimensions that stretch read index 0.
AffineMap broadcastMap(RankedTensorType operand, RankedTensorType result,
                       MLIRContext *ctx) {
  SmallVector<AffineExpr> exprs;
  int64_t offset = result.getRank() - operand.getRank();
  for (int64_t j = 0; j < operand.getRank(); ++j) {
    bool stretches = operand.getDimSize(j) == 1 && result.getDimSize(offset + j) != 1;
    exprs.push_back(stretches ? getAffineConstantExpr(0, ctx)
                              : getAffineDimExpr(offset + j, ctx));
  }
  return AffineMap::get(result.getRank(), 0, exprs, ctx);
}

} // namespace

Value gdc::emptyFor(OpBuilder &b, Location loc, RankedTensorType type, ValueRange sources) {
  SmallVector<Value> sizes;
  int64_t rank = type.getRank();
  for (int64_t i = 0; i < rank; ++i) {
    if (!type.isDynamicDim(i))
      continue;
    Value size;
    for (Value s : sources) {
      auto st = dyn_cast<RankedTensorType>(s.getType());
      if (!st)
        continue;
      int64_t j = i - (rank - st.getRank());
      if (j >= 0 && st.isDynamicDim(j)) {
        size = tensor::DimOp::create(b, loc, s, j);
        break;
      }
    }
    assert(size && "no operand supplies a dynamic dimension");
    sizes.push_back(size);
  }
  return tensor::EmptyOp::create(b, loc, type.getShape(), type.getElementType(), sizes);
}

/// A parallel linalg.generic over `resultType` whose inputs broadcast.
Value gdc::buildElementwise(OpBuilder &b, Location loc, RankedTensorType resultType,
                       ValueRange inputs,
                       function_ref<Value(OpBuilder &, Location, ValueRange)> body) {
  MLIRContext *ctx = b.getContext();
  Value init = emptyFor(b, loc, resultType, inputs);
  SmallVector<AffineMap> maps;
  for (Value in : inputs)
    maps.push_back(broadcastMap(typeOf(in), resultType, ctx));
  maps.push_back(AffineMap::getMultiDimIdentityMap(resultType.getRank(), ctx));
  SmallVector<IteratorType> iterators(resultType.getRank(), IteratorType::parallel);
  bool failed = false;
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{resultType}, inputs, ValueRange{init}, maps, iterators,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        Value v = body(nb, nloc, args.drop_back());
        if (!v) {
          failed = true;
          v = args.back();
        }
        linalg::YieldOp::create(nb, nloc, v);
      });
  return failed ? Value() : generic.getResult(0);
}

namespace {

template <typename OpTy>
struct ElementwiseLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    Value result = buildElementwise(
        rw, op.getLoc(), typeOf(op.getResult()), adaptor.getOperands(),
        [&](OpBuilder &b, Location loc, ValueRange args) {
          return emitScalar(b, loc, op, args);
        });
    if (!result)
      return failure();
    rw.replaceOp(op, result);
    return success();
  }
};

struct ConstantLowering : OpConversionPattern<ConstantOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ConstantOp op, OpAdaptor,
                  ConversionPatternRewriter &rw) const override {
    rw.replaceOpWithNewOp<arith::ConstantOp>(op, cast<TypedAttr>(op.getValue()));
    return success();
  }
};

struct FullLikeLowering : OpConversionPattern<FullLikeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(FullLikeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    auto type = typeOf(op.getResult());
    Value init = emptyFor(rw, op.getLoc(), type, adaptor.getInput());
    Value value = arith::ConstantOp::create(
        rw, op.getLoc(), scalarAttr(rw, type.getElementType(), op.getValue().convertToDouble()));
    rw.replaceOpWithNewOp<linalg::FillOp>(op, value, init);
    return success();
  }
};

struct ExpandDimsLowering : OpConversionPattern<ExpandDimsOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ExpandDimsOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    MLIRContext *ctx = rw.getContext();
    auto type = typeOf(op.getResult());
    SmallVector<AffineExpr> exprs;
    SmallVector<Value> sizes;
    unsigned next = 0;
    for (int64_t i = 0; i < type.getRank(); ++i) {
      if (llvm::is_contained(op.getAxes(), i))
        continue;
      exprs.push_back(getAffineDimExpr(i, ctx));
      if (type.isDynamicDim(i))
        sizes.push_back(tensor::DimOp::create(rw, op.getLoc(), adaptor.getInput(), next));
      ++next;
    }
    Value init = tensor::EmptyOp::create(rw, op.getLoc(), type.getShape(),
                                         type.getElementType(), sizes);
    SmallVector<AffineMap> maps{AffineMap::get(type.getRank(), 0, exprs, ctx),
                                AffineMap::getMultiDimIdentityMap(type.getRank(), ctx)};
    SmallVector<IteratorType> iterators(type.getRank(), IteratorType::parallel);
    rw.replaceOpWithNewOp<linalg::GenericOp>(
        op, TypeRange{type}, adaptor.getInput(), init, maps, iterators,
        [](OpBuilder &b, Location loc, ValueRange args) {
          linalg::YieldOp::create(b, loc, args[0]);
        });
    return success();
  }
};

struct DimSizeLowering : OpConversionPattern<DimSizeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(DimSizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    Value count = countOf(rw, op.getLoc(), adaptor.getInput(), op.getAxes(),
                          rw.getF32Type());
    rw.replaceOpWithNewOp<tensor::FromElementsOp>(op, typeOf(op.getResult()), count);
    return success();
  }
};

struct TransposeLowering : OpConversionPattern<TransposeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(TransposeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    auto type = typeOf(op.getResult());
    SmallVector<Value> sizes;
    for (int64_t i = 0; i < type.getRank(); ++i)
      if (type.isDynamicDim(i))
        sizes.push_back(tensor::DimOp::create(rw, op.getLoc(), adaptor.getInput(),
                                              op.getPermutation()[i]));
    Value init = tensor::EmptyOp::create(rw, op.getLoc(), type.getShape(),
                                         type.getElementType(), sizes);
    auto t = linalg::TransposeOp::create(rw, op.getLoc(), adaptor.getInput(), init,
                                         op.getPermutation());
    rw.replaceOp(op, t->getResults());
    return success();
  }
};

/// The accumulator of a product: a zero-filled tensor of `type`.
Value zeroFilled(OpBuilder &b, Location loc, RankedTensorType type,
                 ValueRange dynamicSizes) {
  Value empty = tensor::EmptyOp::create(b, loc, type.getShape(),
                                        type.getElementType(), dynamicSizes);
  Value zero = floatConstant(b, loc, type.getElementType(), 0.0);
  return linalg::FillOp::create(b, loc, zero, empty).getResult(0);
}

/// `[m, k] @ [k, n]`; an operand produced by a 2-D transpose is read through
/// a transposed indexing map instead of being copied.
struct MatmulLowering : OpConversionPattern<MatmulOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(MatmulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rw.getContext();
    auto resultType = typeOf(op.getResult());
    Value lhs = adaptor.getLhs(), rhs = adaptor.getRhs();
    if (typeOf(lhs).getRank() >= 3)
      return lowerStack(op, lhs, rhs, rw);
    if (typeOf(lhs).getRank() != 2 || typeOf(rhs).getRank() != 2)
      return lowerVectorProduct(op, lhs, rhs, rw);
    auto peel = [](Value original, Value &converted) {
      auto t = original.getDefiningOp<TransposeOp>();
      if (!t || t.getPermutation() != ArrayRef<int64_t>{1, 0})
        return false;
      converted = t.getInput();
      return true;
    };
    bool transA = peel(op.getLhs(), lhs);
    bool transB = peel(op.getRhs(), rhs);
    AffineExpr m, n, k;
    bindDims(ctx, m, n, k);
    auto map = [&](AffineExpr a, AffineExpr b) {
      return AffineMap::get(3, 0, {a, b}, ctx);
    };
    SmallVector<AffineMap> maps{transA ? map(k, m) : map(m, k),
                                transB ? map(n, k) : map(k, n), map(m, n)};
    SmallVector<Value> sizes;
    if (resultType.isDynamicDim(0))
      sizes.push_back(tensor::DimOp::create(rw, loc, lhs, transA ? 1 : 0));
    if (resultType.isDynamicDim(1))
      sizes.push_back(tensor::DimOp::create(rw, loc, rhs, transB ? 0 : 1));
    Value init = zeroFilled(rw, loc, resultType, sizes);
    SmallVector<Attribute> mapAttrs;
    for (AffineMap mp : maps)
      mapAttrs.push_back(AffineMapAttr::get(mp));
    auto mm = linalg::MatmulOp::create(
        rw, loc, TypeRange{resultType}, ValueRange{lhs, rhs}, ValueRange{init},
        {rw.getNamedAttr("indexing_maps", rw.getArrayAttr(mapAttrs))});
    rw.replaceOp(op, mm->getResults());
    return success();
  }

  /// A stack of matrices `[..., m, k]` times one matrix `[k, n]`: the
  /// stack's rows are one matrix, so one matrix product (BLAS, for f32)
  /// does it all.
  LogicalResult lowerStack(MatmulOp op, Value lhs, Value rhs,
                           ConversionPatternRewriter &rw) const {
    Location loc = op.getLoc();
    auto resultType = typeOf(op.getResult());
    int64_t rank = typeOf(lhs).getRank();
    if (typeOf(rhs).getRank() == 2) {
      ReassociationIndices rows;
      for (int64_t i = 0; i < rank - 1; ++i)
        rows.push_back(i);
      SmallVector<ReassociationIndices> groups{rows, {rank - 1}};
      Value flat = tensor::CollapseShapeOp::create(rw, loc, lhs, groups);
      auto flatType = RankedTensorType::get(
          {typeOf(flat).getDimSize(0), typeOf(rhs).getDimSize(1)}, resultType.getElementType());
      SmallVector<Value> sizes;
      if (flatType.isDynamicDim(0))
        sizes.push_back(tensor::DimOp::create(rw, loc, flat, 0));
      Value init = zeroFilled(rw, loc, flatType, sizes);
      auto mm = linalg::MatmulOp::create(rw, loc, TypeRange{flatType}, ValueRange{flat, rhs},
                                         ValueRange{init});
      rw.replaceOp(op, tensor::ExpandShapeOp::create(rw, loc, resultType, mm->getResult(0),
                                                     groups)
                           .getResult());
      return success();
    }
    return lowerStackTimesStack(op, lhs, rhs, rw);
  }

  /// `[..., m, k] @ [..., k, n]`: the stack's axes collapse to one and a
  /// linalg.batch_matmul multiplies matrix by matrix (BLAS, for f32). An
  /// operand produced by a transpose of its last two axes (the reverse
  /// rules' `dy @ transpose(b)`) is read through a transposed indexing map
  /// instead of being copied.
  LogicalResult lowerStackTimesStack(MatmulOp op, Value lhs, Value rhs,
                                     ConversionPatternRewriter &rw) const {
    Location loc = op.getLoc();
    MLIRContext *ctx = rw.getContext();
    auto resultType = typeOf(op.getResult());
    int64_t rank = resultType.getRank();
    auto peel = [&](Value original, Value &converted) {
      auto t = original.getDefiningOp<TransposeOp>();
      if (!t)
        return false;
      SmallVector<int64_t> swapLastTwo = llvm::to_vector(llvm::seq<int64_t>(0, rank));
      std::swap(swapLastTwo[rank - 2], swapLastTwo[rank - 1]);
      if (t.getPermutation() != ArrayRef<int64_t>(swapLastTwo))
        return false;
      converted = t.getInput();
      return true;
    };
    bool transA = peel(op.getLhs(), lhs);
    bool transB = peel(op.getRhs(), rhs);
    ReassociationIndices stackAxes;
    for (int64_t i = 0; i < rank - 2; ++i)
      stackAxes.push_back(i);
    SmallVector<ReassociationIndices> groups{stackAxes, {rank - 2}, {rank - 1}};
    Value flatLhs = tensor::CollapseShapeOp::create(rw, loc, lhs, groups);
    Value flatRhs = tensor::CollapseShapeOp::create(rw, loc, rhs, groups);
    auto flatLhsType = typeOf(flatLhs), flatRhsType = typeOf(flatRhs);
    auto flatType = RankedTensorType::get(
        {flatLhsType.getDimSize(0), flatLhsType.getDimSize(transA ? 2 : 1),
         flatRhsType.getDimSize(transB ? 1 : 2)},
        resultType.getElementType());
    SmallVector<Value> sizes;
    if (flatType.isDynamicDim(0))
      sizes.push_back(tensor::DimOp::create(rw, loc, flatLhs, 0));
    if (flatType.isDynamicDim(1))
      sizes.push_back(tensor::DimOp::create(rw, loc, flatLhs, transA ? 2 : 1));
    if (flatType.isDynamicDim(2))
      sizes.push_back(tensor::DimOp::create(rw, loc, flatRhs, transB ? 1 : 2));
    Value init = zeroFilled(rw, loc, flatType, sizes);
    AffineExpr s, m, n, k;
    bindDims(ctx, s, m, n, k);
    auto map = [&](AffineExpr a, AffineExpr b) {
      return AffineMapAttr::get(AffineMap::get(4, 0, {s, a, b}, ctx));
    };
    Attribute maps = rw.getArrayAttr({transA ? map(k, m) : map(m, k),
                                      transB ? map(n, k) : map(k, n), map(m, n)});
    auto mm = linalg::BatchMatmulOp::create(rw, loc, TypeRange{flatType},
                                            ValueRange{flatLhs, flatRhs}, ValueRange{init},
                                            {rw.getNamedAttr("indexing_maps", maps)});
    rw.replaceOp(op, tensor::ExpandShapeOp::create(rw, loc, resultType, mm->getResult(0), groups)
                         .getResult());
    return success();
  }

  /// `[k] @ [k, n]` and `[m, k] @ [k]` as a contraction generic.
  LogicalResult lowerVectorProduct(MatmulOp op, Value lhs, Value rhs,
                                   ConversionPatternRewriter &rw) const {
    Location loc = op.getLoc();
    MLIRContext *ctx = rw.getContext();
    auto resultType = typeOf(op.getResult());
    AffineExpr i, k;
    bindDims(ctx, i, k);
    bool vecmat = typeOf(lhs).getRank() == 1;
    SmallVector<AffineMap> maps{
        vecmat ? AffineMap::get(2, 0, {k}, ctx) : AffineMap::get(2, 0, {i, k}, ctx),
        vecmat ? AffineMap::get(2, 0, {k, i}, ctx) : AffineMap::get(2, 0, {k}, ctx),
        AffineMap::get(2, 0, {i}, ctx)};
    SmallVector<Value> sizes;
    if (resultType.isDynamicDim(0))
      sizes.push_back(tensor::DimOp::create(rw, loc, vecmat ? rhs : lhs, vecmat ? 1 : 0));
    Value init = zeroFilled(rw, loc, resultType, sizes);
    auto generic = linalg::GenericOp::create(
        rw, loc, TypeRange{resultType}, ValueRange{lhs, rhs}, ValueRange{init}, maps,
        {IteratorType::parallel, IteratorType::reduction},
        [](OpBuilder &b, Location l, ValueRange a) {
          Value prod = arith::MulFOp::create(b, l, a[0], a[1]);
          linalg::YieldOp::create(b, l, arith::AddFOp::create(b, l, prod, a[2]).getResult());
        });
    rw.replaceOp(op, generic->getResults());
    return success();
  }
};

/// `x[label]`, one pick per row; an index out of range reads 0.
struct TakeLowering : OpConversionPattern<TakeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(TakeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    auto in = typeOf(input);
    auto resultType = typeOf(op.getResult());
    int64_t rank = resultType.getRank();
    Value init = emptyFor(rw, loc, resultType, adaptor.getIndices());
    SmallVector<AffineMap> maps(2, AffineMap::getMultiDimIdentityMap(rank, rw.getContext()));
    SmallVector<IteratorType> iterators(rank, IteratorType::parallel);
    auto generic = linalg::GenericOp::create(
        rw, loc, TypeRange{resultType}, ValueRange{adaptor.getIndices()}, ValueRange{init},
        maps, iterators, [&](OpBuilder &b, Location l, ValueRange args) {
          Value idx = arith::IndexCastOp::create(b, l, b.getIndexType(), args[0]);
          Value zero = arith::ConstantIndexOp::create(b, l, 0);
          Value n = tensor::DimOp::create(b, l, input, in.getRank() - 1);
          Value nonNeg = arith::CmpIOp::create(b, l, arith::CmpIPredicate::sge, idx, zero);
          Value below = arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, idx, n);
          Value ok = arith::AndIOp::create(b, l, nonNeg, below);
          Value safe = arith::SelectOp::create(b, l, ok, idx, zero);
          SmallVector<Value> coords;
          for (int64_t d = 0; d < rank; ++d)
            coords.push_back(linalg::IndexOp::create(b, l, d));
          coords.push_back(safe);
          Value v = tensor::ExtractOp::create(b, l, input, coords);
          Value none = floatConstant(b, l, in.getElementType(), 0.0);
          linalg::YieldOp::create(b, l, arith::SelectOp::create(b, l, ok, v, none).getResult());
        });
    rw.replaceOp(op, generic->getResults());
    return success();
  }
};

struct OneHotLowering : OpConversionPattern<OneHotOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(OneHotOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rw.getContext();
    auto resultType = typeOf(op.getResult());
    int64_t rank = resultType.getRank();
    SmallVector<Value> sizes;
    for (int64_t d = 0; d < rank - 1; ++d)
      if (resultType.isDynamicDim(d))
        sizes.push_back(tensor::DimOp::create(rw, loc, adaptor.getIndices(), d));
    Value init = tensor::EmptyOp::create(rw, loc, resultType.getShape(),
                                         resultType.getElementType(), sizes);
    SmallVector<AffineMap> maps{AffineMap::getMultiDimIdentityMap(rank, ctx).dropResult(rank - 1),
                                AffineMap::getMultiDimIdentityMap(rank, ctx)};
    SmallVector<IteratorType> iterators(rank, IteratorType::parallel);
    auto generic = linalg::GenericOp::create(
        rw, loc, TypeRange{resultType}, ValueRange{adaptor.getIndices()}, ValueRange{init},
        maps, iterators, [&](OpBuilder &b, Location l, ValueRange args) {
          Value idx = arith::IndexCastOp::create(b, l, b.getIndexType(), args[0]);
          Value here = linalg::IndexOp::create(b, l, rank - 1);
          Value hit = arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq, idx, here);
          Type f = resultType.getElementType();
          linalg::YieldOp::create(
              b, l, arith::SelectOp::create(b, l, hit, floatConstant(b, l, f, 1.0),
                                            floatConstant(b, l, f, 0.0)).getResult());
        });
    rw.replaceOp(op, generic->getResults());
    return success();
  }
};

/// One linalg.generic per parameter: the optimizer's body, op by op in
/// scalar form, reading p, g, the states and the scalars, writing the new
/// parameter and states. This is the fused update.
/// `value` where every one of `witnesses` (floats) is finite, else NaN.
Value poisonUnlessFinite(OpBuilder &b, Location loc, Value value, ValueRange witnesses) {
  Value allFinite;
  for (Value w : witnesses) {
    auto [exponent, mask] = exponentBits(b, loc, w);
    Value finite = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, exponent, mask);
    allFinite = allFinite ? arith::AndIOp::create(b, loc, allFinite, finite).getResult() : finite;
  }
  auto type = cast<FloatType>(value.getType());
  Value nan = arith::ConstantOp::create(
      b, loc, b.getFloatAttr(type, APFloat::getNaN(type.getFloatSemantics())));
  return allFinite ? arith::SelectOp::create(b, loc, allFinite, value, nan).getResult() : value;
}

struct ApplyOptimizerLowering : OpConversionPattern<ApplyOptimizerOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ApplyOptimizerOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rw.getContext();
    auto opt = SymbolTable::lookupNearestSymbolFrom<OptimizerOp>(op, op.getOptimizerAttr());
    auto paramType = typeOf(op.getParam());
    int64_t rank = paramType.getRank();
    SmallVector<Value> inputs{adaptor.getParam(), adaptor.getGrad(), adaptor.getStep()};
    llvm::append_range(inputs, adaptor.getHypers());
    llvm::append_range(inputs, adaptor.getStates());
    AffineMap identity = AffineMap::getMultiDimIdentityMap(rank, ctx);
    AffineMap scalar = AffineMap::get(rank, 0, {}, ctx);
    SmallVector<AffineMap> maps{identity, identity, scalar};
    maps.append(adaptor.getHypers().size(), scalar);
    maps.append(adaptor.getStates().size(), identity);
    // A body that draws reads the seed; the step's draws for this tensor
    // are told apart from a lens's (whose instance is below 2^30) and from
    // other tensors' by the stream's high bits.
    unsigned seedArg = inputs.size();
    if (adaptor.getSeed()) {
      inputs.push_back(adaptor.getSeed());
      maps.push_back(scalar);
    }
    uint64_t streamBase = (uint64_t(1) << 62) + (uint64_t(op.getInstance().value_or(0)) << 32);
    SmallVector<Value> sizes;
    for (int64_t d : paramType.getShape())
      sizes.push_back(arith::ConstantIntOp::create(rw, loc, rw.getI64Type(), d));
    SmallVector<Value> inits;
    SmallVector<Type> resultTypes;
    for (unsigned i = 0; i < 1 + adaptor.getStates().size(); ++i) {
      inits.push_back(tensor::EmptyOp::create(rw, loc, paramType.getShape(),
                                              paramType.getElementType()));
      resultTypes.push_back(paramType);
      maps.push_back(identity);
    }
    SmallVector<IteratorType> iterators(rank, IteratorType::parallel);
    Block &body = opt.getBody().front();
    bool failed = false;
    auto generic = linalg::GenericOp::create(
        rw, loc, resultTypes, inputs, inits, maps, iterators,
        [&](OpBuilder &b, Location l, ValueRange args) {
          IRMapping map;
          map.map(body.getArguments(), args.take_front(body.getNumArguments()));
          for (Operation &inner : body.without_terminator()) {
            SmallVector<Value> operands;
            for (Value v : inner.getOperands())
              operands.push_back(map.lookup(v));
            Value v;
            if (auto draw = dyn_cast<RandomOp>(inner)) {
              // One draw per element of this parameter tensor.
              if (!adaptor.getSeed())
                draw.emitOpError("draws in an optimizer applied without the run's seed");
              else
                v = buildDraw(b, inner.getLoc(), draw.getDistribution(),
                              streamBase + draw.getStream(), args[seedArg], args[2],
                              rowMajorIndex(b, inner.getLoc(), sizes),
                              cast<RankedTensorType>(draw.getType()).getElementType());
            } else {
              v = emitScalar(b, inner.getLoc(), &inner, operands);
            }
            if (!v) {
              failed = true;
              v = args.front();
            }
            map.map(inner.getResult(0), v);
          }
          SmallVector<Value> yielded;
          for (Value v : body.getTerminator()->getOperands())
            yielded.push_back(map.lookup(v));
          if (op->hasAttr(kPoisonNonFiniteAttr)) {
            // The gradient (args[1]) and the new states are checked through
            // the new parameter (yielded[0]): NaN unless all are finite.
            SmallVector<Value> witnesses{args[1]};
            llvm::append_range(witnesses, ArrayRef<Value>(yielded).drop_front());
            yielded[0] = poisonUnlessFinite(b, l, yielded[0], witnesses);
          }
          linalg::YieldOp::create(b, l, yielded);
        });
    if (failed)
      return failure();
    rw.replaceOp(op, generic->getResults());
    return success();
  }
};

struct ConvertGDToLinalgPass
    : gdc::impl::ConvertGDToLinalgBase<ConvertGDToLinalgPass> {
  using ConvertGDToLinalgBase::ConvertGDToLinalgBase;
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    // Only a forward map that was never differentiated (the REPL's
    // per-example evaluation) still has its backward map here; it is not run.
    gd::inlineCustomBackwards(getOperation());
    ConversionTarget target(*ctx);
    target.addLegalDialect<linalg::LinalgDialect, tensor::TensorDialect,
                           arith::ArithDialect, math::MathDialect,
                           func::FuncDialect, bufferization::BufferizationDialect,
                           LLVM::LLVMDialect, scf::SCFDialect>();
    target.addIllegalDialect<gd::GDDialect>();
    target.addLegalOp<gd::Conv2DKernelOp>();
    RewritePatternSet patterns(ctx);
    patterns.add<ElementwiseLowering<AddOp>, ElementwiseLowering<SubOp>,
                 ElementwiseLowering<MulOp>, ElementwiseLowering<DivOp>,
                 ElementwiseLowering<PowOp>, ElementwiseLowering<MaxOp>,
                 ElementwiseLowering<MinOp>, ElementwiseLowering<NegOp>,
                 ElementwiseLowering<ExpOp>, ElementwiseLowering<LogOp>,
                 ElementwiseLowering<SqrtOp>, ElementwiseLowering<TanhOp>,
                 ElementwiseLowering<CmpOp>, ElementwiseLowering<SelectOp>,
                 ElementwiseLowering<ConvertOp>, ElementwiseLowering<ModOp>,
                 ElementwiseLowering<SigmoidOp>, ElementwiseLowering<SinOp>,
                 ElementwiseLowering<CosOp>, ElementwiseLowering<AbsOp>,
                 ElementwiseLowering<SignOp>, ElementwiseLowering<FloorOp>,
                 ElementwiseLowering<StopGradientOp>,
                 ElementwiseLowering<CeilOp>, ConstantLowering, FullLikeLowering,
                 ExpandDimsLowering, DimSizeLowering,
                 TransposeLowering, MatmulLowering, TakeLowering, OneHotLowering,
                 ApplyOptimizerLowering>(ctx);
    populateReductionLowerings(patterns);
    populateShapeLowerings(patterns);
    populateConvLowerings(patterns, convKernels);
    populateRandomLowering(patterns);
    // Only functions are converted: optimizer bodies stay in gd form until
    // each application has copied them (as scalars) into its linalg.generic.
    SmallVector<Operation *> functions;
    for (auto fn : getOperation().getOps<func::FuncOp>())
      functions.push_back(fn);
    if (failed(applyPartialConversion(functions, target, std::move(patterns))))
      return signalPassFailure();
    // The optimizer definitions have been applied everywhere they are used.
    for (auto opt : llvm::make_early_inc_range(getOperation().getOps<OptimizerOp>()))
      opt.erase();
  }
};

} // namespace
