//===- UpdateRules.cpp - Optimizers, transforms, schedules and their phases ===//
//
// The verifiers of the ops on the parameter wire (gd.optimizer,
// gd.transform, gd.schedule, gd.chain, gd.param_groups and the barriers of
// their bodies), and the phase analysis of the optimizer evaluation model:
// a body is elementwise, and the barriers (gd.global_norm, gd.tensor_norm,
// gd.grad_at and the whole-tensor ops) divide it into phases.
//
//===----------------------------------------------------------------------===//
#include "dialects/gd/GDDialect.h"

using namespace mlir;
using namespace gdc::gd;

namespace {

template <typename RuleOp>
LogicalResult verifyRule(RuleOp op, llvm::StringRef yieldedFirst) {
  if (op.getHyperNames().size() != op.getHyperDefaults().size())
    return op.emitOpError("has ") << op.getHyperNames().size() << " hyperparameters but "
                                  << op.getHyperDefaults().size() << " defaults";
  if (op.getGlobalStateNames().size() != op.getGlobalStateInits().size())
    return op.emitOpError("has ") << op.getGlobalStateNames().size() << " global states but "
                                  << op.getGlobalStateInits().size() << " initializers";
  Block &body = op.getBody().front();
  unsigned numGlobals = op.getGlobalStateNames().size();
  unsigned scalars = op.getNumLeadingArgs() + op.getHyperNames().size() +
                     op.getStateNames().size();
  if (body.getNumArguments() != scalars + numGlobals)
    return op.emitOpError("body takes ")
           << body.getNumArguments() << " arguments, expected " << scalars + numGlobals
           << " (p, g, t, " << (op.getUsesLoss() ? "loss, " : "")
           << "hyperparameters, states, global states)";
  auto scalar = RankedTensorType::get({}, Float32Type::get(op.getContext()));
  for (BlockArgument arg : body.getArguments().take_front(scalars))
    if (arg.getType() != scalar)
      return op.emitOpError("body arguments before the global states must be "
                            "tensor<f32> (one element of a parameter), got ")
             << arg.getType();
  for (BlockArgument arg : body.getArguments().drop_front(scalars)) {
    auto t = dyn_cast<RankedTensorType>(arg.getType());
    if (!t || !t.hasStaticShape() || !t.getElementType().isF32())
      return op.emitOpError("global states must be f32 tensors of static shape, got ")
             << arg.getType();
  }
  auto yield = dyn_cast<YieldOp>(body.getTerminator());
  unsigned numStates = op.getStateNames().size();
  if (!yield || yield.getValues().size() != 1 + numStates + numGlobals)
    return op.emitOpError("body must yield ")
           << yieldedFirst << ", each state and each global state";
  for (unsigned i = 0; i < 1 + numStates; ++i)
    if (yield.getValues()[i].getType() != scalar)
      return op.emitOpError("body must yield tensor<f32> for ")
             << yieldedFirst << " and the states, got " << yield.getValues()[i].getType();
  auto phases = computePhases(op);
  for (unsigned i = 0; i < numGlobals; ++i) {
    Value v = yield.getValues()[1 + numStates + i];
    if (v.getType() != body.getArgument(scalars + i).getType())
      return op.emitOpError("global state '")
             << cast<StringAttr>(op.getGlobalStateNames()[i]).getValue() << "' is "
             << body.getArgument(scalars + i).getType() << " but is updated to " << v.getType();
    if (phases.lookup(v) != Phase::Uniform)
      return op.emitOpError("global state '")
             << cast<StringAttr>(op.getGlobalStateNames()[i]).getValue()
             << "' is shared by every tensor, but its new value differs per "
             << (phases.lookup(v) == Phase::PerTensor ? "tensor" : "element");
  }
  if (auto schedules = op.getSchedules()) {
    for (NamedAttribute entry : *schedules) {
      if (!llvm::is_contained(op.getHyperNames(), entry.getName()))
        return op.emitOpError("schedules '") << entry.getName().getValue()
                                             << "', which is not a hyperparameter";
      auto ref = dyn_cast<FlatSymbolRefAttr>(entry.getValue());
      if (!ref || !SymbolTable::lookupNearestSymbolFrom<ScheduleOp>(op, ref))
        return op.emitOpError("hyperparameter '")
               << entry.getName().getValue() << "' is driven by " << entry.getValue()
               << ", which is not a gd.schedule";
    }
  }
  return success();
}

} // namespace

