//===- Batch.cpp - gd-batch: lift per-example lenses to a batch -----------===//
#include "passes/Passes.h"

#include "dialects/gd/ModelStructure.h"

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

/// What batching a block needs to know: which values carry the batch
/// dimension, and one batched value of the block to take the batch size from.
struct BlockBatching {
  IRMapping map;
  llvm::DenseSet<Value> batched;
  Value batchSource;
};

LogicalResult batchCustomBackward(OpBuilder &b, CustomBackwardOp op,
                                  ArrayRef<Value> operands, ArrayRef<bool> flags,
                                  Value &result, bool &resultBatched);

/// Clones the ops of `old` into `fresh` (whose arguments are mapped in
/// `state`), each by its batching rule where an operand is batched.
LogicalResult batchOps(Block &old, Block *fresh, BlockBatching &state) {
  OpBuilder b = OpBuilder::atBlockEnd(fresh);
  for (Operation &op : old) {
    SmallVector<Value> operands;
    SmallVector<bool> flags;
    for (Value v : op.getOperands()) {
      operands.push_back(state.map.lookupOrDefault(v));
      flags.push_back(state.batched.contains(operands.back()));
    }
    // Random draws differ per example even where their shape does not
    // depend on the example (`normal()`, `normal_like(W)`).
    if (isa<RandomOp>(op) && !flags[0]) {
      auto like = cast<RankedTensorType>(operands[0].getType());
      auto input = cast<RankedTensorType>(state.batchSource.getType());
      Value batch = state.batchSource;
      if (input.getElementType() != like.getElementType())
        batch = ConvertOp::create(b, op.getLoc(), input.clone(like.getElementType()), batch);
      operands[0] = broadcastToBatch(b, op.getLoc(), operands[0], batch);
      flags[0] = true;
    }
    if (op.hasTrait<OpTrait::IsTerminator>() || !llvm::is_contained(flags, true)) {
      b.clone(op, state.map);
      continue;
    }
    b.setInsertionPointToEnd(fresh);
    if (auto custom = dyn_cast<CustomBackwardOp>(op)) {
      Value result;
      bool resultBatched = false;
      if (failed(batchCustomBackward(b, custom, operands, flags, result, resultBatched)))
        return failure();
      state.map.map(custom.getResult(), result);
      if (resultBatched)
        state.batched.insert(result);
      continue;
    }
    auto rule = dyn_cast<BatchingOpInterface>(op);
    if (!rule)
      return op.emitOpError("has no batching rule");
    SmallVector<Value> results;
    if (failed(rule.buildBatched(b, operands, flags, results)))
      return failure();
    for (auto [from, to] : llvm::zip(op.getResults(), results)) {
      state.map.map(from, to);
      state.batched.insert(to);
    }
  }
  return success();
}

/// A fresh block for `old`'s region whose arguments have `old`'s types,
/// batched where `flags` says, mapped in `state`.
Block *batchedArguments(Block &old, ArrayRef<bool> flags, BlockBatching &state) {
  auto *fresh = new Block();
  old.getParent()->push_back(fresh);
  for (auto [arg, isBatched] : llvm::zip(old.getArguments(), flags)) {
    Value arg2 = fresh->addArgument(isBatched ? withBatchDim(arg.getType()) : arg.getType(),
                                    arg.getLoc());
    state.map.map(arg, arg2);
    if (isBatched) {
      state.batched.insert(arg2);
      if (!state.batchSource)
        state.batchSource = arg2;
    }
  }
  return fresh;
}

