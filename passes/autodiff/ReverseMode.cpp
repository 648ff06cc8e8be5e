//===- ReverseMode.cpp - gd-reverse-mode: differentiate each lens once ----===//
//
// Reverse mode as a functor: the backward map of a lens is the composite of
// the reverse rules of its ops, taken in reverse order, with cotangents of
// values used several times summed. Rules live with the ops
// (dialects/gd/ReverseRules.cpp); this pass only composes them.
//
//===----------------------------------------------------------------------===//
#include "passes/Passes.h"

#include "mlir/IR/IRMapping.h"

namespace gdc {
#define GEN_PASS_DEF_GDREVERSEMODE
#include "passes/Passes.h.inc"
} // namespace gdc

using namespace mlir;
using namespace gdc;
using namespace gdc::gd;

namespace {

bool isDifferentiable(Value v) {
  auto t = dyn_cast<RankedTensorType>(v.getType());
  return t && isa<FloatType>(t.getElementType());
}

LogicalResult differentiateLens(LensOp lens) {
  Block &forward = lens.getForward().front();
  Value output = cast<YieldOp>(forward.getTerminator()).getValues()[0];
  Block *backward = new Block();
  lens.getBackward().push_back(backward);
  IRMapping map;
  for (BlockArgument arg : forward.getArguments())
    map.map(arg, backward->addArgument(arg.getType(), arg.getLoc()));
  Value seed = backward->addArgument(output.getType(), lens.getLoc());

  // Recompute the forward values the rules refer to; after inlining into a
  // step, CSE merges this copy with the forward pass.
  OpBuilder b = OpBuilder::atBlockEnd(backward);
  SmallVector<Operation *> primal;
  for (Operation &op : forward.without_terminator())
    primal.push_back(b.clone(op, map));

  llvm::DenseMap<Value, Value> cotangent;
  cotangent[map.lookup(output)] = seed;
  auto accumulate = [&](Value primalValue, Value dx) {
    Value &slot = cotangent[primalValue];
    slot = slot ? AddOp::create(b, dx.getLoc(), slot, dx).getResult() : dx;
  };

  for (Operation *op : llvm::reverse(primal)) {
    bool reached = llvm::any_of(op->getResults(),
                                [&](Value r) { return cotangent.count(r); });
    if (!reached)
      continue;
    auto rule = dyn_cast<ReverseDerivativeOpInterface>(op);
    if (!rule)
      return op->emitOpError("is not differentiable, but the output depends on "
                             "it through a differentiable path");
    SmallVector<Value> dy;
    for (Value r : op->getResults()) {
      Value d = cotangent.lookup(r);
      dy.push_back(d ? d
                     : FullLikeOp::create(b, op->getLoc(), r,
                                          b.getF64FloatAttr(0.0))
                           .getResult());
    }
    SmallVector<Value> dx;
    if (failed(rule.buildReverse(b, dy, dx)))
      return failure();
    for (auto [operand, d] : llvm::zip(op->getOperands(), dx)) {
      if (!d || !isDifferentiable(operand))
        continue;
      if (d.getType() != operand.getType())
        return op->emitOpError("internal error, please report: the reverse "
                               "rule gave a cotangent of type ")
               << d.getType() << " for an operand of type " << operand.getType();
      accumulate(operand, d);
    }
  }

  SmallVector<Value> results;
  for (unsigned i = 0; i < lens.getNumParams() + 1; ++i) {
    Value arg = backward->getArgument(i);
    Value d = cotangent.lookup(arg);
    results.push_back(d ? d
                        : FullLikeOp::create(b, lens.getLoc(), arg,
                                             b.getF64FloatAttr(0.0))
                              .getResult());
  }
  YieldOp::create(b, lens.getLoc(), results);
  // A backward map the user wrote has now been used; what is left of it
  // is its forward map, in both regions.
  inlineCustomBackwards(lens);
  return success();
}

struct ReverseModePass : gdc::impl::GDReverseModeBase<ReverseModePass> {
  void runOnOperation() override {
    for (auto lens : getOperation().getOps<LensOp>()) {
      if (lens.isDifferentiated())
        continue;
      if (!lens.getBatched()) {
        lens.emitOpError("must be batched (gd-batch) before differentiation");
        return signalPassFailure();
      }
      if (failed(differentiateLens(lens)))
        return signalPassFailure();
    }
  }
};

} // namespace
