//===- Synthetic.cpp - Generated data sets from a random teacher ----------===//

#include "Synthetic.h"

#include "Random.h"

#include <cmath>

namespace gdrt {

uint64_t syntheticSplitStream(const std::string &split) {
  return split == "test" ? 1 : 0;
}

bool makeSyntheticDataset(int64_t count, int64_t features, int64_t classes,
                          uint64_t seed, uint64_t stream,
                          const LabelFormat &labels, Dataset &out,
                          std::string &error) {
  out = Dataset();
  std::string what = "synthetic data (" + std::to_string(count) +
                     " examples, " + std::to_string(features) + " features, " +
                     std::to_string(classes) + " classes)";
  if (count <= 0 || features <= 0 || classes < 0) {
    error = what + ": counts must be positive (classes non-negative)";
    return false;
  }
  if (classes > 0 && (labels.targets || classes != labels.classes)) {
    error = what + " makes class labels in [0, " + std::to_string(classes) +
            "), but the model's labels are " + labels.describe();
    return false;
  }
  if (classes == 0 && !labels.targets) {
    error = what + " makes f32 targets, but the model's labels are " +
            labels.describe();
    return false;
  }
  const int64_t k = classes > 0 ? classes : labels.targetSize();
  // In double: the product of manifest counts could overflow an int64.
  double floats = double(count) * double(features + (classes ? 1 : k)) +
                  double(features) * double(k);
  if (floats > double(UINT64_C(1) << 32)) {
    error = what + " would need more than 16 GiB";
    return false;
  }

  std::vector<double> teacher(static_cast<size_t>(features * k));
  Rng teacherRng = Rng::forStream(seed, RandomPurpose::SyntheticTeacher, 0);
  for (double &t : teacher)
    t = teacherRng.normal();

  out.count = count;
  out.exampleSize = features;
  out.examples.resize(static_cast<size_t>(count * features));
  if (classes > 0) {
    out.labels.resize(static_cast<size_t>(count));
  } else {
    out.targetSize = k;
    out.targets.resize(static_cast<size_t>(count * k));
  }
  Rng rng = Rng::forStream(seed, RandomPurpose::SyntheticExamples, stream);
  const double root = std::sqrt(static_cast<double>(features));
  std::vector<double> z(static_cast<size_t>(k));
  for (int64_t i = 0; i < count; ++i) {
    float *x = out.examples.data() + i * features;
    for (int64_t f = 0; f < features; ++f)
      x[f] = static_cast<float>(rng.normal());
    // z = x·T, from the float examples the model will see.
    for (int64_t j = 0; j < k; ++j) {
      double sum = 0;
      for (int64_t f = 0; f < features; ++f)
        sum += static_cast<double>(x[f]) * teacher[f * k + j];
      z[j] = sum;
    }
    if (classes > 0) {
      int64_t best = 0; // the first of equal maxima
      for (int64_t j = 1; j < k; ++j)
        if (z[j] > z[best])
          best = j;
      out.labels[i] = static_cast<int32_t>(best);
    } else {
      for (int64_t j = 0; j < k; ++j)
        out.targets[i * k + j] =
            static_cast<float>(z[j] / root + kSyntheticNoise * rng.normal());
    }
  }
  return true;
}

} // namespace gdrt
