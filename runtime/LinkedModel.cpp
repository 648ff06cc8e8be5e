//===- LinkedModel.cpp - gdrtMain: run the model linked into the program --===//
//
// The only file that refers to the ModelABI.h symbols, so that programs
// which supply entry points of their own (tests, a JIT) can link the rest
// of the runtime without defining them.
//
//===----------------------------------------------------------------------===//

#include "Driver.h"

#include "ModelABI.h"
#include "ModelState.h"


namespace gdrt {

int gdrtMain(int argc, char **argv) {
  keepStepBuffersOnHeap();
  ModelEntryPoints model;
  model.manifest = gd_model_manifest;
  model.step = gd_model_step;
  model.eval = gd_model_eval;
  model.diagnose = gd_model_diagnose;
  model.loss = gd_model_loss;
  return runTrainingProgram(argc, argv, model);
}

} // namespace gdrt
