//===- Pipelines.cpp - gdc's pipeline, stage by stage ----------------------===//
//
// The one definition of what gdc runs. `gdc --emit=STAGE` stops after a
// stage; gdc-opt registers the same stages as named pipelines so lit tests
// replay exactly what the driver does.
//
//===----------------------------------------------------------------------===//
#include "passes/Passes.h"

#include "mlir/Pass/PassRegistry.h"
#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace gdc {

/// Each stage's passes, as MLIR pipeline text (also shown in docs/).
static const char *stagePipeline(Stage stage) {
  switch (stage) {
  case Stage::GD:
    return "";
  case Stage::Batched:
    return "gd-fold-update-rules,gd-check-codegen,gd-batch";
  case Stage::Differentiated:
    return "gd-reverse-mode";
  case Stage::TrainStep:
    return "gd-build-train-step,gd-inline-lenses,canonicalize,cse";
  case Stage::Linalg:
    return "convert-gd-to-linalg,canonicalize,linalg-fuse-elementwise-ops,"
           "canonicalize,cse";
  case Stage::LLVM:
    // The step's results are computed out of place and copied into the
    // runtime's buffers at its end (see gd-build-train-step). Writing them
    // in place (eliminate-empty-tensors) is unsound here: the buffers are
    // read through `restrict` views, so bufferization cannot see that an
    // update would overwrite a value another update still reads.
    return "one-shot-bufferize,canonicalize,buffer-deallocation-pipeline,"
           "gd-matmul-to-blas,func.func(convert-linalg-to-loops),"
           "gd-emit-model-abi,lower-affine,convert-scf-to-cf,"
           "expand-strided-metadata,finalize-memref-to-llvm,"
           "convert-math-to-llvm,convert-math-to-libm,convert-arith-to-llvm,"
           "convert-index-to-llvm,convert-cf-to-llvm,convert-func-to-llvm,"
           "convert-ub-to-llvm,reconcile-unrealized-casts,canonicalize";
  }
  llvm_unreachable("unknown stage");
}

void buildPipeline(OpPassManager &pm, Stage stage) {
  for (int s = (int)Stage::GD; s <= (int)stage; ++s) {
    StringRef text = stagePipeline((Stage)s);
    if (text.empty())
      continue;
    if (failed(parsePassPipeline(text, pm, llvm::errs())))
      llvm::report_fatal_error("internal error, please report: bad pipeline");
  }
}

void registerPasses() {
  registerGDCPasses();
  auto reg = [](const char *name, const char *summary, Stage stage) {
    PassPipelineRegistration<>(name, summary, [stage](OpPassManager &pm) {
      buildPipeline(pm, stage);
    });
  };
  reg("gd-to-train-step", "gdc's pipeline up to the train step functions",
      Stage::TrainStep);
  reg("gd-to-linalg", "gdc's pipeline up to fused linalg on tensors",
      Stage::Linalg);
  reg("gd-to-llvm", "gdc's whole pipeline, down to the LLVM dialect",
      Stage::LLVM);
}

} // namespace gdc
