//===- Manifest.cpp - Parsing the model manifest --------------------------===//

#include "Manifest.h"

#include "ParseNumber.h"
#include "PercentEncoding.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <type_traits>

namespace gdrt {

namespace {

/// Parses one manifest line at a time, remembering what it has seen so that
/// duplicate and missing records can be reported.
class ManifestParser {
public:
  explicit ManifestParser(Manifest &out) : out(out) {}

  /// Parses one non-blank line; on failure sets `problem` (without the line
  /// number, which the caller adds).
  bool parseLine(const std::vector<std::string_view> &fields,
                 std::string &problem);

  /// Checks that the required records were all present and that the data
  /// records suit the model. On failure sets the whole `error`.
  bool finish(std::string &error);

  /// Parses the initialiser of a param record's `fields` (from the fourth).
  bool parseInitialiser(const std::vector<std::string_view> &fields, ParamInit &init,
                        std::string &problem) {
    return parseInit(fields, init, problem);
  }

  /// The line being parsed, for the checks in finish() that refer to it.
  void setLine(size_t number, std::string_view text) {
    lineNumber = number;
    lineText = text;
  }

private:
  bool parseDims(const std::vector<std::string_view> &fields, size_t first,
                 Shape &shape, std::string &problem);
  bool parseParam(const std::vector<std::string_view> &fields,
                  std::string &problem);
  bool parseInit(const std::vector<std::string_view> &fields, ParamInit &init,
                 std::string &problem);
  bool parseLabel(const std::vector<std::string_view> &fields,
                  std::string &problem);
  bool parseData(const std::vector<std::string_view> &fields,
                 std::string &problem);
  bool parseValid(const std::vector<std::string_view> &fields,
                  std::string &problem);
  bool checkData(const DataSpec &spec, std::string &problem) const;
  bool once(std::string_view record, std::string &problem);

