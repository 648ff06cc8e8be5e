//===- ModelState.cpp - A compiled model's state between steps ------------===//
#include "ModelState.h"

#include "FloatMode.h"
#include "Init.h"

#include <cmath>
#include <cstdio>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <map>
#include <unistd.h>

namespace gdrt {

/// Physical memory in bytes (0 if unknown).
static double physicalMemoryBytes() {
  long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGE_SIZE);
  return pages > 0 && size > 0 ? double(pages) * double(size) : 0.0;
}

void keepStepBuffersOnHeap() {
#ifdef __GLIBC__
  mallopt(M_MMAP_THRESHOLD, 1 << 30);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
#endif
}

bool ModelState::fits(std::string &error) const {
  // In double: an int64 product of many dimensions could wrap around to a
  // size that looks small.
  double floats = 0;
  auto elements = [](const Shape &shape) {
    double n = 1;
    for (int64_t dim : shape)
      n *= double(dim);
    return n;
  };
  for (const ParamSpec &spec : manifest->params) {
    // Twice: the step writes the next values beside the current ones.
    floats += 2 * elements(spec.shape);
    for (size_t s = 0; s < manifest->states.size(); ++s)
      floats += 2 * elements(spec.slotShape(s));
  }
  double needed = floats * sizeof(float), available = physicalMemoryBytes();
  if (available > 0 && needed > available) {
    char message[256];
    snprintf(message, sizeof(message),
             "the model's parameters and optimizer state need %.1f GB (the "
             "current values and the next step's), more than this machine's "
             "%.1f GB of memory",
             needed / 1e9, available / 1e9);
    error = message;
    return false;
  }
  return true;
}

void ModelState::initialize(uint64_t runSeed) {
  const size_t numParams = manifest->params.size();
  const size_t numStates = manifest->states.size();
  params.assign(numParams, {});
  states.assign(numParams * numStates, {});
  for (size_t p = 0; p < numParams; ++p) {
    const ParamSpec &spec = manifest->params[p];
    int64_t count = shapeElementCount(spec.shape);
    params[p].resize(static_cast<size_t>(count));
    initializeParam(spec.init, params[p].data(), count, runSeed, p);
    for (size_t s = 0; s < numStates; ++s)
      states[p * numStates + s].assign(static_cast<size_t>(shapeElementCount(spec.slotShape(s))),
                                       0.0f);
  }
  globals.clear();
  for (const GlobalSpec &global : manifest->globals)
    globals.emplace_back(static_cast<size_t>(shapeElementCount(global.shape)),
                         global.defaultValue);
  hypers.clear();
  for (const HyperSpec &hyper : manifest->hypers)
    hypers.push_back(hyper.defaultValue);
  steps = 0;
  seed = static_cast<int64_t>(runSeed);
  // Copies, so that a slot a rule never writes (a dead state slot) holds
  // the same values in both.
  nextParams = params;
  nextStates = states;
  nextGlobals = globals;
  bindStepArguments();
}

/// Appends a pointer to each of `tensors`' data to `args`.
static void appendData(std::vector<void *> &args, std::vector<StepBuffer> &tensors) {
  for (StepBuffer &tensor : tensors)
    args.push_back(tensor.data());
}

void ModelState::bindStepArguments() {
  // The argument vector of ModelABI.h: params, states, globals, hypers, t,
  // seed, x, y, loss, status, then the next params, states and globals.
  stepArgs.clear();
  appendData(stepArgs, params);
  appendData(stepArgs, states);
  appendData(stepArgs, globals);
  for (float &hyper : hypers)
    stepArgs.push_back(&hyper);
  stepArgs.push_back(&stepNumber);
  stepArgs.push_back(&seed);
  xSlot = stepArgs.size();
  stepArgs.push_back(nullptr); // x
  stepArgs.push_back(nullptr); // y
  stepArgs.push_back(&loss);
  stepArgs.push_back(&status);
  appendData(stepArgs, nextParams);
  appendData(stepArgs, nextStates);
  appendData(stepArgs, nextGlobals);
}

