//===- ModelStructure.cpp - A model's lens instances and parameter paths --===//
#include "dialects/gd/ModelStructure.h"

using namespace mlir;
using namespace gdc;
using namespace gdc::gd;

int gdc::gd::ownerOf(ArrayRef<ModelInstance> model, int i) {
  return model[i].owner < 0 ? i : model[i].owner;
}

LogicalResult gdc::gd::flattenModel(ModuleOp module, Operation *node, StringRef path,
                                    SmallVectorImpl<ModelInstance> &out) {
  if (auto lens = dyn_cast<LensOp>(node)) {
    out.push_back({lens, path.str()});
    return success();
  }
  auto compose = dyn_cast_or_null<ComposeOp>(node);
  if (!compose)
    return failure();
  std::optional<ArrayAttr> shares = compose.getShares();
  for (auto [i, ref] : llvm::enumerate(compose.getStages())) {
    Operation *child = SymbolTable::lookupSymbolIn(module, cast<FlatSymbolRefAttr>(ref));
    if (!child || !isa<LensOp, ComposeOp>(child))
      return compose.emitOpError("stage ") << i << " (" << ref
                                           << ") is not a lens or composition";
    size_t first = out.size();
    if (failed(flattenModel(module, child, (path + "." + Twine(i)).str(), out)))
      return failure();
    StringRef target = shares ? cast<StringAttr>((*shares)[i]).getValue() : "";
    if (target.empty())
      continue;
    // The stage is the instance at `target`: its lenses map in order onto
    // the lenses placed there.
    SmallVector<int> targets;
    for (size_t j = 0; j < first; ++j)
      if (out[j].path == target || StringRef(out[j].path).starts_with((target + ".").str()))
        targets.push_back(j);
    if (targets.size() != out.size() - first)
      return compose.emitOpError("stage ")
             << i << " shares '" << target << "', which has " << targets.size()
             << " lenses where the stage has " << out.size() - first;
    for (auto [k, j] : llvm::enumerate(targets)) {
      ModelInstance &use = out[first + k];
      int owner = ownerOf(out, j);
      auto paramTypes = [](LensOp lens) {
        SmallVector<Type> types;
        for (unsigned i = 0; i < lens.getNumParams(); ++i)
          types.push_back(paramType(lens, i));
        return types;
      };
      if (paramTypes(use.lens) != paramTypes(out[owner].lens))
        return compose.emitOpError("stage ")
               << i << " shares '" << target << "', whose parameters have other types";
      use.owner = owner;
    }
  }
  return success();
}

SmallVector<ModelParameter> gdc::gd::paramsOf(ArrayRef<ModelInstance> model) {
  SmallVector<ModelParameter> params;
  for (const ModelInstance &inst : model) {
    if (inst.owner >= 0)
      continue;
    for (auto [i, name] : llvm::enumerate(inst.lens.getParamNames()))
      params.push_back(
          {inst.path + "." + cast<StringAttr>(name).getValue().str(),
           paramType(inst.lens, i),
           cast<StringAttr>(inst.lens.getParamInits()[i]).getValue().str()});
  }
  return params;
}

FailureOr<SmallVector<ModelParameter>> gdc::gd::collectParameters(ModuleOp module,
                                                             TrainStepOp step) {
  return collectParameters(module, step.getModelAttr(), step.getModelName());
}

FailureOr<SmallVector<ModelParameter>>
gdc::gd::collectParameters(ModuleOp module, FlatSymbolRefAttr modelRef, StringRef name) {
  SmallVector<ModelInstance> model;
  Operation *root = SymbolTable::lookupSymbolIn(module, modelRef);
  if (failed(flattenModel(module, root, name, model)))
    return failure();
  return paramsOf(model);
}

RankedTensorType gdc::gd::paramType(LensOp lens, unsigned i) {
  auto type = cast<RankedTensorType>(lens.getForward().front().getArgument(i).getType());
  if (!lens->hasAttr(kPerExampleParamsAttr))
    return type;
  return RankedTensorType::get(type.getShape().drop_front(), type.getElementType());
}

bool gdc::gd::trainsPerExample(ModuleOp module, TrainStepOp step) {
  SmallVector<Attribute> rules;
  Operation *wire = SymbolTable::lookupSymbolIn(module, step.getOptimizerAttr());
  if (auto groups = dyn_cast_or_null<ParamGroupsOp>(wire))
    llvm::append_range(rules, groups.getRules());
  else
    rules.push_back(step.getOptimizerAttr());
  return llvm::any_of(rules, [&](Attribute rule) {
    auto ref = dyn_cast<FlatSymbolRefAttr>(rule);
    auto opt = ref ? dyn_cast_or_null<OptimizerOp>(SymbolTable::lookupSymbolIn(module, ref))
                   : OptimizerOp();
    if (!opt)
      return false;
    return opt.getBody().walk([](ReduceExamplesOp) { return WalkResult::interrupt(); })
        .wasInterrupted();
  });
}
