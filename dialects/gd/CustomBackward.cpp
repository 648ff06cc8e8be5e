//===- CustomBackward.cpp - gd.custom_backward: a backward map written by hand ===//
//
// A lens may give its own backward map (`backward (x, dy) = ...`): the
// straight-through estimator, gradient reversal, clipped or rescaled
// gradients. Its application is one gd.custom_backward op that carries both
// maps; gd-reverse-mode uses the backward one as the op's reverse rule
// (ReverseRules.cpp), and afterwards only the forward map is left.
//
//===----------------------------------------------------------------------===//
#include "dialects/gd/GDDialect.h"

#include "mlir/IR/IRMapping.h"

using namespace mlir;
using namespace gdc::gd;

LogicalResult CustomBackwardOp::verify() {
  Block &forward = getForward().front();
  if (forward.getArgumentTypes() != getOperands().getTypes())
    return emitOpError("forward region must take the operands' types");
  auto yield = dyn_cast<YieldOp>(forward.getTerminator());
  if (!yield || yield.getValues().size() != 1 ||
      yield.getValues()[0].getType() != getResult().getType())
    return emitOpError("forward region must yield one value of the result's type");
  Block &backward = getBackward().front();
  SmallVector<Type> expected(getOperands().getTypes());
  expected.push_back(getResult().getType());
  if (backward.getArgumentTypes() != ArrayRef<Type>(expected))
    return emitOpError("backward region must take the operands' types, then the result's "
                       "(its cotangent)");
  auto backYield = dyn_cast<YieldOp>(backward.getTerminator());
  if (!backYield || backYield.getValues().getTypes() != getOperands().getTypes())
    return emitOpError("backward region must yield one cotangent per operand, of the "
                       "operand's type");
  return success();
}

void gdc::gd::inlineCustomBackwards(Operation *root) {
  SmallVector<CustomBackwardOp> ops;
  root->walk([&](CustomBackwardOp op) { ops.push_back(op); });
  // walk() is post-order: an op nested in another's forward region is
  // inlined into it before that one is inlined in turn.
  for (CustomBackwardOp op : ops) {
    Block &forward = op.getForward().front();
    IRMapping map;
    map.map(forward.getArguments(), op.getOperands());
    OpBuilder b(op);
    for (Operation &inner : forward.without_terminator())
      b.clone(inner, map);
    op.getResult().replaceAllUsesWith(
        map.lookupOrDefault(cast<YieldOp>(forward.getTerminator()).getValues()[0]));
    op.erase();
  }
}
