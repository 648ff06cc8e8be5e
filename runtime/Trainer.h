//===- Trainer.h - The training loop around a compiled model --------------===//
//
// The trainer owns the model's state (ModelState: parameters initialised from
// the seed or loaded with --init, optimizer state, hyperparameters from the
// manifest's defaults overridden by --set, the step counter), the data and
// the batch buffers. It knows the model only through its manifest and the
// entry points of ModelABI.h, which ModelState calls.
//
// After every epoch it evaluates the model on the test set and on the
// validation split, if there are any. The metric depends on the labels:
// accuracy (argmax of the output equals the class) for `label i32`, the
// mean squared error between output and target for `label f32`.
//
//===----------------------------------------------------------------------===//
#ifndef GDC_RUNTIME_TRAINER_H
#define GDC_RUNTIME_TRAINER_H

#include "Dataset.h"
#include "FileIO.h"
#include "Manifest.h"
#include "ModelState.h"
#include "Options.h"
#include "Safetensors.h"

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

namespace gdrt {

/// What one epoch did; also the content of its --log line.
struct EpochStats {
  int64_t epoch = 0;    ///< 1-based
  int64_t step = 0;     ///< global steps taken when the epoch ended
  int64_t examples = 0; ///< examples trained on in this epoch
  double trainLoss = 0; ///< example-weighted mean of the batch losses
  /// Metrics after the epoch: accuracy for class labels, mean squared
  /// error for f32 targets; absent without the data (or for the other kind
  /// of labels).
  std::optional<double> testAccuracy;
  std::optional<double> testMse;
  std::optional<double> validAccuracy;
  std::optional<double> validMse;
  /// The mean loss per example on the held-out data, as the loss function
  /// computes it in evaluation mode; absent without the data.
  std::optional<double> testLoss;
  std::optional<double> validLoss;
  double examplesPerSec = 0;
  double seconds = 0; ///< training time, evaluation excluded
  /// The part of `seconds` and `examples` that the run's first
  /// kWarmupSteps steps took (0 in the epochs after them): the first steps
  /// also build oneDNN's kernels and touch fresh buffers, and benchmarks
  /// leave them out, as compiled peers leave out their compile.
  double warmupSeconds = 0;
  int64_t warmupExamples = 0;
  /// Steps not applied for a NaN or an infinity (--on-nan skip); their
  /// examples are not counted in `examples` nor their losses in trainLoss.
  int64_t skippedSteps = 0;
};

/// One training run: construct, prepare(), then run().
class Trainer {
public:
  /// Keeps copies of `manifest` and `options`.
  Trainer(const Manifest &manifest, const ModelEntryPoints &model,
          const Options &options);
  // The step's argument vector points into this object.
  Trainer(const Trainer &) = delete;
  Trainer &operator=(const Trainer &) = delete;

  /// A flag that, once set (from a signal handler, say), ends the run after
  /// the step in progress, with the epoch summary and --save as usual.
  void setStopRequest(const std::atomic<bool> *flag) { stopRequest = flag; }
  /// Whether the last run() ended at a stop request.
  bool stopped() const { return stoppedEarly; }
  /// Writes the run's checkpoint (as --save does) to `path`.
  bool saveCheckpoint(const std::string &path, std::string &error) const {
    return state.saveCheckpoint(path, position, error);
  }

  /// The model's state (parameters, optimizer state, step count): a host
  /// that keeps parameters of its own (the REPL) reads and writes it here.
  ModelState &modelState() { return state; }

  /// Where progress and summaries go (default stderr; null for silence).
  void setMessageStream(FILE *stream) { messages = stream; }

  /// Allocates and initialises parameters (from the seed or --init),
  /// zeroes optimizer state and loads the data sets.
  bool prepare(std::string &error);

  /// Trains for the requested epochs (or --steps), evaluating after each
  /// epoch, writing --log lines and finally --save.
  bool run(std::string &error);

  /// Fraction of `data` (class labels) whose output argmax equals the
  /// label.
  double accuracy(const Dataset &data);

  /// Mean over the examples of `data` (f32 targets) and the elements of a
  /// target of (output - target)².
  double meanSquaredError(const Dataset &data);

  /// Test accuracy with the current parameters; absent without test data
  /// or with f32 targets.
  std::optional<double> testAccuracy();
  /// The mean per-example loss over `data` (gd_model_loss).
  double meanLoss(const Dataset &data);
  /// Test mean squared error; absent without test data or with class
  /// labels.
  std::optional<double> testMse();

  /// The parameters by path, as written by --save.
  std::vector<NamedTensor> parameters() const;

  const std::vector<EpochStats> &history() const { return epochs; }
  int64_t stepsTaken() const { return state.stepsTaken(); }
  /// The examples trained on: the training set less the validation split.
  const Dataset &trainData() const { return train; }
  /// The validation split; null without one.
  const Dataset *validData() const { return valid ? &*valid : nullptr; }
  /// The test set; null without one.
  const Dataset *testData() const { return test ? &*test : nullptr; }

private:
  bool loadData(std::string &error);
  /// Writes --plot's picture of the run so far.
  bool writePlot(std::string &error) const;
  /// Restores the state and position of --resume's checkpoint.
  bool resume(std::string &error);
  void evaluate(EpochStats &stats);
  bool trainEpoch(int64_t epoch, EpochStats &stats, std::string &error);
  bool writeLogLine(FILE *log, const EpochStats &stats, std::string &error);
  void printSummary(const EpochStats &stats);

  Manifest manifest;
  ModelEntryPoints model;
  Options options;
  FILE *messages = stderr;
  const std::atomic<bool> *stopRequest = nullptr;
  /// Where the run stands: what a checkpoint records to continue it.
  RunPosition position;
  bool stoppedEarly = false;
  bool diverged = false; ///< the last run() ended at a non-finite value
  FileLock logLock, saveLock; ///< held from prepare() to the end
  std::vector<std::pair<double, double>> stepLosses; ///< (step, loss), for --plot
  int64_t skipsReported = 0; ///< skipped steps reported so far (--on-nan skip)
  int64_t runSteps = 0;      ///< steps taken (or skipped) by this run
  static constexpr int64_t kWarmupSteps = 3;

  ModelState state{manifest};
  std::vector<float> batchX;
  std::vector<int32_t> batchY;     ///< class labels
  std::vector<float> batchTargets; ///< or f32 targets

  Dataset train;
  std::optional<Dataset> valid;
  std::optional<Dataset> test;
  std::vector<EpochStats> epochs;
};

} // namespace gdrt

#endif // GDC_RUNTIME_TRAINER_H
