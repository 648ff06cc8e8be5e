//===- OptionsTest.cpp - Tests of the training command line ---------------===//

#include "Options.h"

#include <gtest/gtest.h>

using namespace gdrt;

namespace {

const char *kManifest = "gdc-model 1\n"
                        "input f32 784\n"
                        "label i32\n"
                        "output f32 10\n"
                        "param mlp.0.W 784,10 glorot_uniform 784 10\n"
                        "param mlp.0.b 10 zeros\n"
                        "hyper lr 0.001\nhyper b1 0.9\nhyper b2 0.999\n"
                        "hyper eps 1e-08\n"
                        "train batch 128\ntrain epochs 10\ntrain seed 42\n"
                        "data train idx train-images.gz train-labels.gz 1\n";

class OptionsTest : public ::testing::Test {
protected:
  void SetUp() override {
    std::string error;
    ASSERT_TRUE(parseManifest(kManifest, manifest, error)) << error;
  }

  bool parse(std::vector<const char *> args, Options &options,
             std::string &error) {
    args.insert(args.begin(), "train");
    return parseOptions(static_cast<int>(args.size()), args.data(), manifest,
                        options, error);
  }

  std::string parseError(std::vector<const char *> args) {
    Options options;
    std::string error;
    EXPECT_FALSE(parse(args, options, error));
    return error;
  }

  Manifest manifest;
};

} // namespace

TEST_F(OptionsTest, DefaultsComeFromTheManifest) {
  Options options;
  std::string error;
  ASSERT_TRUE(parse({}, options, error)) << error;
  EXPECT_EQ(options.epochs, 10);
  EXPECT_EQ(options.batch, 128);
  EXPECT_EQ(options.seed, 42u);
  EXPECT_FALSE(options.maxSteps.has_value());
  EXPECT_TRUE(options.shuffle);
  EXPECT_FALSE(options.quiet);
  EXPECT_EQ(options.hypers, (std::vector<float>{0.001f, 0.9f, 0.999f, 1e-8f}));
}

TEST_F(OptionsTest, DenormalsAreFlushedUnlessAsked) {
  Options options;
  std::string error;
  ASSERT_TRUE(parse({}, options, error)) << error;
  EXPECT_FALSE(options.keepDenormals);
  ASSERT_TRUE(parse({"--keep-denormals"}, options, error)) << error;
  EXPECT_TRUE(options.keepDenormals);
  EXPECT_FALSE(options.quiet);
  EXPECT_NE(parseError({"--keep-denormals=yes"}).find("takes no value"), std::string::npos);
}

TEST_F(OptionsTest, FallbackDefaultsWithoutTrainRecords) {
  Manifest bare;
  std::string error;
  ASSERT_TRUE(parseManifest(
      "gdc-model 1\ninput f32 1\nlabel i32\noutput f32 2\n", bare, error));
  const char *argv[] = {"train"};
  Options options;
  ASSERT_TRUE(parseOptions(1, argv, bare, options, error)) << error;
  EXPECT_EQ(options.epochs, 1);
  EXPECT_EQ(options.batch, 32);
  EXPECT_EQ(options.seed, 0u);
}

TEST_F(OptionsTest, BothSpellingsOfEveryOption) {
  Options options;
  std::string error;
  ASSERT_TRUE(parse({"--data-dir", "/data", "--epochs=3", "--batch", "64",
                     "--seed=7", "--steps", "100", "--shuffle=off", "--set",
                     "lr=3e-4", "--set=b1=0.5", "--init", "in.safetensors",
                     "--save=out.safetensors", "--log", "log.jsonl", "--quiet"},
                    options, error))
      << error;
  EXPECT_EQ(options.dataDir, "/data");
  EXPECT_EQ(options.epochs, 3);
  EXPECT_EQ(options.batch, 64);
  EXPECT_EQ(options.seed, 7u);
  EXPECT_EQ(options.maxSteps, 100);
  EXPECT_FALSE(options.shuffle);
  EXPECT_FLOAT_EQ(options.hypers[0], 3e-4f);
  EXPECT_FLOAT_EQ(options.hypers[1], 0.5f);
  EXPECT_FLOAT_EQ(options.hypers[2], 0.999f); // untouched default
  EXPECT_EQ(options.initPath, "in.safetensors");
  EXPECT_EQ(options.savePath, "out.safetensors");
  EXPECT_EQ(options.logPath, "log.jsonl");
  EXPECT_TRUE(options.quiet);
}

