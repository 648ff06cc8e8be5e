//===- Batch.cpp - gd-batch: lift per-example lenses to a batch -----------===//
#include "passes/Passes.h"

#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/DenseSet.h"

namespace gdc {
#define GEN_PASS_DEF_GDBATCH
#include "passes/Passes.h.inc"
} // namespace gdc

using namespace mlir;
using namespace gdc;
using namespace gdc::gd;

namespace {

Type withBatchDim(Type type) {
  auto tensor = cast<RankedTensorType>(type);
  SmallVector<int64_t> shape{ShapedType::kDynamic};
  llvm::append_range(shape, tensor.getShape());
  return RankedTensorType::get(shape, tensor.getElementType());
}

/// Rebuilds the forward region of `lens` with batched inputs, op by op.
LogicalResult batchLens(LensOp lens) {
  Region &region = lens.getForward();
  Block &old = region.front();
  auto *fresh = new Block();
  region.push_back(fresh);
  IRMapping map;
  llvm::DenseSet<Value> batched;
  for (auto [i, arg] : llvm::enumerate(old.getArguments())) {
    bool isInput = i >= lens.getNumParams();
    Value arg2 = fresh->addArgument(
        isInput ? withBatchDim(arg.getType()) : arg.getType(), arg.getLoc());
    map.map(arg, arg2);
    if (isInput)
      batched.insert(arg2);
  }
  OpBuilder b = OpBuilder::atBlockEnd(fresh);
  Value firstInput = fresh->getArgument(lens.getNumParams());
  for (Operation &op : old) {
    SmallVector<Value> operands;
    SmallVector<bool> flags;
    for (Value v : op.getOperands()) {
      operands.push_back(map.lookupOrDefault(v));
      flags.push_back(batched.contains(operands.back()));
    }
    // Random draws differ per example even where their shape does not
    // depend on the example (`normal()`, `normal_like(W)`).
    if (isa<RandomOp>(op) && !flags[0]) {
      auto like = cast<RankedTensorType>(operands[0].getType());
      auto input = cast<RankedTensorType>(firstInput.getType());
      Value batch = firstInput;
      if (input.getElementType() != like.getElementType())
        batch = ConvertOp::create(b, op.getLoc(), input.clone(like.getElementType()), batch);
      operands[0] = broadcastToBatch(b, op.getLoc(), operands[0], batch);
      flags[0] = true;
    }
    if (op.hasTrait<OpTrait::IsTerminator>() || !llvm::is_contained(flags, true)) {
      b.clone(op, map);
      continue;
    }
    auto rule = dyn_cast<BatchingOpInterface>(op);
    if (!rule)
      return op.emitOpError("has no batching rule");
    b.setInsertionPointToEnd(fresh);
    SmallVector<Value> results;
    if (failed(rule.buildBatched(b, operands, flags, results)))
      return failure();
    for (auto [from, to] : llvm::zip(op.getResults(), results)) {
      map.map(from, to);
      batched.insert(to);
    }
  }
  auto yield = cast<YieldOp>(fresh->getTerminator());
  if (!batched.contains(yield.getValues()[0]))
    return lens.emitOpError("output does not depend on the input; a model "
                            "layer must use its input");
  old.erase();
  lens.setBatched(true);
  return success();
}

struct BatchPass : gdc::impl::GDBatchBase<BatchPass> {
  void runOnOperation() override {
    for (auto lens : getOperation().getOps<LensOp>())
      if (!lens.getBatched() && failed(batchLens(lens)))
        return signalPassFailure();
  }
};

} // namespace
