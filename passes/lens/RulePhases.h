//===- RulePhases.h - Applying an update rule with barriers ------*- C++ -*-===//
#ifndef GDC_PASSES_LENS_RULEPHASES_H
#define GDC_PASSES_LENS_RULEPHASES_H

#include "dialects/gd/GDDialect.h"

#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/DenseSet.h"

#include <optional>
#include <string>

namespace gdc {

/// One parameter tensor's update inputs.
struct RuleInputs {
  mlir::Value param, grad;
  /// As the step keeps them: a state that is the same along some axes has
  /// extent 1 along them (StateShapes.h); the others are shaped like
  /// `param`.
  llvm::SmallVector<mlir::Value> states;
  int64_t index; ///< the parameter's position in the step (random streams)
  std::string path = {}; ///< the parameter's path, for diagnostics
};

/// Whether `rule`'s update of each element depends only on that element
/// (and on scalars shared by all): no barrier (a norm, size or mean of the
/// tensor, grad_at, ...) and no random draw (a draw's stream holds the
/// tensor's index). Such a rule updates several tensors stacked into one
/// as it updates each on its own, value for value.
bool isElementwise(gd::OptimizerOp rule);

/// The axis a whole-tensor barrier (`mean(x, axis = k)`, `sum`, `size`)
/// names, if it names one.
std::optional<int64_t> barrierAxis(mlir::Operation *op);

/// `axis` of a tensor of rank `rank` counted from the first (negative ones
/// count from the last), -1 for an axis before the first (extent 1, as
/// NumPy's right-aligned broadcasting has it), or std::nullopt past the
/// last.
std::optional<int64_t> resolveAxis(int64_t axis, int64_t rank);

/// One tensor's update: the op that computes the new parameter, and the new
/// states, each of its state's type in RuleInputs.
struct RuleResult {
  gd::ApplyOptimizerOp update;
  llvm::SmallVector<mlir::Value> newStates;
};

/// One update rule applied to its tensors. A rule that reads `loss` or has
/// barriers (`norm`, `global_norm`, `grad_at`, whole-tensor means, sums,
/// sizes and orthogonalize) is applied in phases: for
/// each barrier in body order, a rule derived from the body up to the
/// barrier's operand computes that operand for every element, gd ops reduce
/// or transform it (over the tensor, or over all of them), and the value
/// enters the next phases as a scalar, like a hyperparameter, or per
/// element, like a state; `loss` enters the same
/// way. For `grad_at(x)` the phase computes the point x for every tensor
/// and the caller computes the gradient there (nextGradAtPoints() returns
/// the points, provideGradients() takes the gradient), which enters the
/// next phases per element, like a state. The caller drives the phases so
/// that several rules (parameter groups) can take one gradient at a point
/// of the whole model. The derived rules are added to the module once per
/// rule.
class RuleApplication {
public:
  /// `globals` are the rule's global states before the step.
  RuleApplication(mlir::OpBuilder &b, mlir::Location loc, gd::OptimizerOp rule,
                  llvm::ArrayRef<RuleInputs> tensors, mlir::Value t, mlir::ValueRange hypers,
                  mlir::ValueRange globals, mlir::Value loss, mlir::Value seed);

  /// Checks that the whole-tensor barriers fit each tensor's shape
  /// (orthogonalize needs a matrix, an axis must exist); reports each
  /// misfit at the barrier, naming the parameter.
  mlir::LogicalResult checkShapes();

  /// Runs the phases up to the next grad_at and returns each tensor's
  /// point, or std::nullopt once no grad_at is left.
  std::optional<llvm::SmallVector<mlir::Value>> nextGradAtPoints();
  /// The raw gradient of the same batch at the points last returned, per
  /// tensor.
  void provideGradients(llvm::ArrayRef<mlir::Value> gradients);
  /// Applies the body (its last phase) once every grad_at has its
  /// gradient and returns each tensor's update; `newGlobals` receives the
  /// global states' values after the step. A state kept with extent 1
  /// along some axes is computed by a rule of its own, on that shape (its
  /// new value depends only on values that are the same along them), and
  /// the body reads it broadcast back.
  llvm::SmallVector<RuleResult> finish(llvm::SmallVectorImpl<mlir::Value> &newGlobals);

private:
  gd::ApplyOptimizerOp apply(gd::OptimizerOp op, unsigned tensor);
  /// Tensor `i`'s new state `s` where it is kept with extent 1 along some
  /// axes: the body's value computed on that shape.
  mlir::Value keptStateUpdate(unsigned i, unsigned s);
  /// `v` on the shape of `ones` (a tensor of ones): sliced at index 0 along
  /// the axes where `ones` has extent 1 (where `v` is the same all along
  /// them) and broadcast along the others.
  mlir::Value onShapeOf(mlir::Value v, mlir::Value ones);
  /// Barrier `op`'s value for a tensor whose operand is `x` (all of it).
  mlir::Value wholeTensorValue(mlir::Operation *op, mlir::Value x);
  gd::OptimizerOp derived(const std::string &suffix, unsigned k, mlir::Operation *stopAt,
                          mlir::Value yieldValue);
  /// Clones the body's uniform ops (those computable from t, loss, the
  /// hyperparameters, the global states and the uniform barriers' values)
  /// into the step, in body order, up to and including `through` (all of
  /// them for null).
  void evaluateUniform(mlir::Operation *through);

  mlir::OpBuilder &b;
  mlir::Location loc;
  gd::OptimizerOp rule;
  /// The tensors' inputs, their states broadcast to the parameter's shape
  /// where they are kept smaller (`kept`).
  llvm::SmallVector<RuleInputs> tensors;
  llvm::SmallVector<llvm::SmallVector<mlir::Value>> kept;
  mlir::Value t;
  mlir::ValueRange hypers, globals;
  mlir::Value seed;
  /// The barriers in body order, and the uniform scalars the step computes
  /// where they meet the elementwise part.
  llvm::SmallVector<mlir::Operation *> barriers;
  /// The body's uniform ops: the step's work (evaluateUniform), never
  /// cloned into a phase.
  llvm::DenseSet<mlir::Operation *> hoisted;
  mlir::IRMapping uniform; ///< body values -> their values in the step
  mlir::Block::iterator uniformCursor;
  bool phased;
  unsigned next = 0; ///< the next barrier to compute
  /// Per tensor: the leading scalars (loss, scalar barriers) and the
  /// per-element barriers (grad_at values) computed so far; the latter
  /// also as computed (a mean along an axis with extent 1 there).
  llvm::SmallVector<llvm::SmallVector<mlir::Value>> scalars, elements, compactElements;
};

} // namespace gdc

#endif // GDC_PASSES_LENS_RULEPHASES_H
