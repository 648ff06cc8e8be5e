//===- StepMemory.cpp - Allocation for the compiled step ------------------===//
#include "StepMemory.h"

#include <cstdio>
#include <cstdlib>
#include <unistd.h>

namespace gdrt {
namespace {

[[noreturn]] void exitOutOfMemory(size_t bytes) {
  std::fprintf(stderr,
               "train: error: out of memory: the training step could not allocate %.1f MB "
               "(a smaller --batch needs less)\n",
               double(bytes) / 1e6);
  std::fflush(stderr);
  _exit(1);
}

thread_local StepOutOfMemoryHandler handler = &exitOutOfMemory;

[[noreturn]] void outOfMemory(size_t bytes) {
  handler(bytes);
  exitOutOfMemory(bytes); // a handler that returned
}

} // namespace

StepOutOfMemoryHandler setStepOutOfMemoryHandler(StepOutOfMemoryHandler next) {
  StepOutOfMemoryHandler previous = handler;
  handler = next ? next : &exitOutOfMemory;
  return previous;
}

} // namespace gdrt

extern "C" {

void *_mlir_memref_to_llvm_alloc(size_t size) {
  void *pointer = std::malloc(size);
  if (!pointer && size != 0)
    gdrt::outOfMemory(size);
  return pointer;
}

void *_mlir_memref_to_llvm_aligned_alloc(size_t alignment, size_t size) {
  // aligned_alloc wants a size that is a multiple of the alignment.
  size_t rounded = (size + alignment - 1) / alignment * alignment;
  void *pointer = std::aligned_alloc(alignment, rounded);
  if (!pointer && size != 0)
    gdrt::outOfMemory(size);
  return pointer;
}

void _mlir_memref_to_llvm_free(void *pointer) { std::free(pointer); }
}
