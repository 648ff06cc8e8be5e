//===- StepMemory.h - Allocation for the compiled step ----------*- C++ -*-===//
//
// The compiled training step allocates its buffers through these functions
// (MLIR's generic allocation functions, `use-generic-functions` of
// finalize-memref-to-llvm), so that a failed allocation becomes a clear
// error instead of a write through a null pointer. An executable links
// them from libgdrt.a; an in-process JIT registers their addresses.
//
//===----------------------------------------------------------------------===//
#ifndef GDC_RUNTIME_STEPMEMORY_H
#define GDC_RUNTIME_STEPMEMORY_H

#include <cstddef>

extern "C" {
void *_mlir_memref_to_llvm_alloc(size_t size);
void *_mlir_memref_to_llvm_aligned_alloc(size_t alignment, size_t size);
void _mlir_memref_to_llvm_free(void *pointer);
}

namespace gdrt {

/// Called, on the thread of the step, with the size the step could not
/// allocate. It must not return: the default prints `train: error: ...`
/// and exits with status 1; the library jumps back to its caller.
using StepOutOfMemoryHandler = void (*)(size_t bytes);

/// Sets this thread's handler; returns the previous one.
StepOutOfMemoryHandler setStepOutOfMemoryHandler(StepOutOfMemoryHandler handler);

} // namespace gdrt

#endif // GDC_RUNTIME_STEPMEMORY_H
