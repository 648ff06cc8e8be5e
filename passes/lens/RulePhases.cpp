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

/// Whether `rule`'s global state `i` is a scalar (it then enters the
/// elementwise phases as a scalar argument).
bool isScalarGlobal(OptimizerOp rule, unsigned i) {
  return cast<RankedTensorType>(rule.getGlobalStateArg(i).getType()).getRank() == 0;
}

/// Whether barrier `op` gives one value per element (grad_at,
/// orthogonalize, a mean along an axis) rather than one scalar.
bool perElement(Operation *op) { return barrierPhase(op) == Phase::PerElement; }

Value scalarConstant(OpBuilder &b, Location loc, double v) {
  return gd::scalarConstant(b, loc, b.getF32Type(), v);
}

/// A derived rule: `rule`'s body where `loss` (if read), the values of the
/// scalar barriers among `barriers[0..k)` and the global states are extra
/// leading hyperparameters, and the values of grad_at extra trailing
/// states (yielded unchanged). With `stopAt` (barrier k) it computes only
/// what comes before it; with `yieldValue` it yields that value of the body
/// (a barrier's operand, a global state's new value) and the states
/// unchanged instead of the update. Global states are not yielded: the
/// step computes their new values with such a rule.
OptimizerOp derive(OptimizerOp rule, ArrayRef<Operation *> barriers, unsigned k,
                   Operation *stopAt, Value yieldValue, StringRef name,
                   const llvm::DenseSet<Operation *> &hoisted) {
  MLIRContext *ctx = rule.getContext();
  OpBuilder b(rule);
  b.setInsertionPointAfter(rule);
  SmallVector<Attribute> names, defaults;
  SmallVector<Attribute> stateNames(rule.getStateNames().begin(), rule.getStateNames().end());
  auto addHyper = [&](StringRef n) {
    names.push_back(StringAttr::get(ctx, n));
    defaults.push_back(FloatAttr::get(Float32Type::get(ctx), 0));
  };
  if (rule.getUsesLoss())
    addHyper("%loss");
  unsigned elements = 0;
  for (unsigned j = 0; j < k; ++j) {
    if (perElement(barriers[j])) {
      stateNames.push_back(StringAttr::get(ctx, "%barrier" + std::to_string(j)));
      ++elements;
    } else {
      addHyper("%barrier" + std::to_string(j));
    }
  }
  // Scalar global states enter as scalars; the others only through what
  // the step computes from them (`hoisted`).
  for (auto [i, global] : llvm::enumerate(rule.getGlobalStateNames()))
    if (isScalarGlobal(rule, i))
      addHyper(("%global." + cast<StringAttr>(global).getValue()).str());
  unsigned extra = names.size(); // loss, scalar barriers, globals
  llvm::append_range(names, rule.getHyperNames());
  llvm::append_range(defaults, rule.getHyperDefaults());
  auto derived = OptimizerOp::create(
      b, rule.getLoc(), StringAttr::get(ctx, name), ArrayAttr::get(ctx, names),
      ArrayAttr::get(ctx, defaults), ArrayAttr::get(ctx, stateNames), ArrayAttr::get(ctx, {}),
      ArrayAttr::get(ctx, {}), /*uses_loss=*/false, DictionaryAttr());
  Block &src = rule.getBody().front();
  auto scalar = RankedTensorType::get({}, Float32Type::get(ctx));
  Block *body = new Block();
  derived.getBody().push_back(body);
  unsigned lead = rule.getNumLeadingArgs();
  unsigned numHypers = rule.getHyperNames().size(), numStates = rule.getStateNames().size();
  unsigned numGlobals = rule.getGlobalStateNames().size();
  for (unsigned i = 0; i < 3 + extra + numHypers + numStates + elements; ++i)
    body->addArgument(scalar, rule.getLoc());
  // p, g, t | loss, scalar barriers, globals | hypers, states | grad_at's.
  IRMapping map;
  for (unsigned i = 0; i < 3; ++i)
    map.map(src.getArgument(i), body->getArgument(i));
  unsigned next = 3;
  if (rule.getUsesLoss())
    map.map(src.getArgument(3), body->getArgument(next++));
  unsigned nextElement = 3 + extra + numHypers + numStates;
  SmallVector<Value> elementArgs;
  for (unsigned j = 0; j < k; ++j) {
    Value v = body->getArgument(perElement(barriers[j]) ? nextElement++ : next++);
    if (perElement(barriers[j]))
      elementArgs.push_back(v);
    map.map(barriers[j]->getResult(0), v);
  }
  for (unsigned i = 0; i < numGlobals; ++i)
    if (isScalarGlobal(rule, i))
      map.map(src.getArgument(lead + numHypers + numStates + i), body->getArgument(next++));
  for (unsigned i = 0; i < numHypers + numStates; ++i)
    map.map(src.getArgument(lead + i), body->getArgument(3 + extra + i));
  OpBuilder bb = OpBuilder::atBlockEnd(body);
  for (Operation &op : src.without_terminator()) {
    if (&op == stopAt)
      break;
    if (map.contains(op.getResult(0)) || hoisted.contains(&op))
      continue; // a barrier already computed, or the step's work
    bb.clone(op, map);
  }
  SmallVector<Value> yielded;
  if (yieldValue) {
    yielded.push_back(map.lookupOrDefault(yieldValue));
    for (unsigned s = 0; s < numStates; ++s)
      yielded.push_back(body->getArgument(3 + extra + numHypers + s));
  } else {
    for (Value v : src.getTerminator()->getOperands().take_front(1 + numStates))
      yielded.push_back(map.lookupOrDefault(v));
  }
  llvm::append_range(yielded, elementArgs);
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

bool gdc::isElementwise(OptimizerOp rule) {
  return !rule->walk([](Operation *op) {
                 return barrierPhase(op) || isa<RandomOp>(op) ? WalkResult::interrupt()
                                                             : WalkResult::advance();
               })
              .wasInterrupted();
}

std::optional<int64_t> gdc::barrierAxis(Operation *op) {
  if (!isa<TensorMeanOp, TensorSumOp, TensorSizeOp>(op))
    return std::nullopt;
  // (Read from the attribute: an I64Attr's accessor is unsigned.)
  if (auto axis = op->getAttrOfType<IntegerAttr>("axis"))
    return axis.getInt();
  return std::nullopt;
}

std::optional<int64_t> gdc::resolveAxis(int64_t axis, int64_t rank) {
  if (axis >= rank)
    return std::nullopt;
  if (axis >= 0)
    return axis;
  return std::max<int64_t>(axis + rank, -1);
}

RuleApplication::RuleApplication(OpBuilder &b, Location loc, OptimizerOp rule,
                                 ArrayRef<RuleInputs> tensors, Value t, ValueRange hypers,
                                 ValueRange globals, Value loss, Value seed)
    : b(b), loc(loc), rule(rule), tensors(tensors), t(t), hypers(hypers), globals(globals),
      seed(seed), scalars(tensors.size()), elements(tensors.size()),
      compactElements(tensors.size()) {
  // A state kept smaller than its parameter enters the body broadcast back.
  for (RuleInputs &in : this->tensors) {
    SmallVector<Value> &states = kept.emplace_back(in.states);
    Value ones;
    for (auto [s, state] : llvm::enumerate(in.states)) {
      if (state.getType() == in.param.getType())
        continue;
      if (!ones)
        ones = FullLikeOp::create(b, loc, in.param, b.getF64FloatAttr(1.0));
      in.states[s] = onShapeOf(states[s], ones);
    }
  }
  Block &body = rule.getBody().front();
  unsigned lead = rule.getNumLeadingArgs(), numHypers = rule.getHyperNames().size(),
           numStates = rule.getStateNames().size();
  // The body's uniform part is computed by the step itself, at tensor level
  // (evaluateUniform): t, loss, hyperparameters, global states.
  uniform.map(body.getArgument(2), t);
  if (rule.getUsesLoss())
    uniform.map(body.getArgument(3), loss);
  for (unsigned i = 0; i < numHypers; ++i)
    uniform.map(body.getArgument(lead + i), hypers[i]);
  for (auto [i, global] : llvm::enumerate(globals))
    uniform.map(body.getArgument(lead + numHypers + numStates + i), global);
  // The uniform part (built from t, loss, hyperparameters, global states,
  // global_norm and constants; no random draw) is the step's work
  // (`hoisted`): computed once, not per element, which also takes a global
  // state that is not a scalar. Where a scalar of it meets the elementwise
  // part, that value enters the phases like a scalar barrier's. (Per
  // element, `t^(-decay)` was a powf in every iteration: its operands are
  // loads LLVM cannot hoist past the loop's stores.)
  auto *terminator = body.getTerminator();
  llvm::DenseMap<Value, Phase> phases = computePhases(rule);
  auto stepComputable = [&](Value v) {
    Operation *def = v.getDefiningOp();
    if (!def)
      return uniform.contains(v);
    return hoisted.contains(def) || isa<ConstantOp, GlobalNormOp>(def);
  };
  for (Operation &op : body.without_terminator())
    if (op.getNumResults() == 1 && !barrierPhase(&op) && !isa<ConstantOp, RandomOp>(op) &&
        isMemoryEffectFree(&op) && phases.lookup(op.getResult(0)) == Phase::Uniform &&
        llvm::all_of(op.getOperands(), stepComputable))
      hoisted.insert(&op);
  auto meetsElements = [&](Operation *op) {
    return llvm::any_of(op->getResult(0).getUses(), [&](OpOperand &use) {
      Operation *user = use.getOwner();
      return user == terminator ? use.getOperandNumber() < 1 + numStates
                                : !hoisted.contains(user);
    });
  };
  // The phases take scalars as f32. A bool or an f64 (an f64
  // hyperparameter's arithmetic) that meets the elementwise part stays
  // there, and so, in turn, do the values it is computed from.
  for (bool changed = true; changed;) {
    changed = false;
    for (Operation &op : body.without_terminator()) {
      if (!hoisted.contains(&op) || !meetsElements(&op))
        continue;
      auto type = cast<RankedTensorType>(op.getResult(0).getType());
      if (type.getRank() != 0 || !type.getElementType().isF32()) {
        hoisted.erase(&op);
        changed = true;
      }
    }
  }
  for (Operation &op : body.without_terminator())
    if (barrierPhase(&op) || (hoisted.contains(&op) && meetsElements(&op)))
      barriers.push_back(&op);
  uniformCursor = body.begin();
  phased = !barriers.empty() || rule.getUsesLoss() || !rule.getGlobalStateNames().empty();
  if (rule.getUsesLoss())
    for (auto &v : scalars)
      v.push_back(loss);
}

void RuleApplication::evaluateUniform(Operation *through) {
  Block &body = rule.getBody().front();
  for (; uniformCursor != body.end() && !isa<YieldOp>(&*uniformCursor); ++uniformCursor) {
    Operation &op = *uniformCursor;
    bool done = &op == through;
    // A barrier's value is mapped when the step computes it; other ops are
    // cloned when every operand is known, so the elementwise ones never are.
    if (!barrierPhase(&op) && isMemoryEffectFree(&op) &&
        llvm::all_of(op.getOperands(), [&](Value v) { return uniform.contains(v); }))
      b.clone(op, uniform);
    if (done) {
      ++uniformCursor;
      return;
    }
  }
}

ApplyOptimizerOp RuleApplication::apply(OptimizerOp op, unsigned i) {
  const RuleInputs &in = tensors[i];
  SmallVector<Value> all(scalars[i]);
  if (op != rule)
    for (auto [g, global] : llvm::enumerate(globals))
      if (isScalarGlobal(rule, g))
        all.push_back(global);
  llvm::append_range(all, hypers);
  SmallVector<Value> states(in.states);
  llvm::append_range(states, elements[i]);
  return ApplyOptimizerOp::create(b, loc, FlatSymbolRefAttr::get(op.getSymNameAttr()),
                                  in.param, in.grad, t, all, states, seed,
                                  b.getI64IntegerAttr(in.index));
}

OptimizerOp RuleApplication::derived(const std::string &suffix, unsigned k, Operation *stopAt,
                                     Value yieldValue) {
  ModuleOp module = rule->getParentOfType<ModuleOp>();
  std::string name = rule.getSymName().str() + suffix;
  if (auto existing = SymbolTable::lookupSymbolIn(module, StringAttr::get(b.getContext(), name)))
    return cast<OptimizerOp>(existing);
  return derive(rule, barriers, k, stopAt, yieldValue, name, hoisted);
}

LogicalResult RuleApplication::checkShapes() {
  bool ok = true;
  // A global state that is not a scalar enters the phases only through the
  // f32 scalars the step computes from it.
  Block &body = rule.getBody().front();
  for (Operation &op : body.without_terminator()) {
    if (hoisted.contains(&op))
      continue;
    // (A tensor the step computes never meets the phases: the fixpoint
    // above keeps only scalars as their inputs.)
    for (Value v : op.getOperands()) {
      auto global = dyn_cast<BlockArgument>(v);
      if (global && cast<RankedTensorType>(global.getType()).getRank() > 0) {
        op.emitError("this use of a global state that is not a scalar leads to a ")
            << formatTensorType(op.getResult(0).getType())
            << " value the elementwise part needs; only f32 scalars computed from such a "
               "state can enter it (write f32(...) around an f64 result)";
        ok = false;
        break;
      }
    }
  }
  for (Operation *barrier : barriers) {
    for (const RuleInputs &in : tensors) {
      auto type = cast<RankedTensorType>(in.param.getType());
      std::optional<int64_t> axis = barrierAxis(barrier);
      if (isa<OrthogonalizeOp>(barrier) && type.getRank() != 2) {
        barrier->emitError("'orthogonalize' takes a matrix, but this rule updates '")
            << in.path << "', of shape " << formatTensorType(type)
            << " (give such tensors another rule with a parameter group)";
        ok = false;
      } else if (axis && !resolveAxis(*axis, type.getRank())) {
        barrier->emitError("axis ")
            << *axis << " is out of range for '" << in.path << "', of shape "
            << formatTensorType(type) << " (count from the last axis with a negative one)";
        ok = false;
      }
    }
  }
  return success(ok);
}

Value RuleApplication::wholeTensorValue(Operation *op, Value x) {
  auto type = cast<RankedTensorType>(x.getType());
  if (isa<TensorMeanOp, TensorSumOp>(op)) {
    bool mean = isa<TensorMeanOp>(op);
    std::optional<int64_t> axis = barrierAxis(op);
    SmallVector<int64_t> reduced;
    if (!axis) {
      for (int64_t d = 0; d < type.getRank(); ++d)
        reduced.push_back(d);
    } else if (int64_t r = *resolveAxis(*axis, type.getRank()); r >= 0) {
      reduced.push_back(r);
    } else {
      return x; // along an axis of extent 1
    }
    int64_t count = 1;
    for (int64_t d : reduced)
      count *= type.getDimSize(d);
    Value v = ReduceSumOp::create(b, loc, x, reduced);
    if (mean)
      v = DivOp::create(b, loc, v, scalarConstant(b, loc, double(count)));
    if (!axis)
      return v;
    // Extent 1 along the axis; the caller broadcasts it back.
    return ExpandDimsOp::create(b, loc, v, b.getDenseI64ArrayAttr(reduced));
  }
  auto ortho = cast<OrthogonalizeOp>(op);
  // Muon's quintic Newton-Schulz iteration, as optax writes it (its default
  // coefficients, Frobenius scaling first, the wide orientation).
  const double a = 3.4445, bCoeff = -4.7750, c = 2.0315, eps = 1e-8;
  auto transposed = [&](Value m) {
    return TransposeOp::create(b, loc, m, b.getDenseI64ArrayAttr({1, 0})).getResult();
  };
  bool tall = type.getDimSize(0) > type.getDimSize(1);
  Value m = tall ? transposed(x) : x;
  Value norm = SqrtOp::create(
      b, loc, ReduceSumOp::create(b, loc, MulOp::create(b, loc, m, m), SmallVector<int64_t>{0, 1}));
  m = DivOp::create(b, loc, m, AddOp::create(b, loc, norm, scalarConstant(b, loc, eps)));
  for (int64_t i = 0; i < ortho.getStepsAttr().getInt(); ++i) {
    Value gram = MatmulOp::create(b, loc, m, transposed(m));
    Value poly = AddOp::create(b, loc, MulOp::create(b, loc, scalarConstant(b, loc, bCoeff), gram),
                               MulOp::create(b, loc, scalarConstant(b, loc, c),
                                             MatmulOp::create(b, loc, gram, gram)));
    m = AddOp::create(b, loc, MulOp::create(b, loc, scalarConstant(b, loc, a), m),
                      MatmulOp::create(b, loc, poly, m));
  }
  return tall ? transposed(m) : m;
}

std::optional<SmallVector<Value>> RuleApplication::nextGradAtPoints() {
  // Phase k: each tensor's operand of barrier k, then the barrier's value.
  while (next < barriers.size()) {
    unsigned k = next++;
    Operation *barrier = barriers[k];
    if (auto size = dyn_cast<TensorSizeOp>(barrier)) {
      // Known from the shape: no operand to compute.
      for (auto [v, in] : llvm::zip(scalars, tensors)) {
        auto type = cast<RankedTensorType>(in.param.getType());
        int64_t axis = *resolveAxis(*barrierAxis(size), type.getRank());
        v.push_back(scalarConstant(b, loc, axis < 0 ? 1.0 : double(type.getDimSize(axis))));
      }
      continue;
    }
    if (hoisted.contains(barrier)) {
      // A uniform scalar the step computes (from t, hyperparameters, globals).
      evaluateUniform(barrier);
      Value v = uniform.lookup(barrier->getResult(0));
      for (auto &s : scalars)
        s.push_back(v);
      continue;
    }
    OptimizerOp phase = derived(".phase" + std::to_string(k), k, barrier, barrier->getOperand(0));
    SmallVector<Value> operands;
    for (unsigned i = 0; i < tensors.size(); ++i)
      operands.push_back(apply(phase, i).getNewParam());
    if (isa<GradAtOp>(barrier))
      return operands; // the points; provideGradients() gives the value
    if (!isa<TensorNormOp, GlobalNormOp>(barrier)) {
      for (unsigned i = 0; i < tensors.size(); ++i) {
        Value v = wholeTensorValue(barrier, operands[i]);
        if (!perElement(barrier)) {
          scalars[i].push_back(v);
          continue;
        }
        compactElements[i].push_back(v);
        // Back to the tensor's shape: the same value all along the axis.
        if (v.getType() != operands[i].getType())
          v = AddOp::create(b, loc,
                            FullLikeOp::create(b, loc, operands[i], b.getF64FloatAttr(0.0)), v);
        elements[i].push_back(v);
      }
      continue;
    }
    SmallVector<Value> sumsOfSquares;
    for (Value x : operands) {
      SmallVector<int64_t> all;
      for (int64_t d = 0; d < cast<RankedTensorType>(x.getType()).getRank(); ++d)
        all.push_back(d);
      sumsOfSquares.push_back(
          ReduceSumOp::create(b, loc, MulOp::create(b, loc, x, x), all).getResult());
    }
    if (isa<GlobalNormOp>(barrier)) {
      Value total = sumsOfSquares.front();
      for (Value s : ArrayRef(sumsOfSquares).drop_front())
        total = AddOp::create(b, loc, total, s);
      Value norm = SqrtOp::create(b, loc, total);
      uniform.map(barrier->getResult(0), norm);
      for (auto &v : scalars)
        v.push_back(norm);
    } else {
      for (auto [v, s] : llvm::zip(scalars, sumsOfSquares))
        v.push_back(SqrtOp::create(b, loc, s));
    }
  }
  return std::nullopt;
}

void RuleApplication::provideGradients(ArrayRef<Value> gradients) {
  for (auto [e, c, g] : llvm::zip(elements, compactElements, gradients)) {
    e.push_back(g);
    c.push_back(g);
  }
}

Value RuleApplication::onShapeOf(Value v, Value ones) {
  auto from = cast<RankedTensorType>(v.getType());
  auto to = cast<RankedTensorType>(ones.getType());
  for (int64_t d = 0; d < to.getRank(); ++d)
    if (to.getDimSize(d) == 1 && from.getDimSize(d) != 1)
      v = SliceOp::create(b, loc, v, b.getI64IntegerAttr(d), b.getI64IntegerAttr(0),
                          b.getI64IntegerAttr(1));
  // Times one, which is v itself (-0 and NaN included), broadcast.
  if (v.getType() != to)
    v = MulOp::create(b, loc, ones, v);
  return v;
}

Value RuleApplication::keptStateUpdate(unsigned i, unsigned s) {
  Value state = kept[i][s];
  Operation *terminator = rule.getBody().front().getTerminator();
  OptimizerOp update = derived(".state" + std::to_string(s), barriers.size(), nullptr,
                               terminator->getOperand(1 + s));
  // Every operand on the kept shape. The update reads neither p nor g
  // (StateShapes.h): zeros stand in for them.
  Value zeros = FullLikeOp::create(b, loc, state, b.getF64FloatAttr(0.0));
  Value ones = FullLikeOp::create(b, loc, state, b.getF64FloatAttr(1.0));
  SmallVector<Value> all(scalars[i]);
  for (auto [g, global] : llvm::enumerate(globals))
    if (isScalarGlobal(rule, g))
      all.push_back(global);
  llvm::append_range(all, hypers);
  SmallVector<Value> operands;
  for (Value v : kept[i])
    operands.push_back(onShapeOf(v, ones));
  for (Value v : compactElements[i])
    operands.push_back(onShapeOf(v, ones));
  return ApplyOptimizerOp::create(b, loc, FlatSymbolRefAttr::get(update.getSymNameAttr()), zeros,
                                  zeros, t, all, operands, seed,
                                  b.getI64IntegerAttr(tensors[i].index))
      .getNewParam();
}

SmallVector<RuleResult> RuleApplication::finish(SmallVectorImpl<Value> &newGlobals) {
  SmallVector<RuleResult> applied;
  auto results = [&](OptimizerOp body) {
    unsigned numStates = rule.getStateNames().size();
    for (unsigned i = 0; i < tensors.size(); ++i) {
      RuleResult &r = applied.emplace_back();
      r.update = apply(body, i);
      for (unsigned s = 0; s < numStates; ++s)
        r.newStates.push_back(kept[i][s].getType() == tensors[i].param.getType()
                                  ? r.update.getNewStates()[s]
                                  : keptStateUpdate(i, s));
    }
  };
  if (!phased) {
    results(rule);
    return applied;
  }
  assert(next == barriers.size() && "finish() before every barrier was computed");
  results(derived(".phased", barriers.size(), nullptr, Value()));
  // A global state's new value is uniform (the verifier checks): the step
  // computes it once, from t, loss, the hyperparameters, the global states
  // and global_norm's values. Should one not be (a random draw), it is
  // computed with the first tensor's operands, every element holding it.
  evaluateUniform(nullptr);
  Block &body = rule.getBody().front();
  unsigned numStates = rule.getStateNames().size();
  for (auto [g, value] : llvm::enumerate(
           body.getTerminator()->getOperands().drop_front(1 + numStates))) {
    if (Value computed = uniform.lookupOrNull(value)) {
      newGlobals.push_back(computed);
      continue;
    }
    OptimizerOp update = derived(".global" + std::to_string(g), barriers.size(), nullptr, value);
    Value everywhere = apply(update, 0).getNewParam();
    SmallVector<int64_t> all;
    for (int64_t d = 0; d < cast<RankedTensorType>(everywhere.getType()).getRank(); ++d)
      all.push_back(d);
    newGlobals.push_back(all.empty() ? everywhere
                                     : ReduceMaxOp::create(b, loc, everywhere, all).getResult());
  }
  return applied;
}
