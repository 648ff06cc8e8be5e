//===- TrainerRegressionTest.cpp - The trainer with f32 targets -----------===//
//
// A hand-written stand-in for a compiled regression model: y ≈ x·W + b with
// a mean squared error loss and plain SGD, against ModelABI.h with
// `label f32`: the step's y is float* [batch, label...]. The data come from
// each loader in turn (synthetic, csv, npy) through the manifest.
//
//===----------------------------------------------------------------------===//

#include "Driver.h"
#include "Json.h"
#include "Synthetic.h"
#include "Trainer.h"

#include "TestSupport.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <gtest/gtest.h>
#include <regex.h>

using namespace gdrt;
using namespace gdrt::test;

namespace {

constexpr int kFeatures = 4;

/// What the fake model saw.
struct RegressionLog {
  std::vector<float> firstBatchY;
  int64_t steps = 0;
};
RegressionLog regressionLog;

/// out[i] = x[i]·W + b
void predict(const float *W, const float *b, const float *x, int64_t batch,
             float *out) {
  for (int64_t i = 0; i < batch; ++i) {
    float sum = b[0];
    for (int f = 0; f < kFeatures; ++f)
      sum += x[i * kFeatures + f] * W[f];
    out[i] = sum;
  }
}

/// args: W, b, lr, t, seed, x, y (float* [batch]), loss, status, then the
/// next W and b, which it writes.
void regressionStep(void **args, int64_t batch) {
  float *W = static_cast<float *>(args[9]);
  float *b = static_cast<float *>(args[10]);
  std::copy_n(static_cast<const float *>(args[0]), kFeatures, W);
  std::copy_n(static_cast<const float *>(args[1]), 1, b);
  float lr = *static_cast<float *>(args[2]);
  const float *x = static_cast<const float *>(args[5]);
  const float *y = static_cast<const float *>(args[6]);
  float *loss = static_cast<float *>(args[7]);
  if (regressionLog.steps++ == 0)
    regressionLog.firstBatchY.assign(y, y + batch);
  std::vector<float> out(batch);
  predict(W, b, x, batch, out.data());
  double total = 0;
  float gW[kFeatures] = {}, gb = 0;
  for (int64_t i = 0; i < batch; ++i) {
    float d = out[i] - y[i];
    total += static_cast<double>(d) * d;
    float g = 2 * d / static_cast<float>(batch);
    gb += g;
    for (int f = 0; f < kFeatures; ++f)
      gW[f] += g * x[i * kFeatures + f];
  }
  for (int f = 0; f < kFeatures; ++f)
    W[f] -= lr * gW[f];
  b[0] -= lr * gb;
  *loss = static_cast<float>(total / static_cast<double>(batch));
}

void regressionEval(void **args, int64_t batch) {
  predict(static_cast<const float *>(args[0]),
          static_cast<const float *>(args[1]),
          static_cast<const float *>(args[2]), batch,
          static_cast<float *>(args[3]));
}

const char *kModel = "gdc-model 1\n"
                     "input f32 4\n"
                     "label f32\n"
                     "output f32 1\n"
                     "param lin.W 4,1 zeros\n"
                     "param lin.b - zeros\n"
                     "hyper lr 0.1\n"
                     "train batch 16\n"
                     "train epochs 4\n"
                     "train seed 3\n";

class TrainerRegressionTest : public ::testing::Test {
protected:
  void SetUp() override { regressionLog = RegressionLog(); }

  /// A trainer of kModel plus `data` records, with command line `args`.
  std::unique_ptr<Trainer> trainer(const std::string &data,
                                   std::vector<const char *> args = {}) {
    text = std::string(kModel) + data;
    std::string error;
    EXPECT_TRUE(parseManifest(text, manifest, error)) << error;
    args.insert(args.begin(), {"train", "--data-dir", dir.path().c_str()});
    Options options;
    EXPECT_TRUE(parseOptions(static_cast<int>(args.size()), args.data(),
                             manifest, options, error))
        << error;
    auto result = std::make_unique<Trainer>(manifest, entryPoints(), options);
    result->setMessageStream(nullptr);
    return result;
  }

