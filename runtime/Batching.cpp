//===- Batching.cpp - Cutting an epoch into batches -----------------------===//

#include "Batching.h"
#include "Parallel.h"

#include <algorithm>
#include <cstring>

namespace gdrt {

int64_t batchesPerEpoch(int64_t count, int64_t batch) {
  // Without `count + batch - 1`, which overflows for a huge batch.
  return count / batch + (count % batch != 0);
}

BatchRange batchRange(int64_t count, int64_t batch, int64_t index) {
  BatchRange range;
  range.begin = index * batch;
  range.size = std::min(batch, count - range.begin);
  return range;
}

std::vector<int64_t> fileOrder(int64_t count) {
  std::vector<int64_t> order(static_cast<size_t>(count));
  for (int64_t i = 0; i < count; ++i)
    order[i] = i;
  return order;
}

/// Copies row `example` of the [*, size] matrix `from` to row `i` of `to`.
static void copyRow(const float *from, int64_t example, int64_t size, float *to,
                    int64_t i) {
  std::memcpy(to + i * size, from + example * size,
              static_cast<size_t>(size) * sizeof(float));
}

namespace {

/// One batch's gather, shared by rows among the threads of the pool: a
/// large batch's copy is memory-bound, and took a fifth of a logistic
/// regression's step on one thread.
template <typename Label> struct Gather {
  const Dataset &data;
  const std::vector<int64_t> &order;
  BatchRange range;
  float *x;
  Label *y;

  void rows(int64_t begin, int64_t end) const;

  void run() const {
    // A copied element is a load and a store: two iterations, as the
    // compiler counts a copy loop's (gd-outline-parallel-loops).
    int64_t work = 2 * range.size * (data.exampleSize + data.labelsPerExample + data.targetSize);
    gdrt_parallel_for(
        [](void *self, int64_t begin, int64_t end) {
          static_cast<const Gather *>(self)->rows(begin, end);
        },
        const_cast<Gather *>(this), 0, range.size, work);
  }
};

template <> void Gather<int32_t>::rows(int64_t begin, int64_t end) const {
  for (int64_t i = begin; i < end; ++i) {
    int64_t example = order[range.begin + i];
    copyRow(data.examples.data(), example, data.exampleSize, x, i);
    std::memcpy(y + i * data.labelsPerExample, data.labels.data() + example * data.labelsPerExample,
                static_cast<size_t>(data.labelsPerExample) * sizeof(int32_t));
  }
}

template <> void Gather<float>::rows(int64_t begin, int64_t end) const {
  for (int64_t i = begin; i < end; ++i) {
    int64_t example = order[range.begin + i];
    copyRow(data.examples.data(), example, data.exampleSize, x, i);
    copyRow(data.targets.data(), example, data.targetSize, y, i);
  }
}

} // namespace

void gatherBatch(const Dataset &data, const std::vector<int64_t> &order,
                 BatchRange range, float *x, int32_t *y) {
  Gather<int32_t>{data, order, range, x, y}.run();
}

void gatherBatch(const Dataset &data, const std::vector<int64_t> &order,
                 BatchRange range, float *x, float *y) {
  Gather<float>{data, order, range, x, y}.run();
}

} // namespace gdrt
