//===- LibraryTest.cpp - libgdc's C API and its C++ wrapper ----------------===//
//
// Through the public headers only, as a host program uses them: every bad
// handle, NULL pointer, wrong name or size is a status with a message, a
// compile error leaves the context usable, and training agrees with a
// closed form.
//
//===----------------------------------------------------------------------===//
#include "gdc/gdc.h"
#include "gdc/gdc.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <string>
#include <sys/resource.h>
#include <unistd.h>
#include <vector>

namespace {

// y = w . x + b by plain gradient descent on the mean squared error.
const char *kRegression = R"(use std.nn
use std.losses
use std.optim

let net = dense(2, 1)

train fit {
  model     = net
  loss      = mse
  optimizer = sgd(lr = 0.1)
  data      = npy("x.npy", "y.npy", label_type = f32)
}
)";

const char *kClassifier = R"(use std.nn
use std.losses
use std.optim

let net = dense(3, 4)

train classify {
  model     = net
  loss      = cross_entropy
  optimizer = adam(lr = 1e-2)
  data      = npy("x.npy", "y.npy")
}
)";

struct Library : ::testing::Test {
  void SetUp() override { ctx = gdc_context_create(); }
  void TearDown() override { gdc_context_destroy(ctx); }
  std::string error() const { return gdc_last_error(ctx); }
  gdc_context *ctx = nullptr;
};

TEST_F(Library, CompileErrorIsLocatedAndLeavesTheContextUsable) {
  gdc_program *bad = gdc_compile(ctx, "use std.nn\nlet m = dense(4, 8) >> dense(9, 2)\n", "bad.gd");
  ASSERT_EQ(bad, nullptr);
  EXPECT_EQ(gdc_last_status(ctx), GDC_ERROR_COMPILE);
  EXPECT_NE(error().find("bad.gd:2:21: error: '>>' cannot compose"), std::string::npos) << error();
  ASSERT_GE(gdc_diagnostic_count(ctx), 1);
  gdc_diagnostic d;
  ASSERT_EQ(gdc_diagnostic_get(ctx, 0, &d), GDC_OK);
  EXPECT_STREQ(d.file, "bad.gd");
  EXPECT_EQ(d.line, 2);
  EXPECT_EQ(d.column, 21);
  EXPECT_EQ(d.severity, GDC_SEVERITY_ERROR);
  EXPECT_EQ(gdc_diagnostic_get(ctx, 99, &d), GDC_ERROR_ARGUMENT);

  gdc_program *good = gdc_compile(ctx, kRegression, "fit.gd");
  ASSERT_NE(good, nullptr) << error();
  EXPECT_EQ(error(), "");
  EXPECT_STREQ(gdc_program_train_block(good), "fit");
  gdc_program_destroy(good);
}

TEST_F(Library, ProgramWithoutTrainBlockIsCheckedButHasNoTrainer) {
  gdc_program *lib = gdc_compile(ctx, "use std.nn\nlet m = dense(4, 8)\n", "lib.gd");
  ASSERT_NE(lib, nullptr) << error();
  EXPECT_EQ(gdc_program_train_block(lib), nullptr);
  EXPECT_EQ(gdc_trainer_create(lib, nullptr, 0), nullptr);
  EXPECT_NE(error().find("no train block"), std::string::npos);
  gdc_program_destroy(lib);
}

