//===- Manifest.h - The model manifest: what the runtime knows of a model -===//
//
// A compiled model exports `gd_model_manifest` (see ModelABI.h), a text that
// tells the runtime everything it needs: example and label types, parameter
// paths, shapes and initialisers, optimizer state and hyperparameters, the
// data files and the defaults of the `train` block. Grammar, one record per
// line, fields separated by single spaces, blank lines ignored:
//
//   gdc-model 1                        first non-blank line; version 1
//   input f32 <dim>...                 per-example input, e.g. `input f32 1 28
//   28` label i32                          label type (a class index) output
//   f32 <dim>...                per-example model output param <path> <dims>
//   <init> [args]  dims `784,256`, or `-` for a scalar;
//                                      init: zeros | ones
//                                            | glorot_uniform <fan_in>
//                                            <fan_out> | he_normal <fan_in> |
//                                            normal <mean> <std> | uniform <lo>
//                                            <hi>
//   state <name>                       optimizer state names, in order
//   hyper <name> <default>             optimizer hyperparameters, in order
//   train batch|epochs|seed <n>        defaults for the command line
//   data train|test idx <images> <labels> <scale>
//   source-dir <dir>                   directory of the .gd program
//
//===----------------------------------------------------------------------===//
#ifndef GDC_RUNTIME_MANIFEST_H
#define GDC_RUNTIME_MANIFEST_H

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gdrt {

/// A dense tensor shape; empty for a scalar.
using Shape = std::vector<int64_t>;

/// Number of elements of a shape (1 for a scalar).
int64_t shapeElementCount(const Shape &shape);

/// `[784, 256]`, `[]` for a scalar: the form used in messages.
std::string formatShape(const Shape &shape);

/// How a parameter starts before the first step.
enum class InitKind { Zeros, Ones, GlorotUniform, HeNormal, Normal, Uniform };

/// An initialiser with its arguments. Which of `a`, `b` are meaningful
/// depends on the kind: glorot_uniform (fan_in, fan_out), he_normal (fan_in),
/// normal (mean, std), uniform (lo, hi).
struct ParamInit {
  InitKind kind = InitKind::Zeros;
  double a = 0;
  double b = 0;
};

/// The manifest spelling of an initialiser, e.g. `glorot_uniform 784 256`.
std::string formatInit(const ParamInit &init);

/// One trainable tensor, identified by its dotted path (`mlp.0.W`).
struct ParamSpec {
  std::string path;
  Shape shape;
  ParamInit init;
};

/// An optimizer hyperparameter: a runtime scalar with a default.
struct HyperSpec {
  std::string name;
  float defaultValue = 0;
};

/// A pair of IDX files (images, labels) for one split.
struct DataSpec {
  std::string split;  ///< "train" or "test"
  std::string format; ///< "idx" (the only format so far)
  std::string imagesPath;
  std::string labelsPath;
  float scale = 1;
};

/// The parsed manifest.
struct Manifest {
  int version = 0;
  std::string inputType;  ///< "f32"
  Shape inputShape;       ///< per example
  std::string labelType;  ///< "i32"
  std::string outputType; ///< "f32"
  Shape outputShape;      ///< per example
  std::vector<ParamSpec> params;
  std::vector<std::string> states; ///< S state tensors per parameter
  std::vector<HyperSpec> hypers;
  std::optional<int64_t> defaultBatch;
  std::optional<int64_t> defaultEpochs;
  std::optional<uint64_t> defaultSeed;
  std::vector<DataSpec> data;
  std::string sourceDir;

  /// Elements in one input example.
  int64_t inputSize() const { return shapeElementCount(inputShape); }
  /// Elements in one model output; for classifiers, the number of classes.
  int64_t outputSize() const { return shapeElementCount(outputShape); }
  /// The data record for `split`, or null if the manifest has none.
  const DataSpec *findData(std::string_view split) const;
  /// Index of hyperparameter `name`, or -1.
  int findHyper(std::string_view name) const;
};

/// Parses manifest `text` into `out`. On failure returns false and sets
/// `error` to a message that names the offending line number and content.
bool parseManifest(std::string_view text, Manifest &out, std::string &error);

} // namespace gdrt

#endif // GDC_RUNTIME_MANIFEST_H
