//===- Dataset.cpp - Examples and labels in memory ------------------------===//

#include "Dataset.h"

#include <cfloat>
#include <cmath>
#include <cstring>

namespace gdrt {

std::string LabelFormat::describe() const {
  if (targets)
    return "f32 targets of shape " + formatShape(targetShape);
  if (!classShape.empty())
    return "class labels in [0, " + std::to_string(classes) + ") of shape " +
           formatShape(classShape);
  return "class labels in [0, " + std::to_string(classes) + ")";
}

LabelFormat LabelFormat::fromManifest(const Manifest &manifest) {
  LabelFormat format;
  format.targets = manifest.hasTargetLabels();
  format.targetShape = manifest.labelShape;
  if (!format.targets) {
    // One class per position: the output has a score per class after them.
    format.classShape = manifest.labelShape;
    format.classes = manifest.labelShape.empty() ? manifest.outputSize()
                                                 : manifest.outputShape.back();
  }
  return format;
}

bool toFiniteFloat(double value, float &out) {
  if (!(std::fabs(value) <= static_cast<double>(FLT_MAX)))
    return false; // also NaN
  out = static_cast<float>(value);
  return true;
}

void truncateDataset(Dataset &data, int64_t count) {
  data.count = count;
  data.examples.resize(static_cast<size_t>(count * data.exampleSize));
  if (data.hasTargets())
    data.targets.resize(static_cast<size_t>(count * data.targetSize));
  else
    data.labels.resize(static_cast<size_t>(count * data.labelsPerExample));
}

Dataset selectExamples(const Dataset &data,
                       const std::vector<int64_t> &indices) {
  Dataset out;
  out.count = static_cast<int64_t>(indices.size());
  out.exampleSize = data.exampleSize;
  out.targetSize = data.targetSize;
  out.labelsPerExample = data.labelsPerExample;
  out.examples.resize(static_cast<size_t>(out.count * out.exampleSize));
  if (data.hasTargets())
    out.targets.resize(static_cast<size_t>(out.count * out.targetSize));
  else
    out.labels.resize(static_cast<size_t>(out.count * out.labelsPerExample));
  for (int64_t i = 0; i < out.count; ++i) {
    int64_t from = indices[static_cast<size_t>(i)];
    std::memcpy(out.examples.data() + i * out.exampleSize,
                data.examples.data() + from * data.exampleSize,
                static_cast<size_t>(data.exampleSize) * sizeof(float));
    if (data.hasTargets())
      std::memcpy(out.targets.data() + i * out.targetSize,
                  data.targets.data() + from * data.targetSize,
                  static_cast<size_t>(data.targetSize) * sizeof(float));
    else
      std::memcpy(out.labels.data() + i * out.labelsPerExample,
                  data.labels.data() + from * data.labelsPerExample,
                  static_cast<size_t>(data.labelsPerExample) * sizeof(int32_t));
  }
  return out;
}

} // namespace gdrt
