//===- TrainerTest.cpp - The training loop on a hand-written model --------===//
//
// The model here stands in for gdc's output: softmax regression with SGD +
// momentum, written against ModelABI.h exactly as compiled code would be
// (one state per parameter, two hyperparameters). It trains on a tiny,
// linearly separable synthetic data set written as IDX files.
//
//===----------------------------------------------------------------------===//

#include "Trainer.h"
#include "Driver.h"
#include "Json.h"

#include "ModelABI.h"
#include "TestSupport.h"

#include <algorithm>
#include <cmath>
#include <gtest/gtest.h>
#include <regex.h>

using namespace gdrt;
using namespace gdrt::test;

namespace {

constexpr int kFeatures = 4; // the input is 2x2 "images"
constexpr int kClasses = 3;
constexpr int kTrainCount = 200; // batch 16: 12 full batches and one of 8
constexpr int kTestCount = 60;

/// What the fake model saw, for the tests to check.
struct ModelLog {
  std::vector<int64_t> batchSizes;
  std::vector<float> stepNumbers;
  std::vector<int64_t> seeds;
  std::vector<int32_t> firstBatchLabels;
  int64_t nanAtStep = 0;        ///< report a NaN loss at this step (0: never)
  bool lossIsMeanLabel = false; ///< report mean(y) as the loss, no update
};
ModelLog modelLog;

} // namespace

extern "C" {

const char gd_model_manifest[] =
    "gdc-model 1\n"
    "input f32 2 2\n"
    "label i32\n"
    "output f32 3\n"
    "param model.W 4,3 glorot_uniform 4 3\n"
    "param model.b 3 zeros\n"
    "state velocity\n"
    "hyper lr 0.5\n"
    "hyper momentum 0.5\n"
    "train batch 16\n"
    "train epochs 3\n"
    "train seed 7\n"
    "data train idx train-images.idx train-labels.idx.gz 0.00392156863\n"
    "data test idx test-images.idx.gz test-labels.idx 0.00392156863\n"
    "source-dir /nonexistent/source/dir\n";

/// logits[b, c] = sum_f x[b, f] W[f, c] + bias[c]
static void logits(const float *W, const float *bias, const float *x,
                   int64_t batch, float *out) {
  for (int64_t i = 0; i < batch; ++i)
    for (int c = 0; c < kClasses; ++c) {
      float z = bias[c];
      for (int f = 0; f < kFeatures; ++f)
        z += x[i * kFeatures + f] * W[f * kClasses + c];
      out[i * kClasses + c] = z;
    }
}

/// args (ModelABI.h): W, bias, vW, vb, lr, momentum, t, seed, x, y, loss,
/// status, then the next W, bias, vW and vb, which it writes (here by
/// copying the current values and updating the copies in place).
void gd_model_step(void **args, int64_t batch) {
  float *W = static_cast<float *>(args[12]);
  float *bias = static_cast<float *>(args[13]);
  float *vW = static_cast<float *>(args[14]);
  float *vb = static_cast<float *>(args[15]);
  std::copy_n(static_cast<const float *>(args[0]), kFeatures * kClasses, W);
  std::copy_n(static_cast<const float *>(args[1]), kClasses, bias);
  std::copy_n(static_cast<const float *>(args[2]), kFeatures * kClasses, vW);
  std::copy_n(static_cast<const float *>(args[3]), kClasses, vb);
  float lr = *static_cast<float *>(args[4]);
  float momentum = *static_cast<float *>(args[5]);
  float t = *static_cast<float *>(args[6]);
  int64_t seed = *static_cast<const int64_t *>(args[7]);
  const float *x = static_cast<const float *>(args[8]);
  const int32_t *y = static_cast<const int32_t *>(args[9]);
  float *loss = static_cast<float *>(args[10]);

  modelLog.batchSizes.push_back(batch);
  modelLog.stepNumbers.push_back(t);
  modelLog.seeds.push_back(seed);
  if (modelLog.firstBatchLabels.empty())
    modelLog.firstBatchLabels.assign(y, y + batch);
  if (modelLog.lossIsMeanLabel) {
    double sum = 0;
    for (int64_t i = 0; i < batch; ++i)
      sum += y[i];
    *loss = static_cast<float>(sum / static_cast<double>(batch));
    return;
  }

  std::vector<float> p(batch * kClasses);
  logits(W, bias, x, batch, p.data());
  double total = 0;
  float gW[kFeatures * kClasses] = {}, gb[kClasses] = {};
  for (int64_t i = 0; i < batch; ++i) {
    float *row = &p[i * kClasses];
    float top = std::max(row[0], std::max(row[1], row[2]));
    float sum = 0;
    for (int c = 0; c < kClasses; ++c)
      sum += row[c] = std::exp(row[c] - top);
    for (int c = 0; c < kClasses; ++c)
      row[c] /= sum;
    total -= std::log(row[y[i]]);
    for (int c = 0; c < kClasses; ++c) {
      float d =
          (row[c] - (c == y[i] ? 1.0f : 0.0f)) / static_cast<float>(batch);
      gb[c] += d;
      for (int f = 0; f < kFeatures; ++f)
        gW[f * kClasses + c] += x[i * kFeatures + f] * d;
    }
  }
  for (int k = 0; k < kFeatures * kClasses; ++k) {
    vW[k] = momentum * vW[k] + gW[k];
    W[k] -= lr * vW[k];
  }
  for (int c = 0; c < kClasses; ++c) {
    vb[c] = momentum * vb[c] + gb[c];
    bias[c] -= lr * vb[c];
  }
  *loss = static_cast<float>(total / static_cast<double>(batch));
  if (modelLog.nanAtStep && static_cast<int64_t>(t) == modelLog.nanAtStep)
    *loss = NAN;
}

// No operation to blame: the diagnosis finds no site.
void gd_model_diagnose(void **args, int64_t batch) { *static_cast<int32_t *>(args[16]) = -1; }

void gd_model_eval(void **args, int64_t batch) {
  logits(static_cast<const float *>(args[0]),
         static_cast<const float *>(args[1]),
         static_cast<const float *>(args[2]), batch,
         static_cast<float *>(args[3]));
}

// Each example's cross-entropy: the held-out loss.
void gd_model_loss(void **args, int64_t batch) {
  std::vector<float> out(static_cast<size_t>(batch * kClasses));
  logits(static_cast<const float *>(args[0]), static_cast<const float *>(args[1]),
         static_cast<const float *>(args[2]), batch, out.data());
  const int32_t *labels = static_cast<const int32_t *>(args[3]);
  float *losses = static_cast<float *>(args[4]);
  for (int64_t i = 0; i < batch; ++i) {
    const float *row = out.data() + i * kClasses;
    double top = *std::max_element(row, row + kClasses), sum = 0;
    for (int c = 0; c < kClasses; ++c)
      sum += std::exp(row[c] - top);
    losses[i] = static_cast<float>(top + std::log(sum) - row[labels[i]]);
  }
}

} // extern "C"

