//===- Pipelines.h - gdc's pipeline builders --------------------*- C++ -*-===//
//
// gdc's pipeline as typed C++ builders, split at bufferization: the
// target-neutral stages (batching, differentiation, the train step, fused
// linalg on tensors), then a target's lowering (the CPU's, below).
//
//===----------------------------------------------------------------------===//
#ifndef GDC_PASSES_PIPELINES_H
#define GDC_PASSES_PIPELINES_H

#include "mlir/Pass/PassManager.h"

namespace gdc {

/// The stages of gdc's pipeline, in order; `gdc --emit=` stops after one.
enum class Stage { GD, Batched, Differentiated, TrainStep, Linalg, LLVM };

/// gd-fold-update-rules, gd-check-codegen, gd-batch.
void addBatching(mlir::OpPassManager &pm);
/// gd-reverse-mode.
void addDifferentiation(mlir::OpPassManager &pm);
struct TrainStepOptions {
  /// The step checks its loss, gradients and updated parameters for NaN and
  /// infinity and writes nothing when one is not finite. Off only to
  /// measure what the check costs (`gdc --no-step-check`).
  bool checkFinite = true;
  /// A block of stages repeated at least this many times (`repeat(n, ...)`)
  /// is applied as one loop over its stacked parameters, so that the step's
  /// code does not grow with n (passes/lens/StageLoops.h); 0 applies every
  /// stage on its own (`gdc --unroll-repeats`, to compare the two).
  unsigned minLoopRepeats = 4;
  /// Also build @gd_apply, the optimizer's update of gradients the caller
  /// computed (ModelABI.h's gd_model_apply), for an in-process host (the
  /// library); an executable has no use for it.
  bool buildApply = false;
};
/// gd-build-train-step, gd-inline-lenses and gd-locate-non-finite: @gd_step,
/// @gd_diagnose and @gd_eval.
void addTrainStep(mlir::OpPassManager &pm, const TrainStepOptions &options = {});
/// convert-gd-to-linalg and elementwise fusion: the end of the
/// target-neutral pipeline.
void addLinalg(mlir::OpPassManager &pm);

struct CPULoweringOptions {
  /// f32 matrix products call the runtime's BLAS (gd-matmul-to-blas) and
  /// f32 convolutions of a batch its oneDNN kernel (gd-conv-to-dnnl).
  bool useBlas = true;
  /// Emit the training step's C ABI (gd-emit-model-abi), for the runtime.
  bool emitModelABI = true;
  /// Functions take and return tensors (bufferized to identity-layout
  /// memrefs), as a JIT of plain functions needs; the train step instead
  /// writes into the runtime's buffers.
  bool bufferizeFunctionBoundaries = false;
};
/// Fused linalg on tensors to the LLVM dialect, for the host CPU.
void addCPULowering(mlir::OpPassManager &pm, const CPULoweringOptions &options);

/// Adds the passes that take the module from what the front end produced
/// to the end of `stage`, on the CPU. `gdc` and the named pipelines of
/// gdc-opt both use this, so gdc-opt replays exactly what gdc runs.
void buildPipeline(mlir::OpPassManager &pm, Stage stage,
                   const TrainStepOptions &trainStep = {});

} // namespace gdc

#endif // GDC_PASSES_PIPELINES_H
