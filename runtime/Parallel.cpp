//===- Parallel.cpp - The step's loops on every core ----------------------===//
//
// libgomp's entry points are called directly rather than through
// `#pragma omp parallel`: the project is compiled with clang, whose OpenMP
// code generation targets LLVM's libomp, and oneDNN (Debian's libdnnl) runs
// in libgomp. Two pools on two cores would each spin while the other works.
// GOMP_parallel is libgomp's stable ABI since GCC 4.9.
//
//===----------------------------------------------------------------------===//
#include "Parallel.h"

#include "FloatMode.h"

#include <algorithm>

extern "C" {
void GOMP_parallel(void (*fn)(void *), void *data, unsigned numThreads, unsigned flags);
int omp_get_thread_num(void);
int omp_get_num_threads(void);
int omp_get_max_threads(void);
int omp_in_parallel(void);
}

namespace {

using gdrt::currentFloatMode;
using gdrt::setFloatMode;

struct Loop {
  void (*task)(void *, int64_t, int64_t);
  void *context;
  int64_t lo, hi;
  unsigned floatMode;
};

/// One thread's share: the t-th of n nearly equal, contiguous pieces.
void runShare(void *data) {
  const Loop &loop = *static_cast<const Loop *>(data);
  int64_t threads = omp_get_num_threads(), thread = omp_get_thread_num();
  int64_t length = loop.hi - loop.lo;
  // The first `longer` threads take one iteration more than the others.
  int64_t share = length / threads, longer = length % threads;
  int64_t begin = loop.lo + share * thread + std::min(thread, longer);
  int64_t end = begin + share + (thread < longer ? 1 : 0);
  if (begin >= end)
    return;
  unsigned saved = currentFloatMode();
  setFloatMode(loop.floatMode);
  loop.task(loop.context, begin, end);
  setFloatMode(saved);
}

} // namespace

extern "C" void gdrt_parallel_for(void (*task)(void *, int64_t, int64_t), void *context,
                                  int64_t lo, int64_t hi, int64_t work) {
  int64_t length = hi - lo;
  bool small = length < 2 || work < gdrt::kMinParallelWork;
  int threads = small ? 1 : omp_get_max_threads();
  if (threads < 2 || omp_in_parallel()) {
    if (length > 0)
      task(context, lo, hi);
    return;
  }
  Loop loop{task, context, lo, hi, currentFloatMode()};
  GOMP_parallel(runShare, &loop, unsigned(length < threads ? length : threads), 0);
}
