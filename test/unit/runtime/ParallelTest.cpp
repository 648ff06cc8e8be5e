//===- ParallelTest.cpp - gdrt_parallel_for --------------------------------===//
#include "Parallel.h"

#include <gtest/gtest.h>

#include <atomic>
#include <vector>
#if defined(__x86_64__) || defined(__SSE__)
#include <xmmintrin.h>
#endif

extern "C" {
void omp_set_num_threads(int threads);
int omp_get_max_threads(void);
int omp_get_thread_num(void);
void GOMP_parallel(void (*fn)(void *), void *data, unsigned numThreads, unsigned flags);
}

namespace {

constexpr int64_t kLarge = gdrt::kMinParallelWork;

/// Records, per index, how often it ran and on which thread.
struct Coverage {
  explicit Coverage(int64_t n) : runs(n), thread(n, -1) {}
  std::vector<std::atomic<int>> runs;
  std::vector<int> thread;
  std::atomic<int> calls{0};
  std::vector<std::pair<int64_t, int64_t>> shares = std::vector<std::pair<int64_t, int64_t>>(64);
};

void cover(void *context, int64_t begin, int64_t end) {
  auto &coverage = *static_cast<Coverage *>(context);
  int call = coverage.calls++;
  coverage.shares[call] = {begin, end};
  for (int64_t i = begin; i < end; ++i) {
    ++coverage.runs[i];
    coverage.thread[i] = omp_get_thread_num();
  }
}

/// Restores the pool's size after each test.
class ParallelForTest : public ::testing::Test {
protected:
  void SetUp() override { saved = omp_get_max_threads(); }
  void TearDown() override { omp_set_num_threads(saved); }
  int saved = 1;
};

TEST_F(ParallelForTest, EveryIterationRunsOnceInContiguousShares) {
  for (int threads : {1, 2, 3, 5}) {
    omp_set_num_threads(threads);
    for (int64_t n : {2, 3, 7, 1000, 1001}) {
      Coverage coverage(n + 10);
      gdrt_parallel_for(cover, &coverage, 10, n + 10, kLarge);
      for (int64_t i = 0; i < n + 10; ++i)
        ASSERT_EQ(coverage.runs[i], i >= 10 ? 1 : 0)
            << "index " << i << " of [10, " << n + 10 << ") on " << threads << " threads";
      int expected = int(std::min<int64_t>(threads, n));
      EXPECT_EQ(coverage.calls, expected) << n << " iterations, " << threads << " threads";
      // Shares differ in length by at most one.
      int64_t shortest = INT64_MAX, longest = 0;
      for (int call = 0; call < coverage.calls; ++call) {
        int64_t length = coverage.shares[call].second - coverage.shares[call].first;
        shortest = std::min(shortest, length);
        longest = std::max(longest, length);
      }
      EXPECT_LE(longest - shortest, 1);
    }
  }
}

TEST_F(ParallelForTest, ASmallLoopRunsOnTheCallersThread) {
  omp_set_num_threads(2);
  Coverage coverage(100);
  gdrt_parallel_for(cover, &coverage, 0, 100, kLarge - 1);
  EXPECT_EQ(coverage.calls, 1);
  EXPECT_EQ(coverage.shares[0], std::make_pair(int64_t(0), int64_t(100)));
}

TEST_F(ParallelForTest, AnEmptyOrReversedRangeRunsNothing) {
  omp_set_num_threads(2);
  Coverage coverage(4);
  gdrt_parallel_for(cover, &coverage, 3, 3, kLarge);
  gdrt_parallel_for(cover, &coverage, 3, 1, kLarge);
  EXPECT_EQ(coverage.calls, 0);
}

TEST_F(ParallelForTest, InsideAParallelRegionTheLoopRunsOnItsThread) {
  omp_set_num_threads(2);
  struct Nested {
    Coverage coverage{200};
  } nested;
  // Each of the region's two threads runs a loop over its own half.
  GOMP_parallel(
      [](void *data) {
        auto &n = *static_cast<Nested *>(data);
        int64_t half = omp_get_thread_num() * 100;
        gdrt_parallel_for(cover, &n.coverage, half, half + 100, kLarge);
      },
      &nested, 2, 0);
  EXPECT_EQ(nested.coverage.calls, 2);
  for (int64_t i = 0; i < 200; ++i)
    EXPECT_EQ(nested.coverage.runs[i], 1);
}

#if defined(__x86_64__) || defined(__SSE__)
/// Each share records the floating-point mode it computed in.
std::atomic<unsigned> modes[8];

void recordMode(void *, int64_t begin, int64_t end) {
  (void)end;
  modes[begin] = _mm_getcsr();
}

TEST_F(ParallelForTest, EveryThreadComputesInTheCallersFloatingPointMode) {
  omp_set_num_threads(2);
  unsigned saved = _mm_getcsr();
  unsigned flushing = saved | 0x8040; // FTZ and DAZ, as the step runs
  _mm_setcsr(flushing);
  gdrt_parallel_for(recordMode, nullptr, 0, 2, kLarge);
  _mm_setcsr(saved);
  EXPECT_EQ(modes[0] & 0x8040, 0x8040u);
  EXPECT_EQ(modes[1] & 0x8040, 0x8040u);
  // And the pool's threads go back to their own mode afterwards.
  gdrt_parallel_for(recordMode, nullptr, 0, 2, kLarge);
  EXPECT_EQ(modes[0] & 0x8040, saved & 0x8040);
  EXPECT_EQ(modes[1] & 0x8040, saved & 0x8040);
}
#endif

} // namespace
