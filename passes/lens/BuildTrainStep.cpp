//===- BuildTrainStep.cpp - gd-build-train-step ----------------------------===//
//
// Composes the training step from lenses: forward maps left to right, the
// loss, backward maps right to left (the chain rule), then the optimizer as
// a reparametrisation of every parameter wire. The step works on the
// runtime's buffers (runtime/ModelABI.h): its arguments are memrefs that
// enter tensor land through `bufferization.to_tensor`, and it writes the
// updated parameters, states and globals into separate next buffers with
// `bufferization.materialize_in_destination`, which the runtime makes
// current after a finite step. Nothing the step reads is written, so
// bufferization may compute each update directly in its destination.
//
//===----------------------------------------------------------------------===//
#include "passes/Passes.h"
#include "passes/lens/PerExampleRules.h"
#include "passes/lens/RulePhases.h"
#include "passes/lens/StageLoops.h"
#include "passes/lens/StateShapes.h"
#include "passes/lens/StepBuilder.h"
#include "passes/lens/StepManifest.h"
#include "passes/lens/UpdatePlan.h"

#include "dialects/gd/ModelStructure.h"
#include "runtime/Manifest.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "llvm/ADT/BitVector.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

namespace gdc {
#define GEN_PASS_DEF_GDBUILDTRAINSTEP
#include "passes/Passes.h.inc"
} // namespace gdc

using namespace mlir;
using namespace gdc;
using namespace gdc::gd;
using namespace gdc::stepbuild;