std::optional<Phase> gdc::gd::barrierPhase(Operation *op) {
  if (isa<GlobalNormOp>(op))
    return Phase::Uniform;
  if (isa<TensorNormOp, TensorSizeOp>(op))
    return Phase::PerTensor;
  if (isa<GradAtOp, OrthogonalizeOp>(op))
    return Phase::PerElement;
  if (auto mean = dyn_cast<TensorMeanOp>(op))
    return mean.getAxis() ? Phase::PerElement : Phase::PerTensor;
  if (auto sum = dyn_cast<TensorSumOp>(op))
    return sum.getAxis() ? Phase::PerElement : Phase::PerTensor;
  return std::nullopt;
}

llvm::DenseMap<Value, Phase> gdc::gd::computePhases(Operation *rule) {
  llvm::DenseMap<Value, Phase> phases;
  auto classify = [&](auto op) {
    Block &body = op.getBody().front();
    unsigned lead = op.getNumLeadingArgs(), hypers = op.getHyperNames().size(),
             states = op.getStateNames().size();
    for (BlockArgument arg : body.getArguments()) {
      unsigned i = arg.getArgNumber();
      bool perElement = i < 2 || (i >= lead + hypers && i < lead + hypers + states);
      phases[arg] = perElement ? Phase::PerElement : Phase::Uniform;
    }
    body.walk([&](Operation *inner) {
      std::optional<Phase> barrier = barrierPhase(inner);
      Phase phase = barrier.value_or(Phase::Uniform);
      if (!barrier)
        for (Value v : inner->getOperands())
          phase = std::max(phase, phases.lookup(v));
      for (Value r : inner->getResults())
        phases[r] = phase;
    });
  };
  if (auto opt = dyn_cast<OptimizerOp>(rule))
    classify(opt);
  else if (auto transform = dyn_cast<TransformOp>(rule))
    classify(transform);
  return phases;
}

LogicalResult OptimizerOp::verify() { return verifyRule(*this, "the new parameter"); }

LogicalResult TransformOp::verify() { return verifyRule(*this, "the new gradient"); }

LogicalResult ScheduleOp::verify() {
  if (getHyperNames().size() != getHyperDefaults().size())
    return emitOpError("has ") << getHyperNames().size() << " hyperparameters but "
                               << getHyperDefaults().size() << " defaults";
  Block &body = getBody().front();
  auto scalar = RankedTensorType::get({}, Float32Type::get(getContext()));
  if (body.getNumArguments() != 1 + getHyperNames().size())
    return emitOpError("body takes ") << body.getNumArguments() << " arguments, expected "
                                      << 1 + getHyperNames().size() << " (t, hyperparameters)";
  for (BlockArgument arg : body.getArguments())
    if (arg.getType() != scalar)
      return emitOpError("body arguments must be tensor<f32>, got ") << arg.getType();
  auto yield = dyn_cast<YieldOp>(body.getTerminator());
  if (!yield || yield.getValues().size() != 1 || yield.getValues()[0].getType() != scalar)
    return emitOpError("body must yield one tensor<f32>");
  return success();
}

LogicalResult ChainOp::verify() {
  auto stages = getStages();
  if (stages.empty())
    return emitOpError("needs at least one stage");
  for (auto [i, ref] : llvm::enumerate(stages)) {
    Operation *stage = SymbolTable::lookupNearestSymbolFrom(*this, cast<FlatSymbolRefAttr>(ref));
    bool last = i + 1 == stages.size();
    if (last ? !isa_and_nonnull<OptimizerOp, ChainOp>(stage)
             : !isa_and_nonnull<TransformOp>(stage))
      return emitOpError("stage ") << i << " (" << ref << ") must be "
                                   << (last ? "a gd.optimizer or gd.chain" : "a gd.transform");
  }
  return success();
}

LogicalResult ParamGroupsOp::verify() {
  if (getPatterns().size() != getRules().size() ||
      getPatterns().size() != getAscend().size())
    return emitOpError("needs one rule and one ascend flag per pattern");
  if (getPatterns().empty())
    return emitOpError("needs at least one group");
  for (Attribute rule : getRules()) {
    if (auto s = dyn_cast<StringAttr>(rule)) {
      if (s.getValue() != "frozen")
        return emitOpError("rule ") << rule << " must be a symbol or \"frozen\"";
      continue;
    }
    auto ref = dyn_cast<FlatSymbolRefAttr>(rule);
    if (!ref || !isa_and_nonnull<OptimizerOp, ChainOp>(
                    SymbolTable::lookupNearestSymbolFrom(*this, ref)))
      return emitOpError("rule ") << rule << " is not a gd.optimizer or gd.chain";
  }
  return success();
}