TEST_F(Library, BadHandlesAndPointersAreErrorsNotCrashes) {
  EXPECT_EQ(gdc_compile(nullptr, kRegression, "x.gd"), nullptr);
  EXPECT_NE(std::string(gdc_last_error(nullptr)).find("gdc_context"), std::string::npos);
  EXPECT_EQ(gdc_compile(ctx, nullptr, "x.gd"), nullptr);
  EXPECT_EQ(gdc_compile_file(ctx, "/nonexistent/model.gd"), nullptr);
  EXPECT_EQ(gdc_last_status(ctx), GDC_ERROR_IO);
  EXPECT_NE(error().find("/nonexistent/model.gd"), std::string::npos);
  // A device is refused, not read until memory runs out.
  EXPECT_EQ(gdc_compile_file(ctx, "/dev/zero"), nullptr);
  EXPECT_NE(error().find("not a regular file"), std::string::npos) << error();
  EXPECT_EQ(gdc_trainer_create(nullptr, nullptr, 0), nullptr);
  // A handle of another kind is refused.
  auto *notATrainer = reinterpret_cast<gdc_trainer *>(ctx);
  float loss;
  EXPECT_EQ(gdc_trainer_step(notATrainer, &loss, &loss, 1, &loss), GDC_ERROR_ARGUMENT);
  EXPECT_EQ(gdc_trainer_step(nullptr, nullptr, nullptr, 1, nullptr), GDC_ERROR_ARGUMENT);
  EXPECT_NE(std::string(gdc_last_error(nullptr)).find("gdc_trainer"), std::string::npos);
  gdc_trainer_destroy(nullptr);
  gdc_program_destroy(nullptr);
  gdc_context_destroy(nullptr);

  gdc_program *prog = gdc_compile(ctx, kRegression, "fit.gd");
  ASSERT_NE(prog, nullptr) << error();
  EXPECT_EQ(gdc_trainer_create(prog, "other", 0), nullptr);
  EXPECT_NE(error().find("the program's is 'fit'"), std::string::npos) << error();
  gdc_trainer *t = gdc_trainer_create(prog, "fit", 0);
  ASSERT_NE(t, nullptr) << error();
  float x[2] = {1, 2}, y = 3, out;
  EXPECT_EQ(gdc_trainer_step(t, nullptr, &y, 1, &loss), GDC_ERROR_ARGUMENT);
  EXPECT_EQ(gdc_trainer_step(t, x, nullptr, 1, &loss), GDC_ERROR_ARGUMENT);
  EXPECT_EQ(gdc_trainer_step(t, x, &y, 0, &loss), GDC_ERROR_ARGUMENT);
  EXPECT_NE(error().find("at least one example"), std::string::npos);
  EXPECT_EQ(gdc_trainer_predict(t, x, 1, nullptr), GDC_ERROR_ARGUMENT);
  EXPECT_EQ(gdc_trainer_set_hyper(t, "lr", NAN), GDC_ERROR_ARGUMENT);
  EXPECT_EQ(gdc_trainer_set_hyper(t, "momentum", 0.9), GDC_ERROR_NAME);
  EXPECT_NE(error().find("'lr'"), std::string::npos) << error();
  EXPECT_EQ(gdc_trainer_set_hyper(t, nullptr, 0.9), GDC_ERROR_ARGUMENT);
  float w[2];
  EXPECT_EQ(gdc_trainer_get_param(t, "net.0.W", w, 2), GDC_ERROR_NAME);
  EXPECT_NE(error().find("'net.W', 'net.b'"), std::string::npos) << error();
  EXPECT_EQ(gdc_trainer_get_param(t, "net.W", w, 3), GDC_ERROR_ARGUMENT);
  EXPECT_NE(error().find("[2, 1]"), std::string::npos) << error();
  EXPECT_EQ(gdc_trainer_get_param(t, "net.W", nullptr, 2), GDC_ERROR_ARGUMENT);
  EXPECT_EQ(gdc_trainer_load(t, "/nonexistent.safetensors"), GDC_ERROR_IO);
  EXPECT_NE(error().find("/nonexistent.safetensors"), std::string::npos);
  EXPECT_EQ(gdc_trainer_save(t, "/nonexistent/dir/p.safetensors"), GDC_ERROR_IO);
  EXPECT_EQ(gdc_trainer_array_info(t, 'q', nullptr, nullptr, nullptr), GDC_ERROR_ARGUMENT);
  EXPECT_EQ(gdc_trainer_param_info(t, 7, nullptr, nullptr, nullptr), GDC_ERROR_ARGUMENT);
  // Still usable after all that.
  EXPECT_EQ(gdc_trainer_step(t, x, &y, 1, &loss), GDC_OK) << error();
  EXPECT_EQ(gdc_trainer_predict(t, x, 1, &out), GDC_OK) << error();
  gdc_trainer_destroy(t);
  gdc_program_destroy(prog);
}

