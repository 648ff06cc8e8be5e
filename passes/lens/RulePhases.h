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
  /// gradient and returns each tensor's gd.apply_optimizer (the results'
  /// states beyond the rule's own are to be ignored); `newGlobals`
  /// receives the global states' values after the step.
  llvm::SmallVector<gd::ApplyOptimizerOp>
  finish(llvm::SmallVectorImpl<mlir::Value> &newGlobals);

private:
  gd::ApplyOptimizerOp apply(gd::OptimizerOp op, unsigned tensor);
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
  llvm::ArrayRef<RuleInputs> tensors;
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
  /// per-element barriers (grad_at values) computed so far.
  llvm::SmallVector<llvm::SmallVector<mlir::Value>> scalars, elements;
};

} // namespace gdc

#endif // GDC_PASSES_LENS_RULEPHASES_H
