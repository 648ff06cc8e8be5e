//===- CsvTest.cpp - Tests of the CSV reader and data loader --------------===//

#include "Csv.h"

#include "TestSupport.h"

#include <gtest/gtest.h>

using namespace gdrt;
using namespace gdrt::test;

namespace {

/// Every record of `text` as strings, with the line each starts on.
std::vector<std::pair<size_t, std::vector<std::string>>>
readAll(std::string_view text) {
  std::vector<std::pair<size_t, std::vector<std::string>>> records;
  CsvReader reader(text);
  std::vector<std::string_view> cells;
  size_t line = 0;
  std::string problem;
  CsvReader::Result result;
  while ((result = reader.next(cells, line, problem)) ==
         CsvReader::Result::Record)
    records.emplace_back(line,
                         std::vector<std::string>(cells.begin(), cells.end()));
  EXPECT_EQ(result, CsvReader::Result::End) << problem;
  return records;
}

using Cells = std::vector<std::string>;

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

class CsvTest : public ::testing::Test {
protected:
  std::string write(const std::string &text, const std::string &name = "d.csv",
                    bool gzip = false) {
    std::string path = dir.file(name);
    writeBytes(path, std::vector<uint8_t>(text.begin(), text.end()), gzip);
    return path;
  }

  /// Loads `text` with label column `y`, 2 features and 3 classes (or
  /// `labels`), expecting failure; returns the error.
  std::string loadError(const std::string &text,
                        LabelFormat labels = classes(3),
                        int64_t exampleSize = 2) {
    std::string path = write(text);
    Dataset data;
    std::string error;
    EXPECT_FALSE(
        loadCsvDataset(path, "y", 1.0f, exampleSize, labels, data, error))
        << text;
    EXPECT_EQ(error.rfind(path, 0), 0u) << error;
    return error.substr(path.size());
  }

  TempDir dir;
};

} // namespace

TEST(CsvReader, QuotesCommasNewlinesAndLineNumbers) {
  auto records = readAll("a,\"b,c\",\"say \"\"hi\"\"\",\n"
                         "\"two\nlines\",  x y  ,\"\"\n"
                         "last,  \" padded \"  ,z");
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].first, 1u);
  EXPECT_EQ(records[0].second, (Cells{"a", "b,c", "say \"hi\"", ""}));
  EXPECT_EQ(records[1].first, 2u);
  EXPECT_EQ(records[1].second, (Cells{"two\nlines", "x y", ""}));
  EXPECT_EQ(records[2].first, 4u); // the quoted newline took a line
  EXPECT_EQ(records[2].second, (Cells{"last", " padded ", "z"}));
}

TEST(CsvReader, CrlfBlankLinesAndByteOrderMark) {
  auto records = readAll("\xEF\xBB\xBFh1,h2\r\n\r\n1,\"2\"\r\n  \t\r\n3,4\r\n"
                         "\r\n\n   \n");
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].second, (Cells{"h1", "h2"}));
  EXPECT_EQ(records[1].first, 3u);
  EXPECT_EQ(records[1].second, (Cells{"1", "2"}));
  EXPECT_EQ(records[2].first, 5u);
  EXPECT_EQ(records[2].second, (Cells{"3", "4"}));
  EXPECT_TRUE(readAll("").empty());
  EXPECT_TRUE(readAll("\n\r\n").empty());
}

TEST(CsvReader, MalformedQuotes) {
  CsvReader reader("a,b\n1,\"open\n\n");
  std::vector<std::string_view> cells;
  size_t line = 0;
  std::string problem;
  ASSERT_EQ(reader.next(cells, line, problem), CsvReader::Result::Record);
  EXPECT_EQ(reader.next(cells, line, problem), CsvReader::Result::Error);
  EXPECT_EQ(problem, "unterminated quoted cell");
  EXPECT_EQ(line, 2u);

  CsvReader after("\"a\"b,c\n");
  EXPECT_EQ(after.next(cells, line, problem), CsvReader::Result::Error);
  EXPECT_EQ(problem, "unexpected text after the closing quote of cell 1");
  EXPECT_EQ(line, 1u);
}

TEST_F(CsvTest, LoadsFeaturesInFileOrderAroundTheLabel) {
  // The label column in the middle; CRLF; a quoted header and a quoted
  // number; blank trailing lines.
  std::string path = write("\"f,1\",y,f2\r\n"
                           "1.5,2,-3\r\n"
                           "\"4\",0.0,5e-1\r\n"
                           "\r\n\r\n");
  for (bool gzip : {false, true}) {
    if (gzip)
      path = write(readText(path), "d.csv.gz", true);
    Dataset data;
    std::string error;
    ASSERT_TRUE(loadCsvDataset(path, "y", 2.0f, 2, classes(3), data, error))
        << error;
    EXPECT_EQ(data.count, 2);
    EXPECT_EQ(data.exampleSize, 2);
    EXPECT_EQ(data.examples, (std::vector<float>{3, -6, 8, 1}));
    EXPECT_EQ(data.labels, (std::vector<int32_t>{2, 0}));
    EXPECT_FALSE(data.hasTargets());
  }

  // A quoted header name with a comma can be the label column.
  Dataset data;
  std::string error;
  ASSERT_TRUE(loadCsvDataset(path, "f,1", 1.0f, 2, target(), data, error))
      << error;
  EXPECT_EQ(data.targets, (std::vector<float>{1.5, 4})); // labels unscaled
  EXPECT_EQ(data.examples, (std::vector<float>{2, -3, 0, 0.5}));
  EXPECT_EQ(data.targetSize, 1);
  EXPECT_TRUE(data.labels.empty());
}

