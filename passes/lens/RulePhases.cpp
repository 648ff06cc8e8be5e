//===- RulePhases.cpp - Applying an update rule with barriers --------------===//
//
// An update-rule body is elementwise between barriers. `norm(x)` needs x
// for every element of the tensor before any element can go on, and
// `global_norm(x)` x for every element of every tensor. So the step runs a
// rule with barriers in phases, each phase an elementwise rule of its own
// (lowered like any optimizer, one fused loop per tensor): phase k computes
// the operand of barrier k from (p, g, t, hyperparameters, states, loss and
// the barriers before it), the step reduces it, and the last phase is the
// body itself with every barrier replaced by its value.
//
//===----------------------------------------------------------------------===//
#include "passes/lens/RulePhases.h"

#include "mlir/IR/IRMapping.h"

using namespace mlir;
using namespace gdc;
using namespace gdc::gd;

namespace {

/// A derived rule: `rule`'s body where `loss` (if read) and the values of
/// `barriers[0..k)` are extra leading hyperparameters. With `yieldOperandOf`
/// it yields that barrier's operand (and the unchanged states) instead.
OptimizerOp derive(OptimizerOp rule, ArrayRef<Operation *> barriers, unsigned k,
                   Operation *yieldOperandOf, StringRef name) {
  MLIRContext *ctx = rule.getContext();
  OpBuilder b(rule);
  b.setInsertionPointAfter(rule);
  SmallVector<Attribute> names, defaults;
  auto addHyper = [&](StringRef n) {
    names.push_back(StringAttr::get(ctx, n));
    defaults.push_back(FloatAttr::get(Float32Type::get(ctx), 0));
  };
  if (rule.getUsesLoss())
    addHyper("%loss");
  for (unsigned j = 0; j < k; ++j)
    addHyper("%barrier" + std::to_string(j));
  llvm::append_range(names, rule.getHyperNames());
  llvm::append_range(defaults, rule.getHyperDefaults());
  auto derived = OptimizerOp::create(
      b, rule.getLoc(), StringAttr::get(ctx, name), ArrayAttr::get(ctx, names),
      ArrayAttr::get(ctx, defaults), rule.getStateNamesAttr(), ArrayAttr::get(ctx, {}),
      ArrayAttr::get(ctx, {}), /*uses_loss=*/false, DictionaryAttr());
  Block &src = rule.getBody().front();
  auto scalar = RankedTensorType::get({}, Float32Type::get(ctx));
  Block *body = new Block();
  derived.getBody().push_back(body);
  // p, g, t; then loss and the barriers; then the rule's hypers and states.
  unsigned lead = rule.getNumLeadingArgs();
  unsigned extra = (rule.getUsesLoss() ? 1 : 0) + k;
  for (unsigned i = 0; i < 3 + extra + src.getNumArguments() - lead; ++i)
    body->addArgument(scalar, rule.getLoc());
  IRMapping map;
  for (unsigned i = 0; i < 3; ++i)
    map.map(src.getArgument(i), body->getArgument(i));
  if (rule.getUsesLoss())
    map.map(src.getArgument(3), body->getArgument(3));
  for (unsigned i = lead; i < src.getNumArguments(); ++i)
    map.map(src.getArgument(i), body->getArgument(3 + extra + i - lead));
  unsigned firstBarrier = 3 + (rule.getUsesLoss() ? 1 : 0);
  for (unsigned j = 0; j < k; ++j)
    map.map(barriers[j]->getResult(0), body->getArgument(firstBarrier + j));
  OpBuilder bb = OpBuilder::atBlockEnd(body);
  for (Operation &op : src.without_terminator()) {
    if (&op == yieldOperandOf)
      break;
    if (map.contains(op.getResult(0)))
      continue; // a barrier already computed
    bb.clone(op, map);
  }
  SmallVector<Value> yielded;
  if (yieldOperandOf) {
    yielded.push_back(map.lookupOrDefault(yieldOperandOf->getOperand(0)));
    for (unsigned s = 0; s < rule.getStateNames().size(); ++s)
      yielded.push_back(body->getArgument(3 + extra + rule.getHyperNames().size() + s));
  } else {
    for (Value v : src.getTerminator()->getOperands())
      yielded.push_back(map.lookupOrDefault(v));
  }
  YieldOp::create(bb, rule.getLoc(), yielded);
  // What the phase does not need (later phases' work) goes.
  SmallVector<Operation *> ops;
  for (Operation &op : body->without_terminator())
    ops.push_back(&op);
  for (Operation *op : llvm::reverse(ops)) // users before what they use
    if (op->use_empty())
      op->erase();
  return derived;
}

} // namespace

