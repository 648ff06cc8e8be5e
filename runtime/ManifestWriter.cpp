//===- ManifestWriter.cpp - The manifest's text and its parts as text -----===//
//
// formatManifest is the inverse of parseManifest (Manifest.cpp): the
// compiler builds a Manifest and writes it with this, the runtime reads it
// back with that, and test/unit/runtime/ManifestTest.cpp checks the round
// trip. Numbers are written with enough digits to read back exactly.
//
//===----------------------------------------------------------------------===//
#include "Manifest.h"
#include "PercentEncoding.h"
#include "ParseNumber.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace gdrt {
namespace {

std::string spacedDims(const Shape &shape) {
  std::string text;
  for (int64_t dim : shape)
    text += " " + std::to_string(dim);
  return text;
}

/// `784,256` (empty for a scalar), as `param` and `slots` records hold it.
std::string commaDims(const Shape &shape) {
  std::string text;
  for (size_t i = 0; i < shape.size(); ++i)
    text += (i ? "," : "") + std::to_string(shape[i]);
  return text;
}

} // namespace

std::string formatShape(const Shape &shape) {
  std::string text = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i)
      text += ", ";
    text += std::to_string(shape[i]);
  }
  return text + "]";
}

/// Formats a double the way a person would write it in the manifest.
static std::string formatNumber(double value) {
  char buffer[64];
  snprintf(buffer, sizeof(buffer), "%g", value);
  return buffer;
}

std::string formatInit(const ParamInit &init) {
  // Exact: the manifest's writer uses this too, and --help reads the same.
  // The shortest of 15 to 17 digits that reads back to the same double.
  auto exact = [](double value) {
    char buffer[64];
    for (int digits = 15; digits <= 17; ++digits) {
      snprintf(buffer, sizeof(buffer), "%.*g", digits, value);
      if (strtod(buffer, nullptr) == value)
        break;
    }
    return std::string(buffer);
  };
  switch (init.kind) {
  case InitKind::Zeros:
    return "zeros";
  case InitKind::Ones:
    return "ones";
  case InitKind::GlorotUniform:
    return "glorot_uniform " + exact(init.a) + " " + exact(init.b);
  case InitKind::HeNormal:
    return "he_normal " + exact(init.a);
  case InitKind::Normal:
    return "normal " + exact(init.a) + " " + exact(init.b);
  case InitKind::Uniform:
    return "uniform " + exact(init.a) + " " + exact(init.b);
  }
  return "zeros";
}

std::string formatDataSpec(const DataSpec &spec) {
  if (spec.format == "text")
    return spec.imagesPath + " (text, " + std::to_string(spec.features) +
           " bytes per example, each position's next byte its label)";
  if (spec.format == "synthetic")
    return "synthetic: " + std::to_string(spec.count) + " examples, " +
           std::to_string(spec.features) + " features, " +
           (spec.classes ? std::to_string(spec.classes) + " classes"
                         : std::string("regression")) +
           ", seed " + std::to_string(spec.seed);
  std::string files =
      spec.format == "csv"
          ? spec.imagesPath + ", label column '" + spec.labelColumn + "'"
          : spec.labelsAreExamples() ? spec.imagesPath + ", each example its own label"
                                     : spec.imagesPath + " " + spec.labelsPath;
  return files + " (" + spec.format + ", scale " + formatNumber(spec.scale) +
         ")";
}

std::string formatManifest(const Manifest &m) {
  std::string text = "gdc-model 1\n";
  text += "input " + m.inputType + spacedDims(m.inputShape) + "\n";
  text += "label " + m.labelType + spacedDims(m.labelShape) + "\n";
  text += "output " + m.outputType + spacedDims(m.outputShape) + "\n";
  for (const ParamSpec &param : m.params) {
    std::string dims = commaDims(param.shape);
    text += "param " + param.path + " " + (dims.empty() ? "-" : dims) + " " +
            formatInit(param.init) + "\n";
  }
  for (const std::string &state : m.states)
    text += "state " + state + "\n";
  for (const ParamSpec &param : m.params) {
    if (!param.slotsKnown)
      continue;
    text += "slots " + param.path;
    for (size_t s = 0; s < param.slots.size(); ++s) {
      text += " " + param.slots[s];
      if (param.slotShape(s) != param.shape)
        text += ":" + commaDims(param.slotShape(s));
    }
    text += "\n";
  }
  for (const GlobalSpec &global : m.globals) {
    text += "global " + global.name + " " + formatExactFloat(global.defaultValue);
    for (int64_t dim : global.shape)
      text += " " + std::to_string(dim);
    text += "\n";
  }
  for (const HyperSpec &hyper : m.hypers)
    text += "hyper " + hyper.name + " " + formatExactFloat(hyper.defaultValue) + "\n";
  for (const ConstantSpec &constant : m.constants)
    text += "constant " + constant.name + " " + constant.text() +
            (constant.isF64 ? " f64\n" : "\n");
  if (m.defaultBatch)
    text += "train batch " + std::to_string(*m.defaultBatch) + "\n";
  if (m.defaultEpochs)
    text += "train epochs " + std::to_string(*m.defaultEpochs) + "\n";
  if (m.defaultSeed)
    text += "train seed " + std::to_string(*m.defaultSeed) + "\n";
  for (const DataSpec &spec : m.data) {
    text += "data " + spec.split + " " + spec.format + " ";
    if (spec.format == "synthetic")
      text += std::to_string(spec.count) + " " + std::to_string(spec.features) + " " +
              std::to_string(spec.classes) + " " + std::to_string(spec.seed);
    else if (spec.format == "text")
      text += percentEncode(spec.imagesPath) + " " + std::to_string(spec.features);
    else
      text += percentEncode(spec.imagesPath) + " " +
              (spec.labelsAreExamples()
                   ? std::string("-")
                   : percentEncode(spec.format == "csv" ? spec.labelColumn : spec.labelsPath)) +
              " " + formatExactFloat(spec.scale);
    text += "\n";
  }
  if (m.validFraction)
    text += "valid " + formatExactDouble(*m.validFraction) + "\n";
  if (!m.sourceDir.empty())
    text += "source-dir " + percentEncode(m.sourceDir) + "\n";
  auto orDash = [](const std::string &field) {
    return field.empty() ? std::string("-") : percentEncode(field);
  };
  for (const SiteSpec &site : m.sites)
    text += "site " + site.op + " " + orDash(site.location) + " " + orDash(site.context) + "\n";
  return text;
}

std::string Manifest::stateSlotPath(size_t param, size_t state) const {
  const ParamSpec &spec = params.at(param);
  return spec.path + "/" + (state < spec.slots.size() ? spec.slots[state] : states.at(state));
}

} // namespace gdrt
