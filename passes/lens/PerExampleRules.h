//===- PerExampleRules.h - The per-example part of an update rule -*- C++ -*-===//
//
// A chain that begins with `per_example` transforms folds into one
// gd.optimizer whose body has a gd.reduce_examples (gd-fold-update-rules).
// The step computes each example's gradient of its own loss (the model's
// lenses batched with per-example parameters), runs the body up to that op
// on those gradients, one tensor [batch, ...] per parameter, reduces them
// over the batch, and applies the rest of the body as any rule.
//
//===----------------------------------------------------------------------===//
#ifndef GDC_PASSES_LENS_PEREXAMPLERULES_H
#define GDC_PASSES_LENS_PEREXAMPLERULES_H

#include "dialects/gd/GDDialect.h"

#include <optional>
#include <string>

namespace gdc {

/// Why the step cannot run the per_example `transform` once per example
/// (it keeps state, reads `loss`, calls grad_at, draws random numbers or
/// has a scheduled hyperparameter), or std::nullopt if it can. Only
/// elementwise ops and norms run per example.
std::optional<std::string> whyNotPerExample(gd::TransformOp transform);

/// Whether `rule` has a per-example part (a gd.reduce_examples).
bool hasPerExamplePart(gd::OptimizerOp rule);

/// Runs `rule`'s body up to its gd.reduce_examples on every tensor of one
/// rule instance at once: `params` [shape], `grads` [batch, shape] (each
/// example's gradient), `t` and the rule's `hypers`. A value the body
/// computes from `g` is [batch, shape] here; `global_norm` and `norm` are
/// taken per example (over the instance's tensors, or this one). Returns
/// each tensor's gradient reduced over the batch (`mean`, or the sum), or
/// failure after an error at an op this evaluation cannot run.
mlir::FailureOr<llvm::SmallVector<mlir::Value>>
reducePerExample(mlir::OpBuilder &b, mlir::Location loc, gd::OptimizerOp rule,
                 llvm::ArrayRef<mlir::Value> params, llvm::ArrayRef<mlir::Value> grads,
                 mlir::Value t, mlir::ValueRange hypers, bool mean);

/// `rule` after its per-example part: a copy, named `<rule>.reduced`,
/// whose `g` is the reduced gradient; added to the module.
gd::OptimizerOp withoutPerExamplePart(gd::OptimizerOp rule);

} // namespace gdc

#endif // GDC_PASSES_LENS_PEREXAMPLERULES_H