namespace {

/// Class c's examples are bright in pixel c and dark elsewhere, with noise:
/// linearly separable, but not at initialisation.
void makeExamples(int count, uint32_t seed, std::vector<uint8_t> &pixels,
                  std::vector<uint8_t> &labels) {
  uint32_t state = seed;
  auto noise = [&] {
    state = state * 1664525u + 1013904223u;
    return static_cast<int>((state >> 16) % 81) - 40; // [-40, 40]
  };
  for (int i = 0; i < count; ++i) {
    int label = (i * 7 + static_cast<int>(seed)) % kClasses;
    labels.push_back(static_cast<uint8_t>(label));
    for (int f = 0; f < kFeatures; ++f)
      pixels.push_back(static_cast<uint8_t>((f == label ? 200 : 50) + noise()));
  }
}

class TrainerTest : public ::testing::Test {
protected:
  void SetUp() override {
    modelLog = ModelLog();
    std::vector<uint8_t> pixels, labels;
    makeExamples(kTrainCount, 1, pixels, labels);
    trainLabels = labels;
    writeBytes(dir.file("train-images.idx"),
               idxBytes(0x08, {kTrainCount, 2, 2}, pixels));
    writeBytes(dir.file("train-labels.idx.gz"),
               idxBytes(0x08, {kTrainCount}, labels), /*gzip=*/true);
    pixels.clear();
    labels.clear();
    makeExamples(kTestCount, 2, pixels, labels);
    writeBytes(dir.file("test-images.idx.gz"),
               idxBytes(0x08, {kTestCount, 2, 2}, pixels), /*gzip=*/true);
    writeBytes(dir.file("test-labels.idx"),
               idxBytes(0x08, {kTestCount}, labels));
    std::string error;
    ASSERT_TRUE(parseManifest(gd_model_manifest, manifest, error)) << error;
    model.manifest = gd_model_manifest;
    model.step = gd_model_step;
    model.eval = gd_model_eval;
    model.loss = gd_model_loss;
  }

  /// Options as the command line `args` (after the data dir) would give.
  Options options(std::vector<const char *> args = {}) {
    args.insert(args.begin(), {"train", "--data-dir", dir.path().c_str()});
    Options result;
    std::string error;
    EXPECT_TRUE(parseOptions(static_cast<int>(args.size()), args.data(),
                             manifest, result, error))
        << error;
    return result;
  }