TEST_F(CsvTest, TargetsAreAnyFiniteNumber) {
  std::string path = write("a,y,b\n1,-1.5e3,2\n3,0.25,4\n");
  for (Shape shape : {Shape{}, Shape{1}}) {
    Dataset data;
    std::string error;
    ASSERT_TRUE(loadCsvDataset(path, "y", 1.0f, 2, target(shape), data, error))
        << error;
    EXPECT_EQ(data.targets, (std::vector<float>{-1500, 0.25}));
    EXPECT_EQ(data.examples, (std::vector<float>{1, 2, 3, 4}));
  }
  EXPECT_EQ(loadError("a,y,b\n1,1e39,2\n", target()),
            ":2:y: '1e39' is beyond the range of f32");
  EXPECT_EQ(loadError("a,y,b\n1,nan,2\n", target()),
            ":2:y: 'nan' is not a number");
  EXPECT_EQ(loadError("a,y,b\n1,1,2\n", target({2})),
            ": a CSV label column holds one number per example, but the "
            "model's labels are f32 targets of shape [2]");
}

TEST_F(CsvTest, ClassLabelsAreWholeNumbersInRange) {
  EXPECT_EQ(loadError("a,y,b\n1,2,3\n0,1.5,2\n"),
            ":3:y: label '1.5' is not a class index in [0, 3)");
  EXPECT_EQ(loadError("a,y,b\n1,3,3\n"),
            ":2:y: label '3' is not a class index in [0, 3)");
  EXPECT_EQ(loadError("a,y,b\n1,-1,3\n"),
            ":2:y: label '-1' is not a class index in [0, 3)");
}

TEST_F(CsvTest, HeaderProblems) {
  EXPECT_EQ(loadError("a,b,c\n1,2,3\n"),
            ": no column 'y' in the header; its columns are 'a', 'b', 'c'");
  EXPECT_EQ(loadError("y,a,y\n1,2,3\n"),
            ": the header names 2 columns 'y'; the label column must be "
            "unique");
  EXPECT_EQ(loadError("a,y,b,c\n1,2,3,4\n"),
            ": 3 feature columns (every column but 'y'), but the model's "
            "input has 2 elements");
  EXPECT_EQ(loadError(""),
            ": empty file (expected a header row of column names)");
  EXPECT_EQ(loadError("\r\n\n"),
            ": empty file (expected a header row of column names)");
}

TEST_F(CsvTest, CellProblemsNameLineAndColumn) {
  EXPECT_EQ(loadError("a,y,b\n1,0,2\n3,1,abc\n"),
            ":3:b: 'abc' is not a number");
  EXPECT_EQ(loadError("a,y,b\n1,0,2\n,1,4\n"), ":3:a: '' is not a number");
  EXPECT_EQ(loadError("a,y,\n1,0,x\n"), ":2:column 3: 'x' is not a number");
  EXPECT_EQ(loadError("a,y,b\n1,0,0x10\n"), ":2:b: '0x10' is not a number");
  EXPECT_EQ(loadError("a,y,b\n1,0,2\n\n1,2\n"),
            ":4: 2 cells, but the header has 3 columns");
  EXPECT_EQ(loadError("a,y,b\n1,0,2,\n"),
            ":2: 4 cells, but the header has 3 columns");
  EXPECT_EQ(loadError("a,y,b\n1,0,\"2\n"), ":2: unterminated quoted cell");
  std::string path = write("a,y,b\n1,0,1e38\n");
  Dataset data;
  std::string error;
  EXPECT_FALSE(loadCsvDataset(path, "y", 10.0f, 2, classes(3), data, error));
  EXPECT_EQ(error, path + ":2:b: '1e38' is beyond the range of f32 (after "
                          "scaling)");
}

TEST_F(CsvTest, MissingFileAndHeaderOnly) {
  Dataset data;
  std::string error;
  std::string missing = dir.file("nope.csv");
  EXPECT_FALSE(loadCsvDataset(missing, "y", 1, 2, classes(3), data, error));
  EXPECT_EQ(error, missing + ": No such file or directory");

  // A header and no rows is an empty data set; the trainer decides whether
  // that is an error.
  ASSERT_TRUE(
      loadCsvDataset(write("a,y,b\n"), "y", 1, 2, classes(3), data, error))
      << error;
  EXPECT_EQ(data.count, 0);
  EXPECT_EQ(data.exampleSize, 2);
}
