//===- ModelStateTest.cpp - The step's arguments, in ModelABI.h's order ---===//
//
// A fake step checks what ModelState passes it: params[P], states[P * S],
// globals[G], hypers[H], t, seed, x, y, loss, status, then the next
// params, states and globals, each where ModelABI.h says.

#include "ModelState.h"

#include <gtest/gtest.h>

using namespace gdrt;

namespace {

const char *kManifest = "gdc-model 1\ninput f32 2\nlabel i32\noutput f32 3\n"
                        "param m.W 2,3 zeros\nparam m.b 3 ones\n"
                        "state m\nstate v\nglobal largest 0.5\n"
                        "hyper lr 0.25\nhyper mu 0.75\n";

/// What the fake step saw.
struct Seen {
  float w0 = -1, b0 = -1, state = -1, global = -1, lr = -1, mu = -1, t = -1;
  int64_t seed = -1, batch = -1;
  const void *x = nullptr, *y = nullptr;
  bool nextApart = false; ///< no next buffer is a current one
} seen;

/// The status the fake step reports: 1 says its update is not finite.
int32_t fakeStatus = 0;

void fakeStep(void **args, int64_t batch) {
  // 2 params, 2 * 2 states, 1 global, 2 hypers, then t, seed, x, y, loss.
  seen.w0 = static_cast<float *>(args[0])[0];
  seen.b0 = static_cast<float *>(args[1])[0];
  seen.state = static_cast<float *>(args[2])[0];
  seen.global = *static_cast<float *>(args[6]);
  seen.lr = *static_cast<float *>(args[7]);
  seen.mu = *static_cast<float *>(args[8]);
  seen.t = *static_cast<float *>(args[9]);
  seen.seed = *static_cast<int64_t *>(args[10]);
  seen.x = args[11];
  seen.y = args[12];
  *static_cast<float *>(args[13]) = 4.5f;
  *static_cast<int32_t *>(args[14]) = fakeStatus;
  seen.batch = batch;
  // The next values: W + 1, the rest as they are.
  const int64_t sizes[] = {6, 3, 6, 6, 3, 3, 1};
  seen.nextApart = true;
  for (int i = 0; i < 7; ++i) {
    const float *current = static_cast<float *>(args[i]);
    float *next = static_cast<float *>(args[15 + i]);
    for (int j = 0; j < 7; ++j)
      seen.nextApart &= next != args[j];
    for (int64_t k = 0; k < sizes[i]; ++k)
      next[k] = current[k] + (i == 0 ? 1.0f : 0.0f);
  }
}

void fakeEval(void **args, int64_t batch) {
  // params[2], x, out.
  const float *x = static_cast<const float *>(args[2]);
  float *out = static_cast<float *>(args[3]);
  for (int64_t i = 0; i < batch * 3; ++i)
    out[i] = x[0] + static_cast<float *>(args[1])[0];
}

} // namespace

TEST(ModelState, PassesTheStepItsArgumentsInABIOrder) {
  Manifest manifest;
  std::string error;
  ASSERT_TRUE(parseManifest(kManifest, manifest, error)) << error;
  ModelState state(manifest);
  ASSERT_TRUE(state.fits(error)) << error;
  state.initialize(7);
  ModelEntryPoints model{kManifest, fakeStep, fakeEval};
  float x[4] = {1, 2, 3, 4};
  int32_t y[2] = {0, 2};
  EXPECT_EQ(state.step(model, x, y, 2), 4.5f);
  EXPECT_EQ(seen.w0, 0.0f);
  EXPECT_EQ(seen.b0, 1.0f);
  EXPECT_EQ(seen.state, 0.0f);
  EXPECT_EQ(seen.global, 0.5f);
  EXPECT_EQ(seen.lr, 0.25f);
  EXPECT_EQ(seen.mu, 0.75f);
  EXPECT_EQ(seen.t, 1.0f);
  EXPECT_EQ(seen.seed, 7);
  EXPECT_EQ(seen.x, x);
  EXPECT_EQ(seen.y, y);
  EXPECT_EQ(seen.batch, 2);
  EXPECT_TRUE(seen.nextApart);
  // The update stays, t counts the steps, hyperparameters can be set.
  state.hyperparameters()[0] = 0.125f;
  state.step(model, x, y, 2);
  EXPECT_EQ(seen.w0, 1.0f);
  EXPECT_EQ(seen.t, 2.0f);
  EXPECT_EQ(seen.lr, 0.125f);
  EXPECT_EQ(state.stepsTaken(), 2);
  std::vector<NamedTensor> params = state.parameters();
  ASSERT_EQ(params.size(), 2u);
  EXPECT_EQ(params[0].name, "m.W");
  EXPECT_EQ(params[0].data[0], 2.0f);
  float out[3];
  state.eval(model, x, 1, out);
  EXPECT_EQ(out[2], 2.0f); // x[0] + b[0]
}

TEST(ModelState, ABadParameterFileChangesNothing) {
  Manifest manifest;
  std::string error;
  ASSERT_TRUE(parseManifest(kManifest, manifest, error)) << error;
  ModelState state(manifest);
  state.initialize(0);
  std::string path = testing::TempDir() + "/model-state-bad.safetensors";
  // m.W has the right shape, m.b the wrong one: nothing may be replaced.
  ASSERT_TRUE(writeSafetensors(path, {{"m.W", {2, 3}, std::vector<float>(6, 9.0f)},
                                      {"m.b", {2}, {1.0f, 2.0f}}},
                               {}, error))
      << error;
  EXPECT_FALSE(state.loadParameters(path, error));
  EXPECT_NE(error.find("parameter 'm.b' has shape [2] in the file but [3] in the model"),
            std::string::npos)
      << error;
  EXPECT_EQ(state.parameters()[0].data[0], 0.0f);
}

TEST(ModelState, AStepThatIsNotFiniteChangesNothingButTheCount) {
  Manifest manifest;
  std::string error;
  ASSERT_TRUE(parseManifest(kManifest, manifest, error)) << error;
  ModelState state(manifest);
  state.initialize(7);
  ModelEntryPoints model{kManifest, fakeStep, fakeEval};
  float x[4] = {1, 2, 3, 4};
  int32_t y[2] = {0, 2};
  state.step(model, x, y, 2); // W: 0 -> 1
  fakeStatus = 1;
  state.step(model, x, y, 2); // wrote W = 2 into the next buffer, not applied
  fakeStatus = 0;
  EXPECT_FALSE(state.lastStepFinite());
  EXPECT_EQ(state.parameters()[0].data[0], 1.0f);
  EXPECT_EQ(state.stepsTaken(), 2);
  state.step(model, x, y, 2); // from W = 1 again
  EXPECT_TRUE(state.lastStepFinite());
  EXPECT_EQ(seen.w0, 1.0f);
  EXPECT_EQ(state.parameters()[0].data[0], 2.0f);
}