  /// Runs the whole program; returns its exit status, messages in `output`.
  int runProgram(std::vector<const char *> args, std::string &output) {
    args.insert(args.begin(), {"train", "--data-dir", dir.path().c_str()});
    FILE *messages = tmpfile();
    EXPECT_NE(messages, nullptr);
    int status = runTrainingProgram(static_cast<int>(args.size()), args.data(),
                                    model, messages);
    rewind(messages);
    output.clear();
    char buffer[4096];
    size_t n;
    while ((n = fread(buffer, 1, sizeof(buffer), messages)) > 0)
      output.append(buffer, n);
    fclose(messages);
    return status;
  }

  TempDir dir;
  Manifest manifest;
  ModelEntryPoints model;
  std::vector<uint8_t> trainLabels;
};

} // namespace

TEST_F(TrainerTest, LossFallsAndAccuracyRises) {
  Trainer trainer(manifest, model, options());
  trainer.setMessageStream(nullptr);
  std::string error;
  ASSERT_TRUE(trainer.prepare(error)) << error;
  EXPECT_EQ(trainer.trainData().count, kTrainCount);
  std::optional<double> before = trainer.testAccuracy();
  ASSERT_TRUE(before.has_value());
  ASSERT_TRUE(trainer.run(error)) << error;

  const std::vector<EpochStats> &history = trainer.history();
  ASSERT_EQ(history.size(), 3u);
  EXPECT_LT(history[1].trainLoss, history[0].trainLoss);
  EXPECT_LT(history[2].trainLoss, history[1].trainLoss);
  EXPECT_LT(history[2].trainLoss, 0.3);
  ASSERT_TRUE(history[2].testAccuracy.has_value());
  EXPECT_LT(*before, 0.7);
  EXPECT_GE(*history[2].testAccuracy, 0.95);
  EXPECT_EQ(history[2].step, 3 * 13);
  EXPECT_EQ(history[0].examples, kTrainCount);
  EXPECT_GT(history[0].examplesPerSec, 0);
  // The held-out loss is gd_model_loss's mean over the test set: it falls
  // with the training loss, and is the mean of the per-example losses.
  ASSERT_TRUE(history[0].testLoss.has_value() && history[2].testLoss.has_value());
  EXPECT_LT(*history[2].testLoss, *history[0].testLoss);
  std::vector<float> losses(static_cast<size_t>(trainer.testData()->count));
  std::vector<NamedTensor> params = trainer.parameters(); // the step's order
  std::vector<void *> args;
  for (NamedTensor &param : params)
    args.push_back(param.data.data());
  args.push_back(const_cast<float *>(trainer.testData()->examples.data()));
  args.push_back(const_cast<int32_t *>(trainer.testData()->labels.data()));
  args.push_back(losses.data());
  gd_model_loss(args.data(), trainer.testData()->count);
  double sum = 0;
  for (float l : losses)
    sum += l;
  EXPECT_NEAR(*history[2].testLoss, sum / losses.size(), 1e-6);
}

TEST_F(TrainerTest, StepSeesEveryBatchWithAPartialLastOneAndCountsT) {
  Trainer trainer(manifest, model, options({"--epochs", "2"}));
  trainer.setMessageStream(nullptr);
  std::string error;
  ASSERT_TRUE(trainer.prepare(error) && trainer.run(error)) << error;
  ASSERT_EQ(modelLog.batchSizes.size(), 26u);
  for (size_t i = 0; i < 26; ++i) {
    EXPECT_EQ(modelLog.batchSizes[i], i % 13 == 12 ? 8 : 16) << i;
    EXPECT_EQ(modelLog.stepNumbers[i], static_cast<float>(i + 1)) << i;
  }
  EXPECT_EQ(trainer.stepsTaken(), 26);
}

TEST_F(TrainerTest, StepReadsTheSeedOfTheCommandLine) {
  Trainer trainer(manifest, model, options({"--epochs", "1", "--seed", "12345"}));
  trainer.setMessageStream(nullptr);
  std::string error;
  ASSERT_TRUE(trainer.prepare(error) && trainer.run(error)) << error;
  ASSERT_EQ(modelLog.seeds.size(), 13u);
  for (int64_t seed : modelLog.seeds)
    EXPECT_EQ(seed, 12345);
}

