//===- ManifestTest.cpp - Tests of the model manifest parser --------------===//

#include "Manifest.h"

#include <gtest/gtest.h>

using namespace gdrt;

namespace {

const char *kMlpManifest = R"(gdc-model 1
input f32 1 28 28
label i32
output f32 10

param mlp.0.W 784,256 glorot_uniform 784 256
param mlp.0.b 256 zeros
param mlp.2.W 256,10 he_normal 256
param scale - ones
param noise 3,4 normal 0.5 0.01
param u 2 uniform -1 1
state m
state v
hyper lr 0.001
hyper b1 0.9
train batch 128
train epochs 10
train seed 42
data train idx train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz 0.00392156863
data test idx /abs/t10k-images.gz t10k-labels.gz 1
source-dir /home/me/models
)";

/// Parses `text`, expecting failure; returns the error.
std::string parseError(const std::string &text) {
  Manifest manifest;
  std::string error;
  EXPECT_FALSE(parseManifest(text, manifest, error)) << text;
  return error;
}

const char *kHeader = "gdc-model 1\ninput f32 4\nlabel i32\noutput f32 3\n";

} // namespace

TEST(Manifest, ParsesEveryRecord) {
  Manifest m;
  std::string error;
  ASSERT_TRUE(parseManifest(kMlpManifest, m, error)) << error;
  EXPECT_EQ(m.version, 1);
  EXPECT_EQ(m.inputShape, (Shape{1, 28, 28}));
  EXPECT_EQ(m.inputSize(), 784);
  EXPECT_EQ(m.outputShape, (Shape{10}));
  EXPECT_EQ(m.outputSize(), 10);
  EXPECT_EQ(m.labelType, "i32");
  ASSERT_EQ(m.params.size(), 6u);
  EXPECT_EQ(m.params[0].path, "mlp.0.W");
  EXPECT_EQ(m.params[0].shape, (Shape{784, 256}));
  EXPECT_EQ(m.params[0].init.kind, InitKind::GlorotUniform);
  EXPECT_EQ(m.params[0].init.a, 784);
  EXPECT_EQ(m.params[0].init.b, 256);
  EXPECT_EQ(m.params[1].shape, (Shape{256}));
  EXPECT_EQ(m.params[1].init.kind, InitKind::Zeros);
  EXPECT_EQ(m.params[2].init.kind, InitKind::HeNormal);
  EXPECT_EQ(m.params[2].init.a, 256);
  EXPECT_TRUE(m.params[3].shape.empty());
  EXPECT_EQ(shapeElementCount(m.params[3].shape), 1);
  EXPECT_EQ(m.params[3].init.kind, InitKind::Ones);
  EXPECT_EQ(m.params[4].init.kind, InitKind::Normal);
  EXPECT_DOUBLE_EQ(m.params[4].init.b, 0.01);
  EXPECT_EQ(m.params[5].init.kind, InitKind::Uniform);
  EXPECT_EQ(m.params[5].init.a, -1);
  EXPECT_EQ(m.states, (std::vector<std::string>{"m", "v"}));
  ASSERT_EQ(m.hypers.size(), 2u);
  EXPECT_EQ(m.hypers[0].name, "lr");
  EXPECT_FLOAT_EQ(m.hypers[0].defaultValue, 0.001f);
  EXPECT_EQ(m.findHyper("b1"), 1);
  EXPECT_EQ(m.findHyper("b2"), -1);
  EXPECT_EQ(m.defaultBatch, 128);
  EXPECT_EQ(m.defaultEpochs, 10);
  EXPECT_EQ(m.defaultSeed, 42u);
  ASSERT_NE(m.findData("train"), nullptr);
  EXPECT_EQ(m.findData("train")->imagesPath, "train-images-idx3-ubyte.gz");
  EXPECT_FLOAT_EQ(m.findData("train")->scale, 1.0f / 255);
  ASSERT_NE(m.findData("test"), nullptr);
  EXPECT_EQ(m.findData("test")->imagesPath, "/abs/t10k-images.gz");
  EXPECT_EQ(m.sourceDir, "/home/me/models");
}

TEST(Manifest, OptionalRecordsMayBeAbsent) {
  Manifest m;
  std::string error;
  ASSERT_TRUE(parseManifest(kHeader, m, error)) << error;
  EXPECT_TRUE(m.params.empty());
  EXPECT_FALSE(m.defaultBatch.has_value());
  EXPECT_EQ(m.findData("train"), nullptr);
}

