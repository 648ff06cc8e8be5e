//===- FuseElementwise.cpp - gd-fuse-elementwise ---------------------------===//
//
// linalg's elementwise fusion with one difference in what it may fuse. The
// upstream pass folds a collapse_shape feeding, or an expand_shape fed by,
// any structured op into it by expanding its loops; for a matrix product
// that rewrites linalg.batch_matmul (a stack of matrices collapsed to one
// stack axis) as a generic over the original axes, which gd-matmul-to-blas
// cannot call BLAS for, and which ran 10x slower than the BLAS loop in a
// transformer's attention. Here a reshape next to a product stays.
//
//===----------------------------------------------------------------------===//
#include "passes/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace gdc {
#define GEN_PASS_DEF_GDFUSEELEMENTWISE
#include "passes/Passes.h.inc"
} // namespace gdc

using namespace mlir;

namespace {

bool isMatrixProduct(Operation *op) {
  return isa_and_nonnull<linalg::MatmulOp, linalg::BatchMatmulOp>(op);
}

struct FuseElementwisePass : gdc::impl::GDFuseElementwiseBase<FuseElementwisePass> {
  void runOnOperation() override {
    MLIRContext *context = &getContext();
    RewritePatternSet patterns(context);
    // As upstream: fuse only a producer with no other user (no recomputation).
    linalg::ControlFusionFn fuseElementwise = [](OpOperand *fused) {
      Operation *producer = fused->get().getDefiningOp();
      return producer && producer->hasOneUse();
    };
    linalg::ControlFusionFn foldReshape = [](OpOperand *fused) {
      Operation *producer = fused->get().getDefiningOp();
      return producer && producer->hasOneUse() && !isMatrixProduct(producer) &&
             !isMatrixProduct(fused->getOwner());
    };
    linalg::populateElementwiseOpsFusionPatterns(patterns, fuseElementwise);
    linalg::populateFoldReshapeOpsByExpansionPatterns(patterns, foldReshape);
    tensor::populateBubbleUpExpandShapePatterns(patterns);
    affine::AffineApplyOp::getCanonicalizationPatterns(patterns, context);
    linalg::GenericOp::getCanonicalizationPatterns(patterns, context);
    tensor::ExpandShapeOp::getCanonicalizationPatterns(patterns, context);
    tensor::CollapseShapeOp::getCanonicalizationPatterns(patterns, context);
    context->getLoadedDialect<linalg::LinalgDialect>()->getCanonicalizationPatterns(patterns);
    linalg::populateConstantFoldLinalgOperations(patterns, fuseElementwise);
    // Top-down, as upstream, for compile time.
    (void)applyPatternsGreedily(getOperation(), std::move(patterns),
                                GreedyRewriteConfig().setUseTopDownTraversal());
  }
};

} // namespace