TEST_F(TrainerTest, LimitTrainsOnTheFirstExamplesOnly) {
  // 200 examples at batch 16 would be 13 steps; the first 40 are 3 steps,
  // the last one partial.
  Trainer trainer(manifest, model, options({"--limit", "40", "--epochs", "1"}));
  trainer.setMessageStream(nullptr);
  std::string error;
  ASSERT_TRUE(trainer.prepare(error) && trainer.run(error)) << error;
  ASSERT_EQ(modelLog.batchSizes, (std::vector<int64_t>{16, 16, 8}));
}

TEST_F(TrainerTest, TrainLossIsWeightedByExamples) {
  modelLog.lossIsMeanLabel = true;
  Trainer trainer(manifest, model, options({"--epochs", "1", "--batch", "64"}));
  trainer.setMessageStream(nullptr);
  std::string error;
  ASSERT_TRUE(trainer.prepare(error) && trainer.run(error)) << error;
  double sum = 0;
  for (uint8_t label : trainLabels)
    sum += label;
  // 200 = 3 * 64 + 8: a mean of batch means would weigh the last 8
  // examples like 64.
  EXPECT_NEAR(trainer.history()[0].trainLoss, sum / kTrainCount, 1e-6);
}

TEST_F(TrainerTest, ShuffleOffKeepsFileOrder) {
  Trainer inOrder(manifest, model,
                  options({"--epochs", "1", "--shuffle", "off"}));
  inOrder.setMessageStream(nullptr);
  std::string error;
  ASSERT_TRUE(inOrder.prepare(error) && inOrder.run(error)) << error;
  std::vector<int32_t> fileLabels(trainLabels.begin(),
                                  trainLabels.begin() + 16);
  EXPECT_EQ(modelLog.firstBatchLabels, fileLabels);

  modelLog = ModelLog();
  Trainer shuffled(manifest, model, options({"--epochs", "1"}));
  shuffled.setMessageStream(nullptr);
  ASSERT_TRUE(shuffled.prepare(error) && shuffled.run(error)) << error;
  EXPECT_NE(modelLog.firstBatchLabels, fileLabels);
}

TEST_F(TrainerTest, SameSeedSameRunOtherSeedOtherRun) {
  auto train = [&](const char *seed) {
    Trainer trainer(manifest, model,
                    options({"--epochs", "1", "--seed", seed}));
    trainer.setMessageStream(nullptr);
    std::string error;
    EXPECT_TRUE(trainer.prepare(error) && trainer.run(error)) << error;
    return trainer.parameters();
  };
  std::vector<NamedTensor> a = train("5"), b = train("5"), c = train("6");
  EXPECT_EQ(a[0].data, b[0].data);
  EXPECT_NE(a[0].data, c[0].data);
}

TEST_F(TrainerTest, StepsStopMidEpochAndTheEpochIsStillLogged) {
  std::string log = dir.file("log.jsonl");
  std::string output;
  ASSERT_EQ(runProgram({"--steps", "20", "--log", log.c_str()}, output), 0)
      << output;
  EXPECT_EQ(modelLog.batchSizes.size(), 20u);

  // Two epochs: 13 steps, then 7 of the second.
  std::string text = readText(log);
  std::vector<JsonValue> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    ASSERT_NE(end, std::string::npos) << "unterminated log line";
    JsonValue value;
    std::string error;
    ASSERT_TRUE(parseJson(text.substr(start, end - start), value, error))
        << error;
    lines.push_back(value);
    start = end + 1;
  }
  ASSERT_EQ(lines.size(), 2u) << text;
  uint64_t n = 0;
  ASSERT_TRUE(lines[1].find("epoch")->asUint64(n));
  EXPECT_EQ(n, 2u);
  ASSERT_TRUE(lines[1].find("step")->asUint64(n));
  EXPECT_EQ(n, 20u);
  ASSERT_TRUE(lines[1].find("examples")->asUint64(n));
  EXPECT_EQ(n, 7u * 16);
  for (const char *key :
       {"train_loss", "test_accuracy", "examples_per_sec", "seconds"}) {
    const JsonValue *value = lines[1].find(key);
    ASSERT_NE(value, nullptr) << key;
    EXPECT_EQ(value->kind, JsonValue::Kind::Number) << key;
  }
  EXPECT_NE(output.find("epoch 2/3: train_loss"), std::string::npos) << output;
  EXPECT_EQ(output.find("epoch 3/3"), std::string::npos) << output;

  // The run's first three steps, timed apart, in the first epoch only.
  ASSERT_TRUE(lines[0].find("warmup_examples")->asUint64(n));
  EXPECT_EQ(n, 3u * 16);
  ASSERT_TRUE(lines[1].find("warmup_examples")->asUint64(n));
  EXPECT_EQ(n, 0u);
  double warmup = std::stod(lines[0].find("warmup_seconds")->text);
  EXPECT_GT(warmup, 0.0);
  EXPECT_LE(warmup, std::stod(lines[0].find("seconds")->text));
  EXPECT_EQ(lines[1].find("warmup_seconds")->text, "0");

  // A step budget beyond the epochs changes nothing.
  modelLog = ModelLog();
  ASSERT_EQ(runProgram({"--steps", "1000", "--epochs", "1"}, output), 0);
  EXPECT_EQ(modelLog.batchSizes.size(), 13u);
}