TEST(Manifest, PathsArePercentDecoded) {
  Manifest m;
  std::string error;
  ASSERT_TRUE(parseManifest(std::string(kHeader) +
                                "data train idx my%20images.gz 100%25.gz 1\n"
                                "source-dir /home/a%20b/c\n",
                            m, error))
      << error;
  ASSERT_NE(m.findData("train"), nullptr);
  EXPECT_EQ(m.findData("train")->imagesPath, "my images.gz");
  EXPECT_EQ(m.findData("train")->labelsPath, "100%.gz");
  EXPECT_EQ(m.sourceDir, "/home/a b/c");
  for (const char *bad : {"source-dir /a%2\n", "source-dir /a%zz\n", "source-dir /a%\n"})
    EXPECT_NE(parseError(std::string(kHeader) + bad).find("%-escape"), std::string::npos)
        << bad;
}

TEST(Manifest, ErrorsNameLineNumberAndContent) {
  std::string error =
      parseError(std::string(kHeader) + "\nparam w 3,x zeros\n");
  EXPECT_NE(error.find("line 6"), std::string::npos) << error;
  EXPECT_NE(error.find("param w 3,x zeros"), std::string::npos) << error;
  EXPECT_NE(error.find("'x'"), std::string::npos) << error;
}

TEST(Manifest, RejectsMalformedRecords) {
  struct Case {
    const char *line;
    const char *expected;
  } cases[] = {
      {"bogus 1", "unknown record 'bogus'"},
      {"param w  3 zeros", "empty field"},
      {"param w 3 zeros ", "empty field"},
      {"param w 3", "expected 'param"},
      {"param w 0 zeros", "not a positive integer"},
      {"param w 3, zeros", "not a positive integer"},
      {"param w 3 glorot_uniform 3", "takes 2 argument"},
      {"param w 3 glorot_uniform 3 0", "fan '0'"},
      {"param w 3 he_normal x", "fan 'x'"},
      {"param w 3 normal 0 -1", "standard deviation"},
      {"param w 3 uniform 1 0", "lo must not exceed hi"},
      {"param w 3 zeros 1", "takes 0 argument"},
      {"param w 3 xavier", "unknown initialiser 'xavier'"},
      {"hyper lr", "expected 'hyper"},
      {"hyper lr fast", "not a finite float"},
      {"hyper lr nan", "not a finite float"},
      {"state", "expected 'state"},
      {"train batch 0", "not a positive integer"},
      {"train speed 3", "unknown train setting"},
      {"train seed -1", "non-negative"},
      {"data valid idx a b 1", "unknown data split"},
      {"data train hdf5 a b 1", "unsupported data format 'hdf5'"},
      {"data train idx a b", "expected 'data"},
      {"data train idx a b x", "scale 'x'"},
      {"input f32 4", "duplicate 'input'"},
      {"gdc-model 1", "unknown record 'gdc-model'"},
  };
  for (const Case &c : cases) {
    std::string error = parseError(std::string(kHeader) + c.line + "\n");
    EXPECT_NE(error.find(c.expected), std::string::npos)
        << "line: " << c.line << "\nerror: " << error;
    EXPECT_NE(error.find("line 5"), std::string::npos) << error;
    EXPECT_NE(error.find(c.line), std::string::npos) << error;
  }
}

TEST(Manifest, RejectsDuplicates) {
  EXPECT_NE(
      parseError(std::string(kHeader) + "param w 3 zeros\nparam w 4 ones\n")
          .find("duplicate parameter 'w'"),
      std::string::npos);
  EXPECT_NE(parseError(std::string(kHeader) + "hyper lr 1\nhyper lr 2\n")
                .find("duplicate hyperparameter 'lr'"),
            std::string::npos);
  EXPECT_NE(parseError(std::string(kHeader) + "state m\nstate m\n")
                .find("duplicate state 'm'"),
            std::string::npos);
  EXPECT_NE(parseError(std::string(kHeader) + "train seed 1\ntrain seed 2\n")
                .find("duplicate 'train seed'"),
            std::string::npos);
}