TEST_F(Library, ClassLabelsOutsideTheOutputAreRefused) {
  gdc_program *prog = gdc_compile(ctx, kClassifier, "classify.gd");
  ASSERT_NE(prog, nullptr) << error();
  gdc_trainer *t = gdc_trainer_create(prog, nullptr, 3);
  ASSERT_NE(t, nullptr) << error();
  gdc_dtype dtype;
  int64_t rank;
  const int64_t *shape;
  ASSERT_EQ(gdc_trainer_array_info(t, 'y', &dtype, &rank, &shape), GDC_OK);
  EXPECT_EQ(dtype, GDC_I32);
  EXPECT_EQ(rank, 0);
  ASSERT_EQ(gdc_trainer_array_info(t, 'x', &dtype, &rank, &shape), GDC_OK);
  EXPECT_EQ(dtype, GDC_F32);
  ASSERT_EQ(rank, 1);
  EXPECT_EQ(shape[0], 3);
  float x[6] = {1, 2, 3, 4, 5, 6}, loss;
  int32_t labels[2] = {1, 4};
  EXPECT_EQ(gdc_trainer_step(t, x, labels, 2, &loss), GDC_ERROR_ARGUMENT);
  EXPECT_NE(error().find("label 1 is class 4, outside [0, 4)"), std::string::npos) << error();
  int64_t steps = -1;
  ASSERT_EQ(gdc_trainer_steps(t, &steps), GDC_OK);
  EXPECT_EQ(steps, 0);
  labels[1] = 3;
  EXPECT_EQ(gdc_trainer_step(t, x, labels, 2, &loss), GDC_OK) << error();
  EXPECT_TRUE(std::isfinite(loss));
  gdc_trainer_destroy(t);
  gdc_program_destroy(prog);
}

