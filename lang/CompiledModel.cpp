//===- CompiledModel.cpp - A program's training step, compiled in memory --===//
#include "lang/CompiledModel.h"

#include "dialects/gd/GDDialect.h"

using namespace mlir;

namespace gdc {

std::unique_ptr<CompiledModel> CompiledModel::compile(Session &session, ModuleOp module) {
  auto steps = module.getOps<gd::TrainStepOp>();
  if (steps.empty()) {
    session.fail("the program has no train block: there is no step to compile");
    return nullptr;
  }
  std::unique_ptr<CompiledModel> model(new CompiledModel());
  model->trainName = (*steps.begin()).getSymName().str();
  if (failed(session.lower(module, Stage::LLVM)))
    return nullptr;
  auto jit = JitModule::create(module);
  if (!jit) {
    session.fail("internal error, please report: JIT compilation failed: " +
                 llvm::toString(jit.takeError()));
    return nullptr;
  }
  model->jit = std::move(*jit);
  auto manifest = model->jit->lookup("gd_model_manifest");
  auto step = model->jit->lookup("gd_model_step");
  auto eval = model->jit->lookup("gd_model_eval");
  auto diagnose = model->jit->lookup("gd_model_diagnose");
  auto loss = model->jit->lookup("gd_model_loss");
  if (!manifest || !step || !eval || !diagnose || !loss) {
    llvm::consumeError(manifest.takeError());
    llvm::consumeError(step.takeError());
    llvm::consumeError(eval.takeError());
    llvm::consumeError(diagnose.takeError());
    llvm::consumeError(loss.takeError());
    session.fail("internal error, please report: the compiled step lacks an entry point");
    return nullptr;
  }
  // A copy: the parsed manifest and its text live as long as the model.
  model->manifestText = static_cast<const char *>(*manifest);
  std::string error;
  if (!gdrt::parseManifest(model->manifestText, model->parsedManifest, error)) {
    session.fail("internal error, please report: the compiled manifest: " + error);
    return nullptr;
  }
  gdrt::keepStepBuffersOnHeap();
  model->entries.manifest = model->manifestText.c_str();
  model->entries.step = reinterpret_cast<void (*)(void **, int64_t)>(*step);
  model->entries.eval = reinterpret_cast<void (*)(void **, int64_t)>(*eval);
  model->entries.diagnose = reinterpret_cast<void (*)(void **, int64_t)>(*diagnose);
  model->entries.loss = reinterpret_cast<void (*)(void **, int64_t)>(*loss);
  // Present when the session asked for it (TrainStepOptions::buildApply)
  // and the rules can take given gradients.
  if (auto apply = model->jit->lookup("gd_model_apply"))
    model->entries.apply = reinterpret_cast<void (*)(void **, int64_t)>(*apply);
  else
    llvm::consumeError(apply.takeError());
  return model;
}

} // namespace gdc
