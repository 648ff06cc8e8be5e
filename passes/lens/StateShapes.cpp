//===- StateShapes.cpp - The shape each optimizer state is kept in --------===//
#include "passes/lens/StateShapes.h"

#include "passes/lens/PerExampleRules.h"
#include "passes/lens/RulePhases.h"

using namespace mlir;
using namespace gdc;
using namespace gdc::gd;

namespace {

using Axes = llvm::SmallBitVector;

/// `v`'s value when it is the same for every element of every step of a
/// tensor of type `param` (a constant, a size, arithmetic and comparisons
/// of those), so that a condition such as Adafactor's `min(size(p, -1),
/// size(p, -2)) >= factor_min` picks its branch per tensor.
std::optional<double> knownValue(Value v, RankedTensorType param) {
  Operation *def = v.getDefiningOp();
  if (!def)
    return std::nullopt;
  if (auto constant = dyn_cast<ConstantOp>(def)) {
    auto dense = dyn_cast<DenseElementsAttr>(constant.getValue());
    if (!dense || !dense.isSplat())
      return std::nullopt;
    Attribute element = dense.getSplatValue<Attribute>();
    if (auto f = dyn_cast<FloatAttr>(element))
      return f.getValueAsDouble();
    if (auto i = dyn_cast<IntegerAttr>(element))
      return i.getType().isInteger(1) ? double(i.getValue().getBoolValue())
                                      : double(i.getValue().getSExtValue());
    return std::nullopt;
  }
  if (auto size = dyn_cast<TensorSizeOp>(def)) {
    std::optional<int64_t> axis = resolveAxis(*barrierAxis(size), param.getRank());
    if (!axis)
      return std::nullopt;
    return *axis < 0 ? 1.0 : double(param.getDimSize(*axis));
  }
  if (isa<ConvertOp>(def))
    return knownValue(def->getOperand(0), param);
  if (def->getNumOperands() != 2)
    return std::nullopt;
  std::optional<double> a = knownValue(def->getOperand(0), param);
  std::optional<double> b = knownValue(def->getOperand(1), param);
  if (!a || !b)
    return std::nullopt;
  if (isa<MinOp>(def))
    return std::min(*a, *b);
  if (isa<MaxOp>(def))
    return std::max(*a, *b);
  if (isa<AddOp>(def))
    return *a + *b;
  if (isa<SubOp>(def))
    return *a - *b;
  if (isa<MulOp>(def))
    return *a * *b;
  if (auto cmp = dyn_cast<CmpOp>(def)) {
    StringRef p = cmp.getPredicate();
    bool r = p == "lt"   ? *a < *b
             : p == "le" ? *a <= *b
             : p == "gt" ? *a > *b
             : p == "ge" ? *a >= *b
             : p == "eq" ? *a == *b
                         : *a != *b;
    return double(r);
  }
  return std::nullopt;
}

/// The axes along which each of the body's values is the same, given the
/// states' (`states`) before the step.
llvm::DenseMap<Value, Axes> uniformAxes(OptimizerOp rule, RankedTensorType param,
                                        ArrayRef<Axes> states) {
  int64_t rank = param.getRank();
  Axes all(rank, true), none(rank);
  llvm::DenseMap<Value, Axes> axes;
  Block &body = rule.getBody().front();
  unsigned lead = rule.getNumLeadingArgs(), numHypers = rule.getHyperNames().size();
  // p and g vary; t, loss, hyperparameters and global states do not.
  for (BlockArgument arg : body.getArguments()) {
    unsigned i = arg.getArgNumber();
    if (i < 2)
      axes[arg] = none;
    else if (i >= lead + numHypers && i < lead + numHypers + states.size())
      axes[arg] = states[i - lead - numHypers];
    else
      axes[arg] = all;
  }
  auto meet = [&](ValueRange operands) {
    Axes r = all;
    for (Value v : operands) {
      auto it = axes.find(v);
      r &= it == axes.end() ? none : it->second;
    }
    return r;
  };
  body.walk([&](Operation *op) {
    Axes r;
    if (isa<GradAtOp, OrthogonalizeOp, RandomOp>(op)) {
      r = none;
    } else if (isa<ConstantOp, GlobalNormOp, TensorNormOp, TensorSizeOp>(op)) {
      r = all;
    } else if (isa<TensorMeanOp, TensorSumOp>(op)) {
      std::optional<int64_t> axis = barrierAxis(op);
      if (!axis) {
        r = all; // over the whole tensor
      } else {
        r = meet(op->getOperands());
        // Along an axis before the first the value is the operand itself.
        if (std::optional<int64_t> k = resolveAxis(*axis, rank); k && *k >= 0)
          r.set(*k);
      }
    } else if (auto select = dyn_cast<SelectOp>(op)) {
      std::optional<double> cond = knownValue(select.getCond(), param);
      r = cond ? meet(*cond != 0 ? select.getLhs() : select.getRhs()) : meet(op->getOperands());
    } else {
      r = meet(op->getOperands());
    }
    for (Value result : op->getResults())
      axes[result] = r;
  });
  return axes;
}

} // namespace

SmallVector<Axes> gdc::uniformStateAxes(OptimizerOp rule, RankedTensorType param) {
  int64_t rank = param.getRank();
  unsigned numStates = rule.getStateNames().size();
  // Slots start at zero, the same everywhere; each step keeps an axis only
  // where the state's new value is the same along it (a fixpoint: a state
  // may be computed from others).
  SmallVector<Axes> states(numStates, Axes(rank, true));
  Operation *terminator = rule.getBody().front().getTerminator();
  for (bool changed = true; changed;) {
    changed = false;
    llvm::DenseMap<Value, Axes> axes = uniformAxes(rule, param, states);
    for (unsigned s = 0; s < numStates; ++s) {
      Axes next = states[s] & axes.lookup(terminator->getOperand(1 + s));
      if (next != states[s]) {
        states[s] = next;
        changed = true;
      }
    }
  }
  for (Axes &s : states)
    for (int64_t d = 0; d < rank; ++d)
      if (param.getDimSize(d) == 1)
        s.reset(d);
  return states;
}

SmallVector<SmallVector<RankedTensorType>> gdc::stateSlotTypes(const UpdatePlan &plan,
                                                               ArrayRef<Type> paramTypes) {
  unsigned numStates = plan.stateNames.size();
  SmallVector<SmallVector<RankedTensorType>> types;
  for (Type t : paramTypes)
    types.emplace_back(numStates, cast<RankedTensorType>(t));
  for (const UpdateGroup &group : plan.groups) {
    // A per-example part runs on each example's gradient before the rest
    // (PerExampleRules.h); its states stay whole.
    if (!group.rule || hasPerExamplePart(group.rule))
      continue;
    for (unsigned tensor : group.tensors) {
      if (tensor >= paramTypes.size())
        continue;
      auto param = cast<RankedTensorType>(paramTypes[tensor]);
      for (auto [s, axes] : llvm::enumerate(uniformStateAxes(group.rule, param))) {
        SmallVector<int64_t> shape(param.getShape());
        for (int d : axes.set_bits())
          shape[d] = 1;
        types[tensor][s] = param.clone(shape);
      }
    }
  }
  return types;
}