TEST_F(Library, StepsFollowGradientDescentInClosedForm) {
  gdc_program *prog = gdc_compile(ctx, kRegression, "fit.gd");
  ASSERT_NE(prog, nullptr) << error();
  gdc_trainer *t = gdc_trainer_create(prog, nullptr, 7);
  ASSERT_NE(t, nullptr) << error();
  double lr = 0;
  ASSERT_EQ(gdc_trainer_get_hyper(t, "lr", &lr), GDC_OK);
  EXPECT_NEAR(lr, 0.1, 1e-7);
  ASSERT_EQ(gdc_trainer_set_hyper(t, "lr", 0.05), GDC_OK);
  float w[2] = {0.5f, -0.25f}, b = 0.125f;
  ASSERT_EQ(gdc_trainer_set_param(t, "net.W", w, 2), GDC_OK) << error();
  ASSERT_EQ(gdc_trainer_set_param(t, "net.b", &b, 1), GDC_OK) << error();
  const float x[3][2] = {{1, 2}, {-1, 0.5f}, {0.25f, -2}};
  const float y[3] = {1, -2, 0.5f};
  double rw[2] = {w[0], w[1]}, rb = b;
  for (int step = 0; step < 4; ++step) {
    // mean over the batch of (w.x + b - y)^2.
    double gw[2] = {0, 0}, gb = 0, expectedLoss = 0;
    for (int i = 0; i < 3; ++i) {
      double r = rw[0] * x[i][0] + rw[1] * x[i][1] + rb - y[i];
      expectedLoss += r * r / 3;
      gw[0] += 2 * r * x[i][0] / 3;
      gw[1] += 2 * r * x[i][1] / 3;
      gb += 2 * r / 3;
    }
    float loss;
    ASSERT_EQ(gdc_trainer_step(t, x, y, 3, &loss), GDC_OK) << error();
    EXPECT_NEAR(loss, expectedLoss, 1e-5 * std::max(1.0, expectedLoss));
    rw[0] -= 0.05 * gw[0];
    rw[1] -= 0.05 * gw[1];
    rb -= 0.05 * gb;
  }
  ASSERT_EQ(gdc_trainer_get_param(t, "net.W", w, 2), GDC_OK);
  ASSERT_EQ(gdc_trainer_get_param(t, "net.b", &b, 1), GDC_OK);
  EXPECT_NEAR(w[0], rw[0], 1e-5);
  EXPECT_NEAR(w[1], rw[1], 1e-5);
  EXPECT_NEAR(b, rb, 1e-5);
  float out[3];
  ASSERT_EQ(gdc_trainer_predict(t, x, 3, out), GDC_OK);
  for (int i = 0; i < 3; ++i)
    EXPECT_NEAR(out[i], rw[0] * x[i][0] + rw[1] * x[i][1] + rb, 1e-5);

  // Saved and loaded into a trainer from another seed: the same model.
  std::string path = ::testing::TempDir() + "/library-test-" + std::to_string(getpid()) +
                     ".safetensors";
  ASSERT_EQ(gdc_trainer_save(t, path.c_str()), GDC_OK) << error();
  gdc_trainer *other = gdc_trainer_create(prog, nullptr, 99);
  ASSERT_NE(other, nullptr);
  float before[2];
  ASSERT_EQ(gdc_trainer_get_param(other, "net.W", before, 2), GDC_OK);
  EXPECT_NE(before[0], w[0]);
  ASSERT_EQ(gdc_trainer_load(other, path.c_str()), GDC_OK) << error();
  float loaded[2];
  ASSERT_EQ(gdc_trainer_get_param(other, "net.W", loaded, 2), GDC_OK);
  EXPECT_EQ(loaded[0], w[0]);
  EXPECT_EQ(loaded[1], w[1]);
  std::remove(path.c_str());
  gdc_trainer_destroy(other);
  gdc_trainer_destroy(t);
  gdc_program_destroy(prog);
}