TEST_F(OptionsTest, LaterSettingsWin) {
  Options options;
  std::string error;
  ASSERT_TRUE(parse({"--set", "lr=1", "--set", "lr=2", "--epochs", "1",
                     "--epochs", "2", "--shuffle", "off", "--shuffle", "on"},
                    options, error))
      << error;
  EXPECT_EQ(options.hypers[0], 2.0f);
  EXPECT_EQ(options.epochs, 2);
  EXPECT_TRUE(options.shuffle);
}

TEST_F(OptionsTest, UnknownHyperparameterListsValidNames) {
  EXPECT_EQ(parseError({"--set", "foo=1"}),
            "unknown hyperparameter 'foo'; valid names: lr, b1, b2, eps");
}

TEST_F(OptionsTest, BadValuesAreClearErrors) {
  EXPECT_EQ(parseError({"--epochs", "abc"}),
            "invalid value 'abc' for --epochs: expected a non-negative integer");
  EXPECT_EQ(parseError({"--batch=0"}),
            "invalid value '0' for --batch: expected a positive integer");
  EXPECT_EQ(parseError({"--batch=-5"}),
            "invalid value '-5' for --batch: expected a positive integer");
  EXPECT_EQ(parseError({"--steps", "1.5"}),
            "invalid value '1.5' for --steps: expected a non-negative integer");
  EXPECT_EQ(parseError({"--steps", "-1"}),
            "invalid value '-1' for --steps: expected a non-negative integer");
  EXPECT_EQ(parseError({"--epochs", "99999999999999999999"}),
            "invalid value '99999999999999999999' for --epochs: expected a "
            "non-negative integer");
  EXPECT_EQ(parseError({"--seed", "-1"}),
            "invalid value '-1' for --seed: expected a non-negative integer");
  EXPECT_EQ(parseError({"--set", "lr=1e-3x"}),
            "invalid value '1e-3x' for hyperparameter 'lr': expected a finite "
            "number");
  EXPECT_EQ(parseError({"--set", "lr="}),
            "invalid value '' for hyperparameter 'lr': expected a finite "
            "number");
  EXPECT_EQ(parseError({"--set", "lr=inf"}),
            "invalid value 'inf' for hyperparameter 'lr': expected a finite "
            "number");
  // Finite, but not as an f32: overflow and underflow are errors too.
  EXPECT_EQ(parseError({"--set", "lr=1e100"}),
            "invalid value '1e100' for hyperparameter 'lr': hyperparameters are f32, whose "
            "normal range is 1.2e-38 to 3.4e38 in magnitude");
  EXPECT_EQ(parseError({"--set", "lr=1e-50"}),
            "invalid value '1e-50' for hyperparameter 'lr': hyperparameters are f32, whose "
            "normal range is 1.2e-38 to 3.4e38 in magnitude");
  {
    Options zero;
    std::string error;
    EXPECT_TRUE(parse({"--set", "lr=0"}, zero, error)) << error;
  }
  EXPECT_EQ(parseError({"--set", "lr"}),
            "invalid value 'lr' for --set: expected NAME=VALUE");
  EXPECT_EQ(parseError({"--shuffle", "maybe"}),
            "invalid value 'maybe' for --shuffle: expected on or off");
  EXPECT_EQ(parseError({"--save="}), "option '--save' needs a file name");
}

TEST_F(OptionsTest, UnknownAndMalformedOptions) {
  EXPECT_EQ(parseError({"--frobnicate"}),
            "unknown option '--frobnicate' (see --help)");
  EXPECT_EQ(parseError({"--lr=3"}), "unknown option '--lr' (see --help)");
  EXPECT_EQ(parseError({"extra"}), "unexpected argument 'extra' (see --help)");
  EXPECT_EQ(parseError({"-x"}), "unexpected argument '-x' (see --help)");
  EXPECT_EQ(parseError({"--epochs"}), "option '--epochs' needs a value (N)");
  EXPECT_EQ(parseError({"--log", "--quiet"}),
            "option '--log' needs a value (FILE)");
  EXPECT_EQ(parseError({"--quiet=yes"}), "option '--quiet' takes no value");
}

