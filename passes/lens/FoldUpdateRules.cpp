//===- FoldUpdateRules.cpp - gd-fold-update-rules --------------------------===//
//
// The parameter wire is a composite lens: a chain's transforms act on the
// gradient, its optimizer on the parameter, and a schedule reparametrises a
// hyperparameter by t. When every stage is one elementwise phase the whole
// wire is one elementwise function of (p, g, t, hyperparameters, states),
// so it folds into a single gd.optimizer, which the lowering applies as one
// fused loop per parameter like any other. A chain may begin with
// `per_example` transforms: they fold too, followed by gd.reduce_examples,
// where the step reduces the per-example gradients over the batch.
//
//===----------------------------------------------------------------------===//
#include "passes/Passes.h"
#include "passes/lens/PerExampleRules.h"

#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/StringMap.h"

namespace gdc {
#define GEN_PASS_DEF_GDFOLDUPDATERULES
#include "passes/Passes.h.inc"
} // namespace gdc

using namespace mlir;
using namespace gdc;
using namespace gdc::gd;

namespace {

/// One stage of the wire: a transform or the final optimizer, and the
/// prefix of its hyperparameter and state names in the folded rule.
struct Stage {
  Operation *rule;
  std::string prefix;
  bool perExample = false;
};


/// A hyperparameter or state of the folded rule.
struct Slot {
  std::string name;
  float defaultValue = 0;
  RuleConstant constant = {}; ///< a compile-time constant's value and type
};


/// The stages of `wire` (a chain, possibly nested, or an optimizer), or
/// failure if one of them cannot be folded. Barriers, `loss` and global
/// states fold: the step applies the folded rule in phases.
FailureOr<SmallVector<Stage>> stagesOf(ModuleOp module, Operation *wire) {
  SmallVector<Stage> stages;
  if (auto opt = dyn_cast<OptimizerOp>(wire)) {
    stages.push_back({opt, ""});
    return stages;
  }
  auto chain = dyn_cast<ChainOp>(wire);
  if (!chain)
    return failure();
  for (Attribute ref : chain.getStages()) {
    Operation *stage = SymbolTable::lookupSymbolIn(module, cast<FlatSymbolRefAttr>(ref));
    if (auto transform = dyn_cast_or_null<TransformOp>(stage)) {
      bool perExample = transform.getPerExample();
      // per_example stages open the chain (they act before the batch
      // reduction); gd-check-codegen reports the others.
      if (perExample && (whyNotPerExample(transform) ||
                         llvm::any_of(stages, [](const Stage &s) { return !s.perExample; })))
        return failure();
      stages.push_back({transform, transform.getSymName().str() + ".", perExample});
      continue;
    }
    if (!stage)
      return failure();
    FailureOr<SmallVector<Stage>> inner = stagesOf(module, stage);
    if (failed(inner))
      return failure();
    llvm::append_range(stages, *inner);
  }
  return stages;
}

/// The rule's hyperparameter, state and schedule attributes, whichever op
/// it is.
struct RuleView {
  ArrayAttr hyperNames, hyperDefaults, stateNames, globalNames, globalInits;
  DictionaryAttr schedules;
  Block *body;
  bool usesLoss;