// A step whose loss is not finite updates nothing, is counted, and says
// which source location produced the first non-finite value.
TEST_F(Library, GivenGradientsUpdateAsTheRuleSays) {
  gdc_program *prog = gdc_compile(ctx, kRegression, "fit.gd");
  ASSERT_NE(prog, nullptr) << error();
  gdc_trainer *t = gdc_trainer_create(prog, nullptr, 7);
  ASSERT_NE(t, nullptr) << error();
  float w[2] = {0.5f, -0.25f}, b = 0.125f;
  ASSERT_EQ(gdc_trainer_set_param(t, "net.W", w, 2), GDC_OK) << error();
  ASSERT_EQ(gdc_trainer_set_param(t, "net.b", &b, 1), GDC_OK) << error();
  const float gw[2] = {1.0f, -2.0f}, gb = 0.5f;
  const float *grads[2] = {gw, &gb};
  // Bad arguments change nothing and count no step.
  EXPECT_EQ(gdc_trainer_apply_gradients(t, nullptr, 2), GDC_ERROR_ARGUMENT);
  EXPECT_EQ(gdc_trainer_apply_gradients(t, grads, 3), GDC_ERROR_ARGUMENT);
  EXPECT_NE(error().find("3 gradients given; the model has 2 parameters"), std::string::npos)
      << error();
  const float *missing[2] = {gw, nullptr};
  EXPECT_EQ(gdc_trainer_apply_gradients(t, missing, 2), GDC_ERROR_ARGUMENT);
  EXPECT_NE(error().find("'net.b' is NULL"), std::string::npos) << error();
  EXPECT_EQ(gdc_trainer_apply_gradients(nullptr, grads, 2), GDC_ERROR_ARGUMENT);
  int64_t steps = -1;
  ASSERT_EQ(gdc_trainer_steps(t, &steps), GDC_OK);
  EXPECT_EQ(steps, 0);
  // sgd(lr = 0.1): p - lr * g, twice.
  for (int step = 0; step < 2; ++step)
    ASSERT_EQ(gdc_trainer_apply_gradients(t, grads, 2), GDC_OK) << error();
  float got[2], gotB;
  ASSERT_EQ(gdc_trainer_get_param(t, "net.W", got, 2), GDC_OK);
  ASSERT_EQ(gdc_trainer_get_param(t, "net.b", &gotB, 1), GDC_OK);
  EXPECT_FLOAT_EQ(got[0], 0.5f - 0.1f * 1.0f - 0.1f * 1.0f);
  EXPECT_FLOAT_EQ(got[1], -0.25f + 0.1f * 2.0f + 0.1f * 2.0f);
  EXPECT_FLOAT_EQ(gotB, 0.125f - 0.1f * 0.5f - 0.1f * 0.5f);
  ASSERT_EQ(gdc_trainer_steps(t, &steps), GDC_OK);
  EXPECT_EQ(steps, 2);
  // A NaN in a gradient updates nothing and names the parameter.
  const float bad[2] = {NAN, 0.0f};
  const float *badGrads[2] = {bad, &gb};
  EXPECT_EQ(gdc_trainer_apply_gradients(t, badGrads, 2), GDC_ERROR_NOT_FINITE);
  EXPECT_NE(error().find("the gradient of 'net.W' holds a NaN"), std::string::npos) << error();
  float after[2];
  ASSERT_EQ(gdc_trainer_get_param(t, "net.W", after, 2), GDC_OK);
  EXPECT_EQ(after[0], got[0]);
  EXPECT_EQ(after[1], got[1]);
  gdc_trainer_destroy(t);
  gdc_program_destroy(prog);

  // A rule that needs the model cannot take given gradients.
  std::string polyak = kRegression;
  polyak.replace(polyak.find("optimizer = sgd(lr = 0.1)"), 25,
              "optimizer = polyak()");
  prog = gdc_compile(ctx, polyak.c_str(), "polyak.gd");
  ASSERT_NE(prog, nullptr) << error();
  t = gdc_trainer_create(prog, nullptr, 0);
  ASSERT_NE(t, nullptr) << error();
  EXPECT_EQ(gdc_trainer_apply_gradients(t, grads, 2), GDC_ERROR_UNSUPPORTED);
  EXPECT_NE(error().find("cannot take given gradients"), std::string::npos) << error();
  gdc_trainer_destroy(t);
  gdc_program_destroy(prog);
}

