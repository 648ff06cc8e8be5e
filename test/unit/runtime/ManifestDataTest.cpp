//===- ManifestDataTest.cpp - The manifest's label, data and valid records ===//

#include "Manifest.h"

#include <gtest/gtest.h>

using namespace gdrt;

namespace {

/// A model of 4 inputs and 3 outputs with class labels.
const char *kClassifier = "gdc-model 1\ninput f32 2 2\nlabel i32\n"
                          "output f32 3\n";
/// A model of 4 inputs, 1 output and a scalar f32 target.
const char *kRegressor = "gdc-model 1\ninput f32 4\nlabel f32\n"
                         "output f32 1\n";

Manifest parseOk(const std::string &text) {
  Manifest m;
  std::string error;
  EXPECT_TRUE(parseManifest(text, m, error)) << error << "\n" << text;
  return m;
}

std::string parseError(const std::string &text) {
  Manifest m;
  std::string error;
  EXPECT_FALSE(parseManifest(text, m, error)) << text;
  return error;
}

} // namespace

TEST(ManifestLabel, ClassIndicesOrF32TargetsOfAnyShape) {
  Manifest m = parseOk(kClassifier);
  EXPECT_EQ(m.labelType, "i32");
  EXPECT_FALSE(m.hasTargetLabels());
  EXPECT_TRUE(m.labelShape.empty());

  m = parseOk(kRegressor);
  EXPECT_EQ(m.labelType, "f32");
  EXPECT_TRUE(m.hasTargetLabels());
  EXPECT_TRUE(m.labelShape.empty()); // a scalar
  EXPECT_EQ(m.labelSize(), 1);

  m = parseOk("gdc-model 1\ninput f32 4\nlabel f32 3 2\noutput f32 6\n");
  EXPECT_EQ(m.labelShape, (Shape{3, 2}));
  EXPECT_EQ(m.labelSize(), 6);
}

TEST(ManifestLabel, RejectsOtherLabels) {
  struct Case {
    const char *line;
    const char *expected;
  } cases[] = {
      {"label", "expected 'label i32 [<dim>...]' or 'label f32 <dim>...'"},
      {"label i32 0", "dimension '0' is not a positive integer"},
      {"label i64", "expected 'label i32 [<dim>...]' or 'label f32 <dim>...'"},
      {"label f32 0", "dimension '0' is not a positive integer"},
      {"label f32 3 x", "dimension 'x' is not a positive integer"},
  };
  for (const Case &c : cases) {
    std::string error = parseError(std::string("gdc-model 1\ninput f32 4\n") +
                                   c.line + "\noutput f32 1\n");
    EXPECT_NE(error.find(c.expected), std::string::npos) << c.line << "\n"
                                                         << error;
    EXPECT_NE(error.find("manifest line 3: "), std::string::npos) << error;
    EXPECT_NE(error.find(std::string("'") + c.line + "'"), std::string::npos)
        << error;
  }
  EXPECT_NE(parseError(std::string(kRegressor) + "label f32\n")
                .find("duplicate 'label'"),
            std::string::npos);
}

TEST(ManifestData, ParsesEveryFormat) {
  Manifest m = parseOk(std::string(kClassifier) +
                       "data train csv my%20data.csv petal%20width 0.5\n"
                       "data test synthetic 200 4 3 18446744073709551615\n");
  const DataSpec *train = m.findData("train");
  ASSERT_NE(train, nullptr);
  EXPECT_EQ(train->format, "csv");
  EXPECT_EQ(train->imagesPath, "my data.csv");
  EXPECT_EQ(train->labelColumn, "petal width");
  EXPECT_TRUE(train->labelsPath.empty());
  EXPECT_FLOAT_EQ(train->scale, 0.5f);
  const DataSpec *test = m.findData("test");
  ASSERT_NE(test, nullptr);
  EXPECT_EQ(test->format, "synthetic");
  EXPECT_EQ(test->count, 200);
  EXPECT_EQ(test->features, 4);
  EXPECT_EQ(test->classes, 3);
  EXPECT_EQ(test->seed, UINT64_MAX);

  m = parseOk(std::string(kRegressor) + "data train npy /abs/x%25.npy y.npy 2\n"
                                        "data test synthetic 10 4 0 7\n");
  train = m.findData("train");
  ASSERT_NE(train, nullptr);
  EXPECT_EQ(train->format, "npy");
  EXPECT_EQ(train->imagesPath, "/abs/x%.npy");
  EXPECT_EQ(train->labelsPath, "y.npy");
  EXPECT_FLOAT_EQ(train->scale, 2.0f);
  ASSERT_NE(m.findData("test"), nullptr);
  EXPECT_EQ(m.findData("test")->classes, 0);
}