  explicit RuleView(Operation *rule) {
    if (auto opt = dyn_cast<OptimizerOp>(rule))
      init(opt);
    else
      init(cast<TransformOp>(rule));
  }
  template <typename Rule> void init(Rule rule) {
    hyperNames = rule.getHyperNames();
    hyperDefaults = rule.getHyperDefaults();
    stateNames = rule.getStateNames();
    globalNames = rule.getGlobalStateNames();
    globalInits = rule.getGlobalStateInits();
    schedules = rule.getSchedulesAttr();
    usesLoss = rule.getUsesLoss();
    body = &rule.getBody().front();
  }
  ScheduleOp scheduleOf(ModuleOp module, StringRef hyper) const {
    auto ref = schedules ? schedules.getAs<FlatSymbolRefAttr>(hyper) : nullptr;
    return ref ? dyn_cast_or_null<ScheduleOp>(SymbolTable::lookupSymbolIn(module, ref))
               : ScheduleOp();
  }
};

/// Builds the one optimizer that does what `stages` do, named `name`.
OptimizerOp fold(ModuleOp module, StringRef name, ArrayRef<Stage> stages, Location loc) {
  MLIRContext *ctx = module.getContext();
  // First the block arguments' names and defaults, stage by stage.
  SmallVector<Slot> hypers, states, globals, constants;
  SmallVector<Attribute> globalInits;
  SmallVector<Type> globalTypes;
  for (const Stage &stage : stages) {
    RuleView view(stage.rule);
    for (RuleConstant &c : constantsOf(stage.rule))
      constants.push_back({stage.prefix + c.name, 0, c});
    for (auto [nameAttr, value] : llvm::zip(view.hyperNames, view.hyperDefaults)) {
      StringRef hyper = cast<StringAttr>(nameAttr).getValue();
      if (ScheduleOp schedule = view.scheduleOf(module, hyper)) {
        for (RuleConstant &c : constantsOf(schedule))
          constants.push_back({stage.prefix + hyper.str() + "." + c.name, 0, c});
        for (auto [inner, innerValue] :
             llvm::zip(schedule.getHyperNames(), schedule.getHyperDefaults()))
          hypers.push_back({stage.prefix + hyper.str() + "." +
                                cast<StringAttr>(inner).getValue().str(),
                            cast<FloatAttr>(innerValue).getValue().convertToFloat()});
        continue;
      }
      hypers.push_back({stage.prefix + hyper.str(),
                        cast<FloatAttr>(value).getValue().convertToFloat()});
    }
    for (Attribute state : view.stateNames)
      states.push_back({stage.prefix + cast<StringAttr>(state).getValue().str()});
    unsigned firstGlobal = view.body->getNumArguments() - view.globalNames.size();
    for (auto [i, global] : llvm::enumerate(view.globalNames)) {
      globals.push_back({stage.prefix + cast<StringAttr>(global).getValue().str()});
      globalInits.push_back(view.globalInits[i]);
      globalTypes.push_back(view.body->getArgument(firstGlobal + i).getType());
    }
  }
  // A stage used twice (`chain(clip_value(1), clip_value(1), o)`) would
  // repeat its names; later ones are numbered.
  for (SmallVector<Slot> *slots : {&hypers, &states, &globals, &constants}) {
    llvm::StringMap<unsigned> seen;
    for (Slot &slot : *slots)
      if (unsigned n = seen[slot.name]++)
        slot.name += "#" + std::to_string(n + 1);
  }
  auto names = [&](ArrayRef<Slot> slots) {
    SmallVector<Attribute> out;
    for (const Slot &s : slots)
      out.push_back(StringAttr::get(ctx, s.name));
    return ArrayAttr::get(ctx, out);
  };
  SmallVector<Attribute> defaults;
  for (const Slot &h : hypers)
    defaults.push_back(FloatAttr::get(Float32Type::get(ctx), h.defaultValue));

  OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
  bool usesLoss = llvm::any_of(stages, [](const Stage &stage) {
    auto opt = dyn_cast<OptimizerOp>(stage.rule);
    return opt ? opt.getUsesLoss() : cast<TransformOp>(stage.rule).getUsesLoss();
  });
  unsigned lead = usesLoss ? 4 : 3;
  auto folded = OptimizerOp::create(b, loc, StringAttr::get(ctx, name), names(hypers),
                                    ArrayAttr::get(ctx, defaults), names(states), names(globals),
                                    ArrayAttr::get(ctx, globalInits), usesLoss,
                                    /*schedules=*/DictionaryAttr());
  SmallVector<RuleConstant> constantValues;
  for (const Slot &c : constants)
    constantValues.push_back({c.name, c.constant.value, c.constant.isF64});
  setConstants(folded, constantValues);
  auto scalar = RankedTensorType::get({}, Float32Type::get(ctx));
  Block *body = new Block();
  folded.getBody().push_back(body);
  for (unsigned i = 0; i < lead + hypers.size() + states.size(); ++i)
    body->addArgument(scalar, loc);
  for (Type type : globalTypes)
    body->addArgument(type, loc);
  Value p = body->getArgument(0), g = body->getArgument(1), t = body->getArgument(2);
  unsigned nextHyper = lead, nextState = lead + hypers.size(),
           nextGlobal = lead + hypers.size() + states.size();

  // Then each stage's body, the gradient threaded through the transforms.
  b.setInsertionPointToEnd(body);
  Value newP;
  SmallVector<Value> newStates, newGlobals;
  for (const Stage &stage : stages) {
    RuleView view(stage.rule);
    IRMapping map;
    map.map(view.body->getArgument(0), p);
    map.map(view.body->getArgument(1), g);
    map.map(view.body->getArgument(2), t);
    if (view.usesLoss)
      map.map(view.body->getArgument(3), body->getArgument(3));
    unsigned stageLead = view.usesLoss ? 4 : 3;
    for (auto [i, nameAttr] : llvm::enumerate(view.hyperNames)) {
      BlockArgument arg = view.body->getArgument(stageLead + i);
      ScheduleOp schedule = view.scheduleOf(module, cast<StringAttr>(nameAttr).getValue());
      if (!schedule) {
        map.map(arg, body->getArgument(nextHyper++));
        continue;
      }
      // The schedule's value at t replaces the hyperparameter.
      Block &s = schedule.getBody().front();
      IRMapping inner;
      inner.map(s.getArgument(0), t);
      for (unsigned j = 1; j < s.getNumArguments(); ++j)
        inner.map(s.getArgument(j), body->getArgument(nextHyper++));
      for (Operation &op : s.without_terminator())
        b.clone(op, inner);
      map.map(arg, inner.lookupOrDefault(s.getTerminator()->getOperand(0)));
    }
    for (unsigned i = 0; i < view.stateNames.size(); ++i)
      map.map(view.body->getArgument(stageLead + view.hyperNames.size() + i),
              body->getArgument(nextState++));
    for (unsigned i = 0; i < view.globalNames.size(); ++i)
      map.map(view.body->getArgument(stageLead + view.hyperNames.size() +
                                     view.stateNames.size() + i),
              body->getArgument(nextGlobal++));
    for (Operation &op : view.body->without_terminator())
      b.clone(op, map);
    Operation *yield = view.body->getTerminator();
    Value first = map.lookupOrDefault(yield->getOperand(0));
    if (isa<TransformOp>(stage.rule))
      g = first;
    else
      newP = first;
    // After the last per_example stage, the batch reduction.
    bool nextPerExample = &stage != &stages.back() && (&stage + 1)->perExample;
    if (stage.perExample && !nextPerExample)
      g = ReduceExamplesOp::create(b, loc, g);
    unsigned numStates = view.stateNames.size();
    for (Value state : yield->getOperands().drop_front().take_front(numStates))
      newStates.push_back(map.lookupOrDefault(state));
    for (Value global : yield->getOperands().drop_front(1 + numStates))
      newGlobals.push_back(map.lookupOrDefault(global));
  }
  SmallVector<Value> results{newP};
  llvm::append_range(results, newStates);
  llvm::append_range(results, newGlobals);
  YieldOp::create(b, loc, results);
  return folded;
}

struct FoldUpdateRulesPass : gdc::impl::GDFoldUpdateRulesBase<FoldUpdateRulesPass> {
  /// The symbol of the one optimizer that does what `ref` does, or `ref`
  /// itself when there is nothing to fold or it cannot be folded (then
  /// gd-check-codegen reports what stops it). The folded rule takes the
  /// original's name.
  FlatSymbolRefAttr folded(ModuleOp module, FlatSymbolRefAttr ref) {
    Operation *wire = SymbolTable::lookupSymbolIn(module, ref);
    auto opt = dyn_cast_or_null<OptimizerOp>(wire);
    if (!wire || (opt && !opt.getSchedules()))
      return ref;
    auto stages = stagesOf(module, wire);
    if (failed(stages))
      return ref;
    std::string name = SymbolTable::getSymbolName(wire).str();
    SymbolTable(module).setSymbolName(wire, name + ".unfolded");
    return FlatSymbolRefAttr::get(fold(module, name, *stages, wire->getLoc()).getSymNameAttr());
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    for (TrainStepOp step : llvm::to_vector(module.getOps<TrainStepOp>())) {
      auto groups = dyn_cast_or_null<ParamGroupsOp>(
          SymbolTable::lookupSymbolIn(module, step.getOptimizerAttr()));
      if (!groups) {
        step.setOptimizerAttr(folded(module, step.getOptimizerAttr()));
        continue;
      }
      // Each group's rule folds on its own (once, if groups share it).
      llvm::DenseMap<Attribute, Attribute> done;
      SmallVector<Attribute> rules;
      for (Attribute rule : groups.getRules()) {
        auto ref = dyn_cast<FlatSymbolRefAttr>(rule);
        if (ref && !done.count(ref))
          done[ref] = folded(module, ref);
        rules.push_back(ref ? done[ref] : rule);
      }
      groups.setRulesAttr(ArrayAttr::get(module.getContext(), rules));
    }
    // Drop the rules, chains and schedules nothing refers to any more.
    bool erased = true;
    while (erased) {
      erased = false;
      for (Operation &op : llvm::make_early_inc_range(*module.getBody()))
        if (isa<ChainOp, TransformOp, ScheduleOp, OptimizerOp>(op) &&
            SymbolTable::symbolKnownUseEmpty(&op, module)) {
            op.erase();
            erased = true;
          }
    }
  }
};

} // namespace
