//===- PerExampleRules.cpp - The per-example part of an update rule -------===//
//
// The body of a rule is written per element: `g * min(1, c / global_norm(g))`.
// Its per-example part is evaluated here on whole tensors instead, one
// [batch, shape] tensor per parameter: gd's elementwise ops broadcast
// right-aligned, so `p` [shape] and scalars join `g` [batch, shape] as they
// would per element, and a norm becomes one value per example, [batch, 1,
// ..., 1]. All tensors of the instance advance op by op together, because a
// `global_norm` needs every tensor's operand.
//
//===----------------------------------------------------------------------===//
#include "passes/lens/PerExampleRules.h"

#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"

using namespace mlir;
using namespace gdc;
using namespace gdc::gd;

namespace {

int64_t rankOf(Value v) { return cast<RankedTensorType>(v.getType()).getRank(); }

ReduceExamplesOp markerOf(OptimizerOp rule) {
  ReduceExamplesOp marker;
  rule.getBody().walk([&](ReduceExamplesOp op) { marker = op; });
  return marker;
}

/// The axes of an example's own elements in `[batch, shape]` of `rank`.
SmallVector<int64_t> exampleAxes(int64_t rank) {
  SmallVector<int64_t> axes;
  for (int64_t i = 1; i < rank; ++i)
    axes.push_back(i);
  return axes;
}

/// `op` cloned with its operands mapped, its result types inferred again
/// from the new operand shapes.
FailureOr<Operation *> cloneReshaped(OpBuilder &b, Operation &op, IRMapping &map) {
  Operation *copy = b.clone(op, map);
  if (auto convert = dyn_cast<ConvertOp>(copy)) {
    // The operand's new shape, the conversion's element type (f32 <-> f64
    // next to an f64 hyperparameter).
    auto to = cast<RankedTensorType>(convert.getType()).getElementType();
    convert.getResult().setType(
        cast<RankedTensorType>(convert.getInput().getType()).clone(to));
    return copy;
  }
  auto infer = dyn_cast<InferTypeOpInterface>(copy);
  if (!infer) {
    if (llvm::all_of(op.getOperands(), [&](Value v) { return map.lookupOrDefault(v) == v; }))
      return copy;
    copy->erase();
    return op.emitError("cannot be computed per example in a per_example transform");
  }
  SmallVector<Type> types;
  if (failed(infer.inferReturnTypes(copy->getContext(), copy->getLoc(), copy->getOperands(),
                                    copy->getRawDictionaryAttrs(), copy->getPropertiesStorage(),
                                    copy->getRegions(), types)))
    return failure();
  for (auto [result, type] : llvm::zip(copy->getResults(), types))
    result.setType(type);
  return copy;
}

} // namespace

std::optional<std::string> gdc::whyNotPerExample(TransformOp transform) {
  if (!transform.getStateNames().empty() || !transform.getGlobalStateNames().empty())
    return "keeps state";
  if (transform.getUsesLoss())
    return "reads `loss`";
  if (transform.getSchedules())
    return "has a hyperparameter driven by a schedule";
  std::optional<std::string> why;
  transform.getBody().walk([&](Operation *op) {
    if (isa<GradAtOp>(op))
      why = "calls grad_at";
    else if (isa<OrthogonalizeOp>(op))
      why = "calls orthogonalize";
    else if (isa<TensorMeanOp, TensorSumOp, TensorSizeOp>(op))
      why = "takes a mean, sum or size over the tensor";
    else if (isa<RandomOp>(op))
      why = "draws random numbers";
    return why ? WalkResult::interrupt() : WalkResult::advance();
  });
  return why;
}

bool gdc::hasPerExamplePart(OptimizerOp rule) { return static_cast<bool>(markerOf(rule)); }