TEST(ManifestData, RejectsMalformedDataRecords) {
  struct Case {
    const char *line;
    const char *expected;
  } cases[] = {
      {"data train", "expected 'data <split> <format> ...'"},
      {"data train parquet a", "unsupported data format 'parquet' (expected "
                               "idx, csv, npy, synthetic or text)"},
      {"data test csv a.csv y", "expected 'data <split> csv <path> "
                                "<label-column> <scale>'"},
      {"data test csv a.csv y 1 2", "expected 'data <split> csv"},
      {"data test npy x.npy y.npy", "expected 'data <split> npy <x-path> "
                                    "<y-path> <scale>'"},
      {"data test npy x.npy y.npy x", "scale 'x' is not a finite float"},
      {"data test csv a.csv y%zz 1", "malformed %-escape in the path or the "
                                     "label column"},
      {"data test npy x%2 y.npy 1", "malformed %-escape in a data path"},
      {"data test synthetic 10 4 3", "expected 'data <split> synthetic <n> "
                                     "<features> <classes> <seed>'"},
      {"data test synthetic 0 4 3 1", "example count '0' is not a positive "
                                      "integer"},
      {"data test synthetic 10 -4 3 1", "feature count '-4' is not a "
                                        "positive integer"},
      {"data test synthetic 10 4 -1 1", "class count '-1' is not a "
                                        "non-negative integer"},
      {"data test synthetic 10 4 3 x", "seed 'x' is not a non-negative "
                                       "integer"},
      {"data valid synthetic 10 4 3 1", "unknown data split 'valid'"},
  };
  for (const Case &c : cases) {
    std::string error = parseError(std::string(kClassifier) + c.line + "\n");
    EXPECT_NE(error.find(c.expected), std::string::npos) << c.line << "\n"
                                                         << error;
    EXPECT_EQ(error.rfind("manifest line 5: ", 0), 0u) << error;
    EXPECT_NE(error.find(std::string("'") + c.line + "'"), std::string::npos)
        << error;
  }
  EXPECT_NE(parseError(std::string(kClassifier) +
                       "data train synthetic 1 4 3 1\n"
                       "data train csv a.csv y 1\n")
                .find("line 6: duplicate 'data train' record"),
            std::string::npos);
}

TEST(ManifestData, DataMustSuitTheModelWhereverTheRecordsAre) {
  struct Case {
    const char *model;
    const char *line;
    const char *expected;
  } cases[] = {
      {kClassifier, "data train synthetic 10 5 3 1",
       "synthetic data has 5 features, but the model's input has 4 elements"},
      {kClassifier, "data train synthetic 10 4 2 1",
       "synthetic data has 2 classes, but the model's output has 3 elements"},
      {kClassifier, "data train synthetic 10 4 0 1",
       "synthetic data with 0 classes makes f32 regression targets, but the "
       "model's labels are i32"},
      {kRegressor, "data test synthetic 10 4 1 1",
       "synthetic data with classes (1) makes class labels, but the model's "
       "labels are f32"},
      {kRegressor, "data train idx a b 1",
       "idx data holds class labels, but the model's labels are f32"},
      {"gdc-model 1\ninput f32 4\nlabel f32 2\noutput f32 2\n",
       "data train csv a.csv y 1",
       "a csv label column holds one number per example, but the model's f32 "
       "label has shape [2]"},
  };
  for (const Case &c : cases) {
    // After the model's records, and before them: the data record is
    // checked when the whole manifest is known.
    std::string after = std::string(c.model) + c.line + "\n";
    std::string before = std::string("gdc-model 1\n") + c.line + "\n" +
                         (std::string(c.model).substr(12));
    for (bool first : {true, false}) {
      std::string error = parseError(first ? after : before);
      EXPECT_NE(error.find(c.expected), std::string::npos) << c.line << "\n"
                                                           << error;
      std::string line = first ? "manifest line 5: " : "manifest line 2: ";
      EXPECT_EQ(error.rfind(line, 0), 0u) << error;
      EXPECT_NE(error.find(std::string("'") + c.line + "'"), std::string::npos)
          << error;
    }
  }
  // The matching records are fine.
  parseOk(std::string(kClassifier) + "data train synthetic 10 4 3 1\n");
  parseOk(std::string(kRegressor) + "data train synthetic 10 4 0 1\n"
                                    "data test csv t.csv y 1\n");
}

TEST(ManifestData, ExamplesThatAreTheirOwnLabels) {
  // `-` for the labels file: each example is its own f32 target.
  const char *autoencoder = "gdc-model 1\ninput f32 2 2\nlabel f32 2 2\noutput f32 4\n";
  Manifest m = parseOk(std::string(autoencoder) + "data train idx images.gz - 0.5\n"
                                                  "data test npy x.npy - 1\n");
  for (const char *split : {"train", "test"}) {
    const DataSpec *spec = m.findData(split);
    ASSERT_NE(spec, nullptr);
    EXPECT_TRUE(spec->labelsAreExamples()) << split;
    EXPECT_TRUE(spec->labelsPath.empty()) << split;
  }
  // It round-trips, and a labels file that is really named `-` stays one.
  Manifest again = parseOk(formatManifest(m));
  EXPECT_TRUE(again.findData("train")->labelsAreExamples());
  m.data[0].labelsPath = "-";
  EXPECT_NE(formatManifest(m).find("images.gz %2D 0.5"), std::string::npos);
  // The model's label must then be f32 shaped like its input.
  for (const char *model : {"gdc-model 1\ninput f32 2 2\nlabel f32 4\noutput f32 4\n",
                            kClassifier}) {
    std::string error = parseError(std::string(model) + "data train idx images.gz - 1\n");
    EXPECT_NE(error.find("the data's examples are their own labels (no labels file), but "
                         "the model's label is not f32 shaped like its input"),
              std::string::npos)
        << error;
  }
}

