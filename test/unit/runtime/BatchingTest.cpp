//===- BatchingTest.cpp - Tests of cutting epochs into batches ------------===//

#include "Batching.h"
#include "Parallel.h"
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

extern "C" void omp_set_num_threads(int threads);

TEST(Batching, ALargeBatchIsGatheredRowForRowOnSeveralThreads) {
  // 300 rows of 1000 floats: large enough that the gather is shared among
  // the pool's threads, each row still copied whole to its place.
  omp_set_num_threads(3);
  static_assert(300 * 1000 >= kMinParallelWork, "a batch the pool shares");
  for (bool targets : {false, true}) {
    Dataset data;
    data.count = 500;
    data.exampleSize = 1000;
    data.targetSize = targets ? 3 : 0;
    for (int64_t i = 0; i < data.count; ++i) {
      for (int64_t j = 0; j < data.exampleSize; ++j)
        data.examples.push_back(static_cast<float>(i * 10000 + j));
      if (targets)
        for (int64_t j = 0; j < 3; ++j)
          data.targets.push_back(static_cast<float>(-i * 10 - j));
      else
        data.labels.push_back(static_cast<int32_t>(i));
    }
    std::vector<int64_t> order = shufflePermutation(data.count, 7, 1);
    BatchRange range{100, 300};
    std::vector<float> x(300 * 1000, -1.0f);
    std::vector<int32_t> labels(300, -1);
    std::vector<float> y(300 * 3, 1.0f);
    if (targets)
      gatherBatch(data, order, range, x.data(), y.data());
    else
      gatherBatch(data, order, range, x.data(), labels.data());
    for (int64_t i = 0; i < 300; ++i) {
      int64_t example = order[100 + i];
      for (int64_t j = 0; j < 1000; ++j)
        ASSERT_EQ(x[i * 1000 + j], static_cast<float>(example * 10000 + j)) << "row " << i;
      if (targets)
        for (int64_t j = 0; j < 3; ++j)
          ASSERT_EQ(y[i * 3 + j], static_cast<float>(-example * 10 - j));
      else
        ASSERT_EQ(labels[i], example);
    }
  }
  omp_set_num_threads(2);
}
