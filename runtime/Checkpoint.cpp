//===- Checkpoint.cpp - A run's full state as a safetensors file ----------===//
//
// A checkpoint is a safetensors file that other tools can read:
//   <path>              each parameter, by its path (`mlp.0.W`)
//   <path>/<state>      each of its live optimizer state slots (`mlp.0.W/m`),
//                       named through the manifest's `slots` records
//   global/<name>       each scalar global state of the optimizer
// and in the metadata `format` = `gdc-checkpoint 1`, the step count, the
// seed, every hyperparameter (`hyper.NAME`), and the run's position: the
// epoch in progress, the batches of it done and their loss so far, the
// batch size and whether examples are shuffled. Numbers are written with
// the digits to read back exactly, so that a resumed run continues
// bit for bit.
//
//===----------------------------------------------------------------------===//
#include "ModelState.h"

#include "ParseNumber.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

namespace gdrt {
namespace {

constexpr const char *kFormat = "gdc-checkpoint 1";

const char *kGlobalPrefix = "global/";

} // namespace

bool isCheckpoint(const std::map<std::string, std::string> &metadata) {
  auto it = metadata.find("format");
  return it != metadata.end() && it->second == kFormat;
}

bool ModelState::saveCheckpoint(const std::string &path, const RunPosition &position,
                                std::string &error) const {
  const size_t numStates = manifest->states.size();
  std::vector<NamedTensor> tensors = parameters();
  for (size_t p = 0; p < manifest->params.size(); ++p) {
    const ParamSpec &spec = manifest->params[p];
    for (size_t s = 0; s < spec.liveSlots(numStates); ++s)
      tensors.push_back({manifest->stateSlotPath(p, s), spec.slotShape(s),
                         std::vector<float>(states[p * numStates + s].begin(),
                                            states[p * numStates + s].end())});
  }
  for (size_t g = 0; g < globals.size(); ++g)
    tensors.push_back({kGlobalPrefix + manifest->globals[g].name, manifest->globals[g].shape,
                       std::vector<float>(globals[g].begin(), globals[g].end())});
  std::map<std::string, std::string> metadata = {
      {"format", kFormat},
      {"producer", "gdc"},
      {"step", std::to_string(steps)},
      {"seed", std::to_string(static_cast<uint64_t>(seed))},
      {"epoch", std::to_string(position.epoch)},
      {"batches_done", std::to_string(position.batchesDone)},
      {"epoch_loss_sum", formatExactDouble(position.epochLossSum)},
      {"epoch_examples", std::to_string(position.epochExamples)},
      {"epoch_skipped_steps", std::to_string(position.epochSkippedSteps)},
      {"batch", std::to_string(position.batch)},
      {"shuffle", position.shuffle ? "on" : "off"}};
  for (size_t h = 0; h < hypers.size(); ++h)
    metadata["hyper." + manifest->hypers[h].name] = formatExactFloat(hypers[h]);
  return writeSafetensors(path, tensors, metadata, error);
}

bool ModelState::loadCheckpoint(const std::string &path, RunPosition &position,
                                std::string &error) {
  std::vector<NamedTensor> tensors;
  std::map<std::string, std::string> metadata;
  if (!readSafetensors(path, tensors, metadata, error))
    return false;
  if (!isCheckpoint(metadata)) {
    error = path + ": not a gdc checkpoint (it holds parameters only: start from it with "
                   "--init instead)";
    return false;
  }
  std::map<std::string, const NamedTensor *> byName;
  for (const NamedTensor &tensor : tensors)
    byName[tensor.name] = &tensor;
  // Every tensor the model needs, checked before anything is replaced.
  auto take = [&](const std::string &name, const Shape &shape,
                  const NamedTensor *&found) -> bool {
    auto it = byName.find(name);
    if (it == byName.end()) {
      error = path + ": no tensor '" + name + "' (shape " + formatShape(shape) +
              "): the checkpoint is of another model";
      return false;
    }
    if (it->second->shape != shape) {
      error = path + ": tensor '" + name + "' has shape " + formatShape(it->second->shape) +
              " in the file but " + formatShape(shape) + " in the model";
      return false;
    }
    found = it->second;
    byName.erase(it);
    return true;
  };
  const size_t numStates = manifest->states.size();
  std::vector<const NamedTensor *> paramTensors(manifest->params.size());
  std::vector<std::vector<const NamedTensor *>> slotTensors(manifest->params.size());
  for (size_t p = 0; p < manifest->params.size(); ++p) {
    const ParamSpec &spec = manifest->params[p];
    if (!take(spec.path, spec.shape, paramTensors[p]))
      return false;
    slotTensors[p].resize(spec.liveSlots(numStates));
    for (size_t s = 0; s < slotTensors[p].size(); ++s)
      if (!take(manifest->stateSlotPath(p, s), spec.slotShape(s), slotTensors[p][s]))
        return false;
  }
  std::vector<const NamedTensor *> globalTensors(manifest->globals.size());
  for (size_t g = 0; g < globalTensors.size(); ++g)
    if (!take(kGlobalPrefix + manifest->globals[g].name, manifest->globals[g].shape,
              globalTensors[g]))
      return false;
  if (!byName.empty()) {
    error = path + ": tensors that this model does not have: '" + byName.begin()->first +
            "'" + (byName.size() > 1 ? " and " + std::to_string(byName.size() - 1) + " more" : "");
    return false;
  }
  // The metadata: counts, the seed and the hyperparameters.
  auto integer = [&](const char *key, int64_t least, int64_t &value) {
    auto it = metadata.find(key);
    if (it != metadata.end() && parseInt64(it->second, value) && value >= least)
      return true;
    error = path + ": the checkpoint's metadata lacks a valid '" + key + "'";
    return false;
  };
  int64_t step = 0, examples = 0, batchesDone = 0, epoch = 0, batch = 0;
  uint64_t runSeed = 0;
  double lossSum = 0;
  auto seedIt = metadata.find("seed");
  auto lossIt = metadata.find("epoch_loss_sum");
  auto shuffleIt = metadata.find("shuffle");
  if (!integer("step", 0, step) || !integer("epoch", 1, epoch) ||
      !integer("batches_done", 0, batchesDone) || !integer("epoch_examples", 0, examples) ||
      !integer("batch", 1, batch))
    return false;
  if (seedIt == metadata.end() || !parseUint64(seedIt->second, runSeed) ||
      lossIt == metadata.end() || !parseFiniteDouble(lossIt->second, lossSum) ||
      shuffleIt == metadata.end() || (shuffleIt->second != "on" && shuffleIt->second != "off")) {
    error = path + ": the checkpoint's metadata lacks a valid seed, epoch_loss_sum or shuffle";
    return false;
  }
  // Absent from checkpoints written before --on-nan skip: none skipped.
  int64_t skipped = 0;
  if (metadata.count("epoch_skipped_steps") && !integer("epoch_skipped_steps", 0, skipped))
    return false;
  std::vector<float> restoredHypers(hypers.size());
  for (size_t h = 0; h < hypers.size(); ++h) {
    auto it = metadata.find("hyper." + manifest->hypers[h].name);
    if (it == metadata.end() || !parseFiniteFloat(it->second, restoredHypers[h])) {
      error = path + ": the checkpoint has no value for hyperparameter '" +
              manifest->hypers[h].name + "'";
      return false;
    }
  }

  // All checked: replace. Dead slots stay zero, as the rules never read them.
  // Copied into the existing buffers: the step's arguments point at them.
  for (size_t p = 0; p < paramTensors.size(); ++p) {
    std::copy(paramTensors[p]->data.begin(), paramTensors[p]->data.end(), params[p].begin());
    for (size_t s = 0; s < numStates; ++s) {
      StepBuffer &slot = states[p * numStates + s];
      if (s < slotTensors[p].size())
        std::copy(slotTensors[p][s]->data.begin(), slotTensors[p][s]->data.end(), slot.begin());
      else
        std::fill(slot.begin(), slot.end(), 0.0f);
    }
  }
  for (size_t g = 0; g < globalTensors.size(); ++g)
    globals[g].assign(globalTensors[g]->data.begin(), globalTensors[g]->data.end());
  bindStepArguments(); // in case an assignment moved a buffer
  std::copy(restoredHypers.begin(), restoredHypers.end(), hypers.begin());
  steps = step;
  seed = static_cast<int64_t>(runSeed);
  position.epoch = epoch;
  position.batchesDone = batchesDone;
  position.epochLossSum = lossSum;
  position.epochExamples = examples;
  position.epochSkippedSteps = skipped;
  position.batch = batch;
  position.shuffle = shuffleIt->second == "on";
  return true;
}

} // namespace gdrt
