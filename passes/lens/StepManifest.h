//===- StepManifest.h - The manifest of a train step ------------*- C++ -*-===//
#ifndef GDC_PASSES_LENS_STEPMANIFEST_H
#define GDC_PASSES_LENS_STEPMANIFEST_H

#include "passes/lens/UpdatePlan.h"

#include "dialects/gd/ModelStructure.h"
#include "runtime/Manifest.h"

namespace gdc {

/// What the runtime needs to know about `step`'s model (runtime/Manifest.h):
/// its input, label and output, its parameters' paths, shapes and
/// initializers, the update plan's states, globals, hyperparameters and
/// constants, each state slot's shape (`slotTypes`, per parameter: see
/// StateShapes.h), and the train block's defaults and data.
mlir::FailureOr<gdrt::Manifest>
buildManifest(gd::TrainStepOp step, llvm::ArrayRef<gd::ModelInstance> model, gd::LensOp loss,
              const UpdatePlan &plan,
              llvm::ArrayRef<llvm::SmallVector<mlir::RankedTensorType>> slotTypes);

} // namespace gdc

#endif // GDC_PASSES_LENS_STEPMANIFEST_H
