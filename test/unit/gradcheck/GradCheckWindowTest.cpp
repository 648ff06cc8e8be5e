//===- GradCheckWindowTest.cpp - The windowed ops' rules, checked ---------===//
//
// conv2d with strides, dilation and padding, and the pools with
// overlapping, padded and ragged windows, against central differences;
// and max pooling at ties, where differences cannot decide, against the
// cotangents torch gives (the first maximum of each window in row-major
// order takes the window's cotangent; overlapping windows accumulate).
//
//===----------------------------------------------------------------------===//
#include "GradCheckFixture.h"

using namespace gdc::gradcheck;

namespace {

TEST_F(GradCheck, Conv2D) {
  // 2 input channels, 3 filters of 2x3 (not square: rows and columns must
  // not be swapped), no padding.
  check(lensModule({"w"}, 1, R"(
^bb0(%w: tensor<3x2x2x3xf64>, %x: tensor<2x4x5xf64>):
  %0 = gd.conv2d %x, %w padding 0 : tensor<2x4x5xf64>, tensor<3x2x2x3xf64> -> tensor<3x3x3xf64>
  gd.yield %0 : tensor<3x3x3xf64>
)"),
        {uniform({3, 2, 2, 3}), uniform(batched({2, 4, 5}))});
}

TEST_F(GradCheck, Conv2DPadded) {
  // Padding 1 with a 3x3 filter keeps the size; the border reads zeros,
  // and tanh makes the cotangent depend on the output.
  check(lensModule({"w"}, 1, R"(
^bb0(%w: tensor<2x1x3x3xf64>, %x: tensor<1x4x4xf64>):
  %0 = gd.conv2d %x, %w padding 1 : tensor<1x4x4xf64>, tensor<2x1x3x3xf64> -> tensor<2x4x4xf64>
  %1 = gd.tanh %0 : tensor<2x4x4xf64>
  gd.yield %1 : tensor<2x4x4xf64>
)"),
        {uniform({2, 1, 3, 3}), uniform(batched({1, 4, 4}))});
}

TEST_F(GradCheck, MaxPoolAsReshapeAndReduce) {
  // max_pool2d(x, 2) as the front end writes it: 2x2 windows viewed as
  // axes 2 and 4 of [C, H/2, 2, W/2, 2], then reduced (batched, the view
  // has six axes).
  check(lensModule({"a"}, 1, R"(
^bb0(%a: tensor<2x2x2xf64>, %x: tensor<2x4x4xf64>):
  %0 = gd.reshape %x [2, 2, 2, 2, 2] : tensor<2x4x4xf64> -> tensor<2x2x2x2x2xf64>
  %1 = gd.reduce_max %0 [2, 4] : tensor<2x2x2x2x2xf64> -> tensor<2x2x2xf64>
  %2 = gd.mul %1, %a : tensor<2x2x2xf64>, tensor<2x2x2xf64> -> tensor<2x2x2xf64>
  gd.yield %2 : tensor<2x2x2xf64>
)"),
        {uniform({2, 2, 2}), distinct(batched({2, 4, 4}))});
}

TEST_F(GradCheck, Conv2DStrided) {
  // Stride 2 over 6 rows with a 3-row filter gives 2 rows and never reads
  // row 5, whose cotangent must be 0; 5 columns are read exactly.
  check(lensModule({"w"}, 1, R"(
^bb0(%w: tensor<3x2x3x3xf64>, %x: tensor<2x6x5xf64>):
  %0 = gd.conv2d %x, %w padding 0 stride 2 : tensor<2x6x5xf64>, tensor<3x2x3x3xf64> -> tensor<3x2x2xf64>
  %1 = gd.tanh %0 : tensor<3x2x2xf64>
  gd.yield %1 : tensor<3x2x2xf64>
)"),
        {uniform({3, 2, 3, 3}), uniform(batched({2, 6, 5}))});
}

TEST_F(GradCheck, Conv2DDilated) {
  // A 2x3 filter dilated by 2 spans 3x5.
  check(lensModule({"w"}, 1, R"(
^bb0(%w: tensor<2x1x2x3xf64>, %x: tensor<1x5x6xf64>):
  %0 = gd.conv2d %x, %w padding 0 dilation 2 : tensor<1x5x6xf64>, tensor<2x1x2x3xf64> -> tensor<2x3x2xf64>
  %1 = gd.tanh %0 : tensor<2x3x2xf64>
  gd.yield %1 : tensor<2x3x2xf64>
)"),
        {uniform({2, 1, 2, 3}), uniform(batched({1, 5, 6}))});
}

TEST_F(GradCheck, Conv2DStridedDilatedPadded) {
  // Padding 1, stride 2, dilation 2: rows read are 2i + 2ki - 1, so the
  // even rows and columns of the input are never read (cotangent 0), and
  // (8 + 2 - 5) % 2 = 1 leaves a remainder.
  check(lensModule({"w"}, 1, R"(
^bb0(%w: tensor<2x2x3x2xf64>, %x: tensor<2x8x6xf64>):
  %0 = gd.conv2d %x, %w padding 1 stride 2 dilation 2 : tensor<2x8x6xf64>, tensor<2x2x3x2xf64> -> tensor<2x3x3xf64>
  %1 = gd.tanh %0 : tensor<2x3x3xf64>
  gd.yield %1 : tensor<2x3x3xf64>
)"),
        {uniform({2, 2, 3, 2}), uniform(batched({2, 8, 6}))});
}

TEST_F(GradCheck, Conv2DFilterPerImage) {
  // A filter per image, [N, O, C, KH, KW] with N images (what gd-batch
  // makes of a convolution whose parameters a per_example rule takes once
  // per example): each image's filter gradient is its own, not summed over
  // the images. Strided and padded, rows and columns not square.
  check(lensModule({"x", "w"}, 1, R"(
^bb0(%x: tensor<2x2x5x6xf64>, %w: tensor<2x3x2x3x2xf64>, %s: tensor<f64>):
  %0 = gd.conv2d %x, %w padding 1 stride 2 : tensor<2x2x5x6xf64>, tensor<2x3x2x3x2xf64> -> tensor<2x3x3x4xf64>
  %1 = gd.tanh %0 : tensor<2x3x3x4xf64>
  %2 = gd.mul %1, %s : tensor<2x3x3x4xf64>, tensor<f64> -> tensor<2x3x3x4xf64>
  gd.yield %2 : tensor<2x3x3x4xf64>
)"),
        {uniform({2, 2, 5, 6}), uniform({2, 3, 2, 3, 2}), uniform(batched({}))});
}

TEST_F(GradCheck, Conv2DStrideLeavesRowsUnread) {
  // Stride 3 with a 2x2 filter over 7x8: (7 - 2) % 3 = 2 and (8 - 2) % 3
  // = 0: rows 2, 5 and 6 are read by no window.
  check(lensModule({"w"}, 1, R"(
^bb0(%w: tensor<1x1x2x2xf64>, %x: tensor<1x7x8xf64>):
  %0 = gd.conv2d %x, %w padding 0 stride 3 : tensor<1x7x8xf64>, tensor<1x1x2x2xf64> -> tensor<1x2x3xf64>
  %1 = gd.mul %0, %0 : tensor<1x2x3xf64>, tensor<1x2x3xf64> -> tensor<1x2x3xf64>
  gd.yield %1 : tensor<1x2x3xf64>
)"),
        {uniform({1, 1, 2, 2}), uniform(batched({1, 7, 8}))});
}

TEST_F(GradCheck, MaxPoolOverlappingPadded) {
  // 3x3 windows 2 apart with padding 1 (torch's classic 3/2 pool): the
  // windows share their border rows and columns, so one element may be the
  // maximum of several windows and receive all their cotangents.
  check(lensModule({"a"}, 1, R"(
^bb0(%a: tensor<2x3x3xf64>, %x: tensor<2x5x5xf64>):
  %0 = gd.max_pool2d %x window 3 stride 2 padding 1 : tensor<2x5x5xf64> -> tensor<2x3x3xf64>
  %1 = gd.mul %0, %a : tensor<2x3x3xf64>, tensor<2x3x3xf64> -> tensor<2x3x3xf64>
  gd.yield %1 : tensor<2x3x3xf64>
)"),
        {uniform({2, 3, 3}), distinct(batched({2, 5, 5}))});
}

TEST_F(GradCheck, MaxPoolRagged) {
  // 2x2 windows over 7x6: the last row is in no window.
  check(lensModule({"a"}, 1, R"(
^bb0(%a: tensor<1x3x3xf64>, %x: tensor<1x7x6xf64>):
  %0 = gd.max_pool2d %x window 2 stride 2 padding 0 : tensor<1x7x6xf64> -> tensor<1x3x3xf64>
  %1 = gd.mul %0, %a : tensor<1x3x3xf64>, tensor<1x3x3xf64> -> tensor<1x3x3xf64>
  gd.yield %1 : tensor<1x3x3xf64>
)"),
        {uniform({1, 3, 3}), distinct(batched({1, 7, 6}))});
}

TEST_F(GradCheck, AvgPoolPaddedRagged) {
  // 3x3 windows 2 apart, padding 1, over 5x6 (3 divides neither): the
  // padding counts in the mean, and the last padded column is unread.
  check(lensModule({"a"}, 1, R"(
^bb0(%a: tensor<2x3x3xf64>, %x: tensor<2x5x6xf64>):
  %0 = gd.avg_pool2d %x window 3 stride 2 padding 1 : tensor<2x5x6xf64> -> tensor<2x3x3xf64>
  %1 = gd.mul %0, %a : tensor<2x3x3xf64>, tensor<2x3x3xf64> -> tensor<2x3x3xf64>
  %2 = gd.tanh %1 : tensor<2x3x3xf64>
  gd.yield %2 : tensor<2x3x3xf64>
)"),
        {uniform({2, 3, 3}), uniform(batched({2, 5, 6}))});
}

TEST_F(GradCheck, AvgPoolOverlapping) {
  // Windows one apart: each inner element is in four of them.
  check(lensModule({"a"}, 1, R"(
^bb0(%a: tensor<1x3x4xf64>, %x: tensor<1x4x5xf64>):
  %0 = gd.avg_pool2d %x window 2 stride 1 padding 0 : tensor<1x4x5xf64> -> tensor<1x3x4xf64>
  %1 = gd.mul %0, %0 : tensor<1x3x4xf64>, tensor<1x3x4xf64> -> tensor<1x3x4xf64>
  %2 = gd.mul %1, %a : tensor<1x3x4xf64>, tensor<1x3x4xf64> -> tensor<1x3x4xf64>
  gd.yield %2 : tensor<1x3x4xf64>
)"),
        {uniform({1, 3, 4}), uniform(batched({1, 4, 5}))});
}

TEST(MaxPoolTies, FirstMaximumOfEachWindowTakesItsCotangent) {
  // x = [[5, 5, 0, 0], [0, 0, 5, 0], [0, 0, 0, 0]], 2x2 windows one apart,
  // cotangents 1..6. Window (0, 0) has two 5s: the first, (0, 0), takes 1;
  // (0, 1) takes 2; (1, 2) is the first maximum of windows (0, 2), (1, 1)
  // and (1, 2) and takes 3 + 5 + 6; window (1, 0) is all zeros and its
  // first element (1, 0) takes 4. As torch.nn.functional.max_pool2d.
  std::string module = lensModule({}, 1, R"(
^bb0(%x: tensor<1x3x4xf64>):
  %0 = gd.max_pool2d %x window 2 stride 1 padding 0 : tensor<1x3x4xf64> -> tensor<1x2x3xf64>
  gd.yield %0 : tensor<1x2x3xf64>
)");
  std::string error;
  std::unique_ptr<CompiledLens> lens = CompiledLens::compile(module, error);
  ASSERT_TRUE(lens) << error;
  Tensor x = Tensor::zeros({1, 1, 3, 4});
  x.data = {5, 5, 0, 0, 0, 0, 5, 0, 0, 0, 0, 0};
  Tensor dy = Tensor::zeros({1, 1, 2, 3});
  dy.data = {1, 2, 3, 4, 5, 6};
  Tensor y;
  ASSERT_TRUE(lens->forward({x}, y));
  EXPECT_EQ(y.data, (std::vector<double>{5, 5, 5, 0, 5, 5}));
  std::vector<Tensor> grads;
  ASSERT_TRUE(lens->backward({x}, dy, grads));
  ASSERT_EQ(grads.size(), 1u);
  EXPECT_EQ(grads[0].data, (std::vector<double>{1, 2, 0, 0, 4, 0, 14, 0, 0, 0, 0, 0}))
      << lens->differentiatedIR();
}

TEST(MaxPoolTies, PaddingNeverWins) {
  // All -1 with padding 1: the padding (-inf) is never the maximum, so
  // the corner window's cotangent goes to the image's corner.
  std::string module = lensModule({}, 1, R"(
^bb0(%x: tensor<1x2x2xf64>):
  %0 = gd.max_pool2d %x window 2 stride 2 padding 1 : tensor<1x2x2xf64> -> tensor<1x2x2xf64>
  gd.yield %0 : tensor<1x2x2xf64>
)");
  std::string error;
  std::unique_ptr<CompiledLens> lens = CompiledLens::compile(module, error);
  ASSERT_TRUE(lens) << error;
  Tensor x = Tensor::zeros({1, 1, 2, 2});
  x.data = {-1, -1, -1, -1};
  Tensor dy = Tensor::zeros({1, 1, 2, 2});
  dy.data = {1, 2, 3, 4};
  Tensor y;
  ASSERT_TRUE(lens->forward({x}, y));
  EXPECT_EQ(y.data, (std::vector<double>{-1, -1, -1, -1}));
  std::vector<Tensor> grads;
  ASSERT_TRUE(lens->backward({x}, dy, grads));
  ASSERT_EQ(grads.size(), 1u);
  EXPECT_EQ(grads[0].data, (std::vector<double>{1, 2, 3, 4})) << lens->differentiatedIR();
}

} // namespace
