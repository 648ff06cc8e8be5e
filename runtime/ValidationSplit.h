//===- ValidationSplit.h - Holding out part of the training set -----------===//
//
// `valid <fraction>` (or --valid) holds out the last ceil(fraction·n) of
// the n training examples after one shuffle drawn from the seed. The shuffle
// is drawn once, not per epoch, so the model never trains on a validation
// example; it is a shuffle, not the file's tail, because files are often
// sorted (by class, by date) and their tail would be no fair sample.
//
//===----------------------------------------------------------------------===//
#ifndef GDC_RUNTIME_VALIDATIONSPLIT_H
#define GDC_RUNTIME_VALIDATIONSPLIT_H

#include <cstdint>
#include <vector>

namespace gdrt {

/// ceil(fraction · count), read so that a decimal fraction whose product
/// is a whole number in decimal gives that number (0.1 of 30 is 3, although
/// the double 0.1 · 30 exceeds 3).
int64_t validationCount(int64_t count, double fraction);

/// Which examples train and which validate, each in ascending (file) order.
struct SplitIndices {
  std::vector<int64_t> train;
  std::vector<int64_t> valid;
};

/// The split of `count` examples: the permutation randomPermutation(count,
/// Rng::forStream(seed, ValidSplit, 0)); its last validationCount(count,
/// fraction) entries validate, the others train.
SplitIndices validationSplit(int64_t count, double fraction, uint64_t seed);

} // namespace gdrt

#endif // GDC_RUNTIME_VALIDATIONSPLIT_H
