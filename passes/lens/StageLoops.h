//===- StageLoops.h - A repeated block of stages as one loop ----*- C++ -*-===//
//
// `repeat(n, block)` makes n instances of the same lenses. Applied one by
// one, the step holds n copies of the block's forward and backward maps,
// and everything after (fusion, bufferization, LLVM's code generation)
// grows with n, faster than linearly in LLVM. gd-build-train-step instead
// applies a run of repetitions as one `scf.for` over their parameters
// stacked along a new leading dimension, as JAX's scan does: the block's
// maps are emitted once, whatever n. The forward loop saves each
// repetition's inputs; the backward loop runs the repetitions in reverse,
// recomputing inside each what its backward map needs, and stacks the
// parameters' gradients. The values are those of the unrolled step: the
// same operations on the same operands, in the same order.
//
//===----------------------------------------------------------------------===//
#ifndef GDC_PASSES_LENS_STAGELOOPS_H
#define GDC_PASSES_LENS_STAGELOOPS_H

#include "dialects/gd/ModelStructure.h"

#include <functional>

namespace gdc {

/// Instances [first, first + period * count) of a model: `count`
/// repetitions of the same `period` lenses.
struct RepeatedStages {
  unsigned first = 0;
  unsigned period = 0;
  unsigned count = 0;
  unsigned end() const { return first + period * count; }
};

/// The runs of at least `minRepeats` repetitions in `model`, in order and
/// disjoint, each as long as it can be (and of the shortest period among
/// the longest). An instance joins a run only when it owns its parameters
/// and shares them with no other, and its wires are dynamic in the batch
/// dimension alone (a run of per-example parameters is left unrolled:
/// `perExampleParams`). A stage's random draws get its instance at run
/// time, so they are the unrolled step's. `minRepeats` 0 finds none.
llvm::SmallVector<RepeatedStages> findRepeatedStages(llvm::ArrayRef<gd::ModelInstance> model,
                                                     unsigned minRepeats,
                                                     bool perExampleParams);

/// `values` (of one type) stacked along a new leading dimension.
mlir::Value stackValues(mlir::OpBuilder &b, mlir::Location loc, mlir::ValueRange values);
/// `stack[j]`: the slice at `j` of the leading dimension, without it.
mlir::Value sliceAt(mlir::OpBuilder &b, mlir::Location loc, mlir::Value stack,
                    mlir::OpFoldResult j);

/// "one of A … B": the first and last of `paths`, for the location of an
/// operation that runs once for each.
std::string oneOf(llvm::StringRef first, llvm::StringRef last);

/// One run of repeated stages in a function being built: its parameters
/// stacked, its forward loop, then (for a step) its backward loop.
class StageLoop {
public:
  /// `mapLoc` names what an application computes (see gd-build-train-step);
  /// `context` is the (seed, t, training) the lenses run in.
  StageLoop(mlir::OpBuilder &b, mlir::Location loc, const RepeatedStages &run,
            llvm::ArrayRef<gd::ModelInstance> model, mlir::ValueRange context,
            std::function<mlir::Location(const std::string &)> mapLoc);

  /// Stacks the run's parameters; `params[i]` are instance i's (the whole
  /// model's). Call before forward.
  void stackParams(llvm::ArrayRef<llvm::SmallVector<mlir::Value>> params);

  /// Applies the run's forward maps to `x`; returns the run's output. With
  /// `saveInputs`, keeps each stage's inputs for backward.
  mlir::Value forward(mlir::Value x, bool saveInputs);

  /// Applies the backward maps in reverse to the cotangent of the run's
  /// output; returns the cotangent of its input and sets `grads[i]` for
  /// each instance i of the run.
  mlir::Value backward(mlir::Value cotangent,
                       llvm::MutableArrayRef<llvm::SmallVector<mlir::Value>> grads);

  /// Position `q`'s parameter `r`, stacked over the repetitions, and (after
  /// backward) its gradient, stacked the same way: an update rule that is
  /// elementwise updates the stack as one tensor (gd-build-train-step).
  mlir::Value stackedParam(unsigned q, unsigned r) const { return stackedParams[q][r]; }
  mlir::Value stackedGrad(unsigned q, unsigned r) const { return stackedGrads[q][r]; }
  const RepeatedStages &stages() const { return run; }

  /// The run's first instance, and the one after its last.
  unsigned first() const { return run.first; }
  unsigned end() const { return run.end(); }

private:
  mlir::Location stageLoc(llvm::StringRef map, unsigned position) const;
  /// The context a stage at `position` of repetition `j` runs in: with its
  /// instance appended when its lens draws random numbers.
  mlir::ValueRange contextAt(mlir::OpBuilder &nb, mlir::Location nloc, mlir::Value j,
                             unsigned position,
                             llvm::SmallVectorImpl<mlir::Value> &storage) const;

  mlir::OpBuilder &b;
  mlir::Location loc;
  RepeatedStages run;
  llvm::ArrayRef<gd::ModelInstance> model;
  llvm::SmallVector<mlir::Value, 3> context;
  std::function<mlir::Location(const std::string &)> mapLoc;
  /// Per position in the block, per parameter: tensor<count x shape>.
  llvm::SmallVector<llvm::SmallVector<mlir::Value>> stackedParams;
  /// Per position in the block: each repetition's input, tensor<count x T>.
  llvm::SmallVector<mlir::Value> savedInputs;
  /// Per position, per parameter: the gradients, tensor<count x shape>.
  llvm::SmallVector<llvm::SmallVector<mlir::Value>> stackedGrads;
};

} // namespace gdc

#endif // GDC_PASSES_LENS_STAGELOOPS_H
