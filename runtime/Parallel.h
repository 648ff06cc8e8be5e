//===- Parallel.h - The step's loops on every core --------------*- C++ -*-===//
//
// gd-outline-parallel-loops and gd-dispatch-parallel-bodies turn each large
// loop of a compiled step into a call of gdrt_parallel_for, which shares
// the loop's range among the threads of the OpenMP pool (libgomp's, the
// pool oneDNN's kernels run in, so that the step's loops and its GEMMs do
// not bring up two sets of threads that compete for the cores). An
// executable links it from libgdrt.a; an in-process JIT registers its
// address (lang/Jit.cpp).
//
//===----------------------------------------------------------------------===//
#ifndef GDC_RUNTIME_PARALLEL_H
#define GDC_RUNTIME_PARALLEL_H

#include <cstdint>

namespace gdrt {
/// The fewest innermost iterations (loads, stores and arithmetic on one
/// element, roughly) for which waking the pool pays: below it a loop runs
/// on the calling thread. Measured on tiny-mlp (batch 32: every loop
/// below) and mlp-fmnist (docs/benchmarks.md).
inline constexpr int64_t kMinParallelWork = 131072;
} // namespace gdrt

extern "C" {
/// Runs task(context, begin, end) over contiguous shares [begin, end) of
/// [lo, hi), one per thread of the pool (OMP_NUM_THREADS of them), and
/// returns when all have. The shares depend only on the range and the
/// number of threads. Each thread computes with the caller's floating-point
/// mode (the step flushes subnormals). `work` is what the whole range
/// costs, in innermost iterations: under gdrt::kMinParallelWork, or with
/// one thread, a range of fewer than two iterations, or from inside a
/// parallel region, the task runs on the caller's thread.
void gdrt_parallel_for(void (*task)(void *context, int64_t begin, int64_t end), void *context,
                       int64_t lo, int64_t hi, int64_t work);
}

#endif // GDC_RUNTIME_PARALLEL_H
