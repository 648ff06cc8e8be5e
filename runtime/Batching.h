//===- Batching.h - Cutting an epoch into batches -------------------------===//
//
// An epoch visits every example exactly once, in an order given by a
// permutation. Consecutive runs of `batch` positions of that order form the
// batches; the last one holds the remaining count % batch examples and is a
// real, smaller batch (the batch dimension of the model is dynamic), so no
// example is dropped or seen twice.
//
//===----------------------------------------------------------------------===//
#ifndef GDC_RUNTIME_BATCHING_H
#define GDC_RUNTIME_BATCHING_H

#include "Dataset.h"

#include <cstdint>
#include <vector>

namespace gdrt {

/// A batch as a range of positions in the epoch's visiting order.
struct BatchRange {
  int64_t begin = 0;
  int64_t size = 0;
};

/// Number of batches in an epoch of `count` examples: ceil(count / batch).
int64_t batchesPerEpoch(int64_t count, int64_t batch);

/// Batch `index` (0-based) of an epoch of `count` examples.
BatchRange batchRange(int64_t count, int64_t batch, int64_t index);

/// The identity order 0..count-1 (`--shuffle off`: file order).
std::vector<int64_t> fileOrder(int64_t count);

/// Copies the examples and class labels at `order[range]` into the
/// contiguous buffers `x` ([range.size, exampleSize]) and `y`
/// ([range.size, labelsPerExample]). For a data set of class labels.
void gatherBatch(const Dataset &data, const std::vector<int64_t> &order,
                 BatchRange range, float *x, int32_t *y);

/// The same for a data set of f32 targets: `y` is [range.size, targetSize].
void gatherBatch(const Dataset &data, const std::vector<int64_t> &order,
                 BatchRange range, float *x, float *y);

} // namespace gdrt

#endif // GDC_RUNTIME_BATCHING_H
