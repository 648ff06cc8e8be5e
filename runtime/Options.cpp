//===- Options.cpp - The training executable's command line ---------------===//

#include "Options.h"

#include "FileIO.h"

#include <cmath>

#include "ParseNumber.h"

#include <algorithm>
#include <cstdio>

namespace gdrt {

namespace {
/// One command-line option, for parsing and for --help.
struct OptionInfo {
  const char *name;    ///< without the leading "--"
  const char *metavar; ///< null for a flag that takes no value
  const char *help;
};
} // namespace

static const OptionInfo kOptions[] = {
    {"data-dir", "DIR",
     "resolve relative data paths against DIR (default: the directory of "
     "the .gd program)"},
    {"epochs", "N", "number of epochs (0: train nothing; --save then writes the initial parameters)"},
    {"batch", "N",
     "examples per batch; the last batch of an epoch may be "
     "smaller"},
    {"seed", "N", "seed of parameter initialisation, shuffling and the model's random draws"},
    {"steps", "N",
     "stop after N steps in total, possibly mid-epoch (that "
     "epoch is still evaluated and logged); 0: train nothing, and --save "
     "writes the initial parameters"},
    {"limit", "N",
     "train on the first N examples of the training set only (a quick run "
     "on a subset; the test set stays whole)"},
    {"valid", "F",
     "hold out the fraction F (0 <= F < 1) of the training set, drawn once "
     "from the seed, and evaluate on it every epoch; 0: none"},
    {"shuffle", "on|off",
     "shuffle the examples every epoch (default: on); "
     "off keeps file order"},
    {"set", "NAME=VALUE", "set a hyperparameter (repeatable; names below)"},
    {"init", "FILE", "start from the parameters in safetensors FILE"},
    {"save", "FILE",
     "write a checkpoint (parameters, optimizer state, position) to safetensors FILE at the end"},
    {"save-every", "N", "also rewrite the --save checkpoint every N steps"},
    {"resume", "FILE", "continue the run a checkpoint FILE was written in (--steps and --epochs "
                       "count from that run's start)"},
    {"log", "FILE", "write one JSON object per epoch to FILE"},
    {"plot", "FILE.svg", "draw the loss per step and the metrics per epoch as an SVG picture"},
    {"on-nan", "stop|skip",
     "when a step's loss, gradients or updated parameters hold a NaN or an infinity: stop "
     "there, naming the step and the source location that produced it (default), or skip "
     "that step's update and go on"},
    {"quiet", nullptr, "no live progress line (per-epoch summaries stay)"},
    {"keep-denormals", nullptr,
     "compute with subnormal floats instead of flushing them to zero (the "
     "default flushes: subnormals are rare in training and very slow)"},
    {"help", nullptr, "show this help and exit"},
};

static const OptionInfo *findOption(std::string_view name) {
  for (const OptionInfo &option : kOptions)
    if (name == option.name)
      return &option;
  return nullptr;
}

static bool parsePositive(const std::string &option, const std::string &text,
                          int64_t &value, std::string &error) {
  if (parseInt64(text, value) && value > 0)
    return true;
  error = "invalid value '" + text + "' for --" + option +
          ": expected a positive integer";
  return false;
}

/// Applies `--set NAME=VALUE` to `options.hypers`.
static bool applySet(const std::string &assignment, const Manifest &manifest,
                     Options &options, std::string &error) {
  size_t equals = assignment.find('=');
  if (equals == std::string::npos || equals == 0) {
    error = "invalid value '" + assignment + "' for --set: expected NAME=VALUE";
    return false;
  }
  std::string name = assignment.substr(0, equals);
  std::string text = assignment.substr(equals + 1);
  int index = manifest.findHyper(name);
  if (const ConstantSpec *constant = index < 0 ? manifest.findConstant(name) : nullptr) {
    error = "'" + name + "' is an " + (constant->isF64 ? "f64" : "int") +
            " argument of the update rule, fixed when the program was compiled (" +
            constant->text() +
            "): change it in the program and compile again; --set takes the f32 "
            "hyperparameters";
    for (size_t i = 0; i < manifest.hypers.size(); ++i)
      error += (i ? ", " : ": ") + manifest.hypers[i].name;
    return false;
  }
  if (index < 0) {
    error = "unknown hyperparameter '" + name + "'; ";
    if (manifest.hypers.empty()) {
      error += "this model has no hyperparameters";
    } else {
      error += "valid names: ";
      for (size_t i = 0; i < manifest.hypers.size(); ++i)
        error += (i ? ", " : "") + manifest.hypers[i].name;
    }
    return false;
  }
  // Read at double precision first: a value that f32 cannot hold (1e-50
  // underflows to 0, 1e50 overflows) is an error, not a silent change.
  double exact;
  if (!parseFiniteDouble(text, exact)) {
    error = "invalid value '" + text + "' for hyperparameter '" + name +
            "': expected a finite number";
    return false;
  }
  float value = static_cast<float>(exact);
  if (!std::isfinite(value) || (value == 0 && exact != 0) ||
      (std::fpclassify(value) == FP_SUBNORMAL)) {
    error = "invalid value '" + text + "' for hyperparameter '" + name +
            "': hyperparameters are f32, whose normal range is 1.2e-38 to 3.4e38 in magnitude";
    return false;
  }
  options.hypers[index] = value;
  options.setHypers.insert(name);
  return true;
}

static bool parseNonNegative(const std::string &option, const std::string &text,
                             int64_t &value, std::string &error) {
  if (parseInt64(text, value) && value >= 0)
    return true;
  error = "invalid value '" + text + "' for --" + option +
          ": expected a non-negative integer";
  return false;
}

/// Stores the value `text` of option `name` (which takes a value).
static bool applyOption(const std::string &name, const std::string &text,
                        const Manifest &manifest, Options &options,
                        std::string &error) {
  options.given.insert(name);
  if (text.empty() &&
      (name == "init" || name == "save" || name == "log" || name == "resume" || name == "plot")) {
    error = "option '--" + name + "' needs a file name";
    return false;
  }
  if (name == "data-dir") {
    options.dataDir = text;
  } else if (name == "epochs") {
    return parseNonNegative(name, text, options.epochs, error);
  } else if (name == "batch") {
    return parsePositive(name, text, options.batch, error);
  } else if (name == "steps") {
    int64_t steps;
    if (!parseNonNegative(name, text, steps, error))
      return false;
    options.maxSteps = steps;
  } else if (name == "limit") {
    int64_t limit;
    if (!parsePositive(name, text, limit, error))
      return false;
    options.limit = limit;
  } else if (name == "valid") {
    double fraction;
    if (!parseFiniteDouble(text, fraction) || fraction < 0 || fraction >= 1) {
      error = "invalid value '" + text +
              "' for --valid: expected a fraction F with 0 <= F < 1 (0 "
              "turns validation off)";
      return false;
    }
    options.validFraction = fraction;
  } else if (name == "seed") {
    if (!parseUint64(text, options.seed)) {
      error = "invalid value '" + text +
              "' for --seed: expected a non-negative integer";
      return false;
    }
  } else if (name == "shuffle") {
    if (text != "on" && text != "off") {
      error = "invalid value '" + text + "' for --shuffle: expected on or off";
      return false;
    }
    options.shuffle = text == "on";
  } else if (name == "on-nan") {
    if (text != "stop" && text != "skip") {
      error = "invalid value '" + text + "' for --on-nan: expected stop or skip";
      return false;
    }
    options.skipNonFinite = text == "skip";
  } else if (name == "set") {
    return applySet(text, manifest, options, error);
  } else if (name == "init") {
    options.initPath = text;
  } else if (name == "save") {
    options.savePath = text;
  } else if (name == "save-every") {
    int64_t every;
    if (!parsePositive(name, text, every, error))
      return false;
    options.saveEvery = every;
  } else if (name == "resume") {
    options.resumePath = text;
  } else if (name == "log") {
    options.logPath = text;
  } else if (name == "plot") {
    options.plotPath = text;
  }
  return true;
}

/// Settings for a manifest without the corresponding `train` record.
static const int64_t kFallbackEpochs = 1;
static const int64_t kFallbackBatch = 32;
static const uint64_t kFallbackSeed = 0;

bool parseOptions(int argc, const char *const *argv, const Manifest &manifest,
                  Options &options, std::string &error) {
  options = Options();
  options.epochs = manifest.defaultEpochs.value_or(kFallbackEpochs);
  options.batch = manifest.defaultBatch.value_or(kFallbackBatch);
  options.seed = manifest.defaultSeed.value_or(kFallbackSeed);
  options.validFraction = manifest.validFraction.value_or(0);
  for (const HyperSpec &hyper : manifest.hypers)
    options.hypers.push_back(hyper.defaultValue);

  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "-h") {
      options.help = true;
      return true;
    }
    if (arg.size() < 3 || arg.compare(0, 2, "--") != 0) {
      error = "unexpected argument '" + arg + "' (see --help)";
      return false;
    }
    size_t equals = arg.find('=');
    std::string name = arg.substr(
        2, equals == std::string::npos ? std::string::npos : equals - 2);
    const OptionInfo *option = findOption(name);
    if (!option) {
      error = "unknown option '--" + name + "' (see --help)";
      return false;
    }
    if (!option->metavar) {
      if (equals != std::string::npos) {
        error = "option '--" + name + "' takes no value";
        return false;
      }
      if (name == "help") {
        options.help = true;
        return true;
      }
      if (name == "keep-denormals")
        options.keepDenormals = true;
      else
        options.quiet = true;
      continue;
    }
    std::string value;
    if (equals != std::string::npos) {
      value = arg.substr(equals + 1);
    } else {
      // A following option is a forgotten value, not a value.
      if (i + 1 >= argc || std::string(argv[i + 1]).rfind("--", 0) == 0) {
        error =
            "option '--" + name + "' needs a value (" + option->metavar + ")";
        return false;
      }
      value = argv[++i];
    }
    if (!applyOption(name, value, manifest, options, error))
      return false;
  }
  if (options.saveEvery && options.savePath.empty()) {
    error = "--save-every needs --save FILE, the checkpoint it rewrites";
    return false;
  }
  if (!options.resumePath.empty() && !options.initPath.empty()) {
    error = "--resume continues a run from its checkpoint; --init starts a new one from "
            "parameters: give one of them";
    return false;
  }
  return true;
}