/// Both maps of a custom backward, batched: the forward one as any lens
/// body, the backward one with the cotangent batched as the output is. Each
/// cotangent then takes its operand's batching: an operand that is the same
/// for every example (a parameter) gets the sum over the batch of the
/// per-example cotangents, as the derivative of its broadcast would give.
LogicalResult batchCustomBackward(OpBuilder &b, CustomBackwardOp op,
                                  ArrayRef<Value> operands, ArrayRef<bool> flags,
                                  Value &result, bool &resultBatched) {
  auto fresh = cast<CustomBackwardOp>(b.clone(*op.getOperation()));
  fresh->setOperands(operands);

  BlockBatching forward;
  Block &oldForward = fresh.getForward().front();
  Block *newForward = batchedArguments(oldForward, flags, forward);
  if (failed(batchOps(oldForward, newForward, forward)))
    return failure();
  Value output = cast<YieldOp>(newForward->getTerminator()).getValues()[0];
  resultBatched = forward.batched.contains(output);
  oldForward.erase();
  fresh.getResult().setType(cast<RankedTensorType>(output.getType()));

  BlockBatching backward;
  Block &oldBackward = fresh.getBackward().front();
  SmallVector<bool> backwardFlags(flags);
  backwardFlags.push_back(resultBatched);
  Block *newBackward = batchedArguments(oldBackward, backwardFlags, backward);
  if (failed(batchOps(oldBackward, newBackward, backward)))
    return failure();
  oldBackward.erase();
  auto yield = cast<YieldOp>(newBackward->getTerminator());
  OpBuilder inner(yield);
  SmallVector<Value> cotangents;
  for (auto [d, isBatched] : llvm::zip(yield.getValues(), flags)) {
    bool dBatched = backward.batched.contains(d);
    if (dBatched && !isBatched)
      d = ReduceSumOp::create(inner, op.getLoc(), d, ArrayRef<int64_t>{0});
    else if (!dBatched && isBatched)
      d = broadcastToBatch(inner, op.getLoc(), d, backward.batchSource);
    cotangents.push_back(d);
  }
  yield->setOperands(cotangents);
  result = fresh.getResult();
  return success();
}

/// Rebuilds the forward region of `lens` with batched inputs, op by op;
/// with `perExampleParams`, the parameters batched too (one copy per
/// example: reverse mode then gives per-example parameter cotangents).
LogicalResult batchLens(LensOp lens, bool perExampleParams) {
  Block &old = lens.getForward().front();
  SmallVector<bool> flags;
  for (unsigned i = 0; i < old.getNumArguments(); ++i)
    flags.push_back(perExampleParams || i >= lens.getNumParams());
  BlockBatching state;
  Block *fresh = batchedArguments(old, flags, state);
  state.batchSource = fresh->getArgument(lens.getNumParams());
  if (failed(batchOps(old, fresh, state)))
    return failure();
  auto yield = cast<YieldOp>(fresh->getTerminator());
  if (!state.batched.contains(yield.getValues()[0]))
    return lens.emitOpError("output does not depend on the input; a model "
                            "layer must use its input");
  old.erase();
  lens.setBatched(true);
  if (perExampleParams)
    lens->setAttr(kPerExampleParamsAttr, UnitAttr::get(lens.getContext()));
  return success();
}

struct BatchPass : gdc::impl::GDBatchBase<BatchPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    // The lenses of a model whose update rules need per-example gradients,
    // and where the need comes from, for their errors.
    llvm::DenseMap<Operation *, Location> perExample;
    for (TrainStepOp step : module.getOps<TrainStepOp>()) {
      if (!trainsPerExample(module, step))
        continue;
      SmallVector<ModelInstance> model;
      Operation *root = SymbolTable::lookupSymbolIn(module, step.getModelAttr());
      if (failed(flattenModel(module, root, step.getModelName(), model)))
        return signalPassFailure();
      for (const ModelInstance &inst : model)
        perExample.try_emplace(inst.lens, step.getLoc());
    }
    for (auto lens : module.getOps<LensOp>()) {
      if (lens.getBatched())
        continue;
      auto need = perExample.find(lens);
      if (need == perExample.end()) {
        if (failed(batchLens(lens, /*perExampleParams=*/false)))
          return signalPassFailure();
        continue;
      }
      // An op without a rule for per-example parameters says why they are.
      ScopedDiagnosticHandler explain(&getContext(), [&](Diagnostic &d) {
        if (d.getSeverity() == DiagnosticSeverity::Error)
          d.attachNote(need->second)
              << "the model's parameters are taken once per example because its update "
                 "rule begins with a per_example transform";
        return failure(); // reported by the handler below
      });
      if (failed(batchLens(lens, /*perExampleParams=*/true)))
        return signalPassFailure();
    }
  }
};

} // namespace
