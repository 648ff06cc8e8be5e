//===- GradCheckTest.cpp - Every reverse rule against finite differences --===//
//
// One test per gd op (and a few composites): a per-example f64 lens built
// around the op goes through gd-batch, gd-reverse-mode and the lowering, and
// its backward map must agree with central differences of its forward map,
// for a batch of kBatch examples. Inputs are drawn away from the kinks of
// max, min, select and reduce_max, and inside the domains of log and sqrt.
//
//===----------------------------------------------------------------------===//
#include "GradCheckFixture.h"

#include <algorithm>
#include <cmath>
#include <numeric>

using namespace gdc::gradcheck;

namespace {

/// The smallest |x W + b| over the batch: the distance of a dense layer's
/// pre-activations from relu's kink.
double minPreactivation(const Tensor &x, const Tensor &w, const Tensor &b) {
  int64_t examples = x.shape[0], in = w.shape[0], out = w.shape[1];
  double least = INFINITY;
  for (int64_t e = 0; e < examples; ++e)
    for (int64_t j = 0; j < out; ++j) {
      double z = b.data[j];
      for (int64_t k = 0; k < in; ++k)
        z += x.data[e * in + k] * w.data[k * out + j];
      least = std::min(least, std::fabs(z));
    }
  return least;
}

//===----------------------------------------------------------------------===//
// Elementwise binary ops
//===----------------------------------------------------------------------===//

TEST_F(GradCheck, Add) {
  check(lensModule({"a"}, 1, R"(
^bb0(%a: tensor<3x4xf64>, %x: tensor<3x4xf64>):
  %0 = gd.add %a, %x : tensor<3x4xf64>, tensor<3x4xf64> -> tensor<3x4xf64>
  %1 = gd.mul %0, %x : tensor<3x4xf64>, tensor<3x4xf64> -> tensor<3x4xf64>
  gd.yield %1 : tensor<3x4xf64>
)"),
        {uniform({3, 4}), uniform(batched({3, 4}))});
}

TEST_F(GradCheck, Sub) {
  check(lensModule({"a"}, 1, R"(
^bb0(%a: tensor<3x4xf64>, %x: tensor<3x4xf64>):
  %0 = gd.sub %a, %x : tensor<3x4xf64>, tensor<3x4xf64> -> tensor<3x4xf64>
  gd.yield %0 : tensor<3x4xf64>
)"),
        {uniform({3, 4}), uniform(batched({3, 4}))});
}

TEST_F(GradCheck, Mul) {
  check(lensModule({"a"}, 1, R"(
^bb0(%a: tensor<4xf64>, %x: tensor<4xf64>):
  %0 = gd.mul %a, %x : tensor<4xf64>, tensor<4xf64> -> tensor<4xf64>
  gd.yield %0 : tensor<4xf64>
)"),
        {uniform({4}), uniform(batched({4}))});
}

TEST_F(GradCheck, Div) {
  check(lensModule({"a"}, 1, R"(
^bb0(%a: tensor<4xf64>, %x: tensor<4xf64>):
  %0 = gd.div %x, %a : tensor<4xf64>, tensor<4xf64> -> tensor<4xf64>
  gd.yield %0 : tensor<4xf64>
)"),
        {awayFromZero({4}), uniform(batched({4}))});
}

TEST_F(GradCheck, PowConstantExponent) {
  check(lensModule({}, 1, R"(
^bb0(%x: tensor<4xf64>):
  %c = gd.constant dense<3.0> : tensor<f64>
  %0 = gd.pow %x, %c : tensor<4xf64>, tensor<f64> -> tensor<4xf64>
  gd.yield %0 : tensor<4xf64>
)"),
        {awayFromZero(batched({4}))});
}

TEST_F(GradCheck, PowConstantSquare) {
  // x^2 is lowered as x*x; its derivative still goes through pow.
  check(lensModule({"a"}, 1, R"(
^bb0(%a: tensor<4xf64>, %x: tensor<4xf64>):
  %c = gd.constant dense<2.0> : tensor<f64>
  %0 = gd.sub %x, %a : tensor<4xf64>, tensor<4xf64> -> tensor<4xf64>
  %1 = gd.pow %0, %c : tensor<4xf64>, tensor<f64> -> tensor<4xf64>
  gd.yield %1 : tensor<4xf64>
)"),
        {uniform({4}), uniform(batched({4}))});
}

TEST_F(GradCheck, PowConstantFractionalExponent) {
  check(lensModule({}, 1, R"(
^bb0(%x: tensor<4xf64>):
  %c = gd.constant dense<2.5> : tensor<f64>
  %0 = gd.pow %x, %c : tensor<4xf64>, tensor<f64> -> tensor<4xf64>
  gd.yield %0 : tensor<4xf64>
)"),
        {uniform(batched({4}), 0.3, 2.0)});
}

TEST_F(GradCheck, PowVariableExponent) {
  check(lensModule({"a"}, 1, R"(
^bb0(%a: tensor<4xf64>, %x: tensor<4xf64>):
  %0 = gd.pow %x, %a : tensor<4xf64>, tensor<4xf64> -> tensor<4xf64>
  gd.yield %0 : tensor<4xf64>
)"),
        {uniform({4}, -1.5, 1.5), uniform(batched({4}), 0.3, 2.0)});
}

TEST_F(GradCheck, Max) {
  Tensor a = uniform({4});
  check(lensModule({"a"}, 1, R"(
^bb0(%a: tensor<4xf64>, %x: tensor<4xf64>):
  %0 = gd.max %x, %a : tensor<4xf64>, tensor<4xf64> -> tensor<4xf64>
  gd.yield %0 : tensor<4xf64>
)"),
        {a, awayFrom(a)});
}

TEST_F(GradCheck, Min) {
  Tensor a = uniform({4});
  check(lensModule({"a"}, 1, R"(
^bb0(%a: tensor<4xf64>, %x: tensor<4xf64>):
  %0 = gd.min %x, %a : tensor<4xf64>, tensor<4xf64> -> tensor<4xf64>
  gd.yield %0 : tensor<4xf64>
)"),
        {a, awayFrom(a)});
}

//===----------------------------------------------------------------------===//
// Elementwise unary ops, each applied to a * x so that a parameter's
// cotangent also flows through the rule
//===----------------------------------------------------------------------===//

TEST_F(GradCheck, Neg) {
  check(lensModule({"a"}, 1, R"(
^bb0(%a: tensor<4xf64>, %x: tensor<4xf64>):
  %0 = gd.mul %a, %x : tensor<4xf64>, tensor<4xf64> -> tensor<4xf64>
  %1 = gd.neg %0 : tensor<4xf64>
  gd.yield %1 : tensor<4xf64>
)"),
        {uniform({4}), uniform(batched({4}))});
}

TEST_F(GradCheck, Exp) {
  check(lensModule({"a"}, 1, R"(
^bb0(%a: tensor<4xf64>, %x: tensor<4xf64>):
  %0 = gd.mul %a, %x : tensor<4xf64>, tensor<4xf64> -> tensor<4xf64>
  %1 = gd.exp %0 : tensor<4xf64>
  gd.yield %1 : tensor<4xf64>
)"),
        {uniform({4}), uniform(batched({4}))});
}

TEST_F(GradCheck, Log) {
  check(lensModule({"a"}, 1, R"(
^bb0(%a: tensor<4xf64>, %x: tensor<4xf64>):
  %0 = gd.mul %a, %x : tensor<4xf64>, tensor<4xf64> -> tensor<4xf64>
  %1 = gd.log %0 : tensor<4xf64>
  gd.yield %1 : tensor<4xf64>
)"),
        {uniform({4}, 0.5, 2.0), uniform(batched({4}), 0.5, 2.0)});
}

TEST_F(GradCheck, Sqrt) {
  check(lensModule({"a"}, 1, R"(
^bb0(%a: tensor<4xf64>, %x: tensor<4xf64>):
  %0 = gd.mul %a, %x : tensor<4xf64>, tensor<4xf64> -> tensor<4xf64>
  %1 = gd.sqrt %0 : tensor<4xf64>
  gd.yield %1 : tensor<4xf64>
)"),
        {uniform({4}, 0.5, 2.0), uniform(batched({4}), 0.5, 2.0)});
}

TEST_F(GradCheck, Tanh) {
  check(lensModule({"a"}, 1, R"(
^bb0(%a: tensor<4xf64>, %x: tensor<4xf64>):
  %0 = gd.mul %a, %x : tensor<4xf64>, tensor<4xf64> -> tensor<4xf64>
  %1 = gd.tanh %0 : tensor<4xf64>
  gd.yield %1 : tensor<4xf64>
)"),
        {uniform({4}, -1.5, 1.5), uniform(batched({4}), -1.5, 1.5)});
}

TEST_F(GradCheck, Sigmoid) {
  check(lensModule({"a"}, 1, R"(
^bb0(%a: tensor<4xf64>, %x: tensor<4xf64>):
  %0 = gd.mul %a, %x : tensor<4xf64>, tensor<4xf64> -> tensor<4xf64>
  %1 = gd.sigmoid %0 : tensor<4xf64>
  gd.yield %1 : tensor<4xf64>
)"),
        {uniform({4}, -2, 2), uniform(batched({4}), -2, 2)});
}

TEST_F(GradCheck, Sin) {
  check(lensModule({"a"}, 1, R"(
^bb0(%a: tensor<4xf64>, %x: tensor<4xf64>):
  %0 = gd.mul %a, %x : tensor<4xf64>, tensor<4xf64> -> tensor<4xf64>
  %1 = gd.sin %0 : tensor<4xf64>
  gd.yield %1 : tensor<4xf64>
)"),
        {uniform({4}, -2, 2), uniform(batched({4}), -2, 2)});
}

TEST_F(GradCheck, Cos) {
  check(lensModule({"a"}, 1, R"(
^bb0(%a: tensor<4xf64>, %x: tensor<4xf64>):
  %0 = gd.mul %a, %x : tensor<4xf64>, tensor<4xf64> -> tensor<4xf64>
  %1 = gd.cos %0 : tensor<4xf64>
  gd.yield %1 : tensor<4xf64>
)"),
        {uniform({4}, -2, 2), uniform(batched({4}), -2, 2)});
}

TEST_F(GradCheck, Abs) {
  // a * x takes both signs across the batch; |.| is smooth away from 0.
  check(lensModule({"a"}, 1, R"(
^bb0(%a: tensor<4xf64>, %x: tensor<4xf64>):
  %0 = gd.mul %a, %x : tensor<4xf64>, tensor<4xf64> -> tensor<4xf64>
  %1 = gd.abs %0 : tensor<4xf64>
  gd.yield %1 : tensor<4xf64>
)"),
        {awayFromZero({4}), awayFromZero(batched({4}))});
}

TEST_F(GradCheck, SignHasNoDerivative) {
  // sign(a x) * x: the gradient is sign(a x) for x and 0 for a, which only
  // reaches a through sign; finite differences agree away from 0.
  check(lensModule({"a"}, 1, R"(
^bb0(%a: tensor<4xf64>, %x: tensor<4xf64>):
  %0 = gd.mul %a, %x : tensor<4xf64>, tensor<4xf64> -> tensor<4xf64>
  %1 = gd.sign %0 : tensor<4xf64>
  %2 = gd.mul %1, %x : tensor<4xf64>, tensor<4xf64> -> tensor<4xf64>
  gd.yield %2 : tensor<4xf64>
)"),
        {awayFromZero({4}), awayFromZero(batched({4}))});
}

TEST_F(GradCheck, FloorHasNoDerivative) {
  check(lensModule({"a"}, 1, R"(
^bb0(%a: tensor<4xf64>, %x: tensor<4xf64>):
  %0 = gd.add %a, %x : tensor<4xf64>, tensor<4xf64> -> tensor<4xf64>
  %1 = gd.floor %x : tensor<4xf64>
  %2 = gd.mul %1, %0 : tensor<4xf64>, tensor<4xf64> -> tensor<4xf64>
  gd.yield %2 : tensor<4xf64>
)"),
        {uniform({4}), awayFromIntegers(batched({4}))});
}

TEST_F(GradCheck, CeilHasNoDerivative) {
  check(lensModule({"a"}, 1, R"(
^bb0(%a: tensor<4xf64>, %x: tensor<4xf64>):
  %0 = gd.add %a, %x : tensor<4xf64>, tensor<4xf64> -> tensor<4xf64>
  %1 = gd.ceil %x : tensor<4xf64>
  %2 = gd.mul %1, %0 : tensor<4xf64>, tensor<4xf64> -> tensor<4xf64>
  gd.yield %2 : tensor<4xf64>
)"),
        {uniform({4}), awayFromIntegers(batched({4}))});
}

TEST_F(GradCheck, Mod) {
  // x % a with a > 0 and x / a away from integers (where % jumps); x takes
  // both signs, so the floored correction is exercised.
  Tensor a = uniform({4}, 1.0, 2.0);
  Tensor q = awayFromIntegers(batched({4}));
  Tensor x = Tensor::zeros(batched({4}));
  for (size_t i = 0; i < x.data.size(); ++i)
    x.data[i] = q.data[i] * a.data[i % 4];
  check(lensModule({"a"}, 1, R"(
^bb0(%a: tensor<4xf64>, %x: tensor<4xf64>):
  %0 = gd.mod %x, %a : tensor<4xf64>, tensor<4xf64> -> tensor<4xf64>
  %1 = gd.mul %0, %0 : tensor<4xf64>, tensor<4xf64> -> tensor<4xf64>
  gd.yield %1 : tensor<4xf64>
)"),
        {a, x});
}

TEST_F(GradCheck, SelectViaCmp) {
  // x > a ? x * x : a * x; both branches are taken across the batch.
  Tensor a = uniform({4});
  check(lensModule({"a"}, 1, R"(
^bb0(%a: tensor<4xf64>, %x: tensor<4xf64>):
  %c = gd.cmp "gt", %x, %a : tensor<4xf64>, tensor<4xf64> -> tensor<4xi1>
  %0 = gd.mul %x, %x : tensor<4xf64>, tensor<4xf64> -> tensor<4xf64>
  %1 = gd.mul %a, %x : tensor<4xf64>, tensor<4xf64> -> tensor<4xf64>
  %2 = gd.select %c, %0, %1 : tensor<4xi1>, tensor<4xf64>, tensor<4xf64> -> tensor<4xf64>
  gd.yield %2 : tensor<4xf64>
)"),
        {a, awayFrom(a)});
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

TEST_F(GradCheck, ReduceSum) {
  check(lensModule({"a"}, 1, R"(
^bb0(%a: tensor<2x3x4xf64>, %x: tensor<2x3x4xf64>):
  %0 = gd.mul %a, %x : tensor<2x3x4xf64>, tensor<2x3x4xf64> -> tensor<2x3x4xf64>
  %1 = gd.reduce_sum %0 [0, 2] : tensor<2x3x4xf64> -> tensor<3xf64>
  gd.yield %1 : tensor<3xf64>
)"),
        {uniform({2, 3, 4}), uniform(batched({2, 3, 4}))});
}

TEST_F(GradCheck, ReduceMean) {
  check(lensModule({"a"}, 1, R"(
^bb0(%a: tensor<3x4xf64>, %x: tensor<3x4xf64>):
  %0 = gd.mul %a, %x : tensor<3x4xf64>, tensor<3x4xf64> -> tensor<3x4xf64>
  %1 = gd.reduce_mean %0 [1] : tensor<3x4xf64> -> tensor<3xf64>
  gd.yield %1 : tensor<3xf64>
)"),
        {uniform({3, 4}), uniform(batched({3, 4}))});
}

TEST_F(GradCheck, ReduceMax) {
  check(lensModule({"a"}, 1, R"(
^bb0(%a: tensor<3xf64>, %x: tensor<3x4xf64>):
  %0 = gd.reduce_max %x [1] : tensor<3x4xf64> -> tensor<3xf64>
  %1 = gd.mul %0, %a : tensor<3xf64>, tensor<3xf64> -> tensor<3xf64>
  gd.yield %1 : tensor<3xf64>
)"),
        {uniform({3}), distinct(batched({3, 4}))});
}

TEST_F(GradCheck, ReduceMin) {
  check(lensModule({"a"}, 1, R"(
^bb0(%a: tensor<3xf64>, %x: tensor<3x4xf64>):
  %0 = gd.reduce_min %x [1] : tensor<3x4xf64> -> tensor<3xf64>
  %1 = gd.mul %0, %a : tensor<3xf64>, tensor<3xf64> -> tensor<3xf64>
  gd.yield %1 : tensor<3xf64>
)"),
        {uniform({3}), distinct(batched({3, 4}))});
}

TEST_F(GradCheck, Norm) {
  check(lensModule({"a"}, 1, R"(
^bb0(%a: tensor<3x4xf64>, %x: tensor<3x4xf64>):
  %0 = gd.mul %a, %x : tensor<3x4xf64>, tensor<3x4xf64> -> tensor<3x4xf64>
  %1 = gd.norm %0 [1] : tensor<3x4xf64> -> tensor<3xf64>
  gd.yield %1 : tensor<3xf64>
)"),
        {awayFromZero({3, 4}), awayFromZero(batched({3, 4}))});
}

TEST_F(GradCheck, NormWholeTensor) {
  check(lensModule({"a"}, 1, R"(
^bb0(%a: tensor<2x3xf64>, %x: tensor<2x3xf64>):
  %0 = gd.add %a, %x : tensor<2x3xf64>, tensor<2x3xf64> -> tensor<2x3xf64>
  %1 = gd.norm %0 [0, 1] : tensor<2x3xf64> -> tensor<f64>
  gd.yield %1 : tensor<f64>
)"),
        {uniform({2, 3}), uniform(batched({2, 3}))});
}

TEST_F(GradCheck, ArgMaxOneHotHasNoDerivative) {
  // one_hot(argmax(x)) * x picks the largest element: its gradient is the
  // one-hot vector, and nothing flows through argmax or one_hot.
  check(lensModule({"a"}, 1, R"(
^bb0(%a: tensor<5xf64>, %x: tensor<5xf64>):
  %0 = gd.argmax %x [0] : tensor<5xf64> -> tensor<i32>
  %1 = gd.one_hot %0, 5 : tensor<i32> -> tensor<5xf32>
  %2 = gd.convert %1 : tensor<5xf32> -> tensor<5xf64>
  %3 = gd.mul %2, %x : tensor<5xf64>, tensor<5xf64> -> tensor<5xf64>
  %4 = gd.mul %3, %a : tensor<5xf64>, tensor<5xf64> -> tensor<5xf64>
  gd.yield %4 : tensor<5xf64>
)"),
        {uniform({5}), distinct(batched({5}))});
}

TEST_F(GradCheck, LogSumExp) {
  check(lensModule({"a"}, 1, R"(
^bb0(%a: tensor<3x4xf64>, %x: tensor<3x4xf64>):
  %0 = gd.mul %a, %x : tensor<3x4xf64>, tensor<3x4xf64> -> tensor<3x4xf64>
  %1 = gd.logsumexp %0 [1] : tensor<3x4xf64> -> tensor<3xf64>
  gd.yield %1 : tensor<3xf64>
)"),
        {uniform({3, 4}, -2, 2), uniform(batched({3, 4}), -2, 2)});
}

//===----------------------------------------------------------------------===//
// Products and shape ops
//===----------------------------------------------------------------------===//

TEST_F(GradCheck, MatmulVectorMatrix) {
  // Batched, [k] @ [k, n] becomes the matrix product [B, k] @ [k, n].
  check(lensModule({"W"}, 1, R"(
^bb0(%W: tensor<4x3xf64>, %x: tensor<4xf64>):
  %0 = gd.matmul %x, %W : tensor<4xf64>, tensor<4x3xf64> -> tensor<3xf64>
  gd.yield %0 : tensor<3xf64>
)"),
        {uniform({4, 3}), uniform(batched({4}))});
}

TEST_F(GradCheck, MatmulMatrixVector) {
  // Batched, [m, k] @ [k] becomes [B, k] @ transpose([m, k]).
  check(lensModule({"W"}, 1, R"(
^bb0(%W: tensor<3x4xf64>, %x: tensor<4xf64>):
  %0 = gd.matmul %W, %x : tensor<3x4xf64>, tensor<4xf64> -> tensor<3xf64>
  gd.yield %0 : tensor<3xf64>
)"),
        {uniform({3, 4}), uniform(batched({4}))});
}

TEST_F(GradCheck, MatmulMatrixMatrix) {
  // A product of two parameters (left unbatched) feeding a batched one.
  check(lensModule({"A", "B"}, 1, R"(
^bb0(%A: tensor<4x2xf64>, %B: tensor<2x3xf64>, %x: tensor<4xf64>):
  %0 = gd.matmul %A, %B : tensor<4x2xf64>, tensor<2x3xf64> -> tensor<4x3xf64>
  %1 = gd.matmul %x, %0 : tensor<4xf64>, tensor<4x3xf64> -> tensor<3xf64>
  gd.yield %1 : tensor<3xf64>
)"),
        {uniform({4, 2}), uniform({2, 3}), uniform(batched({4}))});
}

TEST_F(GradCheck, Transpose) {
  // A permutation that is not its own inverse.
  check(lensModule({"a"}, 1, R"(
^bb0(%a: tensor<4x2x3xf64>, %x: tensor<2x3x4xf64>):
  %0 = gd.transpose %x [2, 0, 1] : tensor<2x3x4xf64> -> tensor<4x2x3xf64>
  %1 = gd.mul %0, %a : tensor<4x2x3xf64>, tensor<4x2x3xf64> -> tensor<4x2x3xf64>
  gd.yield %1 : tensor<4x2x3xf64>
)"),
        {uniform({4, 2, 3}), uniform(batched({2, 3, 4}))});
}

TEST_F(GradCheck, ExpandDims) {
  // [3, 1] * [1, 4]: both operands stretch along a unit dimension.
  check(lensModule({"a"}, 1, R"(
^bb0(%a: tensor<1x4xf64>, %x: tensor<3xf64>):
  %0 = gd.expand_dims %x [1] : tensor<3xf64> -> tensor<3x1xf64>
  %1 = gd.mul %0, %a : tensor<3x1xf64>, tensor<1x4xf64> -> tensor<3x4xf64>
  gd.yield %1 : tensor<3x4xf64>
)"),
        {uniform({1, 4}), uniform(batched({3}))});
}

TEST_F(GradCheck, Reshape) {
  // [2, 6] -> [3, 4] (the -1 resolves to 3), a layout change rather than a
  // split of one axis: a wrong reverse pairs the cotangent with the wrong
  // element of a.
  check(lensModule({"a"}, 1, R"(
^bb0(%a: tensor<3x4xf64>, %x: tensor<2x6xf64>):
  %0 = gd.reshape %x [-1, 4] : tensor<2x6xf64> -> tensor<3x4xf64>
  %1 = gd.mul %0, %a : tensor<3x4xf64>, tensor<3x4xf64> -> tensor<3x4xf64>
  gd.yield %1 : tensor<3x4xf64>
)"),
        {uniform({3, 4}), uniform(batched({2, 6}))});
}

TEST_F(GradCheck, ConcatParameterAndInput) {
  // The parameter joins each example (gd-batch repeats it along the batch);
  // its gradient sums over the examples.
  check(lensModule({"a", "w"}, 1, R"(
^bb0(%a: tensor<2x3xf64>, %w: tensor<5x3xf64>, %x: tensor<3x3xf64>):
  %0 = gd.concat %x, %a along 0 : tensor<3x3xf64>, tensor<2x3xf64> -> tensor<5x3xf64>
  %1 = gd.mul %0, %w : tensor<5x3xf64>, tensor<5x3xf64> -> tensor<5x3xf64>
  %2 = gd.mul %1, %0 : tensor<5x3xf64>, tensor<5x3xf64> -> tensor<5x3xf64>
  gd.yield %2 : tensor<5x3xf64>
)"),
        {uniform({2, 3}), uniform({5, 3}), uniform(batched({3, 3}))});
}

TEST_F(GradCheck, Slice) {
  // The middle of the first axis: zeros flow to both ends.
  check(lensModule({"a"}, 1, R"(
^bb0(%a: tensor<2x3xf64>, %x: tensor<5x3xf64>):
  %0 = gd.slice %x along 0 from 1 to 3 : tensor<5x3xf64> -> tensor<2x3xf64>
  %1 = gd.mul %0, %a : tensor<2x3xf64>, tensor<2x3xf64> -> tensor<2x3xf64>
  %2 = gd.tanh %1 : tensor<2x3xf64>
  gd.yield %2 : tensor<2x3xf64>
)"),
        {uniform({2, 3}), uniform(batched({5, 3}))});
}

TEST_F(GradCheck, SliceOfParameterAtEnd) {
  // An unbatched operand (a parameter) sliced to its end.
  check(lensModule({"a"}, 1, R"(
^bb0(%a: tensor<6xf64>, %x: tensor<2xf64>):
  %0 = gd.slice %a along 0 from 4 to 6 : tensor<6xf64> -> tensor<2xf64>
  %1 = gd.mul %0, %x : tensor<2xf64>, tensor<2xf64> -> tensor<2xf64>
  gd.yield %1 : tensor<2xf64>
)"),
        {uniform({6}), uniform(batched({2}))});
}

TEST_F(GradCheck, Take) {
  // x[label] with an i32 label: the lens's second input.
  check(lensModule({"a"}, 2, R"(
^bb0(%a: tensor<5xf64>, %x: tensor<5xf64>, %label: tensor<i32>):
  %0 = gd.mul %a, %x : tensor<5xf64>, tensor<5xf64> -> tensor<5xf64>
  %1 = gd.take %0[%label] : tensor<5xf64>, tensor<i32> -> tensor<f64>
  gd.yield %1 : tensor<f64>
)"),
        {uniform({5}), uniform(batched({5})), labels(batched({}), 5)});
}

TEST_F(GradCheck, ConvertFromInteger) {
  // An integer label converted to a float scales the product: the floats
  // receive cotangents, the integer none.
  check(lensModule({"a"}, 2, R"(
^bb0(%a: tensor<5xf64>, %x: tensor<5xf64>, %label: tensor<i32>):
  %0 = gd.convert %label : tensor<i32> -> tensor<f64>
  %1 = gd.mul %a, %x : tensor<5xf64>, tensor<5xf64> -> tensor<5xf64>
  %2 = gd.mul %1, %0 : tensor<5xf64>, tensor<f64> -> tensor<5xf64>
  gd.yield %2 : tensor<5xf64>
)"),
        {uniform({5}), uniform(batched({5})), labels(batched({}), 5)});
}

TEST_F(GradCheck, ConvertBetweenFloats) {
  // Through f32 and back: the cotangent converts back the same way. The
  // round trip rounds to f32, so the step and tolerance are f32-sized.
  GradCheckOptions f32Precision;
  f32Precision.step = 1e-2;
  f32Precision.tolerance = 1e-4;
  check(lensModule({"a"}, 1, R"(
^bb0(%a: tensor<4xf64>, %x: tensor<4xf64>):
  %0 = gd.mul %a, %x : tensor<4xf64>, tensor<4xf64> -> tensor<4xf64>
  %1 = gd.convert %0 : tensor<4xf64> -> tensor<4xf32>
  %2 = gd.exp %1 : tensor<4xf32>
  %3 = gd.convert %2 : tensor<4xf32> -> tensor<4xf64>
  gd.yield %3 : tensor<4xf64>
)"),
        {uniform({4}), uniform(batched({4}))}, f32Precision);
}

//===----------------------------------------------------------------------===//
// Broadcasting
//===----------------------------------------------------------------------===//

TEST_F(GradCheck, BroadcastParamVectorOverInputMatrix) {
  // [3] + [2, 3]: the parameter's cotangent sums over rows and examples.
  check(lensModule({"a"}, 1, R"(
^bb0(%a: tensor<3xf64>, %x: tensor<2x3xf64>):
  %0 = gd.add %a, %x : tensor<3xf64>, tensor<2x3xf64> -> tensor<2x3xf64>
  %1 = gd.mul %0, %0 : tensor<2x3xf64>, tensor<2x3xf64> -> tensor<2x3xf64>
  gd.yield %1 : tensor<2x3xf64>
)"),
        {uniform({3}), uniform(batched({2, 3}))});
}

TEST_F(GradCheck, BroadcastInputVectorOverParamMatrix) {
  // [3] * [2, 3] with the batched operand of lower rank: gd-batch aligns it.
  check(lensModule({"a"}, 1, R"(
^bb0(%a: tensor<2x3xf64>, %x: tensor<3xf64>):
  %0 = gd.mul %x, %a : tensor<3xf64>, tensor<2x3xf64> -> tensor<2x3xf64>
  %1 = gd.mul %0, %x : tensor<2x3xf64>, tensor<3xf64> -> tensor<2x3xf64>
  gd.yield %1 : tensor<2x3xf64>
)"),
        {uniform({2, 3}), uniform(batched({3}))});
}

TEST_F(GradCheck, BroadcastScalarParamTimesTensor) {
  check(lensModule({"s"}, 1, R"(
^bb0(%s: tensor<f64>, %x: tensor<4xf64>):
  %0 = gd.mul %s, %x : tensor<f64>, tensor<4xf64> -> tensor<4xf64>
  %1 = gd.tanh %0 : tensor<4xf64>
  gd.yield %1 : tensor<4xf64>
)"),
        {uniform({}), uniform(batched({4}))});
}

TEST_F(GradCheck, BroadcastScalarInputTimesTensor) {
  check(lensModule({"a"}, 1, R"(
^bb0(%a: tensor<4xf64>, %x: tensor<f64>):
  %0 = gd.mul %x, %a : tensor<f64>, tensor<4xf64> -> tensor<4xf64>
  %1 = gd.tanh %0 : tensor<4xf64>
  gd.yield %1 : tensor<4xf64>
)"),
        {uniform({4}), uniform(batched({}))});
}

//===----------------------------------------------------------------------===//
// Composites: what the standard library's layers and losses are made of
//===----------------------------------------------------------------------===//

TEST_F(GradCheck, SoftmaxCrossEntropy) {
  // cross_entropy: logsumexp(x) - x[label].
  check(lensModule({}, 2, R"(
^bb0(%x: tensor<5xf64>, %label: tensor<i32>):
  %0 = gd.logsumexp %x [0] : tensor<5xf64> -> tensor<f64>
  %1 = gd.take %x[%label] : tensor<5xf64>, tensor<i32> -> tensor<f64>
  %2 = gd.sub %0, %1 : tensor<f64>, tensor<f64> -> tensor<f64>
  gd.yield %2 : tensor<f64>
)"),
        {uniform(batched({5}), -2, 2), labels(batched({}), 5)});
}

TEST_F(GradCheck, DenseRelu) {
  // relu(x @ W + b), with every pre-activation away from relu's kink.
  Tensor w, b, x;
  do {
    w = uniform({4, 3});
    b = uniform({3});
    x = uniform(batched({4}));
  } while (minPreactivation(x, w, b) < 1e-2);
  check(lensModule({"W", "b"}, 1, R"(
^bb0(%W: tensor<4x3xf64>, %b: tensor<3xf64>, %x: tensor<4xf64>):
  %0 = gd.matmul %x, %W : tensor<4xf64>, tensor<4x3xf64> -> tensor<3xf64>
  %1 = gd.add %0, %b : tensor<3xf64>, tensor<3xf64> -> tensor<3xf64>
  %zero = gd.constant dense<0.0> : tensor<f64>
  %2 = gd.max %1, %zero : tensor<3xf64>, tensor<f64> -> tensor<3xf64>
  gd.yield %2 : tensor<3xf64>
)"),
        {w, b, x});
}

TEST_F(GradCheck, MlpCrossEntropy) {
  // dense >> relu >> dense >> cross_entropy in one lens.
  Tensor w1, b1, w2, b2, x;
  do {
    w1 = uniform({4, 5});
    b1 = uniform({5});
    x = uniform(batched({4}));
  } while (minPreactivation(x, w1, b1) < 1e-2);
  w2 = uniform({5, 3});
  b2 = uniform({3});
  check(lensModule({"W1", "b1", "W2", "b2"}, 2, R"(
^bb0(%W1: tensor<4x5xf64>, %b1: tensor<5xf64>, %W2: tensor<5x3xf64>, %b2: tensor<3xf64>, %x: tensor<4xf64>, %label: tensor<i32>):
  %0 = gd.matmul %x, %W1 : tensor<4xf64>, tensor<4x5xf64> -> tensor<5xf64>
  %1 = gd.add %0, %b1 : tensor<5xf64>, tensor<5xf64> -> tensor<5xf64>
  %zero = gd.constant dense<0.0> : tensor<f64>
  %2 = gd.max %1, %zero : tensor<5xf64>, tensor<f64> -> tensor<5xf64>
  %3 = gd.matmul %2, %W2 : tensor<5xf64>, tensor<5x3xf64> -> tensor<3xf64>
  %4 = gd.add %3, %b2 : tensor<3xf64>, tensor<3xf64> -> tensor<3xf64>
  %5 = gd.logsumexp %4 [0] : tensor<3xf64> -> tensor<f64>
  %6 = gd.take %4[%label] : tensor<3xf64>, tensor<i32> -> tensor<f64>
  %7 = gd.sub %5, %6 : tensor<f64>, tensor<f64> -> tensor<f64>
  gd.yield %7 : tensor<f64>
)"),
        {w1, b1, w2, b2, x, labels(batched({}), 3)});
}

} // namespace