  ModelEntryPoints entryPoints() {
    ModelEntryPoints model;
    model.manifest = text.c_str();
    model.step = regressionStep;
    model.eval = regressionEval;
    return model;
  }

  TempDir dir;
  std::string text;
  Manifest manifest;
};

const char *kSynthetic = "data train synthetic 400 4 0 21\n"
                         "data test synthetic 100 4 0 21\n";

} // namespace

TEST_F(TrainerRegressionTest, LearnsSyntheticTargetsDownToTheNoise) {
  auto t = trainer(std::string(kSynthetic) + "valid 0.25\n");
  std::string error;
  ASSERT_TRUE(t->prepare(error)) << error;
  EXPECT_EQ(t->trainData().count, 300);
  ASSERT_NE(t->validData(), nullptr);
  EXPECT_EQ(t->validData()->count, 100);
  EXPECT_EQ(t->validData()->targetSize, 1);
  EXPECT_FALSE(t->testAccuracy().has_value());
  std::optional<double> before = t->testMse();
  ASSERT_TRUE(before.has_value());
  ASSERT_TRUE(t->run(error)) << error;

  const std::vector<EpochStats> &history = t->history();
  ASSERT_EQ(history.size(), 4u);
  for (const EpochStats &stats : history) {
    EXPECT_FALSE(stats.testAccuracy.has_value());
    EXPECT_FALSE(stats.validAccuracy.has_value());
    ASSERT_TRUE(stats.testMse.has_value());
    ASSERT_TRUE(stats.validMse.has_value());
  }
  // Targets have variance about 1; the noise floor is 0.01² = 1e-4.
  EXPECT_GT(*before, 0.3);
  EXPECT_LT(*history.back().testMse, 1e-3);
  EXPECT_LT(*history.back().validMse, 1e-3);
  EXPECT_LT(history.back().trainLoss, history.front().trainLoss);
}

TEST_F(TrainerRegressionTest, TheStepReadsFloatTargetsInBatchOrder) {
  auto t = trainer(kSynthetic, {"--shuffle", "off", "--epochs", "1"});
  std::string error;
  ASSERT_TRUE(t->prepare(error) && t->run(error)) << error;
  const std::vector<float> &targets = t->trainData().targets;
  ASSERT_EQ(regressionLog.firstBatchY.size(), 16u);
  EXPECT_EQ(regressionLog.firstBatchY,
            std::vector<float>(targets.begin(), targets.begin() + 16));
  EXPECT_EQ(regressionLog.steps, 25); // 400 / 16
}

TEST_F(TrainerRegressionTest, MeanSquaredErrorOfAZeroModelIsTheTargetsPower) {
  auto t = trainer(kSynthetic, {"--set", "lr=0", "--valid", "0.5"});
  std::string error;
  ASSERT_TRUE(t->prepare(error)) << error;
  const Dataset &valid = *t->validData();
  double sum = 0;
  for (float v : valid.targets)
    sum += static_cast<double>(v) * v;
  EXPECT_NEAR(t->meanSquaredError(valid), sum / valid.count, 1e-12);
  EXPECT_GT(sum, 0);
}

TEST_F(TrainerRegressionTest, LogsAndPrintsMseNotAccuracy) {
  std::string log = dir.file("log.jsonl");
  text = std::string(kModel) + kSynthetic;
  std::string dirPath = dir.path();
  const char *argv[] = {"train", "--data-dir", dirPath.c_str(), "--epochs",
                        "1",     "--quiet",    "--valid",       "0.2",
                        "--log", log.c_str()};
  FILE *messages = tmpfile();
  ASSERT_EQ(runTrainingProgram(10, argv, entryPoints(), messages), 0);
  rewind(messages);
  char buffer[1024] = {};
  fread(buffer, 1, sizeof(buffer) - 1, messages);
  fclose(messages);
  regex_t pattern;
  ASSERT_EQ(regcomp(&pattern,
                    "^epoch 1/1: train_loss [0-9.]+  valid_mse [0-9.e+-]+  "
                    "test_mse [0-9.e+-]+  [0-9]+ examples/s  [0-9.]+ s\n$",
                    REG_EXTENDED),
            0);
  EXPECT_EQ(regexec(&pattern, buffer, 0, nullptr, 0), 0) << buffer;
  regfree(&pattern);

  JsonValue line;
  std::string error;
  ASSERT_TRUE(parseJson(readText(log), line, error)) << error;
  for (const char *key : {"test_mse", "valid_mse", "train_loss"}) {
    ASSERT_NE(line.find(key), nullptr) << key;
    EXPECT_EQ(line.find(key)->kind, JsonValue::Kind::Number) << key;
  }
  EXPECT_EQ(line.find("test_accuracy"), nullptr);
  EXPECT_EQ(line.find("valid_accuracy"), nullptr);
}

