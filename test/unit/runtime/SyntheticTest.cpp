//===- SyntheticTest.cpp - Tests of the synthetic data generator ----------===//

#include "Synthetic.h"

#include "Random.h"

#include <algorithm>
#include <cmath>
#include <gtest/gtest.h>
#include <set>

using namespace gdrt;

namespace {

LabelFormat classes(int64_t n) {
  LabelFormat format;
  format.classes = n;
  return format;
}

LabelFormat target(Shape shape = {}) {
  LabelFormat format;
  format.targets = true;
  format.targetShape = std::move(shape);
  return format;
}

Dataset make(int64_t count, int64_t features, int64_t k, uint64_t seed,
             uint64_t stream, const LabelFormat &labels) {
  Dataset data;
  std::string error;
  EXPECT_TRUE(makeSyntheticDataset(count, features, k, seed, stream, labels,
                                   data, error))
      << error;
  return data;
}

/// The generator as docs/runtime.md describes it, written out again: the
/// teacher from stream (seed, SyntheticTeacher, 0), then per example its
/// features and (for regression) its noise from (seed, SyntheticExamples,
/// split).
void reference(int64_t count, int64_t features, int64_t classes, int64_t k,
               uint64_t seed, uint64_t split, std::vector<float> &x,
               std::vector<int32_t> &labels, std::vector<float> &targets) {
  Rng teacherRng = Rng::forStream(seed, RandomPurpose::SyntheticTeacher, 0);
  std::vector<double> T(features * k);
  for (int64_t f = 0; f < features; ++f)
    for (int64_t j = 0; j < k; ++j)
      T[f * k + j] = teacherRng.normal();
  Rng rng = Rng::forStream(seed, RandomPurpose::SyntheticExamples, split);
  for (int64_t i = 0; i < count; ++i) {
    std::vector<float> row;
    for (int64_t f = 0; f < features; ++f)
      row.push_back(static_cast<float>(rng.normal()));
    x.insert(x.end(), row.begin(), row.end());
    std::vector<double> z(k, 0.0);
    for (int64_t j = 0; j < k; ++j)
      for (int64_t f = 0; f < features; ++f)
        z[j] += static_cast<double>(row[f]) * T[f * k + j];
    if (classes > 0) {
      labels.push_back(static_cast<int32_t>(
          std::max_element(z.begin(), z.end()) - z.begin()));
    } else {
      for (int64_t j = 0; j < k; ++j)
        targets.push_back(
            static_cast<float>(z[j] / std::sqrt(static_cast<double>(features)) +
                               0.01 * rng.normal()));
    }
  }
}

} // namespace

TEST(Synthetic, ClassesFollowTheDocumentedGenerator) {
  Dataset data = make(500, 5, 4, 42, 0, classes(4));
  EXPECT_EQ(data.count, 500);
  EXPECT_EQ(data.exampleSize, 5);
  EXPECT_FALSE(data.hasTargets());
  std::vector<float> x, targets;
  std::vector<int32_t> labels;
  reference(500, 5, 4, 4, 42, 0, x, labels, targets);
  EXPECT_EQ(data.examples, x);
  EXPECT_EQ(data.labels, labels);
  // A random teacher over 500 examples uses every class.
  EXPECT_EQ(std::set<int32_t>(labels.begin(), labels.end()).size(), 4u);
}

TEST(Synthetic, TargetsFollowTheDocumentedGenerator) {
  Dataset data = make(300, 6, 0, 9, 1, target({2}));
  EXPECT_EQ(data.targetSize, 2);
  EXPECT_TRUE(data.labels.empty());
  std::vector<float> x, targets;
  std::vector<int32_t> labels;
  reference(300, 6, 0, 2, 9, 1, x, labels, targets);
  EXPECT_EQ(data.examples, x);
  EXPECT_EQ(data.targets, targets);
}

TEST(Synthetic, ExamplesAreStandardNormal) {
  Dataset data = make(20000, 3, 2, 1, 0, classes(2));
  double sum = 0, sumSq = 0;
  for (float v : data.examples) {
    sum += v;
    sumSq += static_cast<double>(v) * v;
  }
  double n = static_cast<double>(data.examples.size());
  EXPECT_NEAR(sum / n, 0.0, 0.02);
  EXPECT_NEAR(sumSq / n, 1.0, 0.03);
}