namespace {

/// The largest parameter (elements per repetition) whose stack an
/// elementwise rule updates as one tensor; see the update below.
constexpr int64_t kMaxStackedUpdateElements = 1 << 16;

/// What a function buildTrainStep builds does: the training step, its
/// diagnosis, or the update of gradients the caller gives.
enum class StepKind { Train, Diagnose, Apply };

/// Whether every rule of `plan` can update gradients the caller computed:
/// none reads the loss, takes grad_at (both need the model and the batch)
/// or has a per-example part (which needs each example's gradient).
bool takesGivenGradients(const UpdatePlan &plan) {
  return llvm::all_of(plan.groups, [](const UpdateGroup &group) {
    OptimizerOp rule = group.rule;
    if (!rule)
      return true;
    bool gradAt = rule.getBody()
                      .walk([](GradAtOp) { return WalkResult::interrupt(); })
                      .wasInterrupted();
    return !rule.getUsesLoss() && !gradAt && !hasPerExamplePart(rule);
  });
}

LogicalResult buildTrainStep(ModuleOp module, TrainStepOp step, bool checkFinite,
                             unsigned minLoopRepeats, bool buildApply) {
  SmallVector<ModelInstance> model;
  Operation *root = SymbolTable::lookupSymbolIn(module, step.getModelAttr());
  if (failed(flattenModel(module, root, step.getModelName(), model)) || model.empty())
    return step.emitOpError("model '") << step.getModel() << "' has no lenses";
  auto loss = SymbolTable::lookupSymbolIn(module, step.getLossAttr());
  auto lossLens = cast<LensOp>(loss);
  SmallVector<std::string> paths;
  for (const ModelParameter &param : paramsOf(model))
    paths.push_back(param.path);
  auto plan = planUpdates(module, SymbolTable::lookupSymbolIn(module, step.getOptimizerAttr()),
                          paths);
  if (failed(plan))
    return failure();
  for (const ModelInstance &inst : model)
    if (!inst.lens.isDifferentiated())
      return inst.lens.emitOpError("must be differentiated (gd-reverse-mode) "
                                   "before building the train step");
  if (!lossLens.isDifferentiated())
    return lossLens.emitOpError("must be differentiated before building the "
                                "train step");

  Block &lossBlock = lossLens.getForward().front();
  Type xType = model.front().lens.getForward().front().getArgument(
      model.front().lens.getNumParams()).getType();
  Type yType = lossBlock.getArgument(1).getType();
  Type outType = model.back().lens.getForward().front().getTerminator()->getOperand(0).getType();
  auto scalar = RankedTensorType::get({}, Float32Type::get(module.getContext()));
  unsigned numStates = plan->stateNames.size();
  unsigned numHypers = plan->hyperNames.size();
  unsigned numGlobals = plan->globalNames.size();

  SmallVector<Type> paramTypes;
  for (const ModelInstance &inst : model)
    if (inst.owner < 0)
      for (unsigned i = 0; i < inst.lens.getNumParams(); ++i)
        paramTypes.push_back(paramType(inst.lens, i));
  // Each state slot's type: smaller than its parameter where the state is
  // the same along an axis (StateShapes.h). Decided on the whole rules.
  SmallVector<SmallVector<RankedTensorType>> slotTypes = stateSlotTypes(*plan, paramTypes);
  // With per_example transforms, gd-batch gave the lenses one copy of each
  // parameter per example, and the loss seeds each example's own gradient.
  bool perExampleGradients = model.front().lens->hasAttr(kPerExampleParamsAttr);
  // Runs of repeated stages, each applied as one loop (StageLoops.h).
  SmallVector<RepeatedStages> runs = findRepeatedStages(model, minLoopRepeats, perExampleGradients);
  bool meanLoss = step.getReduction() == "mean";
  // A group whose rule has a per-example part runs it on the per-example
  // gradients (PerExampleRules.h), then the rest: `group.rule` becomes the
  // rest, `perExampleRule` keeps the whole.
  buildApply &= !perExampleGradients && takesGivenGradients(*plan);
  SmallVector<OptimizerOp> perExampleRule(plan->groups.size());
  for (auto [group, whole] : llvm::zip(plan->groups, perExampleRule))
    if (group.rule && hasPerExamplePart(group.rule)) {
      whole = group.rule;
      group.rule = withoutPerExamplePart(group.rule);
    }

  OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
  Location loc = step.getLoc();

  // @gd_step(params, states, globals, hypers, t, seed, x, y, loss, status,
  // next params, next states, next globals); @gd_diagnose, the same step
  // with `site` added, which writes only `site` (gd-locate-non-finite fills
  // it in); and @gd_apply, the step's update of given gradients: `grads`
  // (one per parameter) in place of x, y and loss.
  auto statusType = MemRefType::get({}, b.getI32Type());
  auto seedType = RankedTensorType::get({}, b.getI64Type());
  StepBuilder sb(b, loc);
  auto buildStep = [&](StringRef name, StepKind kind) -> LogicalResult {
    bool diagnose = kind == StepKind::Diagnose, apply = kind == StepKind::Apply;
    b.setInsertionPointToEnd(module.getBody());
    SmallVector<Type> args;
    for (Type t : paramTypes)
      args.push_back(bufferType(t));
    for (ArrayRef<RankedTensorType> slots : slotTypes)
      for (RankedTensorType t : slots)
        args.push_back(bufferType(t));
    for (RankedTensorType type : plan->globalTypes)
      args.push_back(bufferType(type));
    for (unsigned h = 0; h < numHypers + 1; ++h)
      args.push_back(bufferType(scalar));
    args.push_back(bufferType(seedType));
    if (apply) {
      for (Type t : paramTypes)
        args.push_back(bufferType(t));
    } else {
      args.push_back(bufferType(xType));
      args.push_back(bufferType(yType));
      args.push_back(bufferType(scalar));
    }
    args.push_back(statusType);
    // The next params and states have the types of the leading ones.
    unsigned nextBase = args.size();
    for (unsigned i = 0; i < paramTypes.size() * (1 + numStates); ++i) {
      Type type = args[i];
      args.push_back(type);
    }
    for (RankedTensorType type : plan->globalTypes)
      args.push_back(bufferType(type));
    if (diagnose)
      args.push_back(statusType);
    auto stepFn = func::FuncOp::create(b, loc, name, b.getFunctionType(args, {}));
    if (diagnose)
      stepFn->setAttr(kDiagnoseAttr, b.getUnitAttr());
    Block *entry = stepFn.addEntryBlock();
    b.setInsertionPointToStart(entry);
    unsigned numParams = paramTypes.size();
    auto arg = [&](unsigned i) { return entry->getArgument(i); };

    SmallVector<SmallVector<Value>> params = sb.loadParams(model, entry->getArguments());
    unsigned globalBase = numParams * (1 + numStates);
    unsigned hyperBase = globalBase + numGlobals;
    SmallVector<Value> hypers;
    for (unsigned h = 0; h < numHypers; ++h)
      hypers.push_back(sb.load(arg(hyperBase + h)));
    Value t = sb.load(arg(hyperBase + numHypers));
    sb.setContext(sb.load(arg(hyperBase + numHypers + 1)), t, /*training=*/true);
    unsigned inputBase = hyperBase + numHypers + 2;
    Value x, y, lossBuffer, statusBuffer;
    if (apply) {
      statusBuffer = arg(inputBase + numParams);
    } else {
      x = sb.load(arg(inputBase));
      y = sb.load(arg(inputBase + 1));
      lossBuffer = arg(inputBase + 2);
      statusBuffer = arg(inputBase + 3);
    }

    // The batch's reduced loss and the gradients of the owned parameters (in
    // the step's flat order) at `params`: the forward maps, the loss, then
    // the backward maps right to left. Run once, and again at each point an
    // update rule's grad_at asks for.
    auto lossRef = FlatSymbolRefAttr::get(lossLens.getSymNameAttr());
    Type perExampleLoss = lossBlock.getTerminator()->getOperand(0).getType();
    auto lossInstance = b.getI64IntegerAttr(model.size());
    // The loops of the first differentiation's runs, whose stacks the
    // update of an elementwise rule takes as they are (below).
    SmallVector<std::unique_ptr<StageLoop>> stepLoops;
    auto differentiate = [&](ArrayRef<SmallVector<Value>> unbatchedParams, Value &loss)
        -> FailureOr<SmallVector<Value>> {
      SmallVector<SmallVector<Value>> params = sb.perExampleCopies(unbatchedParams, x,
                                                                  perExampleGradients);
      StepBuilder::ForwardPass pass = sb.forward(model, runs, params, x, /*saveInputs=*/true);
      SmallVector<Value> &wires = pass.wires;
      Value losses = ApplyForwardOp::create(b, sb.mapLoc("the forward map of the loss"),
                                            perExampleLoss, lossRef,
                                            ValueRange{wires.back(), y}, sb.context, lossInstance);
      SmallVector<int64_t> batchAxis{0};
      Location reduceLoc =
          sb.mapLoc("the " + step.getReduction().str() + " of the loss over the batch");
      Operation *reduction =
          step.getReduction() == "mean"
              ? ReduceMeanOp::create(b, reduceLoc, losses, batchAxis).getOperation()
              : ReduceSumOp::create(b, reduceLoc, losses, batchAxis).getOperation();
      loss = reduction->getResult(0);
      // The reduction's own reverse rule seeds the chain with d(loss) = 1.
      Value one = scalarConstant(b, loc, b.getF32Type(), 1.0);
      SmallVector<Value> dLosses;
      if (perExampleGradients)
        dLosses.push_back(FullLikeOp::create(b, loc, losses, b.getF64FloatAttr(1.0)));
      else if (failed(cast<ReverseDerivativeOpInterface>(reduction)
                          .buildReverse(b, one, dLosses)))
        return failure();
      Value cot = ApplyBackwardOp::create(b, sb.mapLoc("the backward map of the loss"),
                                          TypeRange{wires.back().getType()}, lossRef,
                                          ValueRange{wires.back(), y, dLosses[0]}, sb.context,
                                          lossInstance)
                      .getResult(0);
      SmallVector<SmallVector<Value>> grads(model.size());
      auto loop = pass.loops.rbegin();
      for (int64_t i = model.size() - 1; i >= 0; --i) {
        if (loop != pass.loops.rend() && (*loop)->end() == i + 1) {
          cot = (*loop)->backward(cot, grads);
          i = (*loop)->first();
          ++loop;
          continue;
        }
        SmallVector<Value> bargs(params[i]);
        bargs.push_back(wires[i]);
        bargs.push_back(cot);
        SmallVector<Type> resultTypes;
        for (Value p : params[i])
          resultTypes.push_back(p.getType());
        resultTypes.push_back(wires[i].getType());
        auto back = ApplyBackwardOp::create(
            b, sb.mapLoc("the backward map of " + model[i].path), resultTypes,
            FlatSymbolRefAttr::get(model[i].lens.getSymNameAttr()), bargs,
            sb.context, b.getI64IntegerAttr(i));
        llvm::append_range(grads[i], back.getResults().drop_back());
        cot = back.getResults().back();
      }
      // A shared instance's gradient is the sum over its uses.
      for (size_t i = 0; i < model.size(); ++i)
        if (model[i].owner >= 0)
          for (auto [total, g] : llvm::zip(grads[model[i].owner], grads[i]))
            total = AddOp::create(b, loc, total, g);
      SmallVector<Value> flatGrads;
      for (auto [inst, gs] : llvm::zip(model, grads))
        if (inst.owner < 0)
          llvm::append_range(flatGrads, gs);
      if (stepLoops.empty())
        stepLoops = std::move(pass.loops);
      return flatGrads;
  };
  // The batch's gradient: per-example ones reduced as the loss is.
  auto overBatch = [&](ArrayRef<Value> grads) {
    SmallVector<Value> reduced(grads);
    if (perExampleGradients)
      for (Value &g : reduced)
        g = meanLoss ? ReduceMeanOp::create(b, loc, g, ArrayRef<int64_t>{0}).getResult()
                     : ReduceSumOp::create(b, loc, g, ArrayRef<int64_t>{0}).getResult();
    return reduced;
  };
  // The batch's loss and gradients; given, the gradients alone (no rule
  // that reads the loss can take them: takesGivenGradients).
  Value batchLoss;
  FailureOr<SmallVector<Value>> exampleGrads;
  if (apply) {
    exampleGrads.emplace();
    for (unsigned i = 0; i < numParams; ++i)
      exampleGrads->push_back(sb.load(arg(inputBase + i)));
    batchLoss = ConstantOp::create(b, loc, DenseElementsAttr::get(scalar, 0.0f));
  } else {
    exampleGrads = differentiate(params, batchLoss);
  }
  if (failed(exampleGrads))
    return failure();
  SmallVector<Value> flatGrads = overBatch(*exampleGrads);
  // grad_at(point): the same batch's gradient with every owned parameter
  // moved to its point (shared uses follow their owner).
  auto gradientAt = [&](ArrayRef<Value> points) -> FailureOr<SmallVector<Value>> {
    Value unused;
    auto grads = differentiate(perInstance(model, points), unused);
    if (failed(grads))
      return failure();
    return overBatch(*grads);
  };

  // Each group's rule reparametrises its parameters' wires (in phases when
  // its body reads `loss` or has barriers; see RulePhases.cpp). A frozen
  // group's parameters and a rule's unused state slots are left as they are.
  SmallVector<Value> flatParams;
  for (auto [inst, ps] : llvm::zip(model, params))
    if (inst.owner < 0)
      llvm::append_range(flatParams, ps);
  // The stacked parameters of each loop's runs: position q's parameter r,
  // the flat indices of its repetitions.
  struct Stack {
    StageLoop *loop;
    unsigned q, r;
    SmallVector<unsigned> tensors;
  };
  SmallVector<Stack> stacks;
  {
    SmallVector<unsigned> firstParam; // per instance, its first flat index
    unsigned nextParam = 0;
    for (const ModelInstance &inst : model) {
      firstParam.push_back(nextParam);
      if (inst.owner < 0)
        nextParam += inst.lens.getNumParams();
    }
    for (const std::unique_ptr<StageLoop> &loop : stepLoops) {
      const RepeatedStages &run = loop->stages();
      for (unsigned q = 0; q < run.period; ++q)
        for (unsigned r = 0; r < model[run.first + q].lens.getNumParams(); ++r) {
          Stack &stack = stacks.emplace_back(Stack{loop.get(), q, r, {}});
          for (unsigned j = 0; j < run.count; ++j)
            stack.tensors.push_back(firstParam[run.first + j * run.period + q] + r);
        }
    }
  }
  struct GroupUpdate {
    UpdateGroup *group;
    SmallVector<RuleInputs> tensors;
    /// Per entry of `tensors`: the flat indices it updates (several for a
    /// stack of repeated stages' parameters).
    SmallVector<SmallVector<unsigned, 1>, 0> targets;
    SmallVector<Value> globals;
    std::unique_ptr<RuleApplication> rule;
  };
  SmallVector<GroupUpdate> updates;
  for (auto [groupIndex, group] : llvm::enumerate(plan->groups)) {
    OptimizerOp whole = perExampleRule[groupIndex];
    if (!group.rule || group.tensors.empty())
      continue;
    GroupUpdate &u = updates.emplace_back();
    u.group = &group;
    unsigned ruleStates = group.rule.getStateNames().size();
    bool ascend = group.ascend;
    auto seen = [&](Value g) { return ascend ? NegOp::create(b, loc, g).getResult() : g; };
    SmallVector<Value> groupGrads;
    for (unsigned i : group.tensors)
      groupGrads.push_back(seen(whole ? (*exampleGrads)[i] : flatGrads[i]));
    if (whole) {
      SmallVector<Value> groupParams;
      for (unsigned i : group.tensors)
        groupParams.push_back(flatParams[i]);
      auto reduced = reducePerExample(
          b, loc, whole, groupParams, groupGrads, t,
          ValueRange(hypers).slice(group.firstHyper, whole.getHyperNames().size()), meanLoss);
      if (failed(reduced))
        return failure();
      groupGrads = std::move(*reduced);
    }
    // An elementwise rule updates a stack of repeated stages' small
    // parameters as one tensor: one loop, whatever the number of
    // repetitions. A large parameter is updated on its own, reading and
    // writing its buffers directly: a stack's update would copy the states
    // into the stack and every slice out again, twice the traffic of
    // Adam's own update (a block of 512x512 layers trained 30% slower).
    llvm::SmallDenseSet<unsigned> inGroup(group.tensors.begin(), group.tensors.end());
    llvm::SmallDenseSet<unsigned> stacked;
    if (!whole && isElementwise(group.rule))
      for (const Stack &stack : stacks) {
        unsigned first = stack.tensors.front();
        if (cast<RankedTensorType>(paramTypes[first]).getNumElements() >
                kMaxStackedUpdateElements ||
            !llvm::all_of(stack.tensors, [&](unsigned i) { return inGroup.contains(i); }) ||
            !llvm::all_of(slotTypes[first], [&](Type t) { return t == paramTypes[first]; }))
          continue;
        RuleInputs in{stack.loop->stackedParam(stack.q, stack.r),
                      seen(stack.loop->stackedGrad(stack.q, stack.r)),
                      {},
                      stack.tensors.front(),
                      oneOf(paths[stack.tensors.front()], paths[stack.tensors.back()])};
        for (unsigned s = 0; s < ruleStates; ++s) {
          SmallVector<Value> states;
          for (unsigned i : stack.tensors)
            states.push_back(sb.load(arg(numParams + i * numStates + s)));
          in.states.push_back(stackValues(b, loc, states));
        }
        u.tensors.push_back(std::move(in));
        u.targets.emplace_back(stack.tensors.begin(), stack.tensors.end());
        stacked.insert(stack.tensors.begin(), stack.tensors.end());
      }
    for (auto [i, g] : llvm::zip(group.tensors, groupGrads)) {
      if (stacked.contains(i))
        continue;
      RuleInputs in{flatParams[i], g, {}, i, paths[i]};
      for (unsigned s = 0; s < ruleStates; ++s)
        in.states.push_back(sb.load(arg(numParams + i * numStates + s)));
      u.tensors.push_back(std::move(in));
      u.targets.push_back({i});
    }
    for (unsigned g = 0; g < group.rule.getGlobalStateNames().size(); ++g)
      u.globals.push_back(sb.load(arg(globalBase + group.firstGlobal + g)));
  }
  bool shapesFit = true;
  for (GroupUpdate &u : updates) {
    ValueRange groupHypers =
        ValueRange(hypers).slice(u.group->firstHyper, u.group->rule.getHyperNames().size());
    u.rule = std::make_unique<RuleApplication>(b, loc, u.group->rule, u.tensors, t, groupHypers,
                                               u.globals, batchLoss, sb.context[0]);
    shapesFit &= succeeded(u.rule->checkShapes()); // every group's misfits, then stop
  }
  if (!shapesFit)
    return failure();
  // grad_at is a gradient of the whole model: in each round, every rule
  // with a grad_at left gives its tensors' points, the other parameters
  // stay where they are, and one backward pass at that point answers all
  // of them (so extragradient on a game moves every player at once, as
  // Korpelevich's method does). An ascending group sees the negated
  // gradient, as for g.
  while (true) {
    SmallVector<Value> point(flatParams);
    SmallVector<GroupUpdate *> asking;
    for (GroupUpdate &u : updates) {
      auto points = u.rule->nextGradAtPoints();
      if (!points)
        continue;
      // (A rule with grad_at is not elementwise: no entry is a stack.)
      for (auto [targets, p] : llvm::zip(u.targets, *points))
        point[targets.front()] = p;
      asking.push_back(&u);
    }
    if (asking.empty())
      break;
    auto grads = gradientAt(point);
    if (failed(grads))
      return failure();
    for (GroupUpdate *u : asking) {
      SmallVector<Value> mine;
      for (ArrayRef<unsigned> targets : u->targets) {
        Value g = (*grads)[targets.front()];
        mine.push_back(u->group->ascend ? NegOp::create(b, loc, g).getResult() : g);
      }
      u->rule->provideGradients(mine);
    }
  }
  // What the step checks: the loss, the global states and the updated
  // parameters. Each update computes its parameter as NaN where its
  // gradient or a new state is not finite (kPoisonAttr), so that checking
  // the parameters checks those too, in the loop that reads them anyway: a
  // separate pass over every gradient and state would cost a few percent of
  // the step in memory traffic.
  SmallVector<Value> checked;
  if (!apply)
    checked.push_back(batchLoss);
  // The diagnosis writes nothing but `site`; every value stays for the checks.
  auto writeNext = [&](Value tensor, unsigned buffer) {
    if (!diagnose)
      sb.write(tensor, arg(nextBase + buffer));
  };
  llvm::BitVector paramWritten(numParams), globalWritten(numGlobals);
  for (GroupUpdate &u : updates) {
    SmallVector<Value> newGlobals;
    SmallVector<RuleResult> applied = u.rule->finish(newGlobals);
    for (auto [g, value] : llvm::enumerate(newGlobals)) {
      writeNext(value, globalBase + u.group->firstGlobal + g);
      globalWritten.set(u.group->firstGlobal + g);
      checked.push_back(value);
    }
    unsigned ruleStates = u.group->rule.getStateNames().size();
    for (auto [in, indices, result] : llvm::zip(u.tensors, u.targets, applied)) {
      ArrayRef<unsigned> targets = indices;
      ApplyOptimizerOp update = result.update;
      // Where the rule is defined, and which parameter this updates.
      update->setLoc(b.getFusedLoc(
          {u.group->rule.getLoc(), sb.mapLoc("the update of " + in.path)}));
      checked.push_back(update.getNewParam());
      if (!diagnose && checkFinite)
        update->setAttr(kPoisonNonFiniteAttr, b.getUnitAttr());
      // A stack's update goes to each repetition's buffers.
      auto part = [&](Value value, unsigned j) {
        return targets.size() == 1 ? value : sliceAt(b, loc, value, b.getIndexAttr(j));
      };
      for (auto [j, i] : llvm::enumerate(targets)) {
        writeNext(part(update.getNewParam(), j), i);
        paramWritten.set(i);
        for (unsigned s = 0; s < ruleStates; ++s)
          writeNext(part(result.newStates[s], j), numParams + i * numStates + s);
      }
      // A state kept smaller is computed apart from the update, which
      // checks the others (kPoisonNonFiniteAttr).
      for (auto [s, state] : llvm::enumerate(result.newStates))
        if (s < ruleStates && state != update.getNewStates()[s])
          checked.push_back(state);
    }
  }
  // A frozen parameter, and a global no rule updates, carry over unchanged.
  // (A dead state slot is neither read nor written.)
  for (unsigned i = 0; i < numParams; ++i)
    if (!paramWritten.test(i))
      writeNext(flatParams[i], i);
  for (unsigned g = 0; g < numGlobals; ++g)
    if (!globalWritten.test(g))
      writeNext(sb.load(arg(globalBase + g)), globalBase + g);
  if (!diagnose) {
    // A step with a NaN or an infinity in what it checks says so in its
    // status; the runtime then keeps the current values and ignores the
    // next ones.
    Value finite = checkFinite ? AllFiniteOp::create(b, loc, checked).getResult()
                               : ConstantOp::create(b, loc,
                                                    DenseElementsAttr::get(
                                                        RankedTensorType::get({}, b.getI1Type()),
                                                        true))
                                     .getResult();
    if (!apply)
      sb.write(batchLoss, lossBuffer);
    Value flag = tensor::ExtractOp::create(b, loc, finite, ValueRange{});
    Value status = arith::SelectOp::create(b, loc, flag, i32Constant(b, loc, 0),
                                           i32Constant(b, loc, 1));
    sb.write(tensor::FromElementsOp::create(b, loc, RankedTensorType::get({}, b.getI32Type()),
                                            ValueRange{status}),
             statusBuffer);
  }
  func::ReturnOp::create(b, loc);
  return success();
  };
  if (failed(buildStep("gd_step", StepKind::Train)))
    return failure();
  if (buildApply && failed(buildStep("gd_apply", StepKind::Apply)))
    return failure();

  // The evaluation functions: @name(params, x, extra...) running the
  // model's forward maps deterministically (random layers see `training`
  // false; any draw left comes from a fixed seed and t = 0). Returns the
  // entry block and the model's output.
  unsigned next = paramTypes.size();
  auto evaluation = [&](StringRef name, ArrayRef<Type> extra) -> std::pair<Block *, Value> {
    b.setInsertionPointToEnd(module.getBody());
    SmallVector<Type> args;
    for (Type t : paramTypes)
      args.push_back(bufferType(t));
    args.push_back(bufferType(xType));
    for (Type t : extra)
      args.push_back(bufferType(t));
    auto fn = func::FuncOp::create(b, loc, name, b.getFunctionType(args, {}));
    Block *entry = fn.addEntryBlock();
    b.setInsertionPointToStart(entry);
    SmallVector<SmallVector<Value>> params = sb.loadParams(model, entry->getArguments());
    sb.setContext(ConstantOp::create(b, loc, DenseElementsAttr::get(seedType, int64_t(0))),
                  ConstantOp::create(b, loc, DenseElementsAttr::get(scalar, 0.0f)),
                  /*training=*/false);
    Value x = sb.load(entry->getArgument(next));
    StepBuilder::ForwardPass pass =
        sb.forward(model, runs, sb.perExampleCopies(params, x, perExampleGradients), x,
                   /*saveInputs=*/false);
    return {entry, pass.wires.back()};
  };

  // @gd_eval(params, x, out): the model's forward map alone.
  auto [evalEntry, evalOutput] = evaluation("gd_eval", {outType});
  sb.write(evalOutput, evalEntry->getArgument(next + 1));
  func::ReturnOp::create(b, loc);

  // @gd_loss(params, x, y, losses): each example's loss as evaluation sees
  // it, for the runtime's held-out loss.
  Type perExampleLossType = lossBlock.getTerminator()->getOperand(0).getType();
  auto [lossEntry, lossInput] = evaluation("gd_loss", {yType, perExampleLossType});
  Value heldOut = ApplyForwardOp::create(
      b, sb.mapLoc("the forward map of the loss"), perExampleLossType,
      FlatSymbolRefAttr::get(lossLens.getSymNameAttr()),
      ValueRange{lossInput, sb.load(lossEntry->getArgument(next + 1))}, sb.context,
      b.getI64IntegerAttr(model.size()));
  sb.write(heldOut, lossEntry->getArgument(next + 2));
  func::ReturnOp::create(b, loc);

  if (failed(buildStep("gd_diagnose", StepKind::Diagnose)))
    return failure();

  // The manifest, a NUL-terminated string the runtime reads.
  FailureOr<gdrt::Manifest> manifestSpec = buildManifest(step, model, lossLens, *plan, slotTypes);
  if (failed(manifestSpec))
    return failure();
  std::string manifest = gdrt::formatManifest(*manifestSpec);
  manifest.push_back('\0');
  b.setInsertionPointToEnd(module.getBody());
  auto i8 = IntegerType::get(module.getContext(), 8);
  LLVM::GlobalOp::create(b, loc, LLVM::LLVMArrayType::get(i8, manifest.size()),
                         /*isConstant=*/true, LLVM::Linkage::External,
                         "gd_model_manifest", b.getStringAttr(manifest));
  return success();
}

} // namespace

namespace {

struct BuildTrainStepPass : gdc::impl::GDBuildTrainStepBase<BuildTrainStepPass> {
  using GDBuildTrainStepBase::GDBuildTrainStepBase;
  void runOnOperation() override {
    SmallVector<TrainStepOp> steps(getOperation().getOps<TrainStepOp>());
    if (steps.size() != 1) {
      getOperation().emitError("expected exactly one train block, found ")
          << steps.size();
      return signalPassFailure();
    }
    if (failed(buildTrainStep(getOperation(), steps.front(), checkFinite, minLoopRepeats,
                                 buildApply)))
      signalPassFailure();
  }
};

} // namespace
