//===- RandomDrawsTest.cpp - gd.random draws the distributions it names ---===//
//
// gd.random is lowered to a counter-based generator (a hash of seed, t,
// stream and element index). These cases run it as gdc compiles it (batched,
// lowered, JIT) and check what a user relies on: the moments and quantiles
// of each distribution, that the same key draws the same numbers, that
// another seed, step, stream or example draws others, and that a lens that
// draws has a backward map consistent with its forward map (the backward
// map's recomputation draws the same mask).
//
//===----------------------------------------------------------------------===//
#include "GradCheckHarness.h"

#include <algorithm>
#include <cmath>

using namespace gdc::gradcheck;

namespace {

constexpr int64_t kCount = 20000;

/// A lens drawing `distribution` shaped like its input (f64[kCount]).
std::string drawingLens(const std::string &distribution, int64_t seed, double t,
                        int64_t stream) {
  std::string type = "tensor<" + std::to_string(kCount) + "xf64>";
  return "gd.lens @f attributes {num_inputs = 1 : i64, param_inits = [], param_names = []} "
         "forward {\n^bb0(%x: " + type + "):\n"
         "  %seed = gd.constant dense<" + std::to_string(seed) + "> : tensor<i64>\n"
         "  %t = gd.constant dense<" + std::to_string(t) + "> : tensor<f32>\n"
         "  %r = gd.random \"" + distribution + "\" %x stream " + std::to_string(stream) +
         " key(%seed, %t : tensor<i64>, tensor<f32>) : " + type + " -> " + type + "\n"
         "  gd.yield %r : " + type + "\n} backward {\n}\n";
}

/// The draws of that lens for a batch of `examples` examples, flattened.
std::vector<double> draws(const std::string &distribution, int64_t seed = 1, double t = 1,
                          int64_t stream = 0, int64_t examples = 1) {
  std::string error;
  std::unique_ptr<CompiledLens> lens =
      CompiledLens::compile(drawingLens(distribution, seed, t, stream), error);
  EXPECT_TRUE(lens) << error;
  if (!lens)
    return {};
  Tensor x = Tensor::zeros({examples, kCount});
  Tensor out;
  EXPECT_TRUE(lens->forward({x}, out));
  return out.data;
}

double mean(const std::vector<double> &v) {
  double s = 0;
  for (double x : v)
    s += x;
  return s / v.size();
}

double variance(const std::vector<double> &v) {
  double m = mean(v), s = 0;
  for (double x : v)
    s += (x - m) * (x - m);
  return s / v.size();
}

double fraction(const std::vector<double> &v, double lo, double hi) {
  return double(std::count_if(v.begin(), v.end(), [&](double x) { return lo <= x && x < hi; })) /
         v.size();
}

// Tolerances are over four standard errors at 20000 draws.
TEST(RandomDraws, UniformCoversTheUnitIntervalEvenly) {
  std::vector<double> u = draws("uniform");
  ASSERT_EQ(u.size(), size_t(kCount));
  EXPECT_GE(*std::min_element(u.begin(), u.end()), 0.0);
  EXPECT_LT(*std::max_element(u.begin(), u.end()), 1.0);
  EXPECT_NEAR(mean(u), 0.5, 0.01);
  EXPECT_NEAR(variance(u), 1.0 / 12, 0.004);
  for (int decile = 0; decile < 10; ++decile)
    EXPECT_NEAR(fraction(u, decile / 10.0, (decile + 1) / 10.0), 0.1, 0.01) << decile;
}

TEST(RandomDraws, NormalHasTheStandardMomentsAndQuantiles) {
  std::vector<double> z = draws("normal");
  ASSERT_EQ(z.size(), size_t(kCount));
  EXPECT_NEAR(mean(z), 0.0, 0.03);
  EXPECT_NEAR(variance(z), 1.0, 0.05);
  EXPECT_NEAR(fraction(z, -1, 1), 0.6827, 0.014);
  EXPECT_NEAR(fraction(z, -2, 2), 0.9545, 0.007);
  EXPECT_NEAR(fraction(z, -INFINITY, 0), 0.5, 0.015);
  for (double v : z)
    ASSERT_TRUE(std::isfinite(v));
}

TEST(RandomDraws, TheSameKeyDrawsTheSameAndAnotherKeyOthers) {
  std::vector<double> base = draws("uniform", 1, 1, 0);
  EXPECT_EQ(draws("uniform", 1, 1, 0), base);
  for (auto other : {draws("uniform", 2, 1, 0), draws("uniform", 1, 2, 0),
                     draws("uniform", 1, 1, 1)}) {
    ASSERT_EQ(other.size(), base.size());
    size_t same = 0;
    for (size_t i = 0; i < base.size(); ++i)
      same += other[i] == base[i];
    EXPECT_LT(same, 10u); // a 24-bit draw repeats by chance about once
  }
}

TEST(RandomDraws, EveryExampleOfABatchDrawsDifferently) {
  std::vector<double> two = draws("normal", 1, 1, 0, /*examples=*/2);
  ASSERT_EQ(two.size(), size_t(2 * kCount));
  std::vector<double> first(two.begin(), two.begin() + kCount);
  std::vector<double> second(two.begin() + kCount, two.end());
  EXPECT_NE(first, second);
  // Uncorrelated: the mean product of independent standard normals is 0.
  double product = 0;
  for (int64_t i = 0; i < kCount; ++i)
    product += first[i] * second[i];
  EXPECT_NEAR(product / kCount, 0.0, 0.03);
}

TEST(RandomDraws, ADropoutMaskIsTheSameInTheForwardAndBackwardMaps) {
  // x * (u >= 0.5) / 0.5 with u drawn: the gradient is the mask / 0.5, which
  // central differences of the forward map only see if both maps draw the
  // same u.
  std::string error;
  std::unique_ptr<CompiledLens> lens = CompiledLens::compile(R"(
gd.lens @f attributes {num_inputs = 1 : i64, param_inits = ["zeros"], param_names = ["W"]} forward {
^bb0(%w: tensor<64xf64>, %x: tensor<64xf64>):
  %seed = gd.constant dense<5> : tensor<i64>
  %t = gd.constant dense<3.0> : tensor<f32>
  %u = gd.random "uniform" %x stream 2 key(%seed, %t : tensor<i64>, tensor<f32>) : tensor<64xf64> -> tensor<64xf64>
  %half = gd.constant dense<0.5> : tensor<f64>
  %zero = gd.constant dense<0.0> : tensor<f64>
  %keep = gd.cmp "ge", %u, %half : tensor<64xf64>, tensor<f64> -> tensor<64xi1>
  %wx = gd.mul %w, %x : tensor<64xf64>, tensor<64xf64> -> tensor<64xf64>
  %scaled = gd.div %wx, %half : tensor<64xf64>, tensor<f64> -> tensor<64xf64>
  %y = gd.select %keep, %scaled, %zero : tensor<64xi1>, tensor<64xf64>, tensor<f64> -> tensor<64xf64>
  gd.yield %y : tensor<64xf64>
} backward {
}
)",
                                                             error);
  ASSERT_TRUE(lens) << error;
  std::mt19937_64 rng(7);
  Tensor w = Tensor::zeros({64}), x = Tensor::zeros({3, 64});
  std::uniform_real_distribution<double> value(-1, 1);
  for (double &v : w.data)
    v = value(rng);
  for (double &v : x.data)
    v = value(rng);
  EXPECT_TRUE(checkGradients(*lens, {w, x}, rng));
}

} // namespace
