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

/// Binds a copy of a random draw to the step it now runs in: the step's
/// (seed, t), and a stream that also tells this use of the lens from the
/// others (the forward and backward maps of one use share `instance`, so
/// they draw the same). A context's fourth value is the instance when only
/// the run knows it (StageLoops.h): the key then carries it.
void bindDraw(Operation *copy, ValueRange context, std::optional<int64_t> instance) {
  auto draw = dyn_cast<RandomOp>(copy);
  if (!draw || context.size() < 3 || !draw.getKey().empty())
    return; // unbound draws are reported by the lowering
  if (context.size() == 4) {
    draw.getKeyMutable().assign({context[0], context[1], context[3]});
    return;
  }
  draw.getKeyMutable().assign(context.take_front(2));
  if (instance)
    draw.setStream(draw.getStream() + (*instance << 32));
}

/// Replaces `apply` by a copy of `region`'s single block, its arguments bound
/// to `apply`'s operands and its yielded values replacing `apply`'s results.
template <typename ApplyOp>
LogicalResult inlineRegion(ApplyOp apply, Region &region) {
  if (region.empty())
    return apply->emitOpError("applies a region that is empty (was the lens "
                              "differentiated?)");
  Block &body = region.front();
  if (body.getNumArguments() != apply.getArgs().size())
    return apply->emitOpError("passes ") << apply.getArgs().size()
                                         << " operands to a region taking "
                                         << body.getNumArguments();
  if (!apply.getStepContext().empty() && apply.getStepContext().size() != 3 &&
      apply.getStepContext().size() != 4)
    return apply->emitOpError("needs a context of (seed, t, training) and an instance "
                              "known only at run time, got ")
           << apply.getStepContext().size() << " values";
  IRMapping map;
  map.map(body.getArguments(), apply.getArgs());
  OpBuilder b(apply);
  for (Operation &op : body.without_terminator()) {
    // `training` is the step's flag.
    if (isa<TrainingOp>(op) && !apply.getStepContext().empty()) {
      map.map(op.getResult(0), apply.getStepContext()[2]);
      continue;
    }
    // Nested regions (none in lens bodies today) would need the same walk.
    Operation *copy = b.clone(op, map);
    bindDraw(copy, apply.getStepContext(), apply.getInstance());
    // The copy keeps its own location (diagnostics show it first) and
    // gains the application's, which says where it runs (gd-build-train-step
    // names it: `the backward map of mlp.2`).
    copy->setLoc(b.getFusedLoc({op.getLoc(), apply.getLoc()}));
  }
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
      LogicalResult inlined = isa<ApplyForwardOp>(apply)
                                  ? inlineRegion(cast<ApplyForwardOp>(apply), region)
                                  : inlineRegion(cast<ApplyBackwardOp>(apply), region);
      if (failed(inlined))
        return signalPassFailure();
    }
    // Optimizer bodies stay until convert-gd-to-linalg has applied them.
    for (Operation &op : llvm::make_early_inc_range(*module.getBody()))
      if (isa<LensOp, ComposeOp, TrainStepOp, ParamGroupsOp>(op))
        op.erase();
  }
};

} // namespace