TEST_F(OptionsTest, HelpStopsParsingAndDocumentsTheModel) {
  Options options;
  std::string error;
  ASSERT_TRUE(parse({"--epochs", "2", "--help", "--bogus"}, options, error));
  EXPECT_TRUE(options.help);
  ASSERT_TRUE(parse({"-h"}, options, error));
  EXPECT_TRUE(options.help);

  std::string help = helpText(manifest);
  for (const char *option :
       {"--data-dir DIR", "--epochs N", "--batch N", "--seed N", "--steps N",
        "--shuffle on|off", "--set NAME=VALUE", "--init FILE", "--save FILE",
        "--log FILE", "--quiet", "--help"})
    EXPECT_NE(help.find(option), std::string::npos) << option;
  EXPECT_NE(help.find("(default: 10)"), std::string::npos) << help;
  EXPECT_NE(help.find("(default: 128)"), std::string::npos) << help;
  EXPECT_NE(help.find("(default: 42)"), std::string::npos) << help;
  EXPECT_NE(help.find("  lr   default 0.001"), std::string::npos) << help;
  EXPECT_NE(help.find("  eps  default 1e-08"), std::string::npos) << help;
  EXPECT_NE(help.find("  mlp.0.W  [784, 10]  init glorot_uniform 784 10"),
            std::string::npos)
      << help;
  EXPECT_NE(help.find("  mlp.0.b  [10]       init zeros"), std::string::npos)
      << help;
  EXPECT_NE(help.find("train: train-images.gz train-labels.gz"),
            std::string::npos)
      << help;
}

TEST_F(OptionsTest, ValidFractionFromTheManifestOrTheCommandLine) {
  Options options;
  std::string error;
  ASSERT_TRUE(parse({}, options, error)) << error;
  EXPECT_EQ(options.validFraction, 0.0); // no `valid` record: none
  ASSERT_TRUE(parse({"--valid", "0.1"}, options, error)) << error;
  EXPECT_DOUBLE_EQ(options.validFraction, 0.1);

  Manifest withValid;
  ASSERT_TRUE(
      parseManifest(std::string(kManifest) + "valid 0.2\n", withValid, error))
      << error;
  const char *none[] = {"train"};
  ASSERT_TRUE(parseOptions(1, none, withValid, options, error)) << error;
  EXPECT_DOUBLE_EQ(options.validFraction, 0.2);
  const char *off[] = {"train", "--valid=0"};
  ASSERT_TRUE(parseOptions(2, off, withValid, options, error)) << error;
  EXPECT_EQ(options.validFraction, 0.0);
  EXPECT_NE(helpText(withValid).find("(default: 0.2)"), std::string::npos)
      << helpText(withValid);
  EXPECT_NE(helpText(manifest).find("--valid F"), std::string::npos);

  for (const char *bad : {"1", "-0.1", "1.5", "abc", "nan", "", "0.5x"})
    EXPECT_EQ(parseError({"--valid", bad}),
              std::string("invalid value '") + bad +
                  "' for --valid: expected a fraction F with 0 <= F < 1 (0 "
                  "turns validation off)")
        << bad;
  EXPECT_EQ(parseError({"--valid"}), "option '--valid' needs a value (F)");
}

TEST_F(OptionsTest, HelpDescribesLabelsAndEveryDataFormat) {
  Manifest m;
  std::string error;
  ASSERT_TRUE(parseManifest("gdc-model 1\ninput f32 4\nlabel f32\n"
                            "output f32 1\n"
                            "data train csv my.csv target 0.5\n"
                            "data test synthetic 10 4 0 3\n",
                            m, error))
      << error;
  std::string help = helpText(m);
  EXPECT_NE(help.find("model: input f32[4], label f32[], output f32[1]"),
            std::string::npos)
      << help;
  EXPECT_NE(help.find("  train: my.csv, label column 'target' (csv, scale "
                      "0.5)\n"),
            std::string::npos)
      << help;
  EXPECT_NE(help.find("  test: synthetic: 10 examples, 4 features, "
                      "regression, seed 3\n"),
            std::string::npos)
      << help;
  EXPECT_NE(helpText(manifest).find("label i32, output f32[10]"),
            std::string::npos);
}
