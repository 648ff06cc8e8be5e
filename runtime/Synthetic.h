//===- Synthetic.h - Generated data sets from a random teacher ------------===//
//
// `data <split> synthetic <n> <features> <classes> <seed>` needs no files:
// n examples x ~ N(0, 1)^features are labelled by a fixed random linear
// "teacher" T ~ N(0, 1)^[features, k]. With classes = k > 0 the label is
// the class argmax_j (x·T)_j; with classes = 0 it is the f32 target
// x·T / sqrt(features) + N(0, 0.01²) noise, k being the label's size.
//
// The teacher depends on the seed only, the examples on the seed and the
// split, so a train and a test record with the same seed share the teacher
// and differ in their examples. docs/runtime.md gives the exact order of
// the random draws, so that other programs can reproduce the data.
//
//===----------------------------------------------------------------------===//
#ifndef GDC_RUNTIME_SYNTHETIC_H
#define GDC_RUNTIME_SYNTHETIC_H

#include "Dataset.h"

#include <cstdint>
#include <string>

namespace gdrt {

/// Standard deviation of the noise added to regression targets.
constexpr double kSyntheticNoise = 0.01;

/// The random stream of a split's examples: 0 for train, 1 for test.
uint64_t syntheticSplitStream(const std::string &split);

/// Generates `count` examples of `features` values. `classes` > 0 makes
/// class labels and must equal `labels.classes`; 0 makes targets of
/// `labels.targetSize()` values and needs `labels.targets`. `stream` is
/// syntheticSplitStream of the split.
bool makeSyntheticDataset(int64_t count, int64_t features, int64_t classes,
                          uint64_t seed, uint64_t stream,
                          const LabelFormat &labels, Dataset &out,
                          std::string &error);

} // namespace gdrt

#endif // GDC_RUNTIME_SYNTHETIC_H