  Manifest &out;
  size_t lineNumber = 0;
  std::string_view lineText;
  /// Where each of `out.data` was written: (line number, line).
  std::vector<std::pair<size_t, std::string>> dataLines;
  bool sawHeader = false;
  std::set<std::string, std::less<>> seenRecords;
  std::set<std::string, std::less<>> paramPaths, stateNames, hyperNames, globalNames;
};

} // namespace


/// Splits on single spaces; doubled or leading/trailing spaces give empty
/// fields, which the parser rejects.
static std::vector<std::string_view> splitFields(std::string_view line) {
  std::vector<std::string_view> fields;
  size_t start = 0;
  while (true) {
    size_t space = line.find(' ', start);
    if (space == std::string_view::npos) {
      fields.push_back(line.substr(start));
      return fields;
    }
    fields.push_back(line.substr(start, space - start));
    start = space + 1;
  }
}

bool ManifestParser::once(std::string_view record, std::string &problem) {
  if (!seenRecords.emplace(record).second) {
    problem = "duplicate '" + std::string(record) + "' record";
    return false;
  }
  return true;
}

bool ManifestParser::parseDims(const std::vector<std::string_view> &fields,
                               size_t first, Shape &shape,
                               std::string &problem) {
  if (first >= fields.size()) {
    problem = "expected at least one dimension";
    return false;
  }
  for (size_t i = first; i < fields.size(); ++i) {
    int64_t dim;
    if (!parseInt64(fields[i], dim) || dim <= 0) {
      problem = "dimension '" + std::string(fields[i]) +
                "' is not a positive integer";
      return false;
    }
    shape.push_back(dim);
  }
  return true;
}

bool ManifestParser::parseInit(const std::vector<std::string_view> &fields,
                               ParamInit &init, std::string &problem) {
  std::string_view name = fields[3];
  size_t argCount = fields.size() - 4;
  auto expectArgs = [&](size_t want, const char *usage) {
    if (argCount == want)
      return true;
    problem = "initialiser '" + std::string(name) + "' takes " +
              std::to_string(want) + " argument(s): " + usage;
    return false;
  };
  auto number = [&](size_t i, double &value) {
    if (parseFiniteDouble(fields[4 + i], value))
      return true;
    problem = "initialiser argument '" + std::string(fields[4 + i]) +
              "' is not a number";
    return false;
  };
  auto fan = [&](size_t i, double &value) {
    int64_t n;
    if (parseInt64(fields[4 + i], n) && n > 0) {
      value = static_cast<double>(n);
      return true;
    }
    problem =
        "fan '" + std::string(fields[4 + i]) + "' is not a positive integer";
    return false;
  };
  if (name == "zeros" || name == "ones") {
    init.kind = name == "zeros" ? InitKind::Zeros : InitKind::Ones;
    return expectArgs(0, std::string(name).c_str());
  }
  if (name == "glorot_uniform") {
    init.kind = InitKind::GlorotUniform;
    return expectArgs(2, "glorot_uniform <fan_in> <fan_out>") &&
           fan(0, init.a) && fan(1, init.b);
  }
  if (name == "he_normal") {
    init.kind = InitKind::HeNormal;
    return expectArgs(1, "he_normal <fan_in>") && fan(0, init.a);
  }
  if (name == "normal") {
    init.kind = InitKind::Normal;
    if (!expectArgs(2, "normal <mean> <std>") || !number(0, init.a) ||
        !number(1, init.b))
      return false;
    if (init.b < 0) {
      problem = "normal: the standard deviation must not be negative";
      return false;
    }
    return true;
  }
  if (name == "uniform") {
    init.kind = InitKind::Uniform;
    if (!expectArgs(2, "uniform <lo> <hi>") || !number(0, init.a) ||
        !number(1, init.b))
      return false;
    if (init.a > init.b) {
      problem = "uniform: lo must not exceed hi";
      return false;
    }
    return true;
  }
  problem = "unknown initialiser '" + std::string(name) +
            "' (expected zeros, ones, glorot_uniform, he_normal, normal or "
            "uniform)";
  return false;
}

/// `784,256` into its dimensions, each a positive integer.
static bool parseCommaDims(std::string_view dims, Shape &shape, std::string &problem) {
  size_t start = 0;
  while (true) {
    size_t comma = dims.find(',', start);
    std::string_view text =
        dims.substr(start, comma == std::string_view::npos ? comma : comma - start);
    int64_t dim;
    if (!parseInt64(text, dim) || dim <= 0) {
      problem = "dimension '" + std::string(text) + "' is not a positive integer";
      return false;
    }
    shape.push_back(dim);
    if (comma == std::string_view::npos)
      return true;
    start = comma + 1;
  }
}

bool ManifestParser::parseParam(const std::vector<std::string_view> &fields,
                                std::string &problem) {
  if (fields.size() < 4) {
    problem = "expected 'param <path> <dims> <init> [args...]'";
    return false;
  }
  ParamSpec param;
  param.path = std::string(fields[1]);
  if (!paramPaths.insert(param.path).second) {
    problem = "duplicate parameter '" + param.path + "'";
    return false;
  }
  if (fields[2] != "-" && !parseCommaDims(fields[2], param.shape, problem))
    return false;
  if (!parseInit(fields, param.init, problem))
    return false;
  out.params.push_back(std::move(param));
  return true;
}

bool ManifestParser::parseLabel(const std::vector<std::string_view> &fields,
                                std::string &problem) {
  if (!once("label", problem))
    return false;
  if (fields.size() >= 2 && fields[1] == "f32") {
    out.labelType = "f32";
    // No dimensions is a scalar target, unlike input and output.
    return fields.size() == 2 || parseDims(fields, 2, out.labelShape, problem);
  }
  if (fields.size() >= 2 && fields[1] == "i32") {
    // With dimensions: a class per position (a sequence model's labels).
    out.labelType = "i32";
    return fields.size() == 2 || parseDims(fields, 2, out.labelShape, problem);
  }
  problem = "expected 'label i32 [<dim>...]' or 'label f32 <dim>...'";
  return false;
}

/// Parses `text` as an integer >= `least`, naming it `what` on failure.
static bool parseCount(std::string_view text, int64_t least, const char *what,
                       int64_t &value, std::string &problem) {
  if (parseInt64(text, value) && value >= least)
    return true;
  problem = std::string(what) + " '" + std::string(text) + "' is not " +
            (least > 0 ? "a positive" : "a non-negative") + " integer";
  return false;
}

bool ManifestParser::parseData(const std::vector<std::string_view> &fields,
                               std::string &problem) {
  if (fields.size() < 3) {
    problem = "expected 'data <split> <format> ...'";
    return false;
  }
  DataSpec spec;
  spec.split = std::string(fields[1]);
  if (spec.split != "train" && spec.split != "test") {
    problem =
        "unknown data split '" + spec.split + "' (expected train or test)";
    return false;
  }
  spec.format = std::string(fields[2]);
  const char *usage = nullptr;
  if (spec.format == "idx")
    usage = "data <split> idx <images> <labels> <scale>";
  else if (spec.format == "csv")
    usage = "data <split> csv <path> <label-column> <scale>";
  else if (spec.format == "npy")
    usage = "data <split> npy <x-path> <y-path> <scale>";
  else if (spec.format == "synthetic")
    usage = "data <split> synthetic <n> <features> <classes> <seed>";
  else if (spec.format == "text")
    usage = "data <split> text <path> <context>";
  if (!usage) {
    problem = "unsupported data format '" + spec.format +
              "' (expected idx, csv, npy, synthetic or text)";
    return false;
  }
  size_t wanted = spec.format == "synthetic" ? 7 : spec.format == "text" ? 5 : 6;
  if (fields.size() != wanted) {
    problem = std::string("expected '") + usage + "'";
    return false;
  }
  if (!once("data " + spec.split, problem))
    return false;

  if (spec.format == "text") {
    if (!percentDecode(fields[3], spec.imagesPath)) {
      problem = "malformed %-escape in a data path";
      return false;
    }
    if (!parseCount(fields[4], 1, "context", spec.features, problem))
      return false;
  } else if (spec.format == "synthetic") {
    if (!parseCount(fields[3], 1, "example count", spec.count, problem) ||
        !parseCount(fields[4], 1, "feature count", spec.features, problem) ||
        !parseCount(fields[5], 0, "class count", spec.classes, problem))
      return false;
    if (!parseUint64(fields[6], spec.seed)) {
      problem =
          "seed '" + std::string(fields[6]) + "' is not a non-negative integer";
      return false;
    }
  } else {
    std::string &second =
        spec.format == "csv" ? spec.labelColumn : spec.labelsPath;
    bool noLabelsFile = spec.format != "csv" && fields[4] == "-";
    if (!percentDecode(fields[3], spec.imagesPath) ||
        (!noLabelsFile && !percentDecode(fields[4], second))) {
      problem = spec.format == "csv"
                    ? "malformed %-escape in the path or the label column"
                    : "malformed %-escape in a data path";
      return false;
    }
    if (!parseFiniteFloat(fields[5], spec.scale)) {
      problem = "scale '" + std::string(fields[5]) + "' is not a finite float";
      return false;
    }
  }
  out.data.push_back(std::move(spec));
  dataLines.emplace_back(lineNumber, std::string(lineText));
  return true;
}

bool ManifestParser::parseValid(const std::vector<std::string_view> &fields,
                                std::string &problem) {
  if (!once("valid", problem))
    return false;
  double fraction;
  if (fields.size() != 2) {
    problem = "expected 'valid <fraction>'";
    return false;
  }
  if (!parseFiniteDouble(fields[1], fraction) || fraction <= 0 ||
      fraction >= 1) {
    problem = "validation fraction '" + std::string(fields[1]) +
              "' is not a number strictly between 0 and 1";
    return false;
  }
  out.validFraction = fraction;
  return true;
}

/// The checks of a data record against the input, label and output
/// records, which may come after it.
bool ManifestParser::checkData(const DataSpec &spec,
                               std::string &problem) const {
  bool targets = out.hasTargetLabels();
  if (spec.labelsAreExamples()) {
    if (!targets || out.labelShape != out.inputShape) {
      problem = "the data's examples are their own labels (no labels file), but the "
                "model's label is not f32 shaped like its input";
      return false;
    }
    return true;
  }
  if (spec.format == "text") {
    Shape context{spec.features};
    if (targets || out.labelShape != context || out.inputShape != context ||
        out.outputShape != Shape{spec.features, 256}) {
      problem = "text data gives " + std::to_string(spec.features) +
                " bytes per example and the next byte of each as its class, but the "
                "model's input, label and output are not f32 [" +
                std::to_string(spec.features) + "], i32 [" + std::to_string(spec.features) +
                "] and f32 [" + std::to_string(spec.features) + ", 256]";
      return false;
    }
    return true;
  }
  if (!targets && out.labelSize() != 1 && spec.format != "npy") {
    problem = spec.format + " data holds one class label per example, but the model's label "
              "has shape " + formatShape(out.labelShape) + " (use npy data)";
    return false;
  }
  if (spec.format == "idx" && targets) {
    problem = "idx data holds class labels, but the model's labels are f32 "
              "(use csv, npy or synthetic data)";
    return false;
  }
  if (spec.format == "csv" && targets && out.labelSize() != 1) {
    problem = "a csv label column holds one number per example, but the "
              "model's f32 label has shape " +
              formatShape(out.labelShape);
    return false;
  }
  if (spec.format != "synthetic")
    return true;
  if (spec.features != out.inputSize()) {
    problem = "synthetic data has " + std::to_string(spec.features) +
              " features, but the model's input has " +
              std::to_string(out.inputSize()) + " elements";
    return false;
  }
  if (spec.classes > 0 && targets) {
    problem = "synthetic data with classes (" + std::to_string(spec.classes) +
              ") makes class labels, but the model's labels are f32 (0 "
              "classes makes regression targets)";
    return false;
  }
  if (spec.classes == 0 && !targets) {
    problem = "synthetic data with 0 classes makes f32 regression targets, "
              "but the model's labels are i32";
    return false;
  }
  if (spec.classes > 0 && spec.classes != out.outputSize()) {
    problem = "synthetic data has " + std::to_string(spec.classes) +
              " classes, but the model's output has " +
              std::to_string(out.outputSize()) + " elements";
    return false;
  }
  return true;
}

bool ManifestParser::parseLine(const std::vector<std::string_view> &fields,
                               std::string &problem) {
  for (std::string_view field : fields) {
    if (field.empty()) {
      problem = "empty field (fields are separated by single spaces)";
      return false;
    }
  }
  std::string_view record = fields[0];
  if (!sawHeader) {
    int64_t version;
    if (record != "gdc-model" || fields.size() != 2 ||
        !parseInt64(fields[1], version)) {
      problem = "expected 'gdc-model <version>' as the first record";
      return false;
    }
    if (version != 1) {
      problem = "unsupported manifest version " + std::to_string(version) +
                "; this runtime reads version 1";
      return false;
    }
    out.version = 1;
    sawHeader = true;
    return true;
  }
  if (record == "input" || record == "output") {
    if (!once(record, problem))
      return false;
    if (fields.size() < 2) {
      problem = "expected '" + std::string(record) + " f32 <dim>...'";
      return false;
    }
    if (fields[1] != "f32") {
      problem = "unsupported " + std::string(record) + " element type '" +
                std::string(fields[1]) + "' (only f32)";
      return false;
    }
    bool isInput = record == "input";
    (isInput ? out.inputType : out.outputType) = "f32";
    return parseDims(fields, 2, isInput ? out.inputShape : out.outputShape,
                     problem);
  }
  if (record == "label")
    return parseLabel(fields, problem);
  if (record == "param")
    return parseParam(fields, problem);
  if (record == "state") {
    if (fields.size() != 2) {
      problem = "expected 'state <name>'";
      return false;
    }
    if (!stateNames.emplace(fields[1]).second) {
      problem = "duplicate state '" + std::string(fields[1]) + "'";
      return false;
    }
    out.states.emplace_back(fields[1]);
    return true;
  }
  if (record == "slots") {
    // `slots <path> <state>...`: the parameter's live optimizer states, the
    // first of the S slots (after every state record).
    if (fields.size() < 2) {
      problem = "expected 'slots <path> <state>...'";
      return false;
    }
    auto param = std::find_if(out.params.begin(), out.params.end(),
                              [&](const ParamSpec &p) { return p.path == fields[1]; });
    if (param == out.params.end()) {
      problem = "slots of an unknown parameter '" + std::string(fields[1]) + "'";
      return false;
    }
    if (param->slotsKnown) {
      problem = "slots of '" + param->path + "' are given twice";
      return false;
    }
    if (fields.size() - 2 > out.states.size()) {
      problem = "parameter '" + param->path + "' has more live slots than the " +
                std::to_string(out.states.size()) + " state records";
      return false;
    }
    param->slotsKnown = true;
    for (size_t i = 2; i < fields.size(); ++i) {
      // `<state>` or `<state>:<dims>`, a slot kept with extent 1 along
      // some of the parameter's axes.
      std::string_view field = fields[i];
      size_t colon = field.find(':');
      param->slots.emplace_back(field.substr(0, colon));
      Shape &shape = param->slotShapes.emplace_back();
      if (colon == std::string_view::npos) {
        shape = param->shape;
        continue;
      }
      if (!parseCommaDims(field.substr(colon + 1), shape, problem))
        return false;
      bool fits = shape.size() == param->shape.size();
      for (size_t d = 0; fits && d < shape.size(); ++d)
        fits = shape[d] == param->shape[d] || shape[d] == 1;
      if (!fits) {
        problem = "state '" + param->slots.back() + "' of '" + param->path + "' has shape " +
                  formatShape(shape) + ", which is not " + formatShape(param->shape) +
                  " with some dimensions 1";
        return false;
      }
    }
    return true;
  }
  // `hyper <name> <default>` and `global <name> <init>`: a uniquely named
  // runtime float.
  auto namedFloat = [&](const char *syntax, const std::string &what,
                        const std::string &valueWhat,
                        std::set<std::string, std::less<>> &names, auto &specs) {
    float value;
    bool global = std::is_same_v<std::decay_t<decltype(specs)>, std::vector<GlobalSpec>>;
    if (global ? fields.size() < 3 : fields.size() != 3) {
      problem = std::string("expected '") + syntax + "'";
      return false;
    }
    if (!parseFiniteFloat(fields[2], value)) {
      problem = valueWhat + " '" + std::string(fields[2]) + "' is not a finite float";
      return false;
    }
    if (!names.emplace(fields[1]).second) {
      problem = "duplicate " + what + " '" + std::string(fields[1]) + "'";
      return false;
    }
    specs.push_back({std::string(fields[1]), value});
    if constexpr (std::is_same_v<std::decay_t<decltype(specs)>, std::vector<GlobalSpec>>) {
      for (size_t i = 3; i < fields.size(); ++i) {
        int64_t dim;
        if (!parseInt64(fields[i], dim) || dim <= 0) {
          problem = "global state dimension '" + std::string(fields[i]) +
                    "' is not a positive integer";
          return false;
        }
        specs.back().shape.push_back(dim);
      }
    }
    return true;
  };
  if (record == "global")
    return namedFloat("global <name> <init> [<dim>...]", "global state", "global state init",
                      globalNames, out.globals);
  if (record == "hyper")
    return namedFloat("hyper <name> <default>", "hyperparameter", "hyperparameter default",
                      hyperNames, out.hypers);
  if (record == "constant") {
    // `constant <name> <int>` or `constant <name> <number> f64`: a
    // compile-time argument of an update rule.
    ConstantSpec constant;
    constant.isF64 = fields.size() == 4 && fields[3] == "f64";
    int64_t integer = 0;
    bool parsed = constant.isF64 ? parseFiniteDouble(fields[2], constant.value)
                                 : fields.size() == 3 && parseInt64(fields[2], integer);
    if (!parsed) {
      problem = "expected 'constant <name> <integer>' or 'constant <name> <number> f64'";
      return false;
    }
    constant.name = std::string(fields[1]);
    if (!constant.isF64)
      constant.value = static_cast<double>(integer);
    if (out.findConstant(constant.name)) {
      problem = "duplicate constant '" + constant.name + "'";
      return false;
    }
    out.constants.push_back(std::move(constant));
    return true;
  }
  if (record == "train") {
    if (fields.size() != 3) {
      problem = "expected 'train batch|epochs|seed <n>'";
      return false;
    }
    std::string_view key = fields[1];
    if (!once("train " + std::string(key), problem))
      return false;
    if (key == "seed") {
      uint64_t seed;
      if (!parseUint64(fields[2], seed)) {
        problem = "seed '" + std::string(fields[2]) +
                  "' is not a non-negative integer";
        return false;
      }
      out.defaultSeed = seed;
      return true;
    }
    if (key != "batch" && key != "epochs") {
      problem = "unknown train setting '" + std::string(key) +
                "' (expected batch, epochs or seed)";
      return false;
    }
    int64_t n;
    if (!parseInt64(fields[2], n) || n <= 0) {
      problem = std::string(key) + " '" + std::string(fields[2]) +
                "' is not a positive integer";
      return false;
    }
    (key == "batch" ? out.defaultBatch : out.defaultEpochs) = n;
    return true;
  }
  if (record == "data")
    return parseData(fields, problem);
  if (record == "valid")
    return parseValid(fields, problem);
  if (record == "source-dir") {
    if (!once(record, problem))
      return false;
    if (fields.size() != 2) {
      problem = "expected 'source-dir <dir>'";
      return false;
    }
    if (!percentDecode(fields[1], out.sourceDir)) {
      problem = "malformed %-escape in the source directory";
      return false;
    }
    return true;
  }
  if (record == "site") {
    SiteSpec site;
    auto decode = [](std::string_view field, std::string &out) {
      return field == "-" || percentDecode(field, out);
    };
    if (fields.size() != 4 || fields[1].empty() || !decode(fields[2], site.location) ||
        !decode(fields[3], site.context)) {
      problem = "expected 'site <op> <location> <what>' (percent-encoded)";
      return false;
    }
    site.op = std::string(fields[1]);
    out.sites.push_back(std::move(site));
    return true;
  }
  problem = "unknown record '" + std::string(record) + "'";
  return false;
}

bool ManifestParser::finish(std::string &error) {
  if (!sawHeader) {
    error = "manifest: empty manifest (expected 'gdc-model 1')";
    return false;
  }
  for (const char *required : {"input", "label", "output"}) {
    if (!seenRecords.count(std::string_view(required))) {
      error = std::string("manifest: missing '") + required + "' record";
      return false;
    }
  }
  // Class labels per position: the output scores the classes after them.
  if (out.labelType == "i32" && !out.labelShape.empty() &&
      (out.outputShape.size() != out.labelShape.size() + 1 ||
       !std::equal(out.labelShape.begin(), out.labelShape.end(), out.outputShape.begin()))) {
    error = "manifest: class labels of shape " + formatShape(out.labelShape) +
            " need an output of that shape followed by the classes, not " +
            formatShape(out.outputShape);
    return false;
  }
  for (size_t i = 0; i < out.data.size(); ++i) {
    std::string problem;
    if (!checkData(out.data[i], problem)) {
      error = "manifest line " + std::to_string(dataLines[i].first) + ": " +
              problem + ": '" + dataLines[i].second + "'";
      return false;
    }
  }
  return true;
}

bool parseInit(std::string_view text, ParamInit &init, std::string &error) {
  // The initialiser as it stands in a param record, after path and dims.
  std::vector<std::string_view> fields = {"param", "-", "-"};
  for (std::string_view field : splitFields(text))
    fields.push_back(field);
  if (fields.size() < 4) {
    error = "expected an initialiser";
    return false;
  }
  Manifest unused;
  return ManifestParser(unused).parseInitialiser(fields, init, error);
}

bool parseManifest(std::string_view text, Manifest &out, std::string &error) {
  out = Manifest();
  ManifestParser parser(out);
  size_t lineNumber = 0;
  size_t start = 0;
  while (start < text.size()) {
    size_t newline = text.find('\n', start);
    std::string_view line = text.substr(
        start, newline == std::string_view::npos ? newline : newline - start);
    start = newline == std::string_view::npos ? text.size() : newline + 1;
    ++lineNumber;
    if (line.empty())
      continue;
    std::string problem;
    parser.setLine(lineNumber, line);
    if (!parser.parseLine(splitFields(line), problem)) {
      error = "manifest line " + std::to_string(lineNumber) + ": " + problem +
              ": '" + std::string(line) + "'";
      return false;
    }
  }
  return parser.finish(error);
}

} // namespace gdrt
