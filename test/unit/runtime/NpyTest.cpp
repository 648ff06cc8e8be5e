//===- NpyTest.cpp - Tests of the .npy reader and data loader -------------===//

#include "Npy.h"

#include "TestSupport.h"

#include <cmath>
#include <cstring>
#include <gtest/gtest.h>

using namespace gdrt;
using namespace gdrt::test;

namespace {

/// The header dict numpy writes for `descr` and `shape` (e.g. `(3, 4)`).
std::string dict(const std::string &descr, const std::string &shape,
                 const char *fortran = "False") {
  return "{'descr': '" + descr + "', 'fortran_order': " + fortran +
         ", 'shape': " + shape + ", }";
}

/// A .npy file of format `major`.0 with header `header` (padded with spaces
/// and a newline to a multiple of 64 bytes, as numpy does) and `data`.
std::vector<uint8_t> npyBytes(const std::string &header,
                              const std::vector<uint8_t> &data, int major = 1) {
  std::vector<uint8_t> bytes = {
      0x93, 'N', 'U', 'M', 'P', 'Y', static_cast<uint8_t>(major), 0};
  size_t lengthSize = major == 1 ? 2 : 4;
  std::string padded = header;
  while ((8 + lengthSize + padded.size() + 1) % 64 != 0)
    padded += ' ';
  padded += '\n';
  for (size_t i = 0; i < lengthSize; ++i)
    bytes.push_back(static_cast<uint8_t>(padded.size() >> (8 * i)));
  bytes.insert(bytes.end(), padded.begin(), padded.end());
  bytes.insert(bytes.end(), data.begin(), data.end());
  return bytes;
}

/// The little-endian bytes of `values` (the host is little-endian, as the
/// runtime's targets are).
template <typename T> std::vector<uint8_t> raw(const std::vector<T> &values) {
  std::vector<uint8_t> bytes(values.size() * sizeof(T));
  if (!values.empty())
    std::memcpy(bytes.data(), values.data(), bytes.size());
  return bytes;
}

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

class NpyTest : public ::testing::Test {
protected:
  std::string write(const std::vector<uint8_t> &bytes, const std::string &name,
                    bool gzip = false) {
    std::string path = dir.file(name);
    writeBytes(path, bytes, gzip);
    return path;
  }

  /// Three class labels 2, 0, 1 as <i8.
  std::string goodY() {
    return write(npyBytes(dict("<i8", "(3,)"), raw<int64_t>({2, 0, 1})),
                 "y.npy");
  }
  /// Three examples of 2x2 floats.
  std::string goodX() {
    std::vector<float> x(12);
    for (int i = 0; i < 12; ++i)
      x[i] = static_cast<float>(i);
    return write(npyBytes(dict("<f4", "(3, 2, 2)"), raw(x)), "x.npy");
  }

  /// loadNpyDataset of 4-element examples must fail; returns the error.
  std::string loadError(const std::string &x, const std::string &y,
                        LabelFormat labels = classes(3)) {
    Dataset data;
    std::string error;
    EXPECT_FALSE(loadNpyDataset(x, y, 1.0f, 4, labels, data, error));
    return error;
  }

  TempDir dir;
};

} // namespace

TEST_F(NpyTest, LoadsAClassDataSetInEveryVersion) {
  for (int major : {1, 2, 3}) {
    for (bool gzip : {false, true}) {
      std::string x =
          write(npyBytes(dict("|u1", "(3, 4)"),
                         {0, 10, 20, 255, 1, 2, 3, 4, 5, 6, 7, 8}, major),
                "x", gzip);
      std::string y =
          write(npyBytes(dict("<i4", "(3,)"), raw<int32_t>({2, 0, 1}), major),
                "y", gzip);
      Dataset data;
      std::string error;
      ASSERT_TRUE(loadNpyDataset(x, y, 0.5f, 4, classes(3), data, error))
          << error;
      EXPECT_EQ(data.count, 3);
      EXPECT_EQ(data.exampleSize, 4);
      EXPECT_EQ(data.examples, (std::vector<float>{0, 5, 10, 127.5, 0.5, 1, 1.5,
                                                   2, 2.5, 3, 3.5, 4}));
      EXPECT_EQ(data.labels, (std::vector<int32_t>{2, 0, 1}));
      EXPECT_FALSE(data.hasTargets());
    }
  }
}