FailureOr<SmallVector<ApplyOptimizerOp>>
gdc::applyRule(OpBuilder &b, Location loc, OptimizerOp rule, ArrayRef<RuleInputs> tensors,
               Value t, ValueRange hypers, Value loss, Value seed) {
  auto ref = [](OptimizerOp op) { return FlatSymbolRefAttr::get(op.getSymNameAttr()); };
  auto apply = [&](OptimizerOp op, const RuleInputs &in, ValueRange leading) {
    SmallVector<Value> all(leading.begin(), leading.end());
    llvm::append_range(all, hypers);
    return ApplyOptimizerOp::create(b, loc, ref(op), in.param, in.grad, t, all, in.states,
                                    seed, b.getI64IntegerAttr(in.index));
  };
  SmallVector<Operation *> barriers;
  for (Operation &op : rule.getBody().front().without_terminator()) {
    if (isa<GradAtOp>(op))
      return rule.emitOpError("applies grad_at, which code generation does not support yet");
    if (isa<TensorNormOp, GlobalNormOp>(op))
      barriers.push_back(&op);
  }
  SmallVector<ApplyOptimizerOp> applied;
  if (barriers.empty() && !rule.getUsesLoss()) {
    for (const RuleInputs &in : tensors)
      applied.push_back(apply(rule, in, {}));
    return applied;
  }
  ModuleOp module = rule->getParentOfType<ModuleOp>();
  auto symbol = [&](const std::string &suffix) {
    std::string name = rule.getSymName().str() + suffix;
    if (auto existing = SymbolTable::lookupSymbolIn(module, StringAttr::get(b.getContext(), name)))
      return cast<OptimizerOp>(existing);
    return OptimizerOp();
  };
  // Phase k: each tensor's operand of barrier k, reduced.
  SmallVector<SmallVector<Value>> values(tensors.size()); // per tensor: loss, barriers
  if (rule.getUsesLoss())
    for (auto &v : values)
      v.push_back(loss);
  for (auto [k, barrier] : llvm::enumerate(barriers)) {
    std::string suffix = ".phase" + std::to_string(k);
    OptimizerOp phase = symbol(suffix);
    if (!phase)
      phase = derive(rule, barriers, k, barrier, rule.getSymName().str() + suffix);
    SmallVector<Value> sumsOfSquares;
    for (auto [i, in] : llvm::enumerate(tensors)) {
      Value x = apply(phase, in, values[i]).getNewParam();
      auto rank = cast<RankedTensorType>(x.getType()).getRank();
      SmallVector<int64_t> all;
      for (int64_t d = 0; d < rank; ++d)
        all.push_back(d);
      sumsOfSquares.push_back(
          ReduceSumOp::create(b, loc, MulOp::create(b, loc, x, x), all).getResult());
    }
    if (isa<GlobalNormOp>(barrier)) {
      Value total = sumsOfSquares.front();
      for (Value s : ArrayRef(sumsOfSquares).drop_front())
        total = AddOp::create(b, loc, total, s);
      Value norm = SqrtOp::create(b, loc, total);
      for (auto &v : values)
        v.push_back(norm);
    } else {
      for (auto [v, s] : llvm::zip(values, sumsOfSquares))
        v.push_back(SqrtOp::create(b, loc, s));
    }
  }
  OptimizerOp last = symbol(".phased");
  if (!last)
    last = derive(rule, barriers, barriers.size(), nullptr, rule.getSymName().str() + ".phased");
  for (auto [i, in] : llvm::enumerate(tensors))
    applied.push_back(apply(last, in, values[i]));
  return applied;
}
