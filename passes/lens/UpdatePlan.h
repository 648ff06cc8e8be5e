//===- UpdatePlan.h - Which rule updates which parameter ---------*- C++ -*-===//
#ifndef GDC_PASSES_LENS_UPDATEPLAN_H
#define GDC_PASSES_LENS_UPDATEPLAN_H

#include "dialects/gd/GDDialect.h"

#include <string>

namespace gdc {

/// The parameters one rule updates: a group of `{ "glob": rule }`, or the
/// whole model for a single optimizer.
struct UpdateGroup {
  gd::OptimizerOp rule; ///< null: frozen (never updated)
  bool ascend = false;  ///< maximise: the rule sees -g
  unsigned firstHyper = 0;
  unsigned firstGlobal = 0;
  llvm::SmallVector<unsigned> tensors; ///< flat parameter indices
};

/// How the step updates its parameters, and the runtime scalars and state
/// slots that takes. Hyperparameters keep their names where they are
/// unique across groups and are prefixed by their group's pattern where not
/// (`*.W.lr`). Every parameter has as many state slots as the largest
/// group's rule needs; a rule uses its first ones.
struct UpdatePlan {
  llvm::SmallVector<UpdateGroup> groups;
  llvm::SmallVector<std::string> hyperNames;
  llvm::SmallVector<double> hyperDefaults;
  llvm::SmallVector<std::string> stateNames;
  /// Global states (one tensor per rule, kept across steps), their initial
  /// values (every element's) and types, named like the hyperparameters.
  llvm::SmallVector<std::string> globalNames;
  llvm::SmallVector<double> globalInits;
  llvm::SmallVector<mlir::RankedTensorType> globalTypes;
  /// The rules' compile-time constants (`int` and `f64` arguments), named
  /// like the hyperparameters: not settable at run time, listed so that the
  /// runtime can say so.
  llvm::SmallVector<gd::RuleConstant> constants;
};

/// The plan for the optimizer `wire` (a gd.optimizer or gd.param_groups
/// whose rules are gd.optimizers) over parameters with these paths.
mlir::FailureOr<UpdatePlan> planUpdates(mlir::ModuleOp module, mlir::Operation *wire,
                                        llvm::ArrayRef<std::string> paths);

} // namespace gdc

#endif // GDC_PASSES_LENS_UPDATEPLAN_H