TEST_F(NpyTest, ReadsEveryDtype) {
  struct Case {
    const char *descr;
    std::vector<uint8_t> bytes;
    std::vector<double> values;
  } cases[] = {
      {"<f4", raw<float>({1.5f, -2}), {1.5, -2}},
      {"<f8", raw<double>({0.25, -1e300}), {0.25, -1e300}},
      {"<i2", raw<int16_t>({-32768, 7}), {-32768, 7}},
      {"<i4", raw<int32_t>({-5, 2147483647}), {-5, 2147483647}},
      {"<i8", raw<int64_t>({-7, INT64_C(1) << 40}), {-7, 1099511627776.0}},
      {"<u2", raw<uint16_t>({65535, 1}), {65535, 1}},
      {"|u1", {255, 0}, {255, 0}},
      {"|i1", {0x80, 0x7F}, {-128, 127}},
      {"|b1", {0, 1}, {0, 1}},
  };
  for (const Case &c : cases) {
    std::string path = write(npyBytes(dict(c.descr, "(2,)"), c.bytes), "a");
    NpyArray array;
    std::string error;
    ASSERT_TRUE(readNpy(path, array, error)) << c.descr << ": " << error;
    EXPECT_EQ(array.descr, c.descr);
    EXPECT_EQ(array.shape, (std::vector<uint64_t>{2}));
    EXPECT_EQ(array.isInteger(), c.descr[1] != 'f') << c.descr;
    for (uint64_t i = 0; i < 2; ++i)
      EXPECT_EQ(array.element(i), c.values[i]) << c.descr << " " << i;
  }
}

TEST_F(NpyTest, HeaderVariantsNumpyHasWritten) {
  NpyArray array;
  std::string problem;
  // Python 2 long literals, double quotes, no trailing comma, a scalar.
  ASSERT_TRUE(parseNpyHeader("{\"descr\": \"<f8\", \"shape\": (3L, 2L), "
                             "\"fortran_order\": False}",
                             array, problem))
      << problem;
  EXPECT_EQ(array.shape, (std::vector<uint64_t>{3, 2}));
  ASSERT_TRUE(parseNpyHeader(dict("<f4", "()"), array, problem)) << problem;
  EXPECT_TRUE(array.shape.empty());
  EXPECT_EQ(array.elementCount(), 1u);
}

