//===- PerExampleProducts.cpp - gd-per-example-products --------------------===//
//
// A per_example rule (DP-SGD's clipping) takes the model's parameters once
// per example (gd-batch), so a dense layer's step, as built, materialises
// batch x parameters floats three times over: each example's copy of W
// (W plus a broadcast zero), which its product reads; each example's
// gradient x_i dy_i^T, an outer product; and that gradient scaled by its
// clipping factor before the batch reduction. For a 784x128 layer at batch
// 128 that is 51 MB each, and the step ran 50 times slower than plain SGD.
// None of it is needed (the "ghost clipping" of the DP literature):
//   - a product with the copies of W is a product with W;
//   - sum(G_i^2) of an outer product G_i = a_i b_i^T is sum(a_i^2) sum(b_i^2);
//   - sum_i f_i G_i (or the mean) is A^T (f * B), one matrix product.
// Each rewrite computes the same quantity in another order of additions.
//
//===----------------------------------------------------------------------===//
#include "passes/Passes.h"

#include "dialects/gd/GDDialect.h"

#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace gdc {
#define GEN_PASS_DEF_GDPEREXAMPLEPRODUCTS
#include "passes/Passes.h.inc"
} // namespace gdc

using namespace mlir;
using namespace gdc;
using namespace gdc::gd;

namespace {

RankedTensorType typeOf(Value v) { return cast<RankedTensorType>(v.getType()); }

/// Whether `v` is a broadcast zero: full_like(_, 0) through expand_dims.
bool isBroadcastZero(Value v) {
  while (auto expand = v.getDefiningOp<ExpandDimsOp>())
    v = expand.getInput();
  auto full = v.getDefiningOp<FullLikeOp>();
  return full && full.getValue().isZero();
}

/// W [k, n] when `v` is each example's copy of it, `expand_dims(W, [0]) +
/// zero` ([B, k, n]); `transposed` tells whether `v` is that copy's
/// transpose [0, 2, 1] (W^T is meant).
Value sharedMatrix(Value v, bool &transposed) {
  transposed = false;
  if (auto t = v.getDefiningOp<TransposeOp>()) {
    if (t.getPermutation() != ArrayRef<int64_t>{0, 2, 1})
      return {};
    transposed = true;
    v = t.getInput();
  }
  auto add = v.getDefiningOp<AddOp>();
  if (!add || typeOf(v).getRank() != 3)
    return {};
  for (auto [copy, zero] : {std::pair(add.getLhs(), add.getRhs()),
                            std::pair(add.getRhs(), add.getLhs())}) {
    auto expand = copy.getDefiningOp<ExpandDimsOp>();
    if (expand && expand.getAxes() == ArrayRef<int64_t>{0} && isBroadcastZero(zero) &&
        typeOf(expand.getInput()).getRank() == 2)
      return expand.getInput();
  }
  return {};
}

/// A stack of matrices times each example's copy of W: times W. (A stack
/// [B, m, k] times [k, n] has the type of the product with the copies.)
struct ProductWithCopies : OpRewritePattern<MatmulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MatmulOp op, PatternRewriter &rw) const override {
    bool transposed;
    Value w = typeOf(op.getLhs()).getRank() == 3 ? sharedMatrix(op.getRhs(), transposed) : Value();
    if (!w)
      return failure();
    if (transposed)
      w = TransposeOp::create(rw, op.getLoc(), w, rw.getDenseI64ArrayAttr({1, 0}));
    rw.replaceOpWithNewOp<MatmulOp>(op, op.getLhs(), w);
    return success();
  }
};

/// (a, b) when `v` is a batch of outer products a_i b_i^T: matmul of
/// [B, k, 1] by [B, 1, n].
std::optional<std::pair<Value, Value>> outerProduct(Value v) {
  auto mm = v.getDefiningOp<MatmulOp>();
  if (!mm)
    return std::nullopt;
  auto a = typeOf(mm.getLhs()), b = typeOf(mm.getRhs());
  if (a.getRank() != 3 || b.getRank() != 3 || a.getDimSize(2) != 1 || b.getDimSize(1) != 1)
    return std::nullopt;
  return std::pair(mm.getLhs(), mm.getRhs());
}

Value sumOfSquares(PatternRewriter &rw, Location loc, Value x, ArrayRef<int64_t> axes) {
  return ReduceSumOp::create(rw, loc, MulOp::create(rw, loc, x, x), axes);
}

/// Each example's sum of squares of its outer product: the product of the
/// factors' sums of squares.
struct NormOfOuterProducts : OpRewritePattern<ReduceSumOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ReduceSumOp op, PatternRewriter &rw) const override {
    auto square = op.getInput().getDefiningOp<MulOp>();
    if (!square || square.getLhs() != square.getRhs() ||
        op.getAxes() != ArrayRef<int64_t>{1, 2})
      return failure();
    auto factors = outerProduct(square.getLhs());
    if (!factors)
      return failure();
    Location loc = op.getLoc();
    Value a = sumOfSquares(rw, loc, factors->first, {1, 2});
    Value b = sumOfSquares(rw, loc, factors->second, {1, 2});
    rw.replaceOpWithNewOp<MulOp>(op, a, b);
    return success();
  }
};

/// The batch reduction (sum or mean over axis 0) of outer products scaled
/// per example, sum_i f_i a_i b_i^T: A^T (f * B), one product.
template <typename Reduce> struct ScaledOuterProducts : OpRewritePattern<Reduce> {
  using OpRewritePattern<Reduce>::OpRewritePattern;
  LogicalResult matchAndRewrite(Reduce op, PatternRewriter &rw) const override {
    if (op.getAxes() != ArrayRef<int64_t>{0})
      return failure();
    auto scaled = op.getInput().template getDefiningOp<MulOp>();
    if (!scaled)
      return failure();
    for (auto [products, factor] : {std::pair(scaled.getLhs(), scaled.getRhs()),
                                    std::pair(scaled.getRhs(), scaled.getLhs())}) {
      auto factors = outerProduct(products);
      auto f = typeOf(factor);
      if (!factors || f.getRank() != 3 || f.getDimSize(1) != 1 || f.getDimSize(2) != 1)
        continue;
      Location loc = op.getLoc();
      auto [a, b] = *factors;
      int64_t k = typeOf(a).getDimSize(1), n = typeOf(b).getDimSize(2);
      if (op.getType() != RankedTensorType::get({k, n}, typeOf(a).getElementType()))
        return rw.notifyMatchFailure(op, "a result of another shape");
      Value rowsA = ReshapeOp::create(rw, loc, a, ArrayRef<int64_t>{-1, k});
      Value rowsB = ReshapeOp::create(rw, loc, b, ArrayRef<int64_t>{-1, n});
      Value perExample = ReshapeOp::create(rw, loc, factor, ArrayRef<int64_t>{-1, 1});
      Value result = MatmulOp::create(
          rw, loc, TransposeOp::create(rw, loc, rowsA, rw.getDenseI64ArrayAttr({1, 0})),
          MulOp::create(rw, loc, rowsB, perExample));
      if constexpr (std::is_same_v<Reduce, ReduceMeanOp>)
        result = DivOp::create(rw, loc, result,
                               DimSizeOp::create(rw, loc, factor, ArrayRef<int64_t>{0}));
      rw.replaceOp(op, result);
      return success();
    }
    return failure();
  }
};

struct PerExampleProductsPass
    : gdc::impl::GDPerExampleProductsBase<PerExampleProductsPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<ProductWithCopies, NormOfOuterProducts, ScaledOuterProducts<ReduceSumOp>,
                 ScaledOuterProducts<ReduceMeanOp>>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
