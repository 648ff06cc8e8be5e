//===- ApproximateMath.cpp - gd-approximate-math ---------------------------===//
//
// math.tanh becomes MLIR's polynomial approximation, arithmetic that the
// loop vectoriser vectorises, instead of a call to libm's scalar tanhf:
// that call took 70% of the step of a small tanh MLP. (exp and log lower to
// LLVM intrinsics; sigmoid is lowered through exp.)
//
//===----------------------------------------------------------------------===//
#include "passes/Passes.h"

#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace gdc {
#define GEN_PASS_DEF_GDAPPROXIMATEMATH
#include "passes/Passes.h.inc"
} // namespace gdc

using namespace mlir;

namespace {

struct ApproximateMathPass : gdc::impl::GDApproximateMathBase<ApproximateMathPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populatePolynomialApproximateTanhPattern(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