TEST(Manifest, GlobalStatesHaveInitialValues) {
  Manifest m;
  std::string error;
  ASSERT_TRUE(parseManifest(std::string(kHeader) +
                                "global largest 0\nglobal scale 1\nglobal history 0 8 2\n",
                            m, error))
      << error;
  ASSERT_EQ(m.globals.size(), 3u);
  EXPECT_TRUE(m.globals[0].shape.empty());
  EXPECT_EQ(m.globals[2].shape, (std::vector<int64_t>{8, 2}));
  EXPECT_EQ(m.globals[0].name, "largest");
  EXPECT_EQ(m.globals[0].defaultValue, 0.0f);
  EXPECT_EQ(m.globals[1].name, "scale");
  EXPECT_EQ(m.globals[1].defaultValue, 1.0f);
  EXPECT_NE(parseError(std::string(kHeader) + "global h 0\nglobal h 1\n")
                .find("duplicate global state 'h'"),
            std::string::npos);
  EXPECT_NE(parseError(std::string(kHeader) + "global h nan\n")
                .find("global state init 'nan' is not a finite float"),
            std::string::npos);
  EXPECT_NE(parseError(std::string(kHeader) + "global h\n")
                .find("expected 'global <name> <init> [<dim>...]'"),
            std::string::npos);
  EXPECT_NE(parseError(std::string(kHeader) + "global h 0 8 0\n")
                .find("global state dimension '0' is not a positive integer"),
            std::string::npos);
}

TEST(Manifest, StateSlotsMayBeKeptSmaller) {
  Manifest m;
  std::string error;
  ASSERT_TRUE(parseManifest(std::string(kHeader) +
                                "param w 4,3 zeros\nparam b 3 zeros\nstate row\nstate v\n"
                                "slots w row:4,1 v:1,1\nslots b row v\n",
                            m, error))
      << error;
  EXPECT_EQ(m.params[0].slots, (std::vector<std::string>{"row", "v"}));
  EXPECT_EQ(m.params[0].slotShape(0), (Shape{4, 1}));
  EXPECT_EQ(m.params[0].slotShape(1), (Shape{1, 1}));
  EXPECT_EQ(m.params[1].slotShape(0), (Shape{3}));
  EXPECT_EQ(m.params[1].slotShape(1), (Shape{3}));
  EXPECT_EQ(formatManifest(m).find("slots w row:4,1 v:1,1\nslots b row v\n") !=
                std::string::npos,
            true)
      << formatManifest(m);
  std::string prefix = std::string(kHeader) + "param w 4,3 zeros\nstate row\n";
  EXPECT_NE(parseError(prefix + "slots w row:3,1\n")
                .find("state 'row' of 'w' has shape [3, 1], which is not [4, 3] with some "
                      "dimensions 1"),
            std::string::npos)
      << parseError(prefix + "slots w row:3,1\n");
  EXPECT_NE(parseError(prefix + "slots w row:4\n").find("has shape [4]"), std::string::npos);
  EXPECT_NE(parseError(prefix + "slots w row:4,x\n").find("dimension 'x' is not a positive"),
            std::string::npos);
}

TEST(Manifest, RequiresHeaderVersionAndCoreRecords) {
  EXPECT_NE(parseError("").find("empty manifest"), std::string::npos);
  EXPECT_NE(parseError("input f32 4\n").find("expected 'gdc-model"),
            std::string::npos);
  EXPECT_NE(parseError("gdc-model 2\n").find("unsupported manifest version 2"),
            std::string::npos);
  EXPECT_NE(parseError("gdc-model 1\ninput f32 4\nlabel i32\n")
                .find("missing 'output'"),
            std::string::npos);
  EXPECT_NE(parseError("gdc-model 1\ninput f64 4\n").find("only f32"),
            std::string::npos);
  EXPECT_NE(parseError("gdc-model 1\nlabel f64\n").find("label i32"),
            std::string::npos);
  EXPECT_NE(
      parseError("gdc-model 1\ninput f32\n").find("at least one dimension"),
      std::string::npos);
}

TEST(Manifest, FormatsShapesAndInits) {
  EXPECT_EQ(formatShape({784, 256}), "[784, 256]");
  EXPECT_EQ(formatShape({}), "[]");
  ParamInit init;
  init.kind = InitKind::GlorotUniform;
  init.a = 784;
  init.b = 256;
  EXPECT_EQ(formatInit(init), "glorot_uniform 784 256");
}