TEST(Synthetic, SeedDecidesEverythingAndTheSplitOnlyTheExamples) {
  Dataset a = make(50, 4, 3, 5, 0, classes(3));
  Dataset b = make(50, 4, 3, 5, 0, classes(3));
  EXPECT_EQ(a.examples, b.examples);
  EXPECT_EQ(a.labels, b.labels);
  Dataset otherSeed = make(50, 4, 3, 6, 0, classes(3));
  EXPECT_NE(a.examples, otherSeed.examples);
  Dataset test = make(50, 4, 3, 5, 1, classes(3));
  EXPECT_NE(a.examples, test.examples);
  EXPECT_EQ(syntheticSplitStream("train"), 0u);
  EXPECT_EQ(syntheticSplitStream("test"), 1u);
}

TEST(Synthetic, TrainAndTestShareTheTeacher) {
  // Regression on 3 features: least squares on the training set recovers
  // the teacher, which then predicts the test set to within the noise;
  // with another seed, the test set has another teacher.
  const int64_t f = 3;
  Dataset train = make(400, f, 0, 11, 0, target());
  double A[f][f] = {}, b[f] = {};
  for (int64_t i = 0; i < train.count; ++i)
    for (int64_t r = 0; r < f; ++r) {
      b[r] += train.examples[i * f + r] * train.targets[i];
      for (int64_t c = 0; c < f; ++c)
        A[r][c] += train.examples[i * f + r] * train.examples[i * f + c];
    }
  for (int64_t p = 0; p < f; ++p) // Gaussian elimination; A is SPD
    for (int64_t r = p + 1; r < f; ++r) {
      double m = A[r][p] / A[p][p];
      for (int64_t c = p; c < f; ++c)
        A[r][c] -= m * A[p][c];
      b[r] -= m * b[p];
    }
  double w[f];
  for (int64_t r = f - 1; r >= 0; --r) {
    double s = b[r];
    for (int64_t c = r + 1; c < f; ++c)
      s -= A[r][c] * w[c];
    w[r] = s / A[r][r];
  }
  auto mse = [&](const Dataset &data) {
    double sum = 0;
    for (int64_t i = 0; i < data.count; ++i) {
      double y = 0;
      for (int64_t c = 0; c < f; ++c)
        y += w[c] * data.examples[i * f + c];
      sum += (y - data.targets[i]) * (y - data.targets[i]);
    }
    return sum / static_cast<double>(data.count);
  };
  EXPECT_LT(mse(train), 2e-4); // the noise: 0.01² = 1e-4
  EXPECT_LT(mse(make(200, f, 0, 11, 1, target())), 2e-4);
  EXPECT_GT(mse(make(200, f, 0, 12, 1, target())), 0.05);
}

TEST(Synthetic, RejectsLabelsThatDoNotFit) {
  Dataset data;
  std::string error;
  EXPECT_FALSE(makeSyntheticDataset(10, 4, 3, 1, 0, classes(2), data, error));
  EXPECT_EQ(error, "synthetic data (10 examples, 4 features, 3 classes) makes "
                   "class labels in [0, 3), but the model's labels are class "
                   "labels in [0, 2)");
  EXPECT_FALSE(makeSyntheticDataset(10, 4, 3, 1, 0, target(), data, error));
  EXPECT_NE(error.find("but the model's labels are f32 targets of shape []"),
            std::string::npos)
      << error;
  EXPECT_FALSE(makeSyntheticDataset(10, 4, 0, 1, 0, classes(3), data, error));
  EXPECT_EQ(error, "synthetic data (10 examples, 4 features, 0 classes) makes "
                   "f32 targets, but the model's labels are class labels in "
                   "[0, 3)");
  EXPECT_FALSE(makeSyntheticDataset(INT64_C(1) << 40, 1000, 3, 1, 0, classes(3),
                                    data, error));
  EXPECT_NE(error.find("would need more than 16 GiB"), std::string::npos)
      << error;
  EXPECT_FALSE(makeSyntheticDataset(0, 4, 3, 1, 0, classes(3), data, error));
  EXPECT_NE(error.find("counts must be positive"), std::string::npos) << error;
}
