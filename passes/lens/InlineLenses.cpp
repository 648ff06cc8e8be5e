//===- InlineLenses.cpp - gd-inline-lenses ---------------------------------===//
#include "passes/Passes.h"

#include "mlir/IR/IRMapping.h"

namespace gdc {
#define GEN_PASS_DEF_GDINLINELENSES
#include "passes/Passes.h.inc"
} // namespace gdc

using namespace mlir;
using namespace gdc;
using namespace gdc::gd;

namespace {

/// Replaces `apply` by a copy of `region`'s single block, its arguments bound
/// to `apply`'s operands and its yielded values replacing `apply`'s results.
LogicalResult inlineRegion(Operation *apply, Region &region) {
  if (region.empty())
    return apply->emitOpError("applies a region that is empty (was the lens "
                              "differentiated?)");
  Block &body = region.front();
  if (body.getNumArguments() != apply->getNumOperands())
    return apply->emitOpError("passes ") << apply->getNumOperands()
                                         << " operands to a region taking "
                                         << body.getNumArguments();
  IRMapping map;
  map.map(body.getArguments(), apply->getOperands());
  OpBuilder b(apply);
  for (Operation &op : body.without_terminator())
    b.clone(op, map);
  for (auto [result, yielded] :
       llvm::zip(apply->getResults(), body.getTerminator()->getOperands()))
    result.replaceAllUsesWith(map.lookupOrDefault(yielded));
  apply->erase();
  return success();
}

struct InlineLensesPass : gdc::impl::GDInlineLensesBase<InlineLensesPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<Operation *> applies;
    module.walk([&](Operation *op) {
      if (isa<ApplyForwardOp, ApplyBackwardOp>(op))
        applies.push_back(op);
    });
    for (Operation *apply : applies) {
      auto ref = apply->getAttrOfType<FlatSymbolRefAttr>("lens");
      auto lens = SymbolTable::lookupSymbolIn(module, ref);
      auto lensOp = dyn_cast_or_null<LensOp>(lens);
      if (!lensOp) {
        apply->emitOpError("applies '") << ref.getValue() << "', which is not a lens";
        return signalPassFailure();
      }
      Region &region = isa<ApplyForwardOp>(apply) ? lensOp.getForward()
                                                  : lensOp.getBackward();
      if (failed(inlineRegion(apply, region)))
        return signalPassFailure();
    }
    // Optimizer bodies stay until convert-gd-to-linalg has applied them.
    for (Operation &op : llvm::make_early_inc_range(*module.getBody()))
      if (isa<LensOp, ComposeOp, TrainStepOp>(op))
        op.erase();
  }
};

} // namespace