TEST(ManifestLabel, ClassLabelsPerPosition) {
  // `label i32 8`: a class per position; the output scores the classes
  // after the positions.
  Manifest m = parseOk("gdc-model 1\ninput f32 8\nlabel i32 8\noutput f32 8 11\n"
                       "data train npy ids.npy tags.npy 1\n");
  EXPECT_EQ(m.labelShape, (Shape{8}));
  EXPECT_FALSE(m.hasTargetLabels());
  Manifest again = parseOk(formatManifest(m));
  EXPECT_EQ(again.labelShape, (Shape{8}));
  std::string error =
      parseError("gdc-model 1\ninput f32 8\nlabel i32 8\noutput f32 11\n");
  EXPECT_NE(error.find("class labels of shape [8] need an output of that shape followed by "
                       "the classes, not [11]"),
            std::string::npos)
      << error;
  // Only npy data holds a label per position.
  error = parseError("gdc-model 1\ninput f32 8\nlabel i32 8\noutput f32 8 11\n"
                     "data train idx a b 1\n");
  EXPECT_NE(error.find("idx data holds one class label per example, but the model's label "
                       "has shape [8] (use npy data)"),
            std::string::npos)
      << error;
}

TEST(ManifestData, TextWindowsOfBytes) {
  const char *model = "gdc-model 1\ninput f32 16\nlabel i32 16\noutput f32 16 256\n";
  Manifest m = parseOk(std::string(model) + "data train text my%20book.txt 16\n");
  const DataSpec *spec = m.findData("train");
  ASSERT_NE(spec, nullptr);
  EXPECT_EQ(spec->format, "text");
  EXPECT_EQ(spec->imagesPath, "my book.txt");
  EXPECT_EQ(spec->features, 16);
  EXPECT_EQ(parseOk(formatManifest(m)).findData("train")->imagesPath, "my book.txt");
  std::string error = parseError(std::string(model) + "data train text book.txt 8\n");
  EXPECT_NE(error.find("text data gives 8 bytes per example"), std::string::npos) << error;
}

TEST(ManifestValid, AFractionStrictlyBetweenZeroAndOne) {
  Manifest m = parseOk(kClassifier);
  EXPECT_FALSE(m.validFraction.has_value());
  m = parseOk(std::string(kClassifier) + "valid 0.2\n");
  ASSERT_TRUE(m.validFraction.has_value());
  EXPECT_DOUBLE_EQ(*m.validFraction, 0.2);

  for (const char *line : {"valid 0", "valid 1", "valid -0.1", "valid 1.5",
                           "valid abc", "valid nan"}) {
    std::string error = parseError(std::string(kClassifier) + line + "\n");
    EXPECT_NE(error.find("is not a number strictly between 0 and 1"),
              std::string::npos)
        << error;
    EXPECT_NE(error.find("manifest line 5: "), std::string::npos) << error;
  }
  EXPECT_NE(parseError(std::string(kClassifier) + "valid\n")
                .find("expected 'valid <fraction>'"),
            std::string::npos);
  EXPECT_NE(parseError(std::string(kClassifier) + "valid 0.1 0.2\n")
                .find("expected 'valid <fraction>'"),
            std::string::npos);
  EXPECT_NE(parseError(std::string(kClassifier) + "valid 0.1\nvalid 0.2\n")
                .find("duplicate 'valid'"),
            std::string::npos);
}

TEST(ManifestData, DescribesEachRecordForHelp) {
  Manifest m =
      parseOk(std::string(kClassifier) + "data train csv d.csv label 0.5\n"
                                         "data test synthetic 100 4 3 9\n");
  EXPECT_EQ(formatDataSpec(*m.findData("train")),
            "d.csv, label column 'label' (csv, scale 0.5)");
  EXPECT_EQ(formatDataSpec(*m.findData("test")),
            "synthetic: 100 examples, 4 features, 3 classes, seed 9");
  m = parseOk(std::string(kRegressor) + "data train npy x.npy y.npy 1\n"
                                        "data test synthetic 5 4 0 1\n");
  EXPECT_EQ(formatDataSpec(*m.findData("train")), "x.npy y.npy (npy, scale 1)");
  EXPECT_EQ(formatDataSpec(*m.findData("test")),
            "synthetic: 5 examples, 4 features, regression, seed 1");
}