TEST_F(Library, NonFiniteStepUpdatesNothingAndNamesTheSource) {
  const char *source = R"(use std.nn
use std.losses
use std.optim
let net = dense(2, 1) >> log
train fit {
  model     = net
  loss      = mse
  optimizer = adam(lr = 0.1)
  data      = npy("x.npy", "y.npy", label_type = f32)
}
)";
  gdc_program *prog = gdc_compile(ctx, source, "logged.gd");
  ASSERT_NE(prog, nullptr) << error();
  gdc_trainer *t = gdc_trainer_create(prog, nullptr, 7);
  ASSERT_NE(t, nullptr) << error();
  float w[2] = {1.0f, 1.0f}, b = 0.0f;
  ASSERT_EQ(gdc_trainer_set_param(t, "net.0.W", w, 2), GDC_OK) << error();
  ASSERT_EQ(gdc_trainer_set_param(t, "net.0.b", &b, 1), GDC_OK) << error();
  const float good[2][2] = {{1, 2}, {0.5f, 0.25f}}, bad[2][2] = {{1, 2}, {-3, 1}};
  const float y[2] = {1, 0};
  float loss = 0;
  ASSERT_EQ(gdc_trainer_step(t, good, y, 2, &loss), GDC_OK) << error();
  float after[2], afterB;
  ASSERT_EQ(gdc_trainer_get_param(t, "net.0.W", after, 2), GDC_OK);
  ASSERT_EQ(gdc_trainer_get_param(t, "net.0.b", &afterB, 1), GDC_OK);
  EXPECT_NE(after[0], w[0]);

  // log(-3 + 1) is NaN.
  EXPECT_EQ(gdc_trainer_step(t, bad, y, 2, &loss), GDC_ERROR_NOT_FINITE);
  EXPECT_TRUE(std::isnan(loss));
  std::string text = error();
  EXPECT_NE(text.find("step 2: the loss is NaN; the first non-finite value came from `log` at "
                      "logged.gd:4:26, in the forward map of net.1; the parameters and "
                      "optimizer state are unchanged"),
            std::string::npos)
      << text;
  float unchanged[2], unchangedB;
  ASSERT_EQ(gdc_trainer_get_param(t, "net.0.W", unchanged, 2), GDC_OK);
  ASSERT_EQ(gdc_trainer_get_param(t, "net.0.b", &unchangedB, 1), GDC_OK);
  EXPECT_EQ(unchanged[0], after[0]);
  EXPECT_EQ(unchanged[1], after[1]);
  EXPECT_EQ(unchangedB, afterB);
  int64_t steps = 0;
  ASSERT_EQ(gdc_trainer_steps(t, &steps), GDC_OK);
  EXPECT_EQ(steps, 2);
  // The trainer goes on.
  EXPECT_EQ(gdc_trainer_step(t, good, y, 2, &loss), GDC_OK) << error();
  gdc_trainer_destroy(t);
  gdc_program_destroy(prog);
}

TEST_F(Library, CheckpointsCarryOptimizerStateAndStepCount) {
  gdc_program *prog = gdc_compile(ctx, kClassifier, "classify.gd");
  ASSERT_NE(prog, nullptr) << error();
  gdc_trainer *a = gdc_trainer_create(prog, nullptr, 1);
  gdc_trainer *b = gdc_trainer_create(prog, nullptr, 2);
  ASSERT_TRUE(a && b) << error();
  const float x[6] = {1, -2, 0.5f, 3, 0.25f, -1};
  const int32_t y[2] = {0, 3};
  float loss;
  for (int i = 0; i < 3; ++i)
    ASSERT_EQ(gdc_trainer_step(a, x, y, 2, &loss), GDC_OK) << error();
  std::string path = ::testing::TempDir() + "/library-ckpt-" + std::to_string(getpid()) +
                     ".safetensors";
  ASSERT_EQ(gdc_trainer_save(a, path.c_str()), GDC_OK) << error();
  ASSERT_EQ(gdc_trainer_load(b, path.c_str()), GDC_OK) << error();
  int64_t steps = 0;
  ASSERT_EQ(gdc_trainer_steps(b, &steps), GDC_OK);
  EXPECT_EQ(steps, 3);
  // Adam's moments came along: the next step is the same on both.
  ASSERT_EQ(gdc_trainer_step(a, x, y, 2, &loss), GDC_OK);
  ASSERT_EQ(gdc_trainer_step(b, x, y, 2, &loss), GDC_OK);
  float wa[12], wb[12];
  ASSERT_EQ(gdc_trainer_get_param(a, "net.W", wa, 12), GDC_OK) << error();
  ASSERT_EQ(gdc_trainer_get_param(b, "net.W", wb, 12), GDC_OK) << error();
  for (int i = 0; i < 12; ++i)
    EXPECT_EQ(wa[i], wb[i]) << i;
  std::remove(path.c_str());
  gdc_trainer_destroy(a);
  gdc_trainer_destroy(b);
  gdc_program_destroy(prog);
}

