//===- Driver.cpp - The training executable from the command line down ----===//

#include "Driver.h"

#include <atomic>
#include <csignal>

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
  if (!trainer.prepare(error))
    return fail(error);
  // SIGINT and SIGTERM end the run after the step in progress, with a
  // checkpoint to resume from.
  static std::atomic<bool> stop{false};
  static std::atomic<int> signalNumber{0};
  struct sigaction action = {};
  action.sa_handler = [](int sig) {
    signalNumber.store(sig);
    stop.store(true);
  };
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  trainer.setStopRequest(&stop);
  bool ok = trainer.run(error);
  if (!trainer.stopped())
    return ok ? 0 : fail(error);
  if (!ok)
    return fail(error);
  // With --save the checkpoint is written already; without, here.
  std::string checkpoint = options.savePath.empty() ? "interrupted.safetensors" : options.savePath;
  if (options.savePath.empty() && !trainer.saveCheckpoint(checkpoint, error))
    return fail("interrupted, and the checkpoint could not be written: " + error);
  fprintf(messages,
          "train: interrupted (%s) after step %lld; the checkpoint is %s. Continue with "
          "--resume %s and the same options.\n",
          signalNumber.load() == SIGTERM ? "SIGTERM" : "SIGINT",
          static_cast<long long>(trainer.stepsTaken()), checkpoint.c_str(), checkpoint.c_str());
  return 128 + signalNumber.load();
}

} // namespace gdrt
