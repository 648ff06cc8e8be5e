//===- IdxTest.cpp - Tests of the IDX data loader -------------------------===//

#include "Idx.h"

#include "TestSupport.h"

#include <gtest/gtest.h>

using namespace gdrt;
using namespace gdrt::test;

namespace {

/// A fixture with a temp dir and a valid 3-example, 2x2-image data set.
class IdxTest : public ::testing::Test {
protected:
  TempDir dir;
  std::vector<uint8_t> pixels = {0,  255, 10, 20, 30, 40,
                                 50, 60,  70, 80, 90, 100};
  std::vector<uint8_t> labelBytes = {2, 0, 1};

  std::string images(const std::vector<uint8_t> &bytes, bool gzip,
                     const std::string &name = "images.idx") {
    std::string path = dir.file(name);
    writeBytes(path, bytes, gzip);
    return path;
  }

  /// Loads (imagesPath, labelsPath) as 4-element examples of 3 classes and
  /// expects failure; returns the error.
  std::string loadError(const std::string &imagesPath,
                        const std::string &labelsPath, int64_t exampleSize = 4,
                        int64_t classes = 3) {
    Dataset data;
    std::string error;
    EXPECT_FALSE(loadIdxDataset(imagesPath, labelsPath, 1.0f, exampleSize,
                                classes, data, error));
    return error;
  }
};

} // namespace

TEST_F(IdxTest, RawAndGzipRoundTrip) {
  for (bool gzip : {false, true}) {
    std::string imagesPath = images(idxBytes(0x08, {3, 2, 2}, pixels), gzip,
                                    gzip ? "i.gz" : "i.raw");
    // A misleading name: detection must go by content.
    std::string labelsPath =
        images(idxBytes(0x08, {3}, labelBytes), gzip, gzip ? "l.raw" : "l.gz");
    Dataset data;
    std::string error;
    ASSERT_TRUE(loadIdxDataset(imagesPath, labelsPath, 0.5f, 4, 3, data, error))
        << error;
    EXPECT_EQ(data.count, 3);
    EXPECT_EQ(data.exampleSize, 4);
    ASSERT_EQ(data.examples.size(), 12u);
    for (size_t i = 0; i < pixels.size(); ++i)
      EXPECT_FLOAT_EQ(data.examples[i], pixels[i] * 0.5f) << i;
    EXPECT_EQ(data.labels, (std::vector<int32_t>{2, 0, 1}));
  }
}

TEST_F(IdxTest, ReadsOtherElementTypes) {
  // int32 big-endian labels and float32 images.
  std::vector<uint8_t> labels = {0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 1};
  std::vector<uint8_t> floats;
  for (int i = 0; i < 3; ++i) // 1.5f = 0x3FC00000
    floats.insert(floats.end(), {0x3F, 0xC0, 0x00, 0x00});
  Dataset data;
  std::string error;
  ASSERT_TRUE(loadIdxDataset(images(idxBytes(0x0D, {3, 1}, floats), false),
                             images(idxBytes(0x0C, {3}, labels), false, "l"),
                             2.0f, 1, 3, data, error))
      << error;
  EXPECT_EQ(data.examples, (std::vector<float>{3, 3, 3}));
  EXPECT_EQ(data.labels, (std::vector<int32_t>{2, 0, 1}));
}

TEST_F(IdxTest, MissingFileNamesPathAndReason) {
  std::string missing = dir.file("nope.gz");
  IdxArray array;
  std::string error;
  EXPECT_FALSE(readIdx(missing, array, error));
  EXPECT_EQ(error, missing + ": No such file or directory");
}

TEST_F(IdxTest, MalformedFilesGiveErrorsNamingThePath) {
  struct Case {
    std::vector<uint8_t> bytes;
    const char *expected;
  } cases[] = {
      {{0, 0, 8}, "too short for the 4-byte magic"},
      {{1, 0, 8, 1, 0, 0, 0, 0}, "bad magic number 01 00 08 01"},
      {{0, 0, 0x42, 1, 0, 0, 0, 0}, "unknown IDX element type 0x42"},
      {{0, 0, 8, 0}, "0 dimensions"},
      {{0, 0, 8, 3, 0, 0, 0, 1}, "truncated header"},
      {idxBytes(0x08, {3, 2, 2}, std::vector<uint8_t>(11)),
       "truncated: expected 12 bytes of data, found 11"},
      {idxBytes(0x08, {3, 2, 2}, std::vector<uint8_t>(13)),
       "1 trailing bytes after the 12 bytes of data"},
      {idxBytes(0x0C, {2}, std::vector<uint8_t>(4)),
       "truncated: expected 8 bytes of data, found 4"},
  };
  for (bool gzip : {false, true}) {
    for (const Case &c : cases) {
      std::string path = images(c.bytes, gzip);
      IdxArray array;
      std::string error;
      EXPECT_FALSE(readIdx(path, array, error));
      EXPECT_EQ(error.rfind(path + ": ", 0), 0u) << error;
      EXPECT_NE(error.find(c.expected), std::string::npos)
          << "expected '" << c.expected << "' in: " << error;
    }
  }
}

