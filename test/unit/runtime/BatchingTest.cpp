//===- BatchingTest.cpp - Tests of cutting epochs into batches ------------===//

#include "Batching.h"
#include "Random.h"

#include <gtest/gtest.h>

using namespace gdrt;

TEST(Batching, CountsBatchesWithAPartialLastOne) {
  EXPECT_EQ(batchesPerEpoch(60000, 128), 469);
  EXPECT_EQ(batchesPerEpoch(60000, 100), 600);
  EXPECT_EQ(batchesPerEpoch(5, 10), 1);
  EXPECT_EQ(batchesPerEpoch(1, 1), 1);
  BatchRange last = batchRange(60000, 128, 468);
  EXPECT_EQ(last.begin, 468 * 128);
  EXPECT_EQ(last.size, 60000 % 128);
  EXPECT_EQ(batchRange(5, 10, 0).size, 5);
}

TEST(Batching, EveryExampleExactlyOncePerEpoch) {
  // 103 examples in batches of 10: ten full batches and one of 3.
  Dataset data;
  data.count = 103;
  data.exampleSize = 2;
  for (int64_t i = 0; i < data.count; ++i) {
    data.examples.push_back(static_cast<float>(i));
    data.examples.push_back(static_cast<float>(-i));
    data.labels.push_back(static_cast<int32_t>(i % 7));
  }
  for (bool shuffled : {false, true}) {
    std::vector<int64_t> order =
        shuffled ? shufflePermutation(data.count, 3, 1) : fileOrder(data.count);
    std::vector<int> seen(data.count, 0);
    std::vector<int64_t> visited;
    int64_t batches = batchesPerEpoch(data.count, 10);
    ASSERT_EQ(batches, 11);
    for (int64_t b = 0; b < batches; ++b) {
      BatchRange range = batchRange(data.count, 10, b);
      EXPECT_EQ(range.size, b + 1 < batches ? 10 : 3);
      std::vector<float> x(range.size * 2);
      std::vector<int32_t> y(range.size);
      gatherBatch(data, order, range, x.data(), y.data());
      for (int64_t i = 0; i < range.size; ++i) {
        int64_t example = static_cast<int64_t>(x[2 * i]);
        ASSERT_EQ(x[2 * i + 1], -x[2 * i]); // rows copied whole
        ASSERT_EQ(y[i], example % 7);       // labels travel with examples
        ++seen[example];
        visited.push_back(example);
      }
    }
    EXPECT_EQ(seen, std::vector<int>(data.count, 1));
    EXPECT_EQ(visited, order); // batches follow the epoch's order
  }
}
