//===- DatasetTest.cpp - Tests of data set helpers and label formats ------===//

#include "Dataset.h"
#include "Batching.h"

#include <cfloat>
#include <cmath>
#include <gtest/gtest.h>

using namespace gdrt;

namespace {

/// `count` examples of 2 floats (i, -i) with targets of 3 floats
/// (i, 10i, 100i), or class labels i % 5.
Dataset numbered(int64_t count, bool targets) {
  Dataset data;
  data.count = count;
  data.exampleSize = 2;
  data.targetSize = targets ? 3 : 0;
  for (int64_t i = 0; i < count; ++i) {
    float v = static_cast<float>(i);
    data.examples.insert(data.examples.end(), {v, -v});
    if (targets)
      data.targets.insert(data.targets.end(), {v, 10 * v, 100 * v});
    else
      data.labels.push_back(static_cast<int32_t>(i % 5));
  }
  return data;
}

} // namespace

TEST(Dataset, SelectKeepsExamplesWithTheirLabels) {
  for (bool targets : {false, true}) {
    Dataset data = numbered(10, targets);
    Dataset picked = selectExamples(data, {7, 2, 9});
    EXPECT_EQ(picked.count, 3);
    EXPECT_EQ(picked.exampleSize, 2);
    EXPECT_EQ(picked.hasTargets(), targets);
    EXPECT_EQ(picked.examples, (std::vector<float>{7, -7, 2, -2, 9, -9}));
    if (targets)
      EXPECT_EQ(picked.targets,
                (std::vector<float>{7, 70, 700, 2, 20, 200, 9, 90, 900}));
    else
      EXPECT_EQ(picked.labels, (std::vector<int32_t>{2, 2, 4}));
  }
}

TEST(Dataset, TruncateKeepsTheFirstExamples) {
  Dataset data = numbered(10, true);
  truncateDataset(data, 2);
  EXPECT_EQ(data.count, 2);
  EXPECT_EQ(data.examples, (std::vector<float>{0, 0, 1, -1}));
  EXPECT_EQ(data.targets, (std::vector<float>{0, 0, 0, 1, 10, 100}));
  Dataset classes = numbered(10, false);
  truncateDataset(classes, 3);
  EXPECT_EQ(classes.labels, (std::vector<int32_t>{0, 1, 2}));
}

TEST(Dataset, LabelFormatFromTheManifest) {
  Manifest m;
  std::string error;
  ASSERT_TRUE(parseManifest("gdc-model 1\ninput f32 4\nlabel i32\n"
                            "output f32 7\n",
                            m, error));
  LabelFormat format = LabelFormat::fromManifest(m);
  EXPECT_FALSE(format.targets);
  EXPECT_EQ(format.classes, 7);
  EXPECT_EQ(format.describe(), "class labels in [0, 7)");
  ASSERT_TRUE(parseManifest("gdc-model 1\ninput f32 4\nlabel f32 2 3\n"
                            "output f32 6\n",
                            m, error));
  format = LabelFormat::fromManifest(m);
  EXPECT_TRUE(format.targets);
  EXPECT_EQ(format.targetSize(), 6);
  EXPECT_EQ(format.describe(), "f32 targets of shape [2, 3]");
}

TEST(Dataset, ToFiniteFloatRejectsWhatAFloatCannotHold) {
  float out = 0;
  EXPECT_TRUE(toFiniteFloat(1.5, out));
  EXPECT_EQ(out, 1.5f);
  EXPECT_TRUE(toFiniteFloat(-static_cast<double>(FLT_MAX), out));
  EXPECT_FALSE(toFiniteFloat(1e39, out));
  EXPECT_FALSE(toFiniteFloat(-1e300, out));
  EXPECT_FALSE(toFiniteFloat(NAN, out));
  EXPECT_FALSE(toFiniteFloat(INFINITY, out));
}

TEST(Batching, GathersTargetsWithTheirExamples) {
  Dataset data = numbered(5, true);
  std::vector<int64_t> order = {4, 0, 3, 1, 2};
  BatchRange range = batchRange(5, 2, 1); // positions 2 and 3
  std::vector<float> x(4), y(6);
  gatherBatch(data, order, range, x.data(), y.data());
  EXPECT_EQ(x, (std::vector<float>{3, -3, 1, -1}));
  EXPECT_EQ(y, (std::vector<float>{3, 30, 300, 1, 10, 100}));
}
