//===- Random.cpp - Seeded, portable random numbers and shuffles ----------===//

#include "Random.h"

#include <cmath>
#include <utility>

namespace gdrt {

uint64_t splitmix64(uint64_t &state) {
  uint64_t z = (state += UINT64_C(0x9E3779B97F4A7C15));
  z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
  z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
  return z ^ (z >> 31);
}

Rng::Rng(uint64_t seed) {
  uint64_t state = seed;
  for (uint64_t &word : s)
    word = splitmix64(state);
  // splitmix64 is a bijection of its counter, so the four words cannot all
  // be zero (xoshiro's one forbidden state).
}

Rng Rng::forStream(uint64_t seed, RandomPurpose purpose, uint64_t index) {
  // Hash (seed, purpose, index) through splitmix64 one word at a time;
  // each step mixes fully, so nearby tuples give unrelated seeds.
  uint64_t state = seed;
  uint64_t mixed = splitmix64(state);
  state = mixed ^ static_cast<uint64_t>(purpose);
  mixed = splitmix64(state);
  state = mixed ^ index;
  return Rng(splitmix64(state));
}

static inline uint64_t rotateLeft(uint64_t x, int k) {
  return (x << k) | (x >> (64 - k));
}

uint64_t Rng::next() {
  uint64_t result = rotateLeft(s[1] * 5, 7) * 9;
  uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotateLeft(s[3], 45);
  return result;
}

double Rng::uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

double Rng::normal() {
  if (haveSpareNormal) {
    haveSpareNormal = false;
    return spareNormal;
  }
  // u1 in (0, 1] keeps the logarithm finite.
  double u1 = 1.0 - uniform();
  double u2 = uniform();
  double radius = std::sqrt(-2.0 * std::log(u1));
  const double twoPi = 6.283185307179586476925286766559;
  double angle = twoPi * u2;
  spareNormal = radius * std::sin(angle);
  haveSpareNormal = true;
  return radius * std::cos(angle);
}

uint64_t Rng::below(uint64_t bound) {
  // Rejection as in OpenBSD's arc4random_uniform: values below 2^64 mod
  // bound would make the low residues more likely, so they are redrawn
  // (with probability < bound / 2^64, in practice never).
  uint64_t threshold = (0 - bound) % bound;
  while (true) {
    uint64_t value = next();
    if (value >= threshold)
      return value % bound;
  }
}

std::vector<int64_t> randomPermutation(int64_t count, Rng &rng) {
  std::vector<int64_t> order(static_cast<size_t>(count > 0 ? count : 0));
  for (int64_t i = 0; i < count; ++i)
    order[i] = i;
  for (int64_t i = count - 1; i > 0; --i) {
    int64_t j = static_cast<int64_t>(rng.below(static_cast<uint64_t>(i) + 1));
    std::swap(order[i], order[j]);
  }
  return order;
}

std::vector<int64_t> shufflePermutation(int64_t count, uint64_t seed,
                                        uint64_t epoch) {
  Rng rng = Rng::forStream(seed, RandomPurpose::Shuffle, epoch);
  return randomPermutation(count, rng);
}

} // namespace gdrt
