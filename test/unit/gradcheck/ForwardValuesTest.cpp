//===- ForwardValuesTest.cpp - The new built-ins compute the right values --===//
//
// Gradient checks compare a rule with its own forward map, so a forward map
// that computes the wrong thing consistently would pass them. These cases
// pin the forward values of the ops whose semantics involve a choice: the
// sign of a remainder, ties of argmax, the order of concat, reshape and
// slice, the ends of sigmoid. Each lens is compiled as gdc compiles it
// (batched, lowered, JIT) and run on a batch of one example.
//
//===----------------------------------------------------------------------===//
#include "GradCheckHarness.h"

#include <cmath>

using namespace gdc::gradcheck;

namespace {

/// Runs the parameter-free lens whose forward block is `block` on one
/// example `x` and expects the output (without the batch dimension) to be
/// `expected`, exactly.
void expectForward(const std::string &block, Tensor x,
                   const std::vector<double> &expected) {
  std::string module = "gd.lens @f attributes {num_inputs = 1 : i64, param_inits = [], "
                       "param_names = []} forward {\n" +
                       block + "} backward {\n}\n";
  std::string error;
  std::unique_ptr<CompiledLens> lens = CompiledLens::compile(module, error);
  ASSERT_TRUE(lens) << error;
  x.shape.insert(x.shape.begin(), 1);
  Tensor out;
  ASSERT_TRUE(lens->forward({x}, out));
  EXPECT_EQ(out.data, expected) << lens->differentiatedIR();
}

Tensor vec(std::vector<double> values) {
  Tensor t;
  t.shape = {(int64_t)values.size()};
  t.data = std::move(values);
  return t;
}

TEST(ForwardValues, ModIsFloored) {
  // Python's %: the result takes the divisor's sign.
  expectForward(R"(
^bb0(%x: tensor<5xf64>):
  %d = gd.constant dense<[3.0, -2.0, 2.0, 2.0, -3.0]> : tensor<5xf64>
  %0 = gd.mod %x, %d : tensor<5xf64>, tensor<5xf64> -> tensor<5xf64>
  gd.yield %0 : tensor<5xf64>
)",
                vec({-1, 5.5, -5.5, 4, 7}), {2, -0.5, 0.5, 0, -2});
}

TEST(ForwardValues, SignFloorCeilAbsInConcatOrder) {
  expectForward(R"(
^bb0(%x: tensor<3xf64>):
  %0 = gd.sign %x : tensor<3xf64>
  %1 = gd.floor %x : tensor<3xf64>
  %2 = gd.ceil %x : tensor<3xf64>
  %3 = gd.abs %x : tensor<3xf64>
  %4 = gd.concat %0, %1, %2, %3 along 0 : tensor<3xf64>, tensor<3xf64>, tensor<3xf64>, tensor<3xf64> -> tensor<12xf64>
  gd.yield %4 : tensor<12xf64>
)",
                vec({-1.5, 0, 2.25}), {-1, 0, 1, -2, 0, 2, -1, 0, 3, 1.5, 0, 2.25});
}

TEST(ForwardValues, ArgMaxTakesTheFirstMaximum) {
  // [[1, 5, 5], [5, 0, 2]]: over both axes the first 5 (flat index 1);
  // per row 1 and 0. Both as one-hot vectors, then joined.
  expectForward(R"(
^bb0(%x: tensor<6xf64>):
  %m = gd.reshape %x [2, 3] : tensor<6xf64> -> tensor<2x3xf64>
  %0 = gd.argmax %m [0, 1] : tensor<2x3xf64> -> tensor<i32>
  %1 = gd.one_hot %0, 6 : tensor<i32> -> tensor<6xf32>
  %2 = gd.argmax %m [1] : tensor<2x3xf64> -> tensor<2xi32>
  %3 = gd.one_hot %2, 3 : tensor<2xi32> -> tensor<2x3xf32>
  %4 = gd.reshape %3 [6] : tensor<2x3xf32> -> tensor<6xf32>
  %5 = gd.concat %1, %4 along 0 : tensor<6xf32>, tensor<6xf32> -> tensor<12xf32>
  %6 = gd.convert %5 : tensor<12xf32> -> tensor<12xf64>
  gd.yield %6 : tensor<12xf64>
)",
                vec({1, 5, 5, 5, 0, 2}), {0, 1, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0});
}

TEST(ForwardValues, ReshapeAndSliceAreRowMajor) {
  // 0..11 as [3, 4]; rows 1..2, then columns 1..2: [[5, 6], [9, 10]].
  expectForward(R"(
^bb0(%x: tensor<12xf64>):
  %0 = gd.reshape %x [-1, 4] : tensor<12xf64> -> tensor<3x4xf64>
  %1 = gd.slice %0 along 0 from 1 to 3 : tensor<3x4xf64> -> tensor<2x4xf64>
  %2 = gd.slice %1 along 1 from 1 to 3 : tensor<2x4xf64> -> tensor<2x2xf64>
  %3 = gd.reshape %2 [4] : tensor<2x2xf64> -> tensor<4xf64>
  gd.yield %3 : tensor<4xf64>
)",
                vec({0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}), {5, 6, 9, 10});
}

