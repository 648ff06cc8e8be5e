//===- Manifest.h - The model manifest: what the runtime knows of a model -===//
//
// A compiled model exports `gd_model_manifest` (see ModelABI.h), a text that
// tells the runtime everything it needs: example and label types, parameter
// paths, shapes and initialisers, optimizer state and hyperparameters, the
// data files and the defaults of the `train` block. Grammar, one record per
// line, fields separated by single spaces, blank lines ignored:
//
// clang-format off
//   gdc-model 1                   first non-blank line; version 1
//   input f32 <dim>...            per-example input, e.g. `input f32 1 28 28`
//   label i32                     a class index in [0, output size)
//   label f32 [<dim>...]          an f32 target; no dims: a scalar
//   output f32 <dim>...           per-example model output
//   param <path> <dims> <init> [args]
//                                 dims `784,256`, or `-` for a scalar; init:
//                                   zeros | ones
//                                   | glorot_uniform <fan_in> <fan_out>
//                                   | he_normal <fan_in>
//                                   | normal <mean> <std> | uniform <lo> <hi>
//   state <name>                  optimizer state slots, in order (S of them)
//   slots <path> [<name>[:<dims>]...]
//                                 the states param <path>'s optimizer keeps
//                                 in its first slots (none: frozen); dims
//                                 (`256,1`): a state kept with extent 1
//                                 along some axes, the param's otherwise
//   global <name> <init> [<dim>...] optimizer global states (a scalar
//                                 without dims), in order, each filled with
//                                 <init> at the start
//   hyper <name> <default>        optimizer hyperparameters, in order
//   constant <name> <integer>     compile-time int arguments of the rules
//   constant <name> <number> f64  compile-time f64 arguments of the rules
//   train batch|epochs|seed <n>   defaults for the command line
//   data <split> idx <images> <labels> <scale>
//   data <split> csv <path> <label-column> <scale>
//   data <split> npy <x-path> <y-path> <scale>
//                                 idx and npy: a labels path of `-` means
//                                 no labels file, each example is its own
//                                 f32 target (`label = input`)
//   data <split> synthetic <n> <features> <classes> <seed>
//   data <split> text <path> <context>
//                                 windows of <context> bytes, each
//                                 position's label the next byte
//                                 split: train | test, one record each
//   valid <fraction>              hold out this fraction of the training set
//   source-dir <dir>              base of relative data paths: absolute, or
//                                 relative to the executable's directory
//   site <op> <location> <what>   the operations gd_model_diagnose checks,
//                                 in order (ModelABI.h): the operation's
//                                 name (`log`), its source location
//                                 (`model.gd:4:12`) and what ran it (`the
//                                 forward map of mlp.2`), the last two
//                                 percent-encoded, `-` when unknown
// clang-format on
//
// Paths and the CSV label column are percent-encoded. What the data formats
// hold and how `synthetic` data is generated is in docs/runtime.md; the
// loaders are Idx.h, Csv.h, Npy.h and Synthetic.h.
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

/// The manifest spelling of an initialiser, e.g. `glorot_uniform 784 256`,
/// its numbers exact.
std::string formatInit(const ParamInit &init);

/// Parses an initialiser as a param record spells it (`glorot_uniform 784
/// 256`); on failure sets `error`.
bool parseInit(std::string_view text, ParamInit &init, std::string &error);

/// One trainable tensor, identified by its dotted path (`mlp.0.W`).
struct ParamSpec {
  std::string path;
  Shape shape;
  ParamInit init;
  /// Its optimizer's states, in the first of the S slots: the others are
  /// unused (a parameter group with a smaller rule, or frozen). Known when
  /// the manifest has a `slots` record for it; otherwise all S are live.
  bool slotsKnown = false;
  std::vector<std::string> slots;
  /// The shape each of `slots` is kept in: the parameter's, or 1 along
  /// axes where the state is the same for every element.
  std::vector<Shape> slotShapes;
  /// Slot `s`'s shape (a slot not in `slotShapes` has the parameter's).
  const Shape &slotShape(size_t s) const { return s < slotShapes.size() ? slotShapes[s] : shape; }
  /// How many of the S slots its optimizer uses.
  size_t liveSlots(size_t numStates) const { return slotsKnown ? slots.size() : numStates; }
};

/// An optimizer hyperparameter: a runtime scalar with a default.
struct HyperSpec {
  std::string name;
  float defaultValue = 0;
};

/// An optimizer global state: one tensor shared by every parameter a rule
/// updates (a scalar, or AutoClip's history `f32[100]`), kept across steps.
struct GlobalSpec {
  std::string name;
  float defaultValue = 0; ///< every element's initial value
  std::vector<int64_t> shape; ///< empty for a scalar
};