// A step whose buffers cannot be allocated (1.6 GB of activations under an
// address-space limit) is an error status; the host process and the
// trainer go on.
TEST_F(Library, OutOfMemoryInTheStepIsAnError) {
  const char *wide = R"(use std.nn
use std.losses
use std.optim
train wide {
  model     = dense(16, 100000) >> relu >> dense(100000, 10)
  loss      = cross_entropy
  optimizer = sgd
  data      = npy("x.npy", "y.npy")
})";
  gdc_program *prog = gdc_compile(ctx, wide, "wide.gd");
  ASSERT_NE(prog, nullptr) << error();
  gdc_trainer *t = gdc_trainer_create(prog, nullptr, 0);
  ASSERT_NE(t, nullptr) << error();
  std::vector<float> x(4096 * 16, 0.5f);
  std::vector<int32_t> y(4096, 1);
  float loss;
  // Address space now in use, plus 1 GB: not enough for the step.
  long pages = 0;
  {
    FILE *statm = std::fopen("/proc/self/statm", "r");
    ASSERT_NE(statm, nullptr);
    ASSERT_EQ(std::fscanf(statm, "%ld", &pages), 1);
    std::fclose(statm);
  }
  struct rlimit saved;
  ASSERT_EQ(getrlimit(RLIMIT_AS, &saved), 0);
  struct rlimit limited = saved;
  limited.rlim_cur = rlim_t(pages) * sysconf(_SC_PAGE_SIZE) + (rlim_t(1) << 30);
  ASSERT_EQ(setrlimit(RLIMIT_AS, &limited), 0);
  int status = gdc_trainer_step(t, x.data(), y.data(), 4096, &loss);
  std::string message = error();
  ASSERT_EQ(setrlimit(RLIMIT_AS, &saved), 0);
  EXPECT_EQ(status, GDC_ERROR_INTERNAL);
  EXPECT_NE(message.find("out of memory: the compiled step could not allocate"),
            std::string::npos)
      << message;
  int64_t steps = -1;
  ASSERT_EQ(gdc_trainer_steps(t, &steps), GDC_OK);
  EXPECT_EQ(steps, 0);
  // A batch that fits still trains.
  EXPECT_EQ(gdc_trainer_step(t, x.data(), y.data(), 4, &loss), GDC_OK) << error();
  gdc_trainer_destroy(t);
  gdc_program_destroy(prog);
}

TEST(LibraryCpp, WrapperThrowsLocatedErrorsAndTrains) {
  gdc::Context ctx;
  try {
    ctx.compile("let x = nosuch(3)\n", "m.gd");
    FAIL() << "expected a CompileError";
  } catch (const gdc::CompileError &e) {
    EXPECT_NE(std::string(e.what()).find("m.gd:1:9: error"), std::string::npos) << e.what();
    ASSERT_FALSE(e.diagnostics().empty());
    EXPECT_EQ(e.diagnostics()[0].line, 1);
  }
  gdc::Program prog = ctx.compile(kRegression, "fit.gd");
  EXPECT_EQ(prog.trainBlock(), "fit");
  gdc::Trainer t = prog.trainer();
  ASSERT_EQ(t.params().size(), 2u);
  EXPECT_EQ(t.params()[0].name, "net.W");
  EXPECT_EQ(t.params()[0].shape, (std::vector<int64_t>{2, 1}));
  EXPECT_THROW(t.set("nosuch", 1), gdc::Error);
  EXPECT_THROW(t.param("nosuch"), gdc::Error);
  const float x[2] = {1, 2}, y = 1;
  float first = t.step(x, &y, 1);
  for (int i = 0; i < 20; ++i)
    t.step(x, &y, 1);
  EXPECT_LT(t.step(x, &y, 1), first);
  EXPECT_EQ(t.steps(), 22);
  EXPECT_EQ(t.predict(x, 1).size(), 1u);
  const float gw[2] = {1, 1}, gb = 1;
  EXPECT_THROW(t.applyGradients({gw}), gdc::Error);
  std::vector<float> before = t.param("net.b");
  t.applyGradients({gw, &gb});
  EXPECT_FLOAT_EQ(t.param("net.b")[0], before[0] - 0.1f);
  EXPECT_EQ(t.steps(), 23);
}

} // namespace