/// Barriers exist only in update-rule bodies.
static LogicalResult verifyBarrier(Operation *op) {
  if (!op->getParentOfType<OptimizerOp>() && !op->getParentOfType<TransformOp>())
    return op->emitOpError("is only meaningful in a gd.optimizer or gd.transform body");
  return success();
}

LogicalResult GlobalNormOp::verify() { return verifyBarrier(*this); }
LogicalResult TensorNormOp::verify() { return verifyBarrier(*this); }
LogicalResult GradAtOp::verify() { return verifyBarrier(*this); }
LogicalResult TensorMeanOp::verify() { return verifyBarrier(*this); }
LogicalResult TensorSumOp::verify() { return verifyBarrier(*this); }
LogicalResult TensorSizeOp::verify() { return verifyBarrier(*this); }
LogicalResult OrthogonalizeOp::verify() {
  // An I64Attr's accessor is unsigned; the attribute keeps the sign.
  if (int64_t steps = getStepsAttr().getInt(); steps < 0)
    return emitOpError("takes a number of steps >= 0, got ") << steps;
  return verifyBarrier(*this);
}

LogicalResult ReduceExamplesOp::verify() {
  auto rule = dyn_cast<OptimizerOp>((*this)->getParentOp());
  if (!rule)
    return emitOpError("is only meaningful in a gd.optimizer body");
  unsigned count = 0;
  rule.getBody().walk([&](ReduceExamplesOp) { ++count; });
  if (count > 1)
    return emitOpError("appears ") << count << " times; a rule reduces its gradient once";
  return success();
}

bool gdc::gd::matchesPathPattern(StringRef pattern, StringRef path) {
  // Greedy matching with backtracking to the last star only: O(|pattern| *
  // |path|) at worst, however many stars a pattern has.
  size_t p = 0, t = 0, star = StringRef::npos, resume = 0;
  while (t < path.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = t;
    } else if (p < pattern.size() && pattern[p] == path[t]) {
      ++p;
      ++t;
    } else if (star != StringRef::npos) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*')
    ++p;
  return p == pattern.size();
}

gdc::gd::PathGroupChoice gdc::gd::choosePathGroup(ArrayRef<StringRef> patterns,
                                                  StringRef path) {
  PathGroupChoice choice;
  size_t best = 0;
  for (auto [i, pattern] : llvm::enumerate(patterns)) {
    if (!matchesPathPattern(pattern, path))
      continue;
    size_t specificity = pattern.size() - pattern.count('*');
    if (!choice.group || specificity > best) {
      choice.group = i;
      choice.tie.reset();
      best = specificity;
    } else if (specificity == best && !choice.tie) {
      choice.tie = i;
    }
  }
  return choice;
}

SmallVector<RuleConstant> gdc::gd::constantsOf(Operation *rule) {
  SmallVector<RuleConstant> out;
  if (auto dict = rule->getAttrOfType<DictionaryAttr>(kConstantsAttrName))
    for (NamedAttribute entry : dict) {
      if (auto value = dyn_cast<IntegerAttr>(entry.getValue()))
        out.push_back({entry.getName().str(), double(value.getInt()), false});
      else if (auto value = dyn_cast<FloatAttr>(entry.getValue()))
        out.push_back({entry.getName().str(), value.getValueAsDouble(), true});
    }
  return out;
}

void gdc::gd::setConstants(Operation *rule, ArrayRef<RuleConstant> constants) {
  if (constants.empty())
    return;
  Builder b(rule->getContext());
  SmallVector<NamedAttribute> entries;
  for (const RuleConstant &c : constants)
    entries.push_back(b.getNamedAttr(
        c.name, c.isF64 ? Attribute(b.getF64FloatAttr(c.value))
                        : Attribute(b.getI64IntegerAttr(static_cast<int64_t>(c.value)))));
  // A DictionaryAttr sorts its entries; the order does not matter to users.
  rule->setAttr(kConstantsAttrName, b.getDictionaryAttr(entries));
}