/// Appends `left` padded to `width` columns, then `right`.
static void appendColumns(std::string &out, const std::string &left,
                          size_t width, const std::string &right) {
  out += left;
  out += std::string(left.size() < width ? width - left.size() : 1, ' ');
  out += right + "\n";
}

static std::string formatFloat(float value) {
  char buffer[32];
  snprintf(buffer, sizeof(buffer), "%g", value);
  return buffer;
}

std::string helpText(const Manifest &manifest) {
  std::string out = "usage: train [options]\n\n"
                    "Trains the compiled gd model, evaluating it after every "
                    "epoch on the test set\nand the validation split "
                    "(accuracy, or the mean squared error for f32 "
                    "labels).\n\noptions:\n";
  for (const OptionInfo &option : kOptions) {
    std::string left = std::string("  --") + option.name;
    if (option.metavar)
      left += std::string(" ") + option.metavar;
    std::string help = option.help;
    std::string name = option.name;
    if (name == "epochs")
      help += " (default: " +
              std::to_string(manifest.defaultEpochs.value_or(kFallbackEpochs)) +
              ")";
    if (name == "batch")
      help += " (default: " +
              std::to_string(manifest.defaultBatch.value_or(kFallbackBatch)) +
              ")";
    if (name == "seed")
      help += " (default: " +
              std::to_string(manifest.defaultSeed.value_or(kFallbackSeed)) +
              ")";
    if (name == "valid")
      help +=
          " (default: " +
          formatFloat(static_cast<float>(manifest.validFraction.value_or(0))) +
          ")";
    appendColumns(out, left, 24, help);
  }
  out += "\nBoth --opt VALUE and --opt=VALUE are accepted.\n";

  out += "\nhyperparameters (--set NAME=VALUE):\n";
  if (manifest.hypers.empty())
    out += "  (none)\n";
  size_t width = 0;
  for (const HyperSpec &hyper : manifest.hypers)
    width = std::max(width, hyper.name.size());
  for (const HyperSpec &hyper : manifest.hypers)
    appendColumns(out, "  " + hyper.name, width + 4,
                  "default " + formatFloat(hyper.defaultValue));
  if (!manifest.constants.empty()) {
    out += "\ncompile-time arguments of the update rule (int and f64; change them in "
           "the program):\n";
    size_t constantWidth = 0;
    for (const ConstantSpec &constant : manifest.constants)
      constantWidth = std::max(constantWidth, constant.name.size());
    for (const ConstantSpec &constant : manifest.constants)
      appendColumns(out, "  " + constant.name, constantWidth + 4,
                    constant.text() + (constant.isF64 ? " (f64)" : ""));
  }

  out += "\nparameters:\n";
  if (manifest.params.empty())
    out += "  (none)\n";
  width = 0;
  size_t shapeWidth = 0;
  for (const ParamSpec &param : manifest.params) {
    width = std::max(width, param.path.size());
    shapeWidth = std::max(shapeWidth, formatShape(param.shape).size());
  }
  for (const ParamSpec &param : manifest.params) {
    std::string shape = formatShape(param.shape);
    shape += std::string(shapeWidth - shape.size(), ' ');
    appendColumns(out, "  " + param.path, width + 4,
                  shape + "  init " + formatInit(param.init));
  }

  std::string label = manifest.hasTargetLabels()
                          ? "f32" + formatShape(manifest.labelShape)
                          : std::string("i32");
  out += "\nmodel: input f32" + formatShape(manifest.inputShape) + ", label " +
         label + ", output f32" + formatShape(manifest.outputShape) + "\n";
  if (!manifest.data.empty()) {
    out += "\ndata (relative paths resolve against --data-dir, else " +
           (manifest.sourceDir.empty() ? std::string("the current directory")
                                       : dataBaseDirectory(manifest.sourceDir)) +
           "):\n";
    for (const DataSpec &spec : manifest.data)
      out += "  " + spec.split + ": " + formatDataSpec(spec) + "\n";
  }
  return out;
}

} // namespace gdrt