TEST_F(TrainerTest, SummaryLinesHaveTheDocumentedShape) {
  std::string output;
  ASSERT_EQ(runProgram({"--epochs", "2", "--quiet"}, output), 0) << output;
  regex_t pattern;
  ASSERT_EQ(regcomp(&pattern,
                    "^epoch 1/2: train_loss [0-9]+\\.[0-9]{4}  test_loss [0-9]+\\.[0-9]{4}  "
                    "test_accuracy [01]\\.[0-9]{4}  [0-9]+ examples/s  [0-9]+\\.[0-9] s\n"
                    "epoch 2/2: train_loss [0-9.]+  test_loss [0-9.]+  test_accuracy [0-9.]+  "
                    "[0-9]+ examples/s  [0-9.]+ s\n$",
                    REG_EXTENDED),
            0);
  EXPECT_EQ(regexec(&pattern, output.c_str(), 0, nullptr, 0), 0) << output;
  regfree(&pattern);
}

TEST_F(TrainerTest, SaveThenInitRoundTripsParameters) {
  std::string ckpt = dir.file("model.safetensors");
  Trainer first(manifest, model,
                options({"--epochs", "2", "--save", ckpt.c_str()}));
  first.setMessageStream(nullptr);
  std::string error;
  ASSERT_TRUE(first.prepare(error) && first.run(error)) << error;

  std::vector<NamedTensor> saved;
  std::map<std::string, std::string> metadata;
  ASSERT_TRUE(readSafetensors(ckpt, saved, metadata, error)) << error;
  std::vector<NamedTensor> trained = first.parameters();
  // A full checkpoint: the parameters first, then each one's state slots.
  ASSERT_EQ(saved.size(), trained.size() * (1 + manifest.states.size()));
  for (size_t i = 0; i < trained.size(); ++i) {
    EXPECT_EQ(saved[i].name, trained[i].name);
    EXPECT_EQ(saved[i].shape, trained[i].shape);
    EXPECT_EQ(saved[i].data, trained[i].data);
  }
  EXPECT_EQ(saved[trained.size()].name, trained[0].name + "/" + manifest.states[0]);
  EXPECT_EQ(metadata["step"], "26");
  EXPECT_EQ(metadata["format"], "gdc-checkpoint 1");

  // A different seed would initialise differently; --init must win.
  Trainer second(manifest, model,
                 options({"--init", ckpt.c_str(), "--seed", "99"}));
  second.setMessageStream(nullptr);
  ASSERT_TRUE(second.prepare(error)) << error;
  std::vector<NamedTensor> loaded = second.parameters();
  for (size_t i = 0; i < loaded.size(); ++i)
    EXPECT_EQ(loaded[i].data, trained[i].data) << loaded[i].name;
  EXPECT_EQ(second.testAccuracy(), first.history().back().testAccuracy);
}

TEST_F(TrainerTest, InitRejectsMissingMismatchedAndExtraTensors) {
  auto initError = [&](const std::vector<NamedTensor> &tensors) {
    std::string path = dir.file("bad.safetensors");
    std::string error;
    EXPECT_TRUE(writeSafetensors(path, tensors, {}, error)) << error;
    Trainer trainer(manifest, model, options({"--init", path.c_str()}));
    EXPECT_FALSE(trainer.prepare(error));
    EXPECT_EQ(error.rfind(path + ": ", 0), 0u) << error;
    return error;
  };
  NamedTensor W{"model.W", {4, 3}, std::vector<float>(12, 0.5f)};
  NamedTensor b{"model.b", {3}, {0, 0, 0}};
  EXPECT_NE(
      initError({W}).find("no tensor for parameter 'model.b' (shape [3])"),
      std::string::npos);
  NamedTensor wrongW{"model.W", {3, 4}, std::vector<float>(12, 0.5f)};
  EXPECT_NE(initError({wrongW, b})
                .find("parameter 'model.W' has shape [3, 4] in the file but "
                      "[4, 3] in the model"),
            std::string::npos);
  NamedTensor extra{"model.extra", {1}, {1}};
  EXPECT_NE(initError({W, b, extra})
                .find("tensors that are no parameter of this model: "
                      "'model.extra'"),
            std::string::npos);

  std::string missing = dir.file("missing.safetensors");
  std::string output;
  EXPECT_EQ(runProgram({"--init", missing.c_str()}, output), 1);
  EXPECT_EQ(output,
            "train: error: " + missing + ": No such file or directory\n");
}