/// A compile-time argument of an update rule (`int` or `f64`): baked into the
/// compiled step, listed so that `--set` can say why it is fixed.
struct ConstantSpec {
  std::string name;
  double value = 0;
  bool isF64 = false;
  /// The value as --help and errors print it.
  std::string text() const;
};

/// Where one split's examples come from: a `data` record.
struct DataSpec {
  std::string split;  ///< "train" or "test"
  std::string format; ///< "idx", "csv", "npy", "synthetic" or "text"
  /// The file of the examples: idx images, the CSV file, npy x, the text.
  std::string imagesPath;
  /// The file of the labels: idx labels, npy y; empty for csv, and for
  /// idx and npy data whose examples are their own labels.
  std::string labelsPath;
  std::string labelColumn; ///< csv: the header name of the label column
  float scale = 1;         ///< examples are multiplied by it (not synthetic)
  /// synthetic: examples, features per example, classes (0: regression)
  /// and the generator's seed; text: `features` is the context (bytes per
  /// example).
  int64_t count = 0;
  int64_t features = 0;
  int64_t classes = 0;
  uint64_t seed = 0;

  /// Whether each example is its own label, an f32 target shaped like the
  /// input (an autoencoder's `label = input`): no labels file is read.
  bool labelsAreExamples() const {
    return (format == "idx" || format == "npy") && labelsPath.empty();
  }
};

/// The record's description for --help, e.g. `data.csv, label column 'y'
/// (csv, scale 1)`.
std::string formatDataSpec(const DataSpec &spec);

/// The parsed manifest.
/// An operation of the compiled step that its diagnosis checks for
/// non-finite results (`site` records).
struct SiteSpec {
  std::string op;       ///< `log`, `matmul`, `apply_optimizer`
  std::string location; ///< `file:line:col`; empty when unknown
  std::string context;  ///< `the backward map of mlp.0`; empty when unknown
  bool operator==(const SiteSpec &other) const {
    return op == other.op && location == other.location && context == other.context;
  }
};

struct Manifest {
  int version = 0;
  std::string inputType;  ///< "f32"
  Shape inputShape;       ///< per example
  std::string labelType;  ///< "i32" (class index) or "f32" (target)
  Shape labelShape;       ///< per example, for f32; empty for i32
  std::string outputType; ///< "f32"
  Shape outputShape;      ///< per example
  std::vector<ParamSpec> params;
  std::vector<std::string> states; ///< S state tensors per parameter
  std::vector<HyperSpec> hypers;
  std::vector<GlobalSpec> globals;
  /// The update rules' compile-time arguments (`lr.steps`, an f64 `b2`).
  std::vector<ConstantSpec> constants;
  std::optional<int64_t> defaultBatch;
  std::optional<int64_t> defaultEpochs;
  std::optional<uint64_t> defaultSeed;
  std::vector<DataSpec> data;
  std::optional<double> validFraction; ///< `valid`: in (0, 1)
  std::string sourceDir;
  std::vector<SiteSpec> sites; ///< gd_model_diagnose's sites, in order

  /// Elements in one input example.
  int64_t inputSize() const { return shapeElementCount(inputShape); }
  /// Elements in one model output; for classifiers, the number of classes.
  int64_t outputSize() const { return shapeElementCount(outputShape); }
  /// Whether labels are f32 targets rather than class indices.
  bool hasTargetLabels() const { return labelType == "f32"; }
  /// Floats per f32 target (1 for a scalar target and for class labels).
  int64_t labelSize() const { return shapeElementCount(labelShape); }
  /// The data record for `split`, or null if the manifest has none.
  const DataSpec *findData(std::string_view split) const;
  /// Index of the parameter at `path`, or -1.
  int findParam(std::string_view path) const;
  /// Index of hyperparameter `name`, or -1.
  int findHyper(std::string_view name) const;
  /// The name of parameter `param`'s optimizer state slot `state`, as
  /// checkpoints name it: `mlp.0.W/m` (its own rule's name for a live slot).
  std::string stateSlotPath(size_t param, size_t state) const;
  /// The compile-time constant `name`, or null.
  const ConstantSpec *findConstant(std::string_view name) const;
};

/// The manifest's text: the one writer (ManifestWriter.cpp), whose output
/// parseManifest reads back to an equal Manifest.
std::string formatManifest(const Manifest &manifest);

/// Parses manifest `text` into `out`. On failure returns false and sets
/// `error` to a message that names the offending line number and content.
bool parseManifest(std::string_view text, Manifest &out, std::string &error);

} // namespace gdrt

#endif // GDC_RUNTIME_MANIFEST_H