TEST(ForwardValues, SigmoidEndsNormMin) {
  // sigmoid saturates to exactly 0 and 1 (no NaN from exp overflow);
  // the squares of norm([-1000, 0, 1000]) sum exactly, and sqrt rounds
  // correctly.
  expectForward(R"(
^bb0(%x: tensor<3xf64>):
  %0 = gd.sigmoid %x : tensor<3xf64>
  %1 = gd.norm %x [0] : tensor<3xf64> -> tensor<f64>
  %2 = gd.reduce_min %x [0] : tensor<3xf64> -> tensor<f64>
  %3 = gd.expand_dims %1 [0] : tensor<f64> -> tensor<1xf64>
  %4 = gd.expand_dims %2 [0] : tensor<f64> -> tensor<1xf64>
  %5 = gd.concat %0, %3, %4 along 0 : tensor<3xf64>, tensor<1xf64>, tensor<1xf64> -> tensor<5xf64>
  gd.yield %5 : tensor<5xf64>
)",
                vec({-1000, 0, 1000}), {0, 0.5, 1, std::sqrt(2e6), -1000});
}

TEST(ForwardValues, Conv2DPaddedIsACrossCorrelation) {
  // A 3x3 image 1..9, a 2x2 filter [[1, 10], [100, 1000]], padding 1: a
  // 4x4 result whose corner reads only the image's corner (1 * 1000) and
  // whose centre (1, 1) covers 1, 2, 4, 5 without flipping the filter.
  expectForward(R"(
^bb0(%x: tensor<9xf64>):
  %img = gd.reshape %x [1, 3, 3] : tensor<9xf64> -> tensor<1x3x3xf64>
  %w = gd.constant dense<[[[[1.0, 10.0], [100.0, 1000.0]]]]> : tensor<1x1x2x2xf64>
  %0 = gd.conv2d %img, %w padding 1 : tensor<1x3x3xf64>, tensor<1x1x2x2xf64> -> tensor<1x4x4xf64>
  %1 = gd.reshape %0 [16] : tensor<1x4x4xf64> -> tensor<16xf64>
  gd.yield %1 : tensor<16xf64>
)",
                vec({1, 2, 3, 4, 5, 6, 7, 8, 9}),
                {1000, 2100, 3200, 300,    //
                 4010, 5421, 6532, 603,    //
                 7040, 8754, 9865, 906,    //
                 70, 87, 98, 9});
}

TEST(ForwardValues, Conv2DStridedDilatedPadded) {
  // A 5x5 image 1..25, the filter [[1, 10], [100, 1000]] dilated by 2
  // (taps 2 apart), padding 1, stride 2: out[i, j] reads rows 2i - 1 and
  // 2i + 1 and columns 2j - 1 and 2j + 1. Values from torch's conv2d.
  expectForward(R"(
^bb0(%x: tensor<25xf64>):
  %img = gd.reshape %x [1, 5, 5] : tensor<25xf64> -> tensor<1x5x5xf64>
  %w = gd.constant dense<[[[[1.0, 10.0], [100.0, 1000.0]]]]> : tensor<1x1x2x2xf64>
  %0 = gd.conv2d %img, %w padding 1 stride 2 dilation 2 : tensor<1x5x5xf64>, tensor<1x1x2x2xf64> -> tensor<1x3x3xf64>
  %1 = gd.reshape %0 [9] : tensor<1x3x3xf64> -> tensor<9xf64>
  gd.yield %1 : tensor<9xf64>
)",
                vec({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21,
                     22, 23, 24, 25}),
                {7000, 9700, 900, 17070, 20797, 1909, 170, 207, 19});
}

TEST(ForwardValues, PoolsWithPadding) {
  // A 3x3 image 1..9 in 2x2 windows 2 apart with padding 1: the average
  // counts the padding (torch's count_include_pad), [[1/4, 5/4], [11/4,
  // 7]]; the maximum never takes it, [[1, 3], [7, 9]].
  expectForward(R"(
^bb0(%x: tensor<9xf64>):
  %img = gd.reshape %x [1, 3, 3] : tensor<9xf64> -> tensor<1x3x3xf64>
  %0 = gd.avg_pool2d %img window 2 stride 2 padding 1 : tensor<1x3x3xf64> -> tensor<1x2x2xf64>
  %1 = gd.max_pool2d %img window 2 stride 2 padding 1 : tensor<1x3x3xf64> -> tensor<1x2x2xf64>
  %2 = gd.concat %0, %1 along 0 : tensor<1x2x2xf64>, tensor<1x2x2xf64> -> tensor<2x2x2xf64>
  %3 = gd.reshape %2 [8] : tensor<2x2x2xf64> -> tensor<8xf64>
  gd.yield %3 : tensor<8xf64>
)",
                vec({1, 2, 3, 4, 5, 6, 7, 8, 9}), {0.25, 1.25, 2.75, 7, 1, 3, 7, 9});
}

} // namespace
