//===- ValidationSplitTest.cpp - Tests of the held-out validation split ---===//

#include "ValidationSplit.h"

#include "Random.h"

#include <algorithm>
#include <gtest/gtest.h>

using namespace gdrt;

TEST(ValidationSplit, HoldsOutTheCeilingOfTheFraction) {
  EXPECT_EQ(validationCount(100, 0.2), 20);
  EXPECT_EQ(validationCount(30, 0.1), 3); // although 0.1 * 30 > 3 in double
  EXPECT_EQ(validationCount(10, 0.7), 7);
  EXPECT_EQ(validationCount(101, 0.2), 21); // 20.2 rounds up
  EXPECT_EQ(validationCount(7, 0.01), 1);   // never nothing
  EXPECT_EQ(validationCount(3, 0.999), 3);
  EXPECT_EQ(validationCount(60000, 1.0 / 6), 10000);
}

TEST(ValidationSplit, DisjointCompleteSortedAndSized) {
  SplitIndices split = validationSplit(1000, 0.25, 42);
  EXPECT_EQ(split.valid.size(), 250u);
  EXPECT_EQ(split.train.size(), 750u);
  EXPECT_TRUE(std::is_sorted(split.train.begin(), split.train.end()));
  EXPECT_TRUE(std::is_sorted(split.valid.begin(), split.valid.end()));
  std::vector<int64_t> all = split.train;
  all.insert(all.end(), split.valid.begin(), split.valid.end());
  std::sort(all.begin(), all.end());
  std::vector<int64_t> identity(1000);
  for (int64_t i = 0; i < 1000; ++i)
    identity[i] = i;
  EXPECT_EQ(all, identity); // each example in exactly one part
}

TEST(ValidationSplit, FixedBySeedAndNotTheFilesTail) {
  SplitIndices a = validationSplit(1000, 0.1, 7);
  SplitIndices b = validationSplit(1000, 0.1, 7);
  EXPECT_EQ(a.valid, b.valid);
  EXPECT_EQ(a.train, b.train);
  EXPECT_NE(a.valid, validationSplit(1000, 0.1, 8).valid);
  // Not the last 100 examples: spread over the file.
  EXPECT_LT(a.valid.front(), 500);
  EXPECT_GT(a.valid.back(), 500);
  // Exactly the documented draw: the tail of one permutation.
  Rng rng = Rng::forStream(7, RandomPurpose::ValidSplit, 0);
  std::vector<int64_t> order = randomPermutation(1000, rng);
  std::vector<int64_t> tail(order.end() - 100, order.end());
  std::sort(tail.begin(), tail.end());
  EXPECT_EQ(a.valid, tail);
  // And no epoch's shuffle.
  std::vector<int64_t> epoch = shufflePermutation(1000, 7, 1);
  std::vector<int64_t> epochTail(epoch.end() - 100, epoch.end());
  std::sort(epochTail.begin(), epochTail.end());
  EXPECT_NE(a.valid, epochTail);
}

TEST(ValidationSplit, MayLeaveNothingToTrainOn) {
  // The trainer reports this; the split itself just says so.
  SplitIndices split = validationSplit(1, 0.5, 0);
  EXPECT_EQ(split.valid, std::vector<int64_t>{0});
  EXPECT_TRUE(split.train.empty());
}