TEST(Manifest, CompileTimeConstants) {
  Manifest m;
  std::string error;
  ASSERT_TRUE(parseManifest(std::string(kHeader) +
                                "hyper lr.lr0 0.01\nconstant lr.steps 100\nconstant k -3\n"
                                "constant b2 0.99899999999999999911 f64\n",
                            m, error))
      << error;
  ASSERT_EQ(m.constants.size(), 3u);
  ASSERT_TRUE(m.findConstant("lr.steps"));
  EXPECT_EQ(m.findConstant("lr.steps")->value, 100);
  EXPECT_FALSE(m.findConstant("lr.steps")->isF64);
  EXPECT_EQ(m.findConstant("lr.steps")->text(), "100");
  EXPECT_EQ(m.findConstant("k")->value, -3);
  // An f64 constant reads back exactly and prints so that it does.
  ASSERT_TRUE(m.findConstant("b2"));
  EXPECT_TRUE(m.findConstant("b2")->isF64);
  EXPECT_EQ(m.findConstant("b2")->value, 0.999);
  EXPECT_EQ(std::stod(m.findConstant("b2")->text()), 0.999);
  EXPECT_FALSE(m.findConstant("lr.lr0"));
  EXPECT_NE(parseError(std::string(kHeader) + "constant k 1.5\n")
                .find("expected 'constant <name> <integer>' or 'constant <name> <number> f64'"),
            std::string::npos);
  EXPECT_NE(parseError(std::string(kHeader) + "constant k nan f64\n")
                .find("expected 'constant <name> <integer>'"),
            std::string::npos);
  EXPECT_NE(parseError(std::string(kHeader) + "constant k 1\nconstant k 2\n")
                .find("duplicate constant 'k'"),
            std::string::npos);
}

namespace {

/// Every field of two manifests, compared.
void expectSameManifest(const Manifest &a, const Manifest &b) {
  EXPECT_EQ(a.version, b.version);
  EXPECT_EQ(a.inputType, b.inputType);
  EXPECT_EQ(a.inputShape, b.inputShape);
  EXPECT_EQ(a.labelType, b.labelType);
  EXPECT_EQ(a.labelShape, b.labelShape);
  EXPECT_EQ(a.outputType, b.outputType);
  EXPECT_EQ(a.outputShape, b.outputShape);
  ASSERT_EQ(a.params.size(), b.params.size());
  for (size_t i = 0; i < a.params.size(); ++i) {
    EXPECT_EQ(a.params[i].path, b.params[i].path);
    EXPECT_EQ(a.params[i].shape, b.params[i].shape);
    EXPECT_EQ(a.params[i].init.kind, b.params[i].init.kind);
    EXPECT_EQ(a.params[i].init.a, b.params[i].init.a);
    EXPECT_EQ(a.params[i].init.b, b.params[i].init.b);
    EXPECT_EQ(a.params[i].slotsKnown, b.params[i].slotsKnown);
    EXPECT_EQ(a.params[i].slots, b.params[i].slots);
    for (size_t s = 0; s < a.params[i].slots.size(); ++s)
      EXPECT_EQ(a.params[i].slotShape(s), b.params[i].slotShape(s));
  }
  EXPECT_EQ(a.states, b.states);
  ASSERT_EQ(a.hypers.size(), b.hypers.size());
  for (size_t i = 0; i < a.hypers.size(); ++i) {
    EXPECT_EQ(a.hypers[i].name, b.hypers[i].name);
    EXPECT_EQ(a.hypers[i].defaultValue, b.hypers[i].defaultValue);
  }
  ASSERT_EQ(a.globals.size(), b.globals.size());
  for (size_t i = 0; i < a.globals.size(); ++i) {
    EXPECT_EQ(a.globals[i].name, b.globals[i].name);
    EXPECT_EQ(a.globals[i].defaultValue, b.globals[i].defaultValue);
    EXPECT_EQ(a.globals[i].shape, b.globals[i].shape);
  }
  ASSERT_EQ(a.constants.size(), b.constants.size());
  for (size_t i = 0; i < a.constants.size(); ++i) {
    EXPECT_EQ(a.constants[i].name, b.constants[i].name);
    EXPECT_EQ(a.constants[i].value, b.constants[i].value);
    EXPECT_EQ(a.constants[i].isF64, b.constants[i].isF64);
  }
  EXPECT_EQ(a.defaultBatch, b.defaultBatch);
  EXPECT_EQ(a.defaultEpochs, b.defaultEpochs);
  EXPECT_EQ(a.defaultSeed, b.defaultSeed);
  ASSERT_EQ(a.data.size(), b.data.size());
  for (size_t i = 0; i < a.data.size(); ++i) {
    EXPECT_EQ(a.data[i].split, b.data[i].split);
    EXPECT_EQ(a.data[i].format, b.data[i].format);
    EXPECT_EQ(a.data[i].imagesPath, b.data[i].imagesPath);
    EXPECT_EQ(a.data[i].labelsPath, b.data[i].labelsPath);
    EXPECT_EQ(a.data[i].labelColumn, b.data[i].labelColumn);
    EXPECT_EQ(a.data[i].scale, b.data[i].scale);
    EXPECT_EQ(a.data[i].count, b.data[i].count);
    EXPECT_EQ(a.data[i].features, b.data[i].features);
    EXPECT_EQ(a.data[i].classes, b.data[i].classes);
    EXPECT_EQ(a.data[i].seed, b.data[i].seed);
  }
  EXPECT_EQ(a.validFraction, b.validFraction);
  EXPECT_EQ(a.sourceDir, b.sourceDir);
  EXPECT_EQ(a.sites, b.sites);
}

} // namespace

