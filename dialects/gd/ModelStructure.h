//===- ModelStructure.h - A model's lens instances and parameter paths ----===//
//
// The one home of a model's structure: the composition of gd.compose and
// gd.lens ops flattened into lens instances in order, each with the dotted
// path that names its parameters (`mlp.0.W`), shared instances pointing at
// their owner. The front end (parameter groups), `gdc --emit=params`, the
// train step builder, the manifest and checkpoints all take paths from here.
//
//===----------------------------------------------------------------------===//
#ifndef GDC_DIALECTS_GD_MODELSTRUCTURE_H
#define GDC_DIALECTS_GD_MODELSTRUCTURE_H

#include "dialects/gd/GDDialect.h"

#include <string>

namespace gdc::gd {

/// One lens instance of the model, in composition order, with the dotted
/// path that names its parameters. A use of a shared instance names the
/// instance whose parameters it uses (`owner`).
struct ModelInstance {
  mutable LensOp lens; // op handles are cheap values; accessors are non-const
  std::string path;
  int owner = -1;
};

/// A parameter of a model: its canonical path (`mlp.0.W`), its type, and its
/// initializer as the manifest spells it.
struct ModelParameter {
  std::string path;
  mlir::RankedTensorType type;
  std::string init;
};

/// The discardable attribute on a gd.lens whose forward region, batched,
/// takes its parameters batched too: one copy per example, so that its
/// backward map gives each example's own parameter gradient (for `per_example`
/// transforms; gd-batch sets it on the lenses of such a step's model).
inline constexpr llvm::StringLiteral kPerExampleParamsAttr = "gd.per_example_params";

/// The type of `lens`'s parameter `i`, without the batch dimension a
/// per-example lens gives it.
mlir::RankedTensorType paramType(LensOp lens, unsigned i);

/// Whether `step`'s update rules (one, or one per parameter group) reduce
/// per-example gradients (gd.reduce_examples: a chain opened by
/// `per_example` transforms, folded).
bool trainsPerExample(mlir::ModuleOp module, TrainStepOp step);

/// The index of the instance that owns `i`'s parameters.
int ownerOf(llvm::ArrayRef<ModelInstance> model, int i);

/// Appends the lens instances of `node` (a gd.lens or gd.compose), named
/// under `path`, to `out`; checks that shared stages match their owners.
mlir::LogicalResult flattenModel(mlir::ModuleOp module, mlir::Operation *node,
                                 llvm::StringRef path,
                                 llvm::SmallVectorImpl<ModelInstance> &out);

/// The parameters the instances own, in composition order (a shared use
/// adds none).
llvm::SmallVector<ModelParameter> paramsOf(llvm::ArrayRef<ModelInstance> model);

/// The parameters of `step`'s model, in composition order.
mlir::FailureOr<llvm::SmallVector<ModelParameter>> collectParameters(mlir::ModuleOp module,
                                                                     TrainStepOp step);
/// The same for the model `model` whose parameters are named under `name`.
mlir::FailureOr<llvm::SmallVector<ModelParameter>>
collectParameters(mlir::ModuleOp module, mlir::FlatSymbolRefAttr model, llvm::StringRef name);

} // namespace gdc::gd

#endif // GDC_DIALECTS_GD_MODELSTRUCTURE_H
