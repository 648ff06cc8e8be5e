//===- RulePhases.h - Applying an update rule with barriers ------*- C++ -*-===//
#ifndef GDC_PASSES_LENS_RULEPHASES_H
#define GDC_PASSES_LENS_RULEPHASES_H

#include "dialects/gd/GDDialect.h"

#include "llvm/ADT/STLFunctionalExtras.h"

namespace gdc {

/// One parameter tensor's update inputs.
struct RuleInputs {
  mlir::Value param, grad;
  llvm::SmallVector<mlir::Value> states;
  int64_t index; ///< the parameter's position in the step (random streams)
};

/// The gradients of the batch's loss with every tensor moved to `points`
/// (in the order of the tensors), for grad_at.
using GradientAt =
    llvm::function_ref<mlir::FailureOr<llvm::SmallVector<mlir::Value>>(llvm::ArrayRef<mlir::Value>)>;

/// Applies `rule` to every tensor of `tensors` at the insertion point of
/// `b` and returns each tensor's gd.apply_optimizer. A rule that reads
/// `loss` or has barriers (`norm`, `global_norm`) is applied in phases: for
/// each barrier in body order, a rule derived from the body up to the
/// barrier's operand computes that operand for every element, gd ops reduce
/// it (over the tensor, or over all of them), and the value enters the
/// next phases as a scalar, like a hyperparameter; `loss` enters the same
/// way. For `grad_at(x)` the phase computes the point x for every tensor,
/// `gradientAt` the gradient there, which enters the next phases per
/// element, like a state. The derived rules are added to the module once
/// per rule. The results' states beyond the rule's own are to be ignored.
/// `globals` are the rule's (scalar) global states before the step;
/// `newGlobals` receives their values after it.
mlir::FailureOr<llvm::SmallVector<gd::ApplyOptimizerOp>>
applyRule(mlir::OpBuilder &b, mlir::Location loc, gd::OptimizerOp rule,
          llvm::ArrayRef<RuleInputs> tensors, mlir::Value t, mlir::ValueRange hypers,
          mlir::ValueRange globals, llvm::SmallVectorImpl<mlir::Value> &newGlobals,
          mlir::Value loss, mlir::Value seed, GradientAt gradientAt);

} // namespace gdc

#endif // GDC_PASSES_LENS_RULEPHASES_H