// The one writer and the one reader agree: a manifest with every kind of
// record, written and read back, is the same manifest, numbers exactly.
TEST(ManifestRoundTrip, WriterAndReaderAgree) {
  Manifest m;
  m.version = 1;
  m.inputType = "f32";
  m.inputShape = {1, 28, 28};
  m.labelType = "f32";
  m.labelShape = {3};
  m.outputType = "f32";
  m.outputShape = {3};
  m.params = {{"mlp.0.W", {784, 256}, {InitKind::GlorotUniform, 784, 256}},
              {"mlp.0.b", {256}, {InitKind::Zeros, 0, 0}},
              {"mlp.2.W", {256, 3}, {InitKind::HeNormal, 256, 0}},
              {"scale", {}, {InitKind::Ones, 0, 0}},
              {"noise", {3, 4}, {InitKind::Normal, 0.1, 0.0123456789012345}},
              {"u", {2}, {InitKind::Uniform, -1.0 / 3, 1.0 / 7}}};
  m.states = {"m", "v"};
  // A group with momentum (one slot), one with Adam (two), one frozen.
  m.params[0].slotsKnown = true;
  m.params[0].slots = {"m", "v"};
  m.params[0].slotShapes = {{784, 256}, {784, 1}}; // v kept as a column
  m.params[1].slotsKnown = true;
  m.params[1].slots = {"v"};
  m.params[2].slotsKnown = true;
  m.globals = {{"max_norm", 0.1f, {}}, {"history", 0.0f, {8}}};
  m.hypers = {{"lr", 1e-3f}, {"b1", 0.9f}, {"eps", 1e-8f}, {"lr.lr0", 1.0f / 3}};
  m.constants = {{"lr.steps", 1000, false}, {"b2", 0.999, true}};
  m.sites = {{"log", "my model.gd:4:12", "the forward map of the loss"},
             {"apply_optimizer", "", ""},
             {"matmul", "std/nn.gd:10:39", ""}};
  m.defaultBatch = 128;
  m.defaultEpochs = 10;
  m.defaultSeed = 18446744073709551615ull;
  DataSpec train;
  train.split = "train";
  train.format = "npy";
  train.imagesPath = "my data/x 100%.npy";
  train.labelsPath = "y\t.npy";
  train.scale = 1.0f / 255;
  DataSpec test;
  test.split = "test";
  test.format = "synthetic";
  test.count = 512;
  test.features = 784;
  test.classes = 0;
  test.seed = 7;
  m.data = {train, test};
  m.validFraction = 0.1;
  m.sourceDir = "../models dir";

  std::string text = formatManifest(m);
  Manifest back;
  std::string error;
  ASSERT_TRUE(parseManifest(text, back, error)) << error << "\n" << text;
  expectSameManifest(m, back);
  // And writing what was read gives the same text.
  EXPECT_EQ(formatManifest(back), text);
  EXPECT_EQ(back.stateSlotPath(0, 1), "mlp.0.W/v");
  EXPECT_EQ(back.stateSlotPath(1, 0), "mlp.0.b/v");
  EXPECT_EQ(back.params[2].liveSlots(back.states.size()), 0u);
  EXPECT_EQ(back.params[3].liveSlots(back.states.size()), 2u);
}
