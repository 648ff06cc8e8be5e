//===- Trainer.cpp - The training loop around a compiled model ------------===//

#include "Trainer.h"

#include "Batching.h"
#include "DataSource.h"
#include "FileIO.h"
#include "Init.h"
#include "Json.h"
#include "Plot.h"
#include "Progress.h"
#include "Random.h"
#include "ValidationSplit.h"

#include <algorithm>
#include <limits>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <map>
#if defined(__x86_64__) || defined(__SSE__)
#endif
#include <unistd.h>

namespace gdrt {

/// Examples per gd_model_eval call: large enough to amortise the call,
/// small enough that the output buffer stays small.
static const int64_t kEvalChunk = 1000;

/// Skipped steps (--on-nan skip) reported one by one; later ones are counted.
static const int64_t kSkipsReported = 10;

Trainer::Trainer(const Manifest &manifest, const ModelEntryPoints &model,
                 const Options &options)
    : manifest(manifest), model(model), options(options) {}

bool Trainer::prepare(std::string &error) {
  // Refuse up front what cannot fit: allocation failure would abort the
  // program instead of explaining it.
  if (!state.fits(error))
    return false;
  state.initialize(options.seed);
  position = {1, 0, 0, 0, 0, options.batch, options.shuffle};
  if (!options.initPath.empty() && !state.loadParameters(options.initPath, error))
    return false;
  if (!options.resumePath.empty() && !resume(error))
    return false;
  // The checkpoint is written at the end: find out now, not after hours of
  // training, whether it can be.
  if (!options.savePath.empty()) {
    if (!checkReplaceableFile(options.savePath, error)) {
      error = "cannot write --save " + options.savePath + ": " + error;
      return false;
    }
    std::string dir = options.savePath;
    size_t slash = dir.find_last_of('/');
    dir = slash == std::string::npos ? "." : slash == 0 ? "/" : dir.substr(0, slash);
    if (access(dir.c_str(), W_OK) != 0) {
      error = "cannot write --save " + options.savePath + ": " + dir + ": " +
              std::strerror(errno);
      return false;
    }
  }
  // One run at a time writes a log or a checkpoint.
  if (!options.logPath.empty() && !logLock.acquire(options.logPath, error))
    return false;
  if (!options.savePath.empty() && !saveLock.acquire(options.savePath, error))
    return false;

  // Options built by hand rather than by parseOptions keep the defaults; a
  // resumed run keeps its checkpoint's values but for those --set changes.
  if (options.hypers.size() == manifest.hypers.size())
    for (size_t h = 0; h < options.hypers.size(); ++h)
      if (options.resumePath.empty() || options.setHypers.count(manifest.hypers[h].name))
        state.hyperparameters()[h] = options.hypers[h];

  if (!loadData(error))
    return false;

  int64_t batch = std::min(options.batch, train.count);
  batchX.assign(static_cast<size_t>(batch * train.exampleSize), 0.0f);
  if (train.hasTargets())
    batchTargets.assign(static_cast<size_t>(batch * train.targetSize), 0.0f);
  else
    batchY.assign(static_cast<size_t>(batch * train.labelsPerExample), 0);

  return true;
}

bool Trainer::writePlot(std::string &error) const {
  RunPlot plot;
  plot.title = "training run: " + std::to_string(state.stepsTaken()) + " steps";
  plot.losses.push_back({"loss per step", stepLosses, false});
  PlotSeries epochLoss{"mean per epoch", {}, true};
  std::vector<PlotSeries> metrics;
  auto add = [&](const char *name, double epoch, const std::optional<double> &value) {
    if (value)
      addPoint(metrics, name, epoch, *value);
  };
  for (const EpochStats &stats : epochs) {
    epochLoss.points.push_back({double(stats.step), stats.trainLoss});
    add("test_accuracy", double(stats.epoch), stats.testAccuracy);
    add("valid_accuracy", double(stats.epoch), stats.validAccuracy);
    add("test_mse", double(stats.epoch), stats.testMse);
    add("valid_mse", double(stats.epoch), stats.validMse);
    add("test_loss", double(stats.epoch), stats.testLoss);
    add("valid_loss", double(stats.epoch), stats.validLoss);
  }
  plot.losses.push_back(epochLoss);
  plot.metrics = metrics;
  return writeFileAtomically(options.plotPath, plotSvg(plot), error);
}

bool Trainer::resume(std::string &error) {
  if (!state.loadCheckpoint(options.resumePath, position, error))
    return false;
  // The run goes on as it was: its batch size, seed and shuffling fix the
  // order of the examples still to come.
  auto refuse = [&](const char *option, const std::string &given, const std::string &saved) {
    error = "--" + std::string(option) + " " + given + " contradicts the checkpoint " +
            options.resumePath + ", written with --" + option + " " + saved +
            "; resume without it";
    return false;
  };
  if (options.given.count("batch") && options.batch != position.batch)
    return refuse("batch", std::to_string(options.batch), std::to_string(position.batch));
  if (options.given.count("seed") && options.seed != state.runSeed())
    return refuse("seed", std::to_string(options.seed), std::to_string(state.runSeed()));
  if (options.given.count("shuffle") && options.shuffle != position.shuffle)
    return refuse("shuffle", options.shuffle ? "on" : "off", position.shuffle ? "on" : "off");
  options.batch = position.batch;
  options.seed = state.runSeed();
  options.shuffle = position.shuffle;
  return true;
}

bool Trainer::loadData(std::string &error) {
  const std::string base =
      options.dataDir.empty() ? dataBaseDirectory(manifest.sourceDir) : options.dataDir;
  const DataSpec *trainSpec = manifest.findData("train");
  if (!trainSpec) {
    error = "the model has no training data (no 'data train' record in its "
            "manifest)";
    return false;
  }
  // Names the data set in messages that no loader gives a path to.
  std::string trainName = trainSpec->format == "synthetic"
                              ? std::string("synthetic training data")
                              : resolvePath(base, trainSpec->imagesPath);
  if (!loadDataSource(*trainSpec, manifest, base, train, error))
    return false;
  if (train.count == 0) {
    error = trainName + ": the training set has no examples";
    return false;
  }
  if (options.limit && *options.limit < train.count)
    truncateDataset(train, *options.limit);
  valid.reset();
  if (options.validFraction > 0) {
    SplitIndices split =
        validationSplit(train.count, options.validFraction, options.seed);
    if (split.train.empty()) {
      error = trainName + ": holding out " +
              std::to_string(split.valid.size()) + " of its " +
              std::to_string(train.count) +
              " examples for validation leaves none to train on";
      return false;
    }
    valid = selectExamples(train, split.valid);
    train = selectExamples(train, split.train);
  }
  test.reset();
  if (const DataSpec *testSpec = manifest.findData("test")) {
    test.emplace();
    if (!loadDataSource(*testSpec, manifest, base, *test, error))
      return false;
  }
  // The mean squared error compares outputs with targets element by element.
  if (manifest.hasTargetLabels() && (test || valid) &&
      manifest.outputSize() != manifest.labelSize()) {
    error = "the model's output has " + std::to_string(manifest.outputSize()) +
            " elements but its f32 label " +
            std::to_string(manifest.labelSize()) +
            "; the mean squared error needs them equal";
    return false;
  }
  return true;
}

/// Calls `visit(begin, size, out)` for consecutive chunks of `data`, `out`
/// holding gd_model_eval's output for examples [begin, begin + size).
template <typename Visit>
static void forEachEvalChunk(const ModelEntryPoints &model, ModelState &state,
                             int64_t outputSize, const Dataset &data,
                             Visit visit) {
  const int64_t chunk = std::min(kEvalChunk, data.count);
  std::vector<float> out(static_cast<size_t>(chunk * outputSize));
  for (int64_t begin = 0; begin < data.count; begin += chunk) {
    int64_t size = std::min(chunk, data.count - begin);
    // The model only reads x: pointing into the data set saves a copy.
    state.eval(model, data.examples.data() + begin * data.exampleSize, size, out.data());
    visit(begin, size, out.data());
  }
}

double Trainer::accuracy(const Dataset &data) {
  if (data.count == 0)
    return 0;
  // One label per example, or one per position of a sequence model (the
  // output then has a row of class scores per position): the fraction of
  // positions whose highest score is the label's class.
  const int64_t positions = data.labelsPerExample;
  const int64_t classes = manifest.outputSize() / positions;
  int64_t correct = 0;
  forEachEvalChunk(model, state, manifest.outputSize(), data,
                   [&](int64_t begin, int64_t size, const float *out) {
                     for (int64_t i = 0; i < size * positions; ++i) {
                       const float *row = out + i * classes;
                       int64_t best =
                           std::max_element(row, row + classes) - row;
                       correct += best == data.labels[begin * positions + i];
                     }
                   });
  return static_cast<double>(correct) /
         static_cast<double>(data.count * positions);
}

double Trainer::meanSquaredError(const Dataset &data) {
  if (data.count == 0)
    return 0;
  const int64_t size = data.targetSize;
  double sum = 0;
  forEachEvalChunk(model, state, manifest.outputSize(), data,
                   [&](int64_t begin, int64_t count, const float *out) {
                     const float *target = data.targets.data() + begin * size;
                     for (int64_t i = 0; i < count * size; ++i) {
                       double d = static_cast<double>(out[i]) - target[i];
                       sum += d * d;
                     }
                   });
  return sum / (static_cast<double>(data.count) * static_cast<double>(size));
}

double Trainer::meanLoss(const Dataset &data) {
  if (data.count == 0)
    return 0;
  const int64_t chunk = std::min(kEvalChunk, data.count);
  std::vector<float> losses(static_cast<size_t>(chunk));
  double sum = 0;
  for (int64_t begin = 0; begin < data.count; begin += chunk) {
    int64_t size = std::min(chunk, data.count - begin);
    const void *labels = manifest.hasTargetLabels()
                             ? static_cast<const void *>(data.targets.data() +
                                                         begin * data.targetSize)
                             : static_cast<const void *>(data.labels.data() +
                                                         begin * data.labelsPerExample);
    state.evalLoss(model, data.examples.data() + begin * data.exampleSize, labels, size,
                   losses.data());
    for (int64_t i = 0; i < size; ++i)
      sum += losses[i];
  }
  return sum / static_cast<double>(data.count);
}

std::optional<double> Trainer::testAccuracy() {
  if (!test || manifest.hasTargetLabels())
    return std::nullopt;
  return accuracy(*test);
}

std::optional<double> Trainer::testMse() {
  if (!test || !manifest.hasTargetLabels())
    return std::nullopt;
  return meanSquaredError(*test);
}

void Trainer::evaluate(EpochStats &stats) {
  stats.testAccuracy = testAccuracy();
  stats.testMse = testMse();
  if (model.loss) {
    if (test)
      stats.testLoss = meanLoss(*test);
    if (valid)
      stats.validLoss = meanLoss(*valid);
  }
  if (valid && manifest.hasTargetLabels())
    stats.validMse = meanSquaredError(*valid);
  else if (valid)
    stats.validAccuracy = accuracy(*valid);
}

std::vector<NamedTensor> Trainer::parameters() const { return state.parameters(); }

bool Trainer::trainEpoch(int64_t epoch, EpochStats &stats, std::string &error) {
  // A resumed run continues its epoch where the checkpoint left it.
  const bool resuming = position.epoch == epoch && position.batchesDone > 0;
  std::vector<int64_t> order =
      options.shuffle ? shufflePermutation(train.count, options.seed,
                                           static_cast<uint64_t>(epoch))
                      : fileOrder(train.count);
  const int64_t numBatches = batchesPerEpoch(train.count, options.batch);
  ProgressLine progress(messages, !options.quiet);
  double lossSum = 0; // sum over batches of mean loss * batch size
  int64_t b = 0;
  if (resuming) {
    b = position.batchesDone;
    lossSum = position.epochLossSum;
    stats.examples = position.epochExamples;
    stats.skippedSteps = position.epochSkippedSteps;
  }
  const int64_t examplesBefore = stats.examples; // trained before this run

  auto start = std::chrono::steady_clock::now();
  for (; b < numBatches; ++b) {
    if (options.maxSteps && state.stepsTaken() >= *options.maxSteps)
      break;
    if (stopRequest && stopRequest->load()) {
      stoppedEarly = true;
      break;
    }
    BatchRange range = batchRange(train.count, options.batch, b);
    if (train.hasTargets())
      gatherBatch(train, order, range, batchX.data(), batchTargets.data());
    else
      gatherBatch(train, order, range, batchX.data(), batchY.data());
    const void *labels = train.hasTargets() ? static_cast<const void *>(batchTargets.data())
                                            : static_cast<const void *>(batchY.data());
    float batchLoss = state.step(model, batchX.data(), labels, range.size);
    int64_t steps = state.stepsTaken();
    bool applied = state.lastStepFinite();
    if (!applied) {
      // The step changed nothing; the same batch, run again with every
      // operation checked, says where its first non-finite value came from.
      std::string what = "step " + std::to_string(steps) + " (epoch " + std::to_string(epoch) +
                         ", batch " + std::to_string(b + 1) + " of the epoch): " +
                         describeNonFiniteStep(batchLoss, state.diagnoseLastStep(
                                                          model, batchX.data(), labels,
                                                          range.size));
      if (!options.skipNonFinite) {
        progress.clear();
        error = "training diverged at " + what +
                "; the parameters are those after the last finite step";
        // The partial epoch, for the log: its loss is not a number.
        stats.epoch = epoch;
        stats.step = steps;
        stats.examples += range.size;
        stats.trainLoss = std::numeric_limits<double>::quiet_NaN();
        diverged = true;
        return false;
      }
      ++stats.skippedSteps;
      if (messages && ++skipsReported <= kSkipsReported) {
        progress.clear();
        fprintf(messages, "train: warning: skipped %s%s\n", what.c_str(),
                skipsReported == kSkipsReported ? " (further skips are counted, not shown)"
                                                : "");
      }
    } else {
      lossSum += static_cast<double>(batchLoss) * static_cast<double>(range.size);
      stats.examples += range.size;
      if (!options.plotPath.empty())
        stepLosses.push_back({double(steps), double(batchLoss)});
    }
    if (++runSteps <= kWarmupSteps) {
      stats.warmupSeconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      stats.warmupExamples = stats.examples - examplesBefore;
    }
    position = {epoch, b + 1, lossSum, stats.examples, stats.skippedSteps,
                options.batch, options.shuffle};
    if (options.saveEvery && steps % *options.saveEvery == 0 &&
        !state.saveCheckpoint(options.savePath, position, error)) {
      progress.clear();
      return false;
    }
    progress.update(epoch, options.epochs, b + 1, numBatches,
                    lossSum / static_cast<double>(stats.examples));
  }
  progress.clear();
  stats.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  stats.epoch = epoch;
  stats.step = state.stepsTaken();
  double examples = static_cast<double>(stats.examples);
  // An epoch whose every step was skipped has no loss to report.
  stats.trainLoss = stats.examples         ? lossSum / examples
                    : stats.skippedSteps ? std::numeric_limits<double>::quiet_NaN()
                                           : 0;
  stats.examplesPerSec =
      stats.seconds > 0 ? double(stats.examples - examplesBefore) / stats.seconds : 0;
  return true;
}

/// A double for a JSON log line: enough digits to read back the float it
/// came from.
static std::string jsonNumber(double value) {
  // JSON has no NaN or infinity: a diverged value is null.
  if (!std::isfinite(value))
    return "null";
  char buffer[32];
  snprintf(buffer, sizeof(buffer), "%.9g", value);
  return buffer;
}

bool Trainer::writeLogLine(FILE *log, const EpochStats &stats,
                           std::string &error) {
  auto metric = [](const std::optional<double> &value) {
    return value ? jsonNumber(*value) : std::string("null");
  };
  // Both metrics of the model's kind of labels are always present, null
  // without the data, so that every line has the same keys.
  std::string metrics =
      manifest.hasTargetLabels()
          ? ",\"test_mse\":" + metric(stats.testMse) +
                ",\"valid_mse\":" + metric(stats.validMse)
          : ",\"test_accuracy\":" + metric(stats.testAccuracy) +
                ",\"valid_accuracy\":" + metric(stats.validAccuracy);
  std::string line =
      "{\"epoch\":" + std::to_string(stats.epoch) +
      ",\"step\":" + std::to_string(stats.step) +
      ",\"examples\":" + std::to_string(stats.examples) +
      ",\"train_loss\":" + jsonNumber(stats.trainLoss) +
      ",\"valid_loss\":" + metric(stats.validLoss) +
      ",\"test_loss\":" + metric(stats.testLoss) + metrics +
      ",\"examples_per_sec\":" + jsonNumber(stats.examplesPerSec) +
      ",\"seconds\":" + jsonNumber(stats.seconds) +
      ",\"warmup_examples\":" + std::to_string(stats.warmupExamples) +
      ",\"warmup_seconds\":" + jsonNumber(stats.warmupSeconds) +
      ",\"skipped_steps\":" + std::to_string(stats.skippedSteps) + "}\n";
  if (fputs(line.c_str(), log) < 0 || fflush(log) != 0) {
    error = options.logPath + ": " + std::strerror(errno);
    return false;
  }
  return true;
}

void Trainer::printSummary(const EpochStats &stats) {
  if (!messages)
    return;
  fprintf(messages, "epoch %lld/%lld: train_loss %.4f",
          static_cast<long long>(stats.epoch),
          static_cast<long long>(options.epochs), stats.trainLoss);
  // Validation before test: the order in which one reads them.
  if (stats.validLoss)
    fprintf(messages, "  valid_loss %.4f", *stats.validLoss);
  if (stats.validAccuracy)
    fprintf(messages, "  valid_accuracy %.4f", *stats.validAccuracy);
  if (stats.validMse)
    fprintf(messages, "  valid_mse %.6g", *stats.validMse);
  if (stats.testLoss)
    fprintf(messages, "  test_loss %.4f", *stats.testLoss);
  if (stats.testAccuracy)
    fprintf(messages, "  test_accuracy %.4f", *stats.testAccuracy);
  if (stats.testMse)
    fprintf(messages, "  test_mse %.6g", *stats.testMse);
  fprintf(messages, "  %.0f examples/s  %.1f s", stats.examplesPerSec, stats.seconds);
  if (stats.skippedSteps)
    fprintf(messages, "  %lld steps skipped", static_cast<long long>(stats.skippedSteps));
  fputc('\n', messages);
  fflush(messages);
}

bool Trainer::run(std::string &error) {
  state.setFlushDenormals(!options.keepDenormals);
  FILE *log = nullptr;
  if (!options.logPath.empty()) {
    log = fopen(options.logPath.c_str(), "w");
    if (!log) {
      error = options.logPath + ": " + std::strerror(errno);
      return false;
    }
  }
  bool ok = true;
  stoppedEarly = false;
  diverged = false;
  for (int64_t epoch = position.epoch; epoch <= options.epochs && ok && !stoppedEarly; ++epoch) {
    if (options.maxSteps && state.stepsTaken() >= *options.maxSteps)
      break;
    EpochStats stats;
    ok = trainEpoch(epoch, stats, error);
    if (!ok) {
      // A diverged epoch still gets its log record, null where not finite.
      if (diverged && log) {
        std::string logError;
        writeLogLine(log, stats, logError);
      }
      break;
    }
    // The loss of the last step was finite, but its update may not be.
    if (std::string path = state.firstNonFiniteParameter(); !path.empty()) {
      error = "training diverged: parameter '" + path + "' is not finite after step " +
              std::to_string(state.stepsTaken()) + " (epoch " + std::to_string(epoch) + ")";
      stats.trainLoss = std::numeric_limits<double>::quiet_NaN();
      diverged = true;
      if (log) {
        std::string logError;
        writeLogLine(log, stats, logError);
      }
      ok = false;
      break;
    }
    // An epoch trained to its end: a checkpoint now starts the next one.
    if (position.epoch == epoch && position.batchesDone == batchesPerEpoch(train.count, options.batch))
      position = {epoch + 1, 0, 0, 0, 0, options.batch, options.shuffle};
    evaluate(stats);
    epochs.push_back(stats);
    printSummary(stats);
    if (log)
      ok = writeLogLine(log, stats, error);
  }
  if (log && fclose(log) != 0 && ok) {
    error = options.logPath + ": " + std::strerror(errno);
    ok = false;
  }
  // The picture shows the run however it ended.
  if (!options.plotPath.empty()) {
    std::string plotError;
    if (!writePlot(plotError) && ok) {
      error = plotError;
      ok = false;
    }
  }
  // A diverged run writes no checkpoint: an existing one stays as it was.
  if (ok && !options.savePath.empty())
    ok = state.saveCheckpoint(options.savePath, position, error);
  if (diverged && !options.savePath.empty())
    error += "; --save " + options.savePath + " is not written";
  return ok;
}

} // namespace gdrt
