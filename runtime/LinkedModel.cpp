//===- LinkedModel.cpp - gdrtMain: run the model linked into the program --===//
//
// The only file that refers to the ModelABI.h symbols, so that programs
// which supply entry points of their own (tests, a JIT) can link the rest
// of the runtime without defining them.
//
//===----------------------------------------------------------------------===//

#include "Driver.h"

#include "ModelABI.h"

#ifdef __GLIBC__
#include <malloc.h>
#endif

namespace gdrt {

int gdrtMain(int argc, char **argv) {
#ifdef __GLIBC__
  // Every step allocates and frees the same activation-sized buffers. Above
  // glibc's default mmap threshold (128 KiB) each would be a fresh mapping
  // whose pages fault in again on every step; keep them on the heap.
  mallopt(M_MMAP_THRESHOLD, 1 << 30);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
#endif
  ModelEntryPoints model;
  model.manifest = gd_model_manifest;
  model.step = gd_model_step;
  model.eval = gd_model_eval;
  return runTrainingProgram(argc, argv, model);
}

} // namespace gdrt