FailureOr<SmallVector<Value>> gdc::reducePerExample(OpBuilder &b, Location loc, OptimizerOp rule,
                                                    ArrayRef<Value> params,
                                                    ArrayRef<Value> grads, Value t,
                                                    ValueRange hypers, bool mean) {
  Block &body = rule.getBody().front();
  unsigned lead = rule.getNumLeadingArgs();
  size_t count = grads.size();
  SmallVector<IRMapping> maps(count);
  for (size_t j = 0; j < count; ++j) {
    maps[j].map(body.getArgument(0), params[j]);
    maps[j].map(body.getArgument(1), grads[j]);
    maps[j].map(body.getArgument(2), t);
    for (auto [i, h] : llvm::enumerate(hypers))
      maps[j].map(body.getArgument(lead + i), h);
  }
  // Whether tensor j's value `v` varies per example (it has g's rank).
  auto perExample = [&](size_t j, Value v) { return rankOf(v) == rankOf(grads[j]); };
  // Each example's sum of squares of tensor j's `v`: [batch], or a scalar
  // when `v` is the same for every example.
  auto sumOfSquares = [&](size_t j, Value v) -> Value {
    Value squares = MulOp::create(b, loc, v, v);
    if (perExample(j, v))
      return rankOf(v) > 1
                 ? ReduceSumOp::create(b, loc, squares, exampleAxes(rankOf(v))).getResult()
                 : squares;
    SmallVector<int64_t> all;
    for (int64_t i = 0; i < rankOf(v); ++i)
      all.push_back(i);
    return all.empty() ? squares : ReduceSumOp::create(b, loc, squares, all).getResult();
  };
  // A per-example norm [batch] placed to broadcast against tensor j.
  auto alongExamples = [&](size_t j, Value norm) -> Value {
    if (rankOf(norm) == 0 || rankOf(grads[j]) == 1)
      return norm;
    SmallVector<int64_t> axes = exampleAxes(rankOf(grads[j]));
    return ExpandDimsOp::create(b, loc, norm, b.getDenseI64ArrayAttr(axes));
  };

  for (Operation &op : body.without_terminator()) {
    if (auto marker = dyn_cast<ReduceExamplesOp>(op)) {
      SmallVector<Value> reduced;
      for (size_t j = 0; j < count; ++j) {
        Value v = maps[j].lookupOrDefault(marker.getInput());
        if (!perExample(j, v) || v.getType() != grads[j].getType())
          v = AddOp::create(b, loc, FullLikeOp::create(b, loc, grads[j], b.getF64FloatAttr(0.0)),
                            v);
        SmallVector<int64_t> batchAxis{0};
        reduced.push_back(mean ? ReduceMeanOp::create(b, loc, v, batchAxis).getResult()
                               : ReduceSumOp::create(b, loc, v, batchAxis).getResult());
      }
      return reduced;
    }
    if (isa<GlobalNormOp>(op)) {
      Value total;
      for (size_t j = 0; j < count; ++j) {
        Value s = sumOfSquares(j, maps[j].lookupOrDefault(op.getOperand(0)));
        total = total ? AddOp::create(b, loc, total, s).getResult() : s;
      }
      Value norm = SqrtOp::create(b, loc, total);
      for (size_t j = 0; j < count; ++j)
        maps[j].map(op.getResult(0), alongExamples(j, norm));
      continue;
    }
    if (isa<TensorNormOp>(op)) {
      for (size_t j = 0; j < count; ++j) {
        Value s = sumOfSquares(j, maps[j].lookupOrDefault(op.getOperand(0)));
        maps[j].map(op.getResult(0), alongExamples(j, SqrtOp::create(b, loc, s)));
      }
      continue;
    }
    for (size_t j = 0; j < count; ++j)
      if (failed(cloneReshaped(b, op, maps[j])))
        return failure();
  }
  return rule.emitOpError("has no gd.reduce_examples");
}

OptimizerOp gdc::withoutPerExamplePart(OptimizerOp rule) {
  OpBuilder b(rule);
  b.setInsertionPointAfter(rule);
  auto reduced = cast<OptimizerOp>(b.clone(*rule.getOperation()));
  SymbolTable(rule->getParentOfType<ModuleOp>())
      .setSymbolName(reduced, (rule.getSymName() + ".reduced").str());
  ReduceExamplesOp marker = markerOf(reduced);
  marker.getResult().replaceAllUsesWith(reduced.getBody().front().getArgument(1));
  marker->erase();
  // The per-example part is now unused: only the marker read it.
  SmallVector<Operation *> ops;
  for (Operation &op : reduced.getBody().front().without_terminator())
    ops.push_back(&op);
  for (Operation *op : llvm::reverse(ops))
    if (op->use_empty())
      op->erase();
  return reduced;
}