TEST_F(NpyTest, MalformedFilesAreErrorsNamingThePath) {
  struct Case {
    std::vector<uint8_t> bytes;
    const char *expected;
  } cases[] = {
      {{0x93, 'N', 'U', 'M'}, "not a .npy file"},
      {{'P', 'K', 3, 4, 0, 0, 0, 0, 0, 0}, "not a .npy file"},
      {npyBytes(dict("<f4", "(1,)"), raw<float>({1}), 4),
       "unsupported .npy format version 4.0 (expected 1.0, 2.0 or 3.0)"},
      {{0x93, 'N', 'U', 'M', 'P', 'Y', 1, 1, 0, 0},
       "unsupported .npy format version 1.1"},
      {{0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0, 16, 0},
       "truncated header: the file ends in its length field"},
      {{0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 100, 0, '{', '}'},
       "truncated header: it declares 100 bytes, the file has 2"},
      {npyBytes(dict("<f4", "(3, 2)"), raw<float>({1, 2, 3, 4, 5})),
       "truncated: shape (3, 2) of '<f4' needs 24 bytes of data, found 20"},
      {npyBytes(dict("<i2", "(2,)"), raw<int16_t>({1, 2, 3})),
       "2 trailing bytes after the 4 bytes of data"},
      {npyBytes(dict("<f4", "(1,)", "True"), raw<float>({1})),
       "Fortran-order (column-major) arrays are not supported"},
      {npyBytes(dict(">f4", "(1,)"), raw<float>({1})),
       "big-endian dtype '>f4' is not supported (only little-endian)"},
      {npyBytes(dict("<c8", "(1,)"), raw<float>({1, 2})),
       "unsupported dtype '<c8' (supported: <f4 <f8 <i2 <i4 <i8 <u2 |u1 |i1 "
       "|b1)"},
      {npyBytes(dict("<U3", "(1,)"), raw<int32_t>({1, 2, 3})),
       "unsupported dtype '<U3'"},
      {npyBytes("{'descr': [('a', '<f4')], 'fortran_order': False, "
                "'shape': (1,), }",
                raw<float>({1})),
       "structured dtypes (a list as 'descr') are not supported"},
      {npyBytes("{'descr': '<f4', 'shape': (1,), }", raw<float>({1})),
       "malformed header dict (no 'fortran_order')"},
      {npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), "
                "'extra': 1}",
                raw<float>({1})),
       "malformed header dict (unexpected key 'extra')"},
      {npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (1, x)}",
                raw<float>({1})),
       "malformed header dict ('shape' holds something other than "
       "integers)"},
      {npyBytes("{'descr': '<f4', 'fortran_order': false, 'shape': (1,)}",
                raw<float>({1})),
       "malformed header dict ('fortran_order' is not True or False)"},
      {npyBytes("'descr': '<f4'", raw<float>({1})),
       "malformed header dict (expected '{')"},
      {npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (1,)} x",
                raw<float>({1})),
       "malformed header dict (text after the closing '}')"},
  };
  for (const Case &c : cases) {
    for (bool gzip : {false, true}) {
      std::string path = write(c.bytes, "bad.npy", gzip);
      NpyArray array;
      std::string error;
      EXPECT_FALSE(readNpy(path, array, error));
      EXPECT_EQ(error.rfind(path + ": ", 0), 0u) << error;
      EXPECT_NE(error.find(c.expected), std::string::npos)
          << "expected '" << c.expected << "' in: " << error;
    }
  }
}

TEST_F(NpyTest, ExamplesMayBeShapedOrFlat) {
  std::string y = goodY();
  for (const char *shape : {"(3, 2, 2)", "(3, 4)", "(3, 1, 4)"}) {
    std::string x = write(
        npyBytes(dict("<f4", shape), raw(std::vector<float>(12, 1))), "x");
    Dataset data;
    std::string error;
    ASSERT_TRUE(loadNpyDataset(x, y, 1.0f, 4, classes(3), data, error))
        << shape << ": " << error;
    EXPECT_EQ(data.count, 3);
  }
  std::string x = write(
      npyBytes(dict("<f4", "(4, 3)"), raw(std::vector<float>(12, 1))), "x3");
  EXPECT_EQ(loadError(x, y), x + ": examples have 3 elements (shape (4, 3)), "
                                 "but the model's input has 4");
  std::string scalar = write(npyBytes(dict("<f4", "()"), raw<float>({1})), "s");
  EXPECT_EQ(loadError(scalar, y),
            scalar + ": a 0-dimensional array; x needs a first dimension "
                     "that counts the examples");
}