TEST_F(TrainerTest, NonFiniteLossStopsNamingEpochAndStep) {
  modelLog.nanAtStep = 17; // the 4th batch of epoch 2
  std::string save = dir.file("never.safetensors");
  std::string output;
  EXPECT_EQ(runProgram({"--save", save.c_str()}, output), 1);
  EXPECT_NE(output.find("train: error: training diverged at step 17 (epoch 2, batch 4 of the "
                        "epoch): the loss is NaN"),
            std::string::npos)
      << output;
  EXPECT_EQ(modelLog.batchSizes.size(), 17u);
  EXPECT_TRUE(readBytes(save).empty()); // nothing saved after a failure
}

TEST_F(TrainerTest, OnNanSkipGoesOnAndCountsTheSkippedStep) {
  modelLog.nanAtStep = 17; // the 4th batch of epoch 2
  std::string log = dir.file("run.jsonl");
  std::string output;
  EXPECT_EQ(runProgram({"--on-nan", "skip", "--quiet", "--log", log.c_str()}, output), 0)
      << output;
  EXPECT_NE(output.find("train: warning: skipped step 17 (epoch 2, batch 4 of the epoch): "
                        "the loss is NaN"),
            std::string::npos)
      << output;
  EXPECT_NE(output.find("1 steps skipped"), std::string::npos) << output;
  EXPECT_EQ(modelLog.batchSizes.size(), 39u); // 3 epochs of 13 batches
  std::vector<uint8_t> bytes = readBytes(log);
  std::string lines(bytes.begin(), bytes.end());
  EXPECT_NE(lines.find("\"skipped_steps\":1}"), std::string::npos) << lines;
  EXPECT_NE(lines.find("\"skipped_steps\":0}"), std::string::npos) << lines;
  // The skipped batch's 16 examples are not counted as trained.
  EXPECT_NE(lines.find("\"epoch\":2,\"step\":26,\"examples\":184,"), std::string::npos) << lines;

  std::string bad;
  EXPECT_EQ(runProgram({"--on-nan", "ignore"}, bad), 1);
  EXPECT_NE(bad.find("invalid value 'ignore' for --on-nan: expected stop or skip"),
            std::string::npos)
      << bad;
}

TEST_F(TrainerTest, DataPathsResolveAgainstDataDirElseSourceDir) {
  // Without --data-dir the manifest's source-dir is the base.
  std::string text = gd_model_manifest;
  text.replace(text.find("/nonexistent/source/dir"), 23, dir.path());
  ModelEntryPoints local = model;
  local.manifest = text.c_str();
  const char *argv[] = {"train", "--epochs", "1", "--quiet"};
  FILE *sink = tmpfile();
  EXPECT_EQ(runTrainingProgram(4, argv, local, sink), 0);
  fclose(sink);

  // With the original manifest, the missing source dir is reported.
  std::string output;
  const char *args[] = {"train"};
  FILE *messages = tmpfile();
  EXPECT_EQ(runTrainingProgram(1, args, model, messages), 1);
  rewind(messages);
  char buffer[512] = {};
  fread(buffer, 1, sizeof(buffer) - 1, messages);
  fclose(messages);
  EXPECT_EQ(std::string(buffer),
            "train: error: /nonexistent/source/dir/train-images.idx: No such "
            "file or directory\n");
}

TEST_F(TrainerTest, BadDataIsReportedWithItsPath) {
  // A label outside the model's 3 classes.
  std::vector<uint8_t> labels(kTrainCount, 0);
  labels[5] = 3;
  std::string path = dir.file("train-labels.idx.gz");
  writeBytes(path, idxBytes(0x08, {kTrainCount}, labels), true);
  std::string output;
  EXPECT_EQ(runProgram({}, output), 1);
  EXPECT_EQ(output, "train: error: " + path +
                        ": label 3 of example 5 is out of range [0, 3)\n");
}

TEST_F(TrainerTest, CommandLineErrorsExitWithStatusOne) {
  std::string output;
  EXPECT_EQ(runProgram({"--set", "foo=1"}, output), 1);
  EXPECT_EQ(output, "train: error: unknown hyperparameter 'foo'; valid names: "
                    "lr, momentum\n");
  EXPECT_EQ(runProgram({"--epochs", "x"}, output), 1);
  EXPECT_EQ(output, "train: error: invalid value 'x' for --epochs: expected a "
                    "non-negative integer\n");
  std::string log = dir.file("no/such/dir/log.jsonl");
  EXPECT_EQ(runProgram({"--log", log.c_str()}, output), 1);
  EXPECT_EQ(output, "train: error: " + log + ": No such file or directory\n");
}

