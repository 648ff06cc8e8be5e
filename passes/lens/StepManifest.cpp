//===- StepManifest.cpp - The manifest of a train step ---------------------===//
#include "passes/lens/StepManifest.h"

#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace gdc;
using namespace gdc::gd;

namespace {

/// A per-example type's element type and shape (a batched type's leading
/// ? dropped), as the manifest holds them.
void perExample(Type type, bool dropBatch, std::string &element, gdrt::Shape &shape) {
  auto t = cast<RankedTensorType>(type);
  llvm::raw_string_ostream os(element);
  os << t.getElementType();
  auto dims = t.getShape().drop_front(dropBatch ? 1 : 0);
  shape.assign(dims.begin(), dims.end());
}

} // namespace

/// The manifest tells the runtime everything it needs about the model;
/// runtime/Manifest.h has the struct, and formatManifest writes its text.
FailureOr<gdrt::Manifest>
gdc::buildManifest(TrainStepOp step, ArrayRef<ModelInstance> model, LensOp loss,
                   const UpdatePlan &plan, ArrayRef<SmallVector<RankedTensorType>> slotTypes) {
  gdrt::Manifest m;
  m.version = 1;
  Block &first = model.front().lens.getForward().front();
  Block &last = model.back().lens.getForward().front();
  perExample(first.getArgument(model.front().lens.getNumParams()).getType(), true, m.inputType,
             m.inputShape);
  perExample(loss.getForward().front().getArgument(1).getType(), true, m.labelType,
             m.labelShape);
  perExample(last.getTerminator()->getOperand(0).getType(), true, m.outputType, m.outputShape);
  for (const ModelParameter &param : paramsOf(model)) {
    gdrt::ParamSpec spec;
    spec.path = param.path;
    spec.shape.assign(param.type.getShape().begin(), param.type.getShape().end());
    std::string error;
    if (!gdrt::parseInit(param.init, spec.init, error))
      return step.emitError("internal error, please report: parameter '")
             << param.path << "': " << error;
    m.params.push_back(std::move(spec));
  }
  m.states.assign(plan.stateNames.begin(), plan.stateNames.end());
  // Each parameter's own rule names the slots it uses; a frozen one none.
  for (const UpdateGroup &group : plan.groups)
    for (unsigned tensor : group.tensors) {
      if (tensor >= m.params.size() || m.states.empty())
        continue;
      gdrt::ParamSpec &spec = m.params[tensor];
      spec.slotsKnown = true;
      if (OptimizerOp rule = group.rule)
        for (auto [s, name] : llvm::enumerate(rule.getStateNames())) {
          spec.slots.push_back(cast<StringAttr>(name).str());
          ArrayRef<int64_t> shape = slotTypes[tensor][s].getShape();
          spec.slotShapes.emplace_back(shape.begin(), shape.end());
        }
    }
  for (auto [name, init, type] : llvm::zip(plan.globalNames, plan.globalInits, plan.globalTypes))
    m.globals.push_back({name, static_cast<float>(init),
                         std::vector<int64_t>(type.getShape().begin(), type.getShape().end())});
  for (auto [name, value] : llvm::zip(plan.hyperNames, plan.hyperDefaults))
    m.hypers.push_back({name, static_cast<float>(value)});
  for (const RuleConstant &c : plan.constants)
    m.constants.push_back({c.name, c.value, c.isF64});
  DictionaryAttr config = step.getConfig();
  if (auto v = config.getAs<IntegerAttr>("batch"))
    m.defaultBatch = v.getInt();
  if (auto v = config.getAs<IntegerAttr>("epochs"))
    m.defaultEpochs = v.getInt();
  if (auto v = config.getAs<IntegerAttr>("seed"))
    m.defaultSeed = static_cast<uint64_t>(v.getInt());
  for (StringRef split : {"train", "test"}) {
    auto data = config.getAs<DictionaryAttr>(split);
    if (!data)
      continue;
    auto text = [&](StringRef key) { return data.getAs<StringAttr>(key).str(); };
    auto integer = [&](StringRef key) { return data.getAs<IntegerAttr>(key).getInt(); };
    gdrt::DataSpec spec;
    spec.split = split.str();
    spec.format = text("format");
    spec.scale = static_cast<float>(data.getAs<FloatAttr>("scale").getValueAsDouble());
    if (spec.format == "idx") {
      spec.imagesPath = text("images");
      spec.labelsPath = text("labels");
    } else if (spec.format == "csv") {
      spec.imagesPath = text("path");
      spec.labelColumn = text("label");
    } else if (spec.format == "npy") {
      spec.imagesPath = text("x");
      spec.labelsPath = text("y");
    } else if (spec.format == "text") {
      spec.imagesPath = text("path");
      spec.features = integer("context");
    } else {
      spec.count = integer("n");
      spec.features = integer("features");
      spec.classes = integer("classes");
      spec.seed = static_cast<uint64_t>(integer("seed"));
    }
    m.data.push_back(std::move(spec));
  }
  if (auto valid = config.getAs<FloatAttr>("valid"))
    m.validFraction = valid.getValueAsDouble();
  if (auto dir = config.getAs<StringAttr>("source_dir"))
    m.sourceDir = dir.str();
  return m;
}

