//===- Conv.h - The convolution kernels compiled models call ----*- C++ -*-===//
//
// gd-conv-to-dnnl turns every f32 convolution of a batch (gd.conv2d and its
// two gradients) into a call of gdrt_conv2d (MLIR's C interface:
// `_mlir_ciface_gdrt_conv2d`), which runs oneDNN's convolution primitives.
// An executable links it from libgdrt.a (and -ldnnl); an in-process JIT
// registers its address (lang/Jit.cpp).
//
//===----------------------------------------------------------------------===//
#ifndef GDC_RUNTIME_CONV_H
#define GDC_RUNTIME_CONV_H

#include <cstdint>

extern "C" {
/// A rank-4 f32 memref descriptor as MLIR lays it out.
struct GdrtTensor4 {
  float *allocated;
  float *aligned;
  int64_t offset;
  int64_t sizes[4];
  int64_t strides[4];
};

/// What a gdrt_conv2d call computes; the values are the IR's `kind`.
enum GdrtConvKind : int32_t {
  /// out [N, O, OH, OW] = conv2d(a = input [N, C, H, W], b = filter [O, C, KH, KW])
  GdrtConvForward = 0,
  /// out = the input's gradient [N, C, H, W], from a = the output's
  /// gradient [N, O, OH, OW] and b = the filter [O, C, KH, KW]
  GdrtConvGradInput = 1,
  /// out = the filter's gradient [O, C, KH, KW], from a = the output's
  /// gradient [N, O, OH, OW] and b = the input [N, C, H, W]
  GdrtConvGradFilter = 2,
  /// Added to a kind: a filter per image (what a per_example rule makes of
  /// a convolution's parameter). The filter, or its gradient, is then
  /// [N * O, C, KH, KW], image n's filters in rows n O to (n + 1) O - 1,
  /// and the three run as one grouped convolution with the images as the
  /// groups: no image's filter gradient is summed with another's.
  GdrtConvPerImage = 4,
};

/// One of the three with torch's conv2d window (the same padding on every
/// side, stride, dilation 1 for adjacent taps). `out` is overwritten.
void _mlir_ciface_gdrt_conv2d(int32_t kind, GdrtTensor4 *a, GdrtTensor4 *b, GdrtTensor4 *out,
                              int64_t padding, int64_t stride, int64_t dilation);
}

#endif // GDC_RUNTIME_CONV_H
