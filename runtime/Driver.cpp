//===- Driver.cpp - The training executable from the command line down ----===//

#include "Driver.h"

namespace gdrt {

int runTrainingProgram(int argc, const char *const *argv,
                       const ModelEntryPoints &model, FILE *messages) {
  auto fail = [&](const std::string &message) {
    fprintf(messages, "train: error: %s\n", message.c_str());
    return 1;
  };
  Manifest manifest;
  std::string error;
  if (!model.manifest || !model.step || !model.eval)
    return fail("the program was linked without a complete model");
  if (!parseManifest(model.manifest, manifest, error))
    return fail("the model's manifest is invalid (a gdc bug): " + error);
  Options options;
  if (!parseOptions(argc, argv, manifest, options, error))
    return fail(error);
  if (options.help) {
    fputs(helpText(manifest).c_str(), stdout);
    return 0;
  }
  Trainer trainer(manifest, model, options);
  trainer.setMessageStream(messages);
  if (!trainer.prepare(error) || !trainer.run(error))
    return fail(error);
  return 0;
}

} // namespace gdrt
