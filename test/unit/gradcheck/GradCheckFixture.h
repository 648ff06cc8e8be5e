//===- GradCheckFixture.h - The GradCheck test fixture ------------*- C++ -*-===//
//
// Shared by the gradient-check cases (GradCheckTest.cpp, and the windowed
// ops' in GradCheckWindowTest.cpp): a lens module around a block, and
// random inputs drawn away from the kinks.
//
//===----------------------------------------------------------------------===//
#ifndef GDC_TEST_UNIT_GRADCHECK_GRADCHECKFIXTURE_H
#define GDC_TEST_UNIT_GRADCHECK_GRADCHECKFIXTURE_H

#include "GradCheckHarness.h"

#include <algorithm>
#include <numeric>

namespace gdc::gradcheck {

constexpr int64_t kBatch = 3;

/// A module with one lens @f taking parameters `params` (named in that
/// order) and `numInputs` inputs; `block` is its forward region's block,
/// from `^bb0(...)` to `gd.yield`.
inline std::string lensModule(const std::vector<std::string> &params,
                       unsigned numInputs, const std::string &block) {
  std::string names, inits;
  for (size_t i = 0; i < params.size(); ++i) {
    names += (i ? ", \"" : "\"") + params[i] + "\"";
    inits += i ? ", \"zeros\"" : "\"zeros\"";
  }
  return "gd.lens @f attributes {num_inputs = " + std::to_string(numInputs) +
         " : i64, param_inits = [" + inits + "], param_names = [" + names +
         "]} forward {\n" + block + "} backward {\n}\n";
}

/// `shape` with the batch dimension in front.
inline std::vector<int64_t> batched(std::vector<int64_t> shape) {
  shape.insert(shape.begin(), kBatch);
  return shape;
}

class GradCheck : public testing::Test {
protected:
  std::mt19937_64 rng{20261122};

  double draw(double lo, double hi) {
    return std::uniform_real_distribution<double>(lo, hi)(rng);
  }
  double sign() { return draw(0, 1) < 0.5 ? -1.0 : 1.0; }

  Tensor uniform(std::vector<int64_t> shape, double lo = -1, double hi = 1) {
    Tensor t = Tensor::zeros(std::move(shape));
    for (double &v : t.data)
      v = draw(lo, hi);
    return t;
  }

  /// Values of magnitude in [lo, hi] and random sign: away from 0.
  Tensor awayFromZero(std::vector<int64_t> shape, double lo = 0.3,
                      double hi = 1.5) {
    Tensor t = uniform(std::move(shape), lo, hi);
    for (double &v : t.data)
      v *= sign();
    return t;
  }

  /// A batch shaped [kBatch, base.shape...] whose entries differ from the
  /// matching entry of `base` by 0.1 to 1 either way: far from any tie.
  Tensor awayFrom(const Tensor &base) {
    Tensor t = Tensor::zeros(batched(base.shape));
    for (size_t i = 0; i < t.data.size(); ++i)
      t.data[i] = base.data[i % base.data.size()] + sign() * draw(0.1, 1.0);
    return t;
  }

  /// Pairwise distinct values at least 0.2 apart, in random order.
  Tensor distinct(std::vector<int64_t> shape) {
    Tensor t = Tensor::zeros(std::move(shape));
    std::vector<int64_t> order(t.data.size());
    std::iota(order.begin(), order.end(), 0);
    std::shuffle(order.begin(), order.end(), rng);
    double mid = 0.5 * t.data.size();
    for (size_t i = 0; i < t.data.size(); ++i)
      t.data[i] = 0.3 * (order[i] - mid) + draw(-0.05, 0.05);
    return t;
  }

  /// Values k + u with k an integer in [-2, 2] and u in [0.2, 0.8]: away
  /// from the jumps of floor, ceil and a remainder.
  Tensor awayFromIntegers(std::vector<int64_t> shape) {
    Tensor t = Tensor::zeros(std::move(shape));
    for (double &v : t.data)
      v = std::uniform_int_distribution<int>(-2, 2)(rng) + draw(0.2, 0.8);
    return t;
  }

  /// Integer labels in [0, n).
  Tensor labels(std::vector<int64_t> shape, int64_t n) {
    Tensor t = Tensor::zeros(std::move(shape));
    for (double &v : t.data)
      v = std::uniform_int_distribution<int64_t>(0, n - 1)(rng);
    return t;
  }

  void check(const std::string &module, const std::vector<Tensor> &args,
             const GradCheckOptions &options = {}) {
    std::string error;
    std::unique_ptr<CompiledLens> lens = CompiledLens::compile(module, error);
    ASSERT_TRUE(lens) << error;
    EXPECT_TRUE(checkGradients(*lens, args, rng, options));
  }
};

} // namespace gdc::gradcheck

#endif // GDC_TEST_UNIT_GRADCHECK_GRADCHECKFIXTURE_H