TEST_F(TrainerTest, HyperparametersReachTheModel) {
  // lr = 0 freezes the parameters.
  Trainer trainer(manifest, model, options({"--epochs", "1", "--set", "lr=0"}));
  trainer.setMessageStream(nullptr);
  std::string error;
  ASSERT_TRUE(trainer.prepare(error)) << error;
  std::vector<NamedTensor> before = trainer.parameters();
  ASSERT_TRUE(trainer.run(error)) << error;
  EXPECT_EQ(trainer.parameters()[0].data, before[0].data);
}

TEST_F(TrainerTest, GdrtMainRunsTheLinkedModel) {
  std::string ckpt = dir.file("main.safetensors");
  std::string dataDir = dir.path();
  const char *args[] = {"train", "--data-dir", dataDir.c_str(), "--epochs",
                        "1",     "--quiet",    "--save",        ckpt.c_str()};
  std::vector<char *> argv;
  for (const char *arg : args)
    argv.push_back(const_cast<char *>(arg));
  argv.push_back(nullptr);
  EXPECT_EQ(gdrtMain(static_cast<int>(argv.size()) - 1, argv.data()), 0);
  EXPECT_EQ(modelLog.batchSizes.size(), 13u);
  EXPECT_FALSE(readBytes(ckpt).empty());
}

namespace {

/// The rows of `data` (examples followed by their label), sorted, to
/// compare data sets as multisets of examples.
std::vector<std::vector<float>> sortedRows(const Dataset &data) {
  std::vector<std::vector<float>> rows;
  for (int64_t i = 0; i < data.count; ++i) {
    std::vector<float> row(data.examples.begin() + i * data.exampleSize,
                           data.examples.begin() + (i + 1) * data.exampleSize);
    row.push_back(static_cast<float>(data.labels[i]));
    rows.push_back(row);
  }
  std::sort(rows.begin(), rows.end());
  return rows;
}

} // namespace

TEST_F(TrainerTest, ValidationSplitHoldsOutFixedExamplesAndIsEvaluated) {
  Trainer whole(manifest, model, options({"--valid", "0"}));
  whole.setMessageStream(nullptr);
  std::string error;
  ASSERT_TRUE(whole.prepare(error)) << error;
  EXPECT_EQ(whole.validData(), nullptr);

  Trainer trainer(manifest, model, options({"--valid", "0.25"}));
  trainer.setMessageStream(nullptr);
  ASSERT_TRUE(trainer.prepare(error)) << error;
  ASSERT_NE(trainer.validData(), nullptr);
  EXPECT_EQ(trainer.validData()->count, 50);
  EXPECT_EQ(trainer.trainData().count, 150);
  // Together the parts are the training set, each example once.
  Dataset joined = trainer.trainData();
  const Dataset &valid = *trainer.validData();
  joined.examples.insert(joined.examples.end(), valid.examples.begin(),
                         valid.examples.end());
  joined.labels.insert(joined.labels.end(), valid.labels.begin(),
                       valid.labels.end());
  joined.count += valid.count;
  EXPECT_EQ(sortedRows(joined), sortedRows(whole.trainData()));
  // Not the file's last quarter.
  std::vector<float> tail(whole.trainData().examples.end() - 50 * 4,
                          whole.trainData().examples.end());
  EXPECT_NE(valid.examples, tail);

  ASSERT_TRUE(trainer.run(error)) << error;
  // 150 examples at batch 16: 10 steps an epoch; nothing of the
  // validation split is trained on.
  EXPECT_EQ(trainer.stepsTaken(), 3 * 10);
  for (const EpochStats &stats : trainer.history()) {
    EXPECT_EQ(stats.examples, 150);
    ASSERT_TRUE(stats.validAccuracy.has_value());
    EXPECT_FALSE(stats.validMse.has_value());
    EXPECT_FALSE(stats.testMse.has_value());
  }
  EXPECT_GE(*trainer.history().back().validAccuracy, 0.9);
  EXPECT_DOUBLE_EQ(*trainer.history().back().validAccuracy,
                   trainer.accuracy(valid));

  // The seed draws the split.
  Trainer reseeded(manifest, model,
                   options({"--valid", "0.25", "--seed", "8"}));
  ASSERT_TRUE(reseeded.prepare(error)) << error;
  EXPECT_NE(reseeded.validData()->examples, valid.examples);
}