TEST_F(TrainerRegressionTest, CsvAndNpyDataThroughTheManifest) {
  // The synthetic sets written out as files, then read back by path
  // relative to --data-dir.
  LabelFormat labels;
  labels.targets = true;
  Dataset train, test;
  std::string error;
  ASSERT_TRUE(makeSyntheticDataset(400, 4, 0, 21, 0, labels, train, error));
  ASSERT_TRUE(makeSyntheticDataset(100, 4, 0, 21, 1, labels, test, error));

  std::string csv = "a,b,target,c,d\r\n";
  char cell[32];
  for (int64_t i = 0; i < train.count; ++i) {
    for (int f = 0; f < 5; ++f) {
      float value = f == 2  ? train.targets[i]
                    : f < 2 ? train.examples[i * 4 + f]
                            : train.examples[i * 4 + f - 1];
      // Doubled: the manifest's scale 0.5 undoes it.
      snprintf(cell, sizeof(cell), "%s%.9g", f ? "," : "",
               f == 2 ? value : 2 * value);
      csv += cell;
    }
    csv += "\r\n";
  }
  writeBytes(dir.file("train data.csv"),
             std::vector<uint8_t>(csv.begin(), csv.end()));

  auto npy = [](const std::string &shape, const std::vector<float> &values) {
    std::string header =
        "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }";
    header += std::string(64 - (10 + header.size() + 1) % 64, ' ') + "\n";
    std::vector<uint8_t> bytes = {
        0x93, 'N', 'U',
        'M',  'P', 'Y',
        1,    0,   static_cast<uint8_t>(header.size()),
        0};
    bytes.insert(bytes.end(), header.begin(), header.end());
    size_t at = bytes.size();
    bytes.resize(at + values.size() * 4);
    std::memcpy(bytes.data() + at, values.data(), values.size() * 4);
    return bytes;
  };
  writeBytes(dir.file("x.npy"), npy("(100, 4)", test.examples));
  writeBytes(dir.file("y.npy"), npy("(100,)", test.targets));

  auto t = trainer("data train csv train%20data.csv target 0.5\n"
                   "data test npy x.npy y.npy 1\n");
  ASSERT_TRUE(t->prepare(error)) << error;
  EXPECT_EQ(t->trainData().examples, train.examples);
  EXPECT_EQ(t->trainData().targets, train.targets);
  ASSERT_TRUE(t->run(error)) << error;
  EXPECT_LT(*t->history().back().testMse, 1e-3);
}

TEST_F(TrainerRegressionTest, OutputAndLabelSizesMustAgreeToEvaluate) {
  std::string error;
  ASSERT_TRUE(parseManifest("gdc-model 1\ninput f32 4\nlabel f32 2\n"
                            "output f32 1\nparam lin.W 4,1 zeros\n"
                            "param lin.b - zeros\nhyper lr 0.1\n"
                            "data train synthetic 10 4 0 1\n"
                            "data test synthetic 10 4 0 1\n",
                            manifest, error))
      << error;
  text = "unused";
  const char *argv[] = {"train"};
  Options options;
  ASSERT_TRUE(parseOptions(1, argv, manifest, options, error));
  Trainer t(manifest, entryPoints(), options);
  EXPECT_FALSE(t.prepare(error));
  EXPECT_EQ(error, "the model's output has 1 elements but its f32 label 2; "
                   "the mean squared error needs them equal");
}

TEST_F(TrainerRegressionTest, LoaderErrorsReachTheProgramsMessage) {
  auto t = trainer("data train csv missing.csv target 1\n");
  std::string error;
  EXPECT_FALSE(t->prepare(error));
  EXPECT_EQ(error, dir.file("missing.csv") + ": No such file or directory");
}
