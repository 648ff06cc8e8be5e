//===- Blas.cpp - The GEMM kernels compiled models call -------------------===//
//
// gd-matmul-to-blas turns every f32 linalg.matmul into a call of
// gdrt_matmul, and every f32 linalg.batch_matmul into a call of
// gdrt_batch_matmul, with strided memref descriptors (MLIR's C interface).
// Rows must be contiguous (unit inner stride), which is what bufferization
// of gd programs gives; a transposed operand is passed untransposed with a
// flag. A stack is one sgemm per matrix: the stacks of attention (a few
// hundred matrices of tens of rows) are too small for a batched GEMM to
// gain much over the loop.
//
// The GEMM is oneDNN's (dnnl_sgemm), the library that also runs the
// convolutions (Conv.cpp): one OpenMP thread pool for both. With OpenBLAS
// for the products, its threads and oneDNN's spun against each other on
// the two cores (a third of a CNN step in sched_yield); oneDNN's sgemm was
// also 8-10% faster on cnn-fmnist and mlp-fmnist (docs/benchmarks.md).
//
//===----------------------------------------------------------------------===//
#include "Blas.h"

#include <oneapi/dnnl/dnnl.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace {

[[noreturn]] void internalError(const char *kernel, const char *what) {
  std::fprintf(stderr, "%s: internal error, please report: %s\n", kernel, what);
  std::abort();
}

/// C (m x n, row stride ldc) = op(A) op(B) + beta C, row-major.
void sgemm(const char *kernel, bool transA, bool transB, int64_t m, int64_t n, int64_t k,
           const float *a, int64_t lda, const float *b, int64_t ldb, float beta, float *c,
           int64_t ldc) {
  if (m == 0 || n == 0)
    return;
  if (k == 0) { // an empty sum: C = beta C
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j)
        c[i * ldc + j] = beta == 0.0f ? 0.0f : beta * c[i * ldc + j];
    return;
  }
  if (dnnl_sgemm(transA ? 'T' : 'N', transB ? 'T' : 'N', m, n, k, 1.0f, a, lda, b, ldb, beta, c,
                 ldc) != dnnl_success)
    internalError(kernel, "dnnl_sgemm failed");
}

} // namespace

extern "C" {

void _mlir_ciface_gdrt_matmul(GdrtMatrix *a, GdrtMatrix *b, GdrtMatrix *c, int32_t transA,
                              int32_t transB, float beta) {
  if (a->strides[1] != 1 || b->strides[1] != 1 || c->strides[1] != 1)
    internalError("gdrt_matmul", "non-contiguous rows");
  int64_t k = transA ? a->sizes[0] : a->sizes[1];
  sgemm("gdrt_matmul", transA, transB, c->sizes[0], c->sizes[1], k, a->aligned + a->offset,
        a->strides[0], b->aligned + b->offset, b->strides[0], beta, c->aligned + c->offset,
        c->strides[0]);
}

void _mlir_ciface_gdrt_batch_matmul(GdrtMatrixStack *a, GdrtMatrixStack *b, GdrtMatrixStack *c,
                                    int32_t transA, int32_t transB, float beta) {
  if (a->strides[2] != 1 || b->strides[2] != 1 || c->strides[2] != 1)
    internalError("gdrt_batch_matmul", "non-contiguous rows");
  int64_t k = transA ? a->sizes[1] : a->sizes[2];
  for (int64_t i = 0; i < c->sizes[0]; ++i)
    sgemm("gdrt_batch_matmul", transA, transB, c->sizes[1], c->sizes[2], k,
          a->aligned + a->offset + i * a->strides[0], a->strides[1],
          b->aligned + b->offset + i * b->strides[0], b->strides[1], beta,
          c->aligned + c->offset + i * c->strides[0], c->strides[1]);
}
}