TEST_F(TrainerTest, ValidationIsLoggedAndPrinted) {
  std::string log = dir.file("log.jsonl");
  std::string output;
  ASSERT_EQ(runProgram({"--epochs", "1", "--quiet", "--valid", "0.5", "--log",
                        log.c_str()},
                       output),
            0)
      << output;
  regex_t pattern;
  ASSERT_EQ(regcomp(&pattern,
                    "^epoch 1/1: train_loss [0-9.]+  valid_loss [0-9.]+  valid_accuracy "
                    "[01]\\.[0-9]{4}  test_loss [0-9.]+  test_accuracy [01]\\.[0-9]{4}  [0-9]+ "
                    "examples/s  [0-9.]+ s\n$",
                    REG_EXTENDED),
            0);
  EXPECT_EQ(regexec(&pattern, output.c_str(), 0, nullptr, 0), 0) << output;
  regfree(&pattern);
  JsonValue line;
  std::string error;
  ASSERT_TRUE(parseJson(readText(log), line, error)) << error;
  for (const char *key : {"valid_accuracy", "test_accuracy", "valid_loss", "test_loss"}) {
    ASSERT_NE(line.find(key), nullptr) << key;
    EXPECT_EQ(line.find(key)->kind, JsonValue::Kind::Number) << key;
  }
  EXPECT_EQ(line.find("test_mse"), nullptr);
  uint64_t examples = 0;
  ASSERT_TRUE(line.find("examples")->asUint64(examples));
  EXPECT_EQ(examples, 100u);

  // Without a split the key is there, null.
  ASSERT_EQ(runProgram({"--epochs", "1", "--log", log.c_str()}, output), 0);
  ASSERT_TRUE(parseJson(readText(log), line, error)) << error;
  for (const char *key : {"valid_accuracy", "valid_loss"}) {
    ASSERT_NE(line.find(key), nullptr) << key;
    EXPECT_EQ(line.find(key)->kind, JsonValue::Kind::Null) << key;
  }
  EXPECT_EQ(output.find("valid_"), std::string::npos) << output;
}

TEST_F(TrainerTest, ManifestValidRecordAndItsOverride) {
  Manifest withValid;
  std::string error;
  ASSERT_TRUE(parseManifest(std::string(gd_model_manifest) + "valid 0.1\n",
                            withValid, error))
      << error;
  const char *argv[] = {"train", "--data-dir", dir.path().c_str()};
  Options fromManifest;
  ASSERT_TRUE(parseOptions(3, argv, withValid, fromManifest, error));
  Trainer trainer(withValid, model, fromManifest);
  ASSERT_TRUE(trainer.prepare(error)) << error;
  ASSERT_NE(trainer.validData(), nullptr);
  EXPECT_EQ(trainer.validData()->count, 20);

  // --limit first takes the file's first examples; the split is of those.
  const char *limited[] = {"train", "--data-dir", dir.path().c_str(), "--limit",
                           "1"};
  Options tiny;
  ASSERT_TRUE(parseOptions(5, limited, withValid, tiny, error));
  Trainer nothingLeft(withValid, model, tiny);
  EXPECT_FALSE(nothingLeft.prepare(error));
  EXPECT_EQ(error, dir.file("train-images.idx") +
                       ": holding out 1 of its 1 examples for validation "
                       "leaves none to train on");
}

TEST_F(TrainerTest, SyntheticClassesAreLearnable) {
  Manifest synthetic;
  std::string error;
  ASSERT_TRUE(parseManifest("gdc-model 1\ninput f32 2 2\nlabel i32\n"
                            "output f32 3\n"
                            "param model.W 4,3 glorot_uniform 4 3\n"
                            "param model.b 3 zeros\nstate velocity\n"
                            "hyper lr 0.5\nhyper momentum 0.5\n"
                            "data train synthetic 600 4 3 5\n"
                            "data test synthetic 300 4 3 5\n",
                            synthetic, error))
      << error;
  const char *argv[] = {"train", "--epochs", "10", "--batch", "16"};
  Options opts;
  ASSERT_TRUE(parseOptions(5, argv, synthetic, opts, error)) << error;
  Trainer trainer(synthetic, model, opts);
  trainer.setMessageStream(nullptr);
  ASSERT_TRUE(trainer.prepare(error)) << error;
  double before = *trainer.testAccuracy();
  ASSERT_TRUE(trainer.run(error)) << error;
  // A linear teacher is what softmax regression can learn: the test set,
  // drawn with the same seed, shares it.
  EXPECT_GE(*trainer.history().back().testAccuracy, 0.9);
  EXPECT_GT(*trainer.history().back().testAccuracy, before + 0.2);
}
