//===- Blas.cpp - The GEMM kernel compiled models call --------------------===//
//
// gd-matmul-to-blas turns every f32 linalg.matmul into a call of
// gdrt_matmul, and every f32 linalg.batch_matmul into a call of
// gdrt_batch_matmul, with strided memref descriptors (MLIR's C interface).
// Rows must be contiguous (unit inner stride), which is what bufferization
// of gd programs gives; a transposed operand is passed untransposed with a
// flag. A stack is one sgemm per matrix: the stacks of attention (a few
// hundred matrices of tens of rows) are too small for a batched GEMM to
// gain much over the loop, and OpenBLAS 0.3.21 has none.
//
//===----------------------------------------------------------------------===//
#include "Blas.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace {
[[noreturn]] void nonContiguous(const char *kernel) {
  std::fprintf(stderr, "%s: internal error, please report: non-contiguous rows\n", kernel);
  std::abort();
}
} // namespace

extern "C" {
// From OpenBLAS (libopenblas-dev); declared here to keep the build
// independent of where the distribution puts cblas.h.
enum CblasOrder { CblasRowMajor = 101 };
enum CblasTranspose { CblasNoTrans = 111, CblasTrans = 112 };
void cblas_sgemm(int order, int transA, int transB, int m, int n, int k,
                 float alpha, const float *a, int lda, const float *b, int ldb,
                 float beta, float *c, int ldc);

void _mlir_ciface_gdrt_matmul(GdrtMatrix *a, GdrtMatrix *b, GdrtMatrix *c,
                              int32_t transA, int32_t transB, float beta) {
  if (a->strides[1] != 1 || b->strides[1] != 1 || c->strides[1] != 1)
    nonContiguous("gdrt_matmul");
  int64_t m = c->sizes[0], n = c->sizes[1];
  int64_t k = transA ? a->sizes[0] : a->sizes[1];
  if (m == 0 || n == 0)
    return;
  cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans,
              transB ? CblasTrans : CblasNoTrans, (int)m, (int)n, (int)k, 1.0f,
              a->aligned + a->offset, (int)a->strides[0],
              b->aligned + b->offset, (int)b->strides[0], beta,
              c->aligned + c->offset, (int)c->strides[0]);
}

void _mlir_ciface_gdrt_batch_matmul(GdrtMatrixStack *a, GdrtMatrixStack *b, GdrtMatrixStack *c,
                                    int32_t transA, int32_t transB, float beta) {
  if (a->strides[2] != 1 || b->strides[2] != 1 || c->strides[2] != 1)
    nonContiguous("gdrt_batch_matmul");
  int64_t count = c->sizes[0], m = c->sizes[1], n = c->sizes[2];
  int64_t k = transA ? a->sizes[1] : a->sizes[2];
  if (m == 0 || n == 0)
    return;
  for (int64_t i = 0; i < count; ++i)
    cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans,
                transB ? CblasTrans : CblasNoTrans, (int)m, (int)n, (int)k, 1.0f,
                a->aligned + a->offset + i * a->strides[0], (int)a->strides[1],
                b->aligned + b->offset + i * b->strides[0], (int)b->strides[1], beta,
                c->aligned + c->offset + i * c->strides[0], (int)c->strides[1]);
}
}
