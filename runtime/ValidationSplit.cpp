//===- ValidationSplit.cpp - Holding out part of the training set ---------===//

#include "ValidationSplit.h"

#include "Random.h"

#include <algorithm>
#include <cmath>

namespace gdrt {

int64_t validationCount(int64_t count, double fraction) {
  double exact = fraction * static_cast<double>(count);
  double nearest = std::round(exact);
  // Products within rounding error of a whole number are that number.
  if (std::fabs(exact - nearest) <= 1e-9 * std::max(1.0, exact))
    return static_cast<int64_t>(nearest);
  return static_cast<int64_t>(std::ceil(exact));
}

SplitIndices validationSplit(int64_t count, double fraction, uint64_t seed) {
  Rng rng = Rng::forStream(seed, RandomPurpose::ValidSplit, 0);
  std::vector<int64_t> order = randomPermutation(count, rng);
  int64_t held = std::min(validationCount(count, fraction), count);
  SplitIndices split;
  split.train.assign(order.begin(), order.end() - held);
  split.valid.assign(order.end() - held, order.end());
  // File order within each part keeps `--shuffle off` meaningful.
  std::sort(split.train.begin(), split.train.end());
  std::sort(split.valid.begin(), split.valid.end());
  return split;
}

} // namespace gdrt