TEST_F(NpyTest, ClassLabelsMustBeIntegersInRangeOnePerExample) {
  std::string x = goodX();
  std::string floats =
      write(npyBytes(dict("<f4", "(3,)"), raw<float>({0, 1, 2})), "f.npy");
  EXPECT_EQ(loadError(x, floats),
            floats + ": class labels need an integer dtype, found '<f4'");
  std::string matrix =
      write(npyBytes(dict("<i4", "(3, 1)"), raw<int32_t>({0, 1, 2})), "m.npy");
  EXPECT_EQ(loadError(x, matrix),
            matrix + ": class labels must have shape (3,), found (3, 1)");
  std::string big =
      write(npyBytes(dict("<i4", "(3,)"), raw<int32_t>({0, 3, 2})), "b.npy");
  EXPECT_EQ(loadError(x, big),
            big + ": label 3 of example 1 is out of range [0, 3)");
  std::string negative =
      write(npyBytes(dict("|i1", "(3,)"), {0, 1, 0xFF}), "n.npy");
  EXPECT_EQ(loadError(x, negative),
            negative + ": label -1 of example 2 is out of range [0, 3)");
  std::string two =
      write(npyBytes(dict("<i8", "(2,)"), raw<int64_t>({0, 1})), "two.npy");
  EXPECT_EQ(loadError(x, two),
            x + " has 3 examples but " + two + " has 2 labels");
  std::string missing = dir.file("missing.npy");
  EXPECT_EQ(loadError(x, missing), missing + ": No such file or directory");
  // Booleans are 0 and 1: two classes.
  std::string flags = write(npyBytes(dict("|b1", "(3,)"), {1, 0, 1}), "b1");
  Dataset data;
  std::string error;
  ASSERT_TRUE(loadNpyDataset(x, flags, 1.0f, 4, classes(2), data, error))
      << error;
  EXPECT_EQ(data.labels, (std::vector<int32_t>{1, 0, 1}));
}

TEST_F(NpyTest, TargetsOfAnyDtypeAndTheLabelsShape) {
  std::string x = goodX();
  // A scalar target from (n,) or (n, 1), from floats or integers.
  for (auto [descr, shape, bytes] :
       {std::tuple{"<f8", "(3,)", raw<double>({0.5, -1, 2})},
        std::tuple{"<f4", "(3, 1)", raw<float>({0.5, -1, 2})},
        std::tuple{"<i2", "(3,)", raw<int16_t>({0, -1, 2})}}) {
    std::string y = write(npyBytes(dict(descr, shape), bytes), "y");
    Dataset data;
    std::string error;
    ASSERT_TRUE(loadNpyDataset(x, y, 2.0f, 4, target(), data, error))
        << descr << shape << ": " << error;
    EXPECT_EQ(data.targetSize, 1);
    EXPECT_EQ(data.targets[1], -1.0f) << descr; // targets are not scaled
    EXPECT_EQ(data.examples[1], 2.0f);          // examples are
    EXPECT_TRUE(data.labels.empty());
  }
  // A [2] target.
  std::string pairs = write(
      npyBytes(dict("<f4", "(3, 2)"), raw<float>({1, 2, 3, 4, 5, 6})), "p");
  Dataset data;
  std::string error;
  ASSERT_TRUE(loadNpyDataset(x, pairs, 1.0f, 4, target({2}), data, error))
      << error;
  EXPECT_EQ(data.targets, (std::vector<float>{1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(data.targetSize, 2);

  EXPECT_EQ(loadError(x, pairs, target()),
            pairs + ": targets have 2 elements (shape (3, 2)), but the "
                    "model's labels are f32 targets of shape []");
  std::string inf = write(
      npyBytes(dict("<f8", "(3,)"), raw<double>({0, INFINITY, 1})), "inf");
  EXPECT_EQ(loadError(x, inf, target()),
            inf + ": element 1 is not a finite f32");
  std::string huge =
      write(npyBytes(dict("<f8", "(3,)"), raw<double>({0, 1, 1e300})), "h");
  EXPECT_EQ(loadError(x, huge, target()),
            huge + ": element 2 is not a finite f32");
}

TEST_F(NpyTest, NonFiniteExamplesAreErrors) {
  std::vector<float> values(12, 1);
  values[5] = NAN;
  std::string x = write(npyBytes(dict("<f4", "(3, 4)"), raw(values)), "x");
  EXPECT_EQ(loadError(x, goodY()),
            x + ": element 5 is not a finite number (after scaling)");
}