TEST_F(IdxTest, CorruptAndTruncatedGzipAreErrors) {
  std::string good = images(idxBytes(0x08, {3, 2, 2}, pixels), true, "g.gz");
  std::vector<uint8_t> bytes = readBytes(good);
  ASSERT_GT(bytes.size(), 20u);

  std::vector<uint8_t> truncated(bytes.begin(), bytes.end() - 10);
  std::string path = images(truncated, false, "t.gz");
  IdxArray array;
  std::string error;
  EXPECT_FALSE(readIdx(path, array, error));
  EXPECT_NE(error.find(path + ": truncated gzip"), std::string::npos) << error;

  std::vector<uint8_t> corrupt = bytes;
  for (size_t i = 10; i < corrupt.size(); ++i)
    corrupt[i] = 0xFF;
  path = images(corrupt, false, "c.gz");
  EXPECT_FALSE(readIdx(path, array, error));
  EXPECT_NE(error.find(path + ": corrupt gzip"), std::string::npos) << error;

  std::vector<uint8_t> trailing = bytes;
  trailing.push_back('x');
  path = images(trailing, false, "x.gz");
  EXPECT_FALSE(readIdx(path, array, error));
  EXPECT_NE(error.find(path + ": 1 bytes of trailing garbage"),
            std::string::npos)
      << error;

  // Two concatenated members are one valid gzip stream.
  std::vector<uint8_t> first, second;
  std::vector<uint8_t> whole = idxBytes(0x08, {3, 2, 2}, pixels);
  first.assign(whole.begin(), whole.begin() + 10);
  second.assign(whole.begin() + 10, whole.end());
  writeBytes(dir.file("a.gz"), first, true);
  writeBytes(dir.file("b.gz"), second, true);
  std::vector<uint8_t> joined = readBytes(dir.file("a.gz"));
  std::vector<uint8_t> tail = readBytes(dir.file("b.gz"));
  joined.insert(joined.end(), tail.begin(), tail.end());
  path = images(joined, false, "joined.gz");
  ASSERT_TRUE(readIdx(path, array, error)) << error;
  EXPECT_EQ(array.elementCount(), 12u);
}

TEST_F(IdxTest, DataSetValidation) {
  std::string goodImages = images(idxBytes(0x08, {3, 2, 2}, pixels), true);
  std::string goodLabels =
      images(idxBytes(0x08, {3}, labelBytes), false, "labels.idx");

  // Example size differs from the model's input.
  std::string error = loadError(goodImages, goodLabels, /*exampleSize=*/784);
  EXPECT_EQ(error.rfind(goodImages + ": examples have 4 elements", 0), 0u)
      << error;
  EXPECT_NE(error.find("model's input has 784"), std::string::npos) << error;

  // A label out of range [0, classes).
  error = loadError(goodImages, goodLabels, 4, /*classes=*/2);
  EXPECT_EQ(error.rfind(goodLabels + ": label 2 of example 0 is out of range "
                                     "[0, 2)",
                        0),
            0u)
      << error;

  // Negative labels (signed type) are out of range too.
  std::string negative =
      images(idxBytes(0x09, {3}, {0, 0xFF, 1}), false, "neg.idx");
  error = loadError(goodImages, negative);
  EXPECT_NE(error.find(negative + ": label -1 of example 1"), std::string::npos)
      << error;

  // Counts disagree.
  std::string twoLabels = images(idxBytes(0x08, {2}, {0, 1}), false, "two");
  error = loadError(goodImages, twoLabels);
  EXPECT_NE(error.find(goodImages + " has 3 examples but " + twoLabels +
                       " has 2 labels"),
            std::string::npos)
      << error;

  // Labels must be one-dimensional integers.
  std::string matrix = images(idxBytes(0x08, {3, 1}, labelBytes), false, "m");
  EXPECT_NE(loadError(goodImages, matrix).find(matrix + ": labels must be 1-"),
            std::string::npos);
  std::string floats = images(idxBytes(0x0D, {1}, {0, 0, 0, 0}), false, "f");
  EXPECT_NE(loadError(goodImages, floats)
                .find(floats + ": labels must be "
                               "integers"),
            std::string::npos);

  // A broken labels file is reported with its own path.
  std::string missing = dir.file("missing-labels");
  EXPECT_EQ(loadError(goodImages, missing),
            missing + ": No such file or directory");
}
