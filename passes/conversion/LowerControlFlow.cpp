//===- LowerControlFlow.cpp - gd-lower-control-flow ------------------------===//
//
// MLIR's scf-to-cf patterns, applied to a function's top-level operations
// last first. Lowering a loop splits its block right after it, moving every
// operation that follows into a new block: in program order a function of
// n loops in a row moves O(n^2) operations (10 of the 72 s it took to
// compile a 200-layer model); from the end, only those between two loops.
//
//===----------------------------------------------------------------------===//
#include "passes/Passes.h"

#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Transforms/DialectConversion.h"

namespace gdc {
#define GEN_PASS_DEF_GDLOWERCONTROLFLOW
#include "passes/Passes.h.inc"
} // namespace gdc

using namespace mlir;

namespace {

struct LowerControlFlowPass : gdc::impl::GDLowerControlFlowBase<LowerControlFlowPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateSCFToControlFlowConversionPatterns(patterns);
    FrozenRewritePatternSet frozen(std::move(patterns));
    // scf.parallel first becomes scf.for nests, in the whole function at
    // once (that moves nothing): lowered on its own as a root, the loops it
    // is replaced by are left outside what the conversion legalises.
    ConversionTarget forLoops(getContext());
    forLoops.addIllegalOp<scf::ParallelOp>();
    forLoops.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
    if (failed(applyPartialConversion(getOperation(), forLoops, frozen)))
      return signalPassFailure();
    ConversionTarget target(getContext());
    target.addIllegalDialect<scf::SCFDialect>();
    target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
    // Collected first: lowering adds blocks, and moves what follows a loop.
    SmallVector<Operation *> structured;
    for (Block &block : getOperation().getBody())
      for (Operation &op : block)
        if (op.getNumRegions() > 0)
          structured.push_back(&op);
    for (Operation *op : llvm::reverse(structured))
      if (failed(applyPartialConversion(op, target, frozen)))
        return signalPassFailure();
  }
};

} // namespace
