//===- Options.h - The training executable's command line -----------------===//
//
// `./train [options]`. Every setting of the program's `train` block can be
// overridden without recompiling: defaults come from the manifest, and
// hyperparameter names are checked against it. Both `--opt value` and
// `--opt=value` are accepted.
//
//===----------------------------------------------------------------------===//
#ifndef GDC_RUNTIME_OPTIONS_H
#define GDC_RUNTIME_OPTIONS_H

#include "Manifest.h"

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace gdrt {

/// Settings of one training run. parseOptions fills epochs, batch and seed
/// from the manifest's `train` records, else with 1, 32 and 0.
struct Options {
  std::string dataDir; ///< base for relative data paths; empty: source-dir
  int64_t epochs = 1;
  int64_t batch = 32;
  uint64_t seed = 0;
  std::optional<int64_t> maxSteps; ///< --steps: stop after this many in total
  std::optional<int64_t> limit;    ///< --limit: train on the first N examples
  /// --valid, else the manifest's `valid`: the fraction of the training set
  /// held out for validation, in [0, 1); 0 holds out nothing.
  double validFraction = 0;
  bool shuffle = true;
  std::string logPath;  ///< --log: JSON lines, one per epoch
  std::string plotPath; ///< --plot: an SVG picture of the run
  std::string initPath; ///< --init: safetensors to start from
  std::string savePath; ///< --save: the checkpoint written at the end
  std::optional<int64_t> saveEvery; ///< --save-every: and every N steps
  std::string resumePath; ///< --resume: the checkpoint to continue from
  /// The options given on the command line (a resumed run refuses settings
  /// that contradict its checkpoint).
  std::set<std::string> given;
  /// --on-nan skip: a step with a NaN or an infinity in its loss,
  /// gradients or updated parameters is skipped (its update not applied)
  /// and training goes on; by default (stop) the run stops there.
  bool skipNonFinite = false;
  bool quiet = false;   ///< no live progress line
  bool keepDenormals = false; ///< --keep-denormals: no flush-to-zero
  bool help = false;
  /// Hyperparameter values: the manifest defaults with --set applied, in
  /// manifest order.
  std::vector<float> hypers;
  /// The hyperparameters --set names (a resumed run keeps the others'
  /// values from its checkpoint).
  std::set<std::string> setHypers;
};

/// Parses `argv[1..argc)` against `manifest` into `options`. On failure
/// returns false with `error` explaining (without the `train: error: `
/// prefix, which the caller adds). `--help` sets `options.help` and stops.
bool parseOptions(int argc, const char *const *argv, const Manifest &manifest,
                  Options &options, std::string &error);

/// The `--help` text: all options, then the model's hyperparameters with
/// defaults, its parameters with shapes and its data files.
std::string helpText(const Manifest &manifest);

} // namespace gdrt

#endif // GDC_RUNTIME_OPTIONS_H
