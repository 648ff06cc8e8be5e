//===- Driver.h - The training executable from the command line down -----===//
//
// `main` is one line: it calls gdrtMain, which hands the linked model's
// entry points to runTrainingProgram. Keeping the logic in a function that
// takes the entry points lets tests and an in-process JIT run the whole
// program on a model of their own.
//
//===----------------------------------------------------------------------===//
#ifndef GDC_RUNTIME_DRIVER_H
#define GDC_RUNTIME_DRIVER_H

#include "Trainer.h"

namespace gdrt {

/// Everything the executable does: parse the manifest and the command line,
/// print --help (to stdout), train, report. Progress, epoch summaries and
/// errors go to `messages` (default stderr). Returns the process exit
/// status: 0, or 1 after printing `train: error: <message>`.
int runTrainingProgram(int argc, const char *const *argv,
                       const ModelEntryPoints &model, FILE *messages = stderr);

/// runTrainingProgram on the model linked into the executable
/// (gd_model_manifest, gd_model_step and gd_model_eval of ModelABI.h).
int gdrtMain(int argc, char **argv);

} // namespace gdrt

#endif // GDC_RUNTIME_DRIVER_H
