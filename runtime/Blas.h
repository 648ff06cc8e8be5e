//===- Blas.h - The GEMM kernel compiled models call ------------*- C++ -*-===//
//
// gd-matmul-to-blas turns f32 matrix products into calls of gdrt_matmul,
// and products of two stacks of matrices into calls of gdrt_batch_matmul
// (MLIR's C interface: `_mlir_ciface_gdrt_...`). An executable links them
// from libgdrt.a; an in-process JIT registers their addresses
// (lang/Jit.cpp).
//
//===----------------------------------------------------------------------===//
#ifndef GDC_RUNTIME_BLAS_H
#define GDC_RUNTIME_BLAS_H

#include <cstdint>

extern "C" {
/// A rank-2 f32 memref descriptor as MLIR lays it out.
struct GdrtMatrix {
  float *allocated;
  float *aligned;
  int64_t offset;
  int64_t sizes[2];
  int64_t strides[2];
};

/// A rank-3 f32 memref descriptor: a stack of matrices.
struct GdrtMatrixStack {
  float *allocated;
  float *aligned;
  int64_t offset;
  int64_t sizes[3];
  int64_t strides[3];
};

/// C = op(A) op(B) + beta C, where op transposes when the flag is set and A,
/// B are stored untransposed ([k, m] and [n, k] when transposed).
void _mlir_ciface_gdrt_matmul(GdrtMatrix *a, GdrtMatrix *b, GdrtMatrix *c, int32_t transA,
                              int32_t transB, float beta);

/// The same for each matrix of a stack: C[i] = op(A[i]) op(B[i]) + beta C[i].
void _mlir_ciface_gdrt_batch_matmul(GdrtMatrixStack *a, GdrtMatrixStack *b, GdrtMatrixStack *c,
                                    int32_t transA, int32_t transB, float beta);
}

#endif // GDC_RUNTIME_BLAS_H
