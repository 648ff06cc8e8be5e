//===- ManifestWriter.cpp - The one writer of the manifest's text ---------===//
//
// formatManifest is the inverse of parseManifest (Manifest.cpp): the
// compiler builds a Manifest and writes it with this, the runtime reads it
// back with that, and test/unit/runtime/ManifestTest.cpp checks the round
// trip. Numbers are written with enough digits to read back exactly.
//
//===----------------------------------------------------------------------===//
#include "Manifest.h"
#include "ParseNumber.h"

#include <cstdio>

namespace gdrt {
namespace {

/// A path as a field: a space, '%' and control characters become %XX, so
/// that fields stay space-separated.
std::string percentEncode(const std::string &text) {
  std::string out;
  for (unsigned char c : text) {
    if (c == ' ' || c == '%' || c < 0x20 || c == 0x7f) {
      char buffer[4];
      snprintf(buffer, sizeof(buffer), "%%%02X", c);
      out += buffer;
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

std::string spacedDims(const Shape &shape) {
  std::string text;
  for (int64_t dim : shape)
    text += " " + std::to_string(dim);
  return text;
}

} // namespace

std::string formatManifest(const Manifest &m) {
  std::string text = "gdc-model 1\n";
  text += "input " + m.inputType + spacedDims(m.inputShape) + "\n";
  text += "label " + m.labelType + spacedDims(m.labelShape) + "\n";
  text += "output " + m.outputType + spacedDims(m.outputShape) + "\n";
  for (const ParamSpec &param : m.params) {
    std::string dims;
    for (size_t i = 0; i < param.shape.size(); ++i)
      dims += (i ? "," : "") + std::to_string(param.shape[i]);
    text += "param " + param.path + " " + (dims.empty() ? "-" : dims) + " " +
            formatInit(param.init) + "\n";
  }
  for (const std::string &state : m.states)
    text += "state " + state + "\n";
  for (const ParamSpec &param : m.params) {
    if (!param.slotsKnown)
      continue;
    text += "slots " + param.path;
    for (const std::string &slot : param.slots)
      text += " " + slot;
    text += "\n";
  }
  for (const HyperSpec &global : m.globals)
    text += "global " + global.name + " " + formatExactFloat(global.defaultValue) + "\n";
  for (const HyperSpec &hyper : m.hypers)
    text += "hyper " + hyper.name + " " + formatExactFloat(hyper.defaultValue) + "\n";
  for (const auto &[name, value] : m.constants)
    text += "constant " + name + " " + std::to_string(value) + "\n";
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
    else
      text += percentEncode(spec.imagesPath) + " " +
              percentEncode(spec.format == "csv" ? spec.labelColumn : spec.labelsPath) + " " +
              formatExactFloat(spec.scale);
    text += "\n";
  }
  if (m.validFraction)
    text += "valid " + formatExactDouble(*m.validFraction) + "\n";
  if (!m.sourceDir.empty())
    text += "source-dir " + percentEncode(m.sourceDir) + "\n";
  return text;
}

std::string Manifest::stateSlotPath(size_t param, size_t state) const {
  const ParamSpec &spec = params.at(param);
  return spec.path + "/" + (state < spec.slots.size() ? spec.slots[state] : states.at(state));
}

} // namespace gdrt