bool ModelState::loadParameters(const std::string &path, std::string &error) {
  std::vector<NamedTensor> tensors;
  std::map<std::string, std::string> metadata;
  if (!readSafetensors(path, tensors, metadata, error))
    return false;
  // A full checkpoint's optimizer state is not for --init.
  bool checkpoint = isCheckpoint(metadata);
  std::map<std::string, const NamedTensor *> byName;
  for (const NamedTensor &tensor : tensors)
    if (!checkpoint || tensor.name.find('/') == std::string::npos)
      byName[tensor.name] = &tensor;
  // Checked whole before anything is replaced, so a bad file changes nothing.
  std::vector<const NamedTensor *> found(manifest->params.size());
  for (size_t p = 0; p < manifest->params.size(); ++p) {
    const ParamSpec &spec = manifest->params[p];
    auto it = byName.find(spec.path);
    if (it == byName.end()) {
      error = path + ": no tensor for parameter '" + spec.path + "' (shape " +
              formatShape(spec.shape) + ")";
      return false;
    }
    const NamedTensor &tensor = *it->second;
    if (tensor.shape != spec.shape) {
      error = path + ": parameter '" + spec.path + "' has shape " +
              formatShape(tensor.shape) + " in the file but " +
              formatShape(spec.shape) + " in the model";
      return false;
    }
    found[p] = &tensor;
    byName.erase(it);
  }
  if (!byName.empty()) {
    std::string names;
    for (const auto &entry : byName)
      names += (names.empty() ? "'" : ", '") + entry.first + "'";
    error = path + ": tensors that are no parameter of this model: " + names;
    return false;
  }
  // Copied into the existing buffers: the step's arguments point at them.
  for (size_t p = 0; p < found.size(); ++p)
    std::copy(found[p]->data.begin(), found[p]->data.end(), params[p].begin());
  return true;
}

bool ModelState::saveParameters(const std::string &path, std::string &error) const {
  std::map<std::string, std::string> metadata = {{"producer", "gdc"},
                                                 {"step", std::to_string(steps)}};
  return writeSafetensors(path, parameters(), metadata, error);
}

/// Whether any of `count` floats is a NaN or an infinity: its exponent bits
/// all set. On the bits, branch-free, so that the loop vectorises: the
/// trainer checks every parameter after every step.
static bool anyNonFinite(const float *values, size_t count) {
  const uint32_t *bits = reinterpret_cast<const uint32_t *>(values);
  uint32_t found = 0;
  for (size_t i = 0; i < count; ++i)
    found |= (bits[i] & 0x7f800000u) == 0x7f800000u;
  return found != 0;
}

std::string ModelState::firstNonFiniteParameter() const {
  for (size_t p = 0; p < params.size(); ++p)
    if (anyNonFinite(params[p].data(), params[p].size()))
      return manifest->params[p].path;
  return "";
}

std::vector<NamedTensor> ModelState::parameters() const {
  std::vector<NamedTensor> tensors;
  for (size_t p = 0; p < manifest->params.size(); ++p)
    tensors.push_back({manifest->params[p].path, manifest->params[p].shape,
                       std::vector<float>(params[p].begin(), params[p].end())});
  return tensors;
}

float ModelState::step(const ModelEntryPoints &model, const float *x, const void *labels,
                       int64_t batch) {
  stepArgs[xSlot] = const_cast<float *>(x);
  stepArgs[xSlot + 1] = const_cast<void *>(labels);
  runStep(model.step, stepArgs, batch);
  return loss;
}

void ModelState::runStep(void (*entry)(void **, int64_t), std::vector<void *> &args,
                         int64_t batch) {
  // Counted once it is done: a step that does not complete (a library host
  // escaping an allocation failure) leaves the count as it was.
  stepNumber = static_cast<float>(steps + 1);
  loss = 0;
  status = 0;
  unsigned mode = enterDenormalMode(flushDenormals);
  entry(args.data(), batch);
  setFloatMode(mode);
  ++steps;
  if (status == 0) {
    // The step wrote its results into the next buffers: they become the
    // current ones (ModelABI.h). O(1): only the vectors' pointers move.
    params.swap(nextParams);
    states.swap(nextStates);
    globals.swap(nextGlobals);
    bindStepArguments();
  }
}

