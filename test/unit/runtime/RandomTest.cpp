//===- RandomTest.cpp - Tests of the RNG, shuffles and initialisers -------===//

#include "Random.h"
#include "Init.h"

#include <algorithm>
#include <cmath>
#include <gtest/gtest.h>
#include <numeric>

using namespace gdrt;

TEST(Random, SplitmixMatchesReferenceOutput) {
  // Reference values of splitmix64 from state 0 (Vigna's splitmix64.c).
  uint64_t state = 0;
  EXPECT_EQ(splitmix64(state), UINT64_C(0xe220a8397b1dcdaf));
  EXPECT_EQ(splitmix64(state), UINT64_C(0x6e789e6aa1b965f4));
}

TEST(Random, SameSeedSameStreamDifferentSeedsDiffer) {
  Rng a(7), b(7), c(8);
  bool allEqualC = true;
  for (int i = 0; i < 100; ++i) {
    uint64_t x = a.next();
    EXPECT_EQ(x, b.next());
    allEqualC &= x == c.next();
  }
  EXPECT_FALSE(allEqualC);
  Rng s1 = Rng::forStream(1, RandomPurpose::ParamInit, 0);
  Rng s2 = Rng::forStream(1, RandomPurpose::ParamInit, 1);
  Rng s3 = Rng::forStream(1, RandomPurpose::Shuffle, 0);
  uint64_t x1 = s1.next(), x2 = s2.next(), x3 = s3.next();
  EXPECT_NE(x1, x2);
  EXPECT_NE(x1, x3);
  EXPECT_NE(x2, x3);
}

TEST(Random, UniformAndNormalMoments) {
  Rng rng(123);
  const int n = 200000;
  double sum = 0, sumSq = 0, nsum = 0, nsumSq = 0;
  double lo = 1, hi = 0;
  for (int i = 0; i < n; ++i) {
    double u = rng.uniform();
    lo = std::min(lo, u);
    hi = std::max(hi, u);
    sum += u;
    sumSq += u * u;
    double z = rng.normal();
    ASSERT_TRUE(std::isfinite(z));
    nsum += z;
    nsumSq += z * z;
  }
  EXPECT_GE(lo, 0.0);
  EXPECT_LT(hi, 1.0);
  EXPECT_NEAR(sum / n, 0.5, 0.01);
  EXPECT_NEAR(sumSq / n - 0.25, 1.0 / 12, 0.01);
  EXPECT_NEAR(nsum / n, 0.0, 0.01);
  EXPECT_NEAR(nsumSq / n, 1.0, 0.02);
}

TEST(Random, BelowIsInRangeAndCoversIt) {
  Rng rng(5);
  std::vector<int> counts(7, 0);
  for (int i = 0; i < 70000; ++i) {
    uint64_t v = rng.below(7);
    ASSERT_LT(v, 7u);
    ++counts[v];
  }
  for (int count : counts)
    EXPECT_NEAR(count, 10000, 500);
  EXPECT_EQ(rng.below(1), 0u);
}

TEST(Shuffle, IsAPermutationDeterministicPerSeedAndEpoch) {
  const int64_t n = 1000;
  std::vector<int64_t> p1 = shufflePermutation(n, 42, 1);
  std::vector<int64_t> sorted = p1;
  std::sort(sorted.begin(), sorted.end());
  std::vector<int64_t> identity(n);
  std::iota(identity.begin(), identity.end(), 0);
  EXPECT_EQ(sorted, identity);
  EXPECT_NE(p1, identity);

  EXPECT_EQ(shufflePermutation(n, 42, 1), p1); // deterministic
  EXPECT_NE(shufflePermutation(n, 42, 2), p1); // differs across epochs
  EXPECT_NE(shufflePermutation(n, 43, 1), p1); // and across seeds

  EXPECT_TRUE(shufflePermutation(0, 1, 1).empty());
  EXPECT_EQ(shufflePermutation(1, 1, 1), std::vector<int64_t>{0});
}

TEST(Shuffle, EveryPositionIsUniform) {
  // Fisher–Yates done right: over many epochs, element 0 lands in each of
  // the 5 positions about equally often (a classic off-by-one would not).
  std::vector<int> counts(5, 0);
  for (uint64_t epoch = 1; epoch <= 10000; ++epoch) {
    std::vector<int64_t> p = shufflePermutation(5, 9, epoch);
    ++counts[std::find(p.begin(), p.end(), 0) - p.begin()];
  }
  for (int count : counts)
    EXPECT_NEAR(count, 2000, 200);
}

TEST(Init, ConstantKinds) {
  std::vector<float> data(10, 7.0f);
  initializeParam({InitKind::Zeros, 0, 0}, data.data(), 10, 1, 0);
  EXPECT_EQ(data, std::vector<float>(10, 0.0f));
  initializeParam({InitKind::Ones, 0, 0}, data.data(), 10, 1, 0);
  EXPECT_EQ(data, std::vector<float>(10, 1.0f));
}

TEST(Init, GlorotUniformBoundsAndSpread) {
  const int64_t n = 784 * 256;
  std::vector<float> w(n);
  initializeParam({InitKind::GlorotUniform, 784, 256}, w.data(), n, 42, 0);
  double limit = std::sqrt(6.0 / (784 + 256));
  double sum = 0, sumSq = 0;
  for (float v : w) {
    ASSERT_LE(std::fabs(v), limit);
    sum += v;
    sumSq += static_cast<double>(v) * v;
  }
  EXPECT_NEAR(sum / n, 0.0, 0.002);
  // The variance of U(-a, a) is a^2 / 3.
  EXPECT_NEAR(sumSq / n, limit * limit / 3, 0.05 * limit * limit / 3);
}

TEST(Init, HeNormalAndNormalMoments) {
  const int64_t n = 100000;
  std::vector<float> w(n);
  initializeParam({InitKind::HeNormal, 50, 0}, w.data(), n, 1, 3);
  double sumSq = 0;
  for (float v : w)
    sumSq += static_cast<double>(v) * v;
  EXPECT_NEAR(sumSq / n, 2.0 / 50, 0.002);

  initializeParam({InitKind::Normal, 3, 0.5}, w.data(), n, 1, 3);
  double sum = 0;
  for (float v : w)
    sum += v;
  EXPECT_NEAR(sum / n, 3.0, 0.01);

  initializeParam({InitKind::Uniform, -2, -1}, w.data(), n, 1, 3);
  for (float v : w) {
    ASSERT_GE(v, -2.0f);
    ASSERT_LE(v, -1.0f);
  }
}

TEST(Init, StreamsDependOnSeedAndParamIndex) {
  std::vector<float> a(64), b(64), c(64), d(64);
  ParamInit init{InitKind::GlorotUniform, 8, 8};
  initializeParam(init, a.data(), 64, 42, 0);
  initializeParam(init, b.data(), 64, 42, 0);
  initializeParam(init, c.data(), 64, 42, 1);
  initializeParam(init, d.data(), 64, 43, 0);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  EXPECT_NE(a, d);
}

TEST(Shuffle, EpochShufflesAreRandomPermutationsOfTheirStream) {
  Rng rng = Rng::forStream(3, RandomPurpose::Shuffle, 2);
  std::vector<int64_t> direct = randomPermutation(50, rng);
  EXPECT_EQ(direct, shufflePermutation(50, 3, 2));
  Rng other = Rng::forStream(3, RandomPurpose::ValidSplit, 0);
  EXPECT_NE(randomPermutation(50, other), direct);
  EXPECT_TRUE(randomPermutation(0, other).empty());
}
