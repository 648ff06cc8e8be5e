//===- StateShapes.h - The shape each optimizer state is kept in -*- C++ -*-===//
//
// A rule's state is one value per element of its parameter, as the language
// says. But a state the rule only ever sets from values that are the same
// along an axis (Adafactor's row means: `row = rate * row + (1 - rate) *
// mean(g^2, axis = -1)`) holds one value per row: the step keeps it with
// extent 1 along that axis, the memory Adafactor exists to save, and
// broadcasts it back where the body reads it. Which axes those are follows
// from the body, per parameter shape.
//
//===----------------------------------------------------------------------===//
#ifndef GDC_PASSES_LENS_STATESHAPES_H
#define GDC_PASSES_LENS_STATESHAPES_H

#include "dialects/gd/GDDialect.h"
#include "passes/lens/UpdatePlan.h"

#include "llvm/ADT/SmallBitVector.h"

namespace gdc {

/// For each of `rule`'s states, the axes of a parameter of type `param`
/// along which the state holds the same value at every step: the largest
/// set closed under the body (each op's value is the same along an axis if
/// its operands are; `mean(x, axis = k)` and `sum` are along k; `p`, `g`,
/// draws, `grad_at` and `orthogonalize` along none; a scalar along all; a
/// condition known from the shape picks its branch). Axes of extent 1 are
/// left out.
llvm::SmallVector<llvm::SmallBitVector> uniformStateAxes(gd::OptimizerOp rule,
                                                         mlir::RankedTensorType param);

/// The type each state slot of each parameter is kept in (parameters in
/// the plan's flat order, `numStates` slots each): the parameter's type
/// with extent 1 along the axes uniformStateAxes finds for its rule's
/// states; the parameter's own type for a slot its rule does not use, for
/// a frozen parameter, and under a rule with a `per_example` part.
llvm::SmallVector<llvm::SmallVector<mlir::RankedTensorType>>
stateSlotTypes(const UpdatePlan &plan, llvm::ArrayRef<mlir::Type> paramTypes);

} // namespace gdc

#endif // GDC_PASSES_LENS_STATESHAPES_H