void ModelState::applyGradients(const ModelEntryPoints &model, const float *const *grads) {
  // gd_model_apply's arguments: the step's up to the seed, the gradients in
  // place of x, y and loss, then the status and the next buffers.
  applyArgs.assign(stepArgs.begin(), stepArgs.begin() + xSlot);
  for (size_t p = 0; p < params.size(); ++p)
    applyArgs.push_back(const_cast<float *>(grads[p]));
  applyArgs.push_back(&status);
  applyArgs.insert(applyArgs.end(), stepArgs.begin() + xSlot + 4, stepArgs.end());
  runStep(model.apply, applyArgs, 0);
}

std::string ModelState::describeNonFiniteUpdate(const float *const *grads) const {
  for (size_t p = 0; p < params.size(); ++p)
    if (anyNonFinite(grads[p], params[p].size()))
      return "the gradient of '" + manifest->params[p].path + "' holds a NaN or an infinity";
  // The step writes each update poisoned (a NaN) where a new state or the
  // rule's value is not finite; the unapplied next buffers still hold it.
  for (size_t p = 0; p < params.size(); ++p)
    if (anyNonFinite(nextParams[p].data(), nextParams[p].size()))
      return "the update of '" + manifest->params[p].path + "' is not finite";
  return "a global state of the optimizer is not finite";
}

const SiteSpec *ModelState::diagnoseLastStep(const ModelEntryPoints &model, const float *x,
                                             const void *labels, int64_t batch) {
  if (!model.diagnose || steps == 0)
    return nullptr;
  // The same arguments as the step that was not finite (which wrote
  // nothing but its loss and status), then `site`. A member, so that a host
  // that escapes an allocation failure in the compiled code (longjmp)
  // skips no destructor.
  diagnoseArgs = stepArgs;
  diagnoseArgs[xSlot] = const_cast<float *>(x);
  diagnoseArgs[xSlot + 1] = const_cast<void *>(labels);
  int32_t site = -1;
  diagnoseArgs.push_back(&site);
  stepNumber = static_cast<float>(steps);
  unsigned mode = enterDenormalMode(flushDenormals);
  model.diagnose(diagnoseArgs.data(), batch);
  setFloatMode(mode);
  if (site < 0 || static_cast<size_t>(site) >= manifest->sites.size())
    return nullptr;
  return &manifest->sites[static_cast<size_t>(site)];
}

void ModelState::eval(const ModelEntryPoints &model, const float *x, int64_t batch,
                      float *out) {
  // gd_model_eval's arguments: params, x, out.
  std::vector<void *> args;
  appendData(args, params);
  args.push_back(const_cast<float *>(x));
  args.push_back(out);
  unsigned mode = enterDenormalMode(flushDenormals);
  model.eval(args.data(), batch);
  setFloatMode(mode);
}

void ModelState::evalLoss(const ModelEntryPoints &model, const float *x, const void *labels,
                          int64_t batch, float *losses) {
  // gd_model_loss's arguments: params, x, y, losses.
  std::vector<void *> args;
  appendData(args, params);
  args.push_back(const_cast<float *>(x));
  args.push_back(const_cast<void *>(labels));
  args.push_back(losses);
  unsigned mode = enterDenormalMode(flushDenormals);
  model.loss(args.data(), batch);
  setFloatMode(mode);
}

/// What a step that was not finite held, and where the diagnosis found its
/// first non-finite value (`site`; null when unknown).
std::string describeNonFiniteStep(float loss, const SiteSpec *site) {
  std::string text = std::isfinite(loss) ? "a gradient or an updated parameter is not finite"
                     : std::isnan(loss)  ? "the loss is NaN"
                                         : "the loss is infinite";
  if (!site)
    return text;
  text += "; the first non-finite value came from ";
  text += site->op == "apply_optimizer" ? "the update rule" : "`" + site->op + "`";
  if (!site->location.empty())
    text += " at " + site->location;
  if (!site->context.empty())
    text += ", in " + site->context;
  return text;
}

} // namespace gdrt
