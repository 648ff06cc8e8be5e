//===- Random.h - Seeded, portable random numbers and shuffles ------------===//
//
// Training must be reproducible from its seed on any machine and standard
// library, so nothing here uses std::*_distribution (whose algorithms differ
// between implementations): the generator is xoshiro256** seeded through
// splitmix64, and floats, normals and bounded integers are derived by hand.
//
//===----------------------------------------------------------------------===//
#ifndef GDC_RUNTIME_RANDOM_H
#define GDC_RUNTIME_RANDOM_H

#include <cstdint>
#include <vector>

namespace gdrt {

/// One step of splitmix64: advances `state` and returns a well-mixed value.
uint64_t splitmix64(uint64_t &state);

/// Independent streams for different purposes drawn from one user seed.
enum class RandomPurpose : uint64_t {
  ParamInit = 1,         ///< index: the parameter's position in the manifest
  Shuffle = 2,           ///< index: the 1-based epoch
  ValidSplit = 3,        ///< index: 0; the one shuffle behind `valid`
  SyntheticTeacher = 4,  ///< index: 0; the teacher of synthetic data
  SyntheticExamples = 5, ///< index: the split, 0 train or 1 test
};

/// xoshiro256** (Blackman & Vigna): fast, 256 bits of state, passes BigCrush.
class Rng {
public:
  /// A generator whose state is expanded from `seed` with splitmix64.
  explicit Rng(uint64_t seed);

  /// A generator for stream (`purpose`, `index`) under `seed`; different
  /// streams are statistically independent for practical purposes.
  static Rng forStream(uint64_t seed, RandomPurpose purpose, uint64_t index);

  /// 64 uniformly random bits.
  uint64_t next();
  /// Uniform in [0, 1) with 53 random bits.
  double uniform();
  /// Standard normal N(0, 1) by the Box–Muller transform.
  double normal();
  /// Uniform integer in [0, bound), bound > 0, without modulo bias.
  uint64_t below(uint64_t bound);

private:
  uint64_t s[4];
  bool haveSpareNormal = false;
  double spareNormal = 0;
};

/// A uniformly random permutation of 0..count-1 drawn from `rng` by
/// Fisher–Yates: for i from count-1 down to 1, swap positions i and
/// rng.below(i + 1).
std::vector<int64_t> randomPermutation(int64_t count, Rng &rng);

/// The order in which epoch `epoch` visits `count` examples: a uniformly
/// random permutation of 0..count-1 (randomPermutation on the stream
/// (seed, Shuffle, epoch)), a function of (seed, epoch) only.
std::vector<int64_t> shufflePermutation(int64_t count, uint64_t seed,
                                        uint64_t epoch);

} // namespace gdrt

#endif // GDC_RUNTIME_RANDOM_H
