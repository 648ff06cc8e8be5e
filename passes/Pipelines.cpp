//===- Pipelines.cpp - gdc's pipeline, stage by stage ----------------------===//
//
// The one definition of what gdc runs, as C++ builders with typed options
// (no pipeline text parsed at run time). The pipeline splits at
// bufferization: the target-neutral part ends with fused linalg on tensors
// (Stage::Linalg); addCPULowering() takes that to the LLVM dialect, and a
// GPU lowering can sit beside it. `gdc --emit=STAGE` stops after a stage;
// gdc-opt registers the same builders as named pipelines so that lit tests
// replay exactly what the driver does, and the gradient-check harness uses
// addCPULowering() with its own options.
//
//===----------------------------------------------------------------------===//
#include "passes/Pipelines.h"
#include "passes/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

namespace gdc {

void addBatching(OpPassManager &pm) {
  pm.addPass(createGDFoldUpdateRules());
  pm.addPass(createGDCheckCodegen());
  pm.addPass(createGDBatch());
}

void addDifferentiation(OpPassManager &pm) { pm.addPass(createGDReverseMode()); }

void addTrainStep(OpPassManager &pm, const TrainStepOptions &options) {
  GDBuildTrainStepOptions build;
  build.checkFinite = options.checkFinite;
  build.minLoopRepeats = options.minLoopRepeats;
  build.buildApply = options.buildApply;
  pm.addPass(createGDBuildTrainStep(build));
  pm.addPass(createGDInlineLenses());
  pm.addPass(createGDLocateNonFinite());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  pm.addPass(createGDPerExampleProducts());
}

void addLinalg(OpPassManager &pm) {
  ConvertGDToLinalgOptions lowering;
  lowering.convKernels = true;
  pm.addPass(createConvertGDToLinalg(lowering));
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createGDFuseElementwise());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
}

void addCPULowering(OpPassManager &pm, const CPULoweringOptions &options) {
  bufferization::OneShotBufferizePassOptions bufferize;
  if (options.bufferizeFunctionBoundaries) {
    bufferize.bufferizeFunctionBoundaries = true;
    bufferize.functionBoundaryTypeConversion =
        bufferization::LayoutMapOption::IdentityLayoutMap;
  }
  // A loop over repeated stages (StageLoops.h) carries each stage's output
  // to the next iteration in a buffer the body allocates; the deallocation
  // pipeline frees the one it replaces.
  bufferize.allowReturnAllocsFromLoops = true;
  // Computes each result in the buffer it is written to, rather than in a
  // fresh one that is then copied there. Sound because no function here
  // writes a buffer it reads: the train step writes the updated parameters
  // and states into separate next buffers (gd-build-train-step).
  pm.addNestedPass<func::FuncOp>(createGDComputeInDestination());
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
  pm.addPass(createCanonicalizerPass());
  bufferization::buildBufferDeallocationPipeline(pm);
  if (options.bufferizeFunctionBoundaries)
    pm.addPass(createConvertBufferizationToMemRefPass());
  if (options.useBlas) {
    pm.addPass(createGDMatmulToBlas());
    pm.addPass(createGDConvToDnnl());
  }
  pm.addPass(createGDCopiesToLoops());
  // Large loops run on every thread of the OpenMP pool, through the
  // runtime's gdrt_parallel_for (gd-dispatch-parallel-bodies, below).
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToParallelLoopsPass());
  pm.addPass(createGDFuseFiniteChecks());
  pm.addPass(createGDOutlineParallelLoops());
  pm.addPass(createGDStreamStores());
  pm.addPass(createGDApproximateMath());
  if (options.emitModelABI)
    pm.addPass(createGDEmitModelABI());
  // Before lower-affine: expanding a reshaped buffer's metadata computes its
  // sizes with affine.apply.
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addNestedPass<func::FuncOp>(createGDLowerControlFlow());
  pm.addPass(createSCFToControlFlowPass()); // anything outside a function
  // The train step allocates through the runtime (runtime/StepMemory.h),
  // which turns a failed allocation into a clear error.
  // gd-stream-stores' vector loops, before their buffers become pointers.
  pm.addPass(createConvertVectorToLLVMPass());
  FinalizeMemRefToLLVMConversionPassOptions memrefOptions;
  memrefOptions.useGenericFunctions = options.emitModelABI;
  pm.addPass(createFinalizeMemRefToLLVMConversionPass(memrefOptions));
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createConvertMathToLibmPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertIndexToLLVMPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(createGDDispatchParallelBodies());
  pm.addPass(createUBToLLVMConversionPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(createCanonicalizerPass());
}

void buildPipeline(OpPassManager &pm, Stage stage, const TrainStepOptions &trainStep) {
  if (stage >= Stage::Batched)
    addBatching(pm);
  if (stage >= Stage::Differentiated)
    addDifferentiation(pm);
  if (stage >= Stage::TrainStep)
    addTrainStep(pm, trainStep);
  if (stage >= Stage::Linalg)
    addLinalg(pm);
  if (stage >= Stage::LLVM)
    addCPULowering(pm, CPULoweringOptions());
}

namespace {
/// The pipelines' options on gdc-opt's command line (`-gd-to-llvm=build-apply=true`).
struct PipelineCommandLine : PassPipelineOptions<PipelineCommandLine> {
  Option<bool> buildApply{*this, "build-apply",
                          llvm::cl::desc("also build @gd_apply (TrainStepOptions::buildApply)"),
                          llvm::cl::init(false)};
};
} // namespace

void registerPasses() {
  registerGDCPasses();
  auto reg = [](const char *name, const char *summary, Stage stage) {
    PassPipelineRegistration<PipelineCommandLine>(
        name, summary, [stage](OpPassManager &pm, const PipelineCommandLine &options) {
          TrainStepOptions trainStep;
          trainStep.buildApply = options.buildApply;
          buildPipeline(pm, stage, trainStep);
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
