//===- ComputeInDestination.cpp - gd-compute-in-destination ----------------===//
//
// A result the step writes to one of the runtime's buffers (its next
// parameters and states, the evaluation's output) is computed in that
// buffer: the linalg op producing it takes the buffer for its init instead
// of a fresh tensor.empty, and the write becomes a no-op that bufferization
// drops. MLIR's eliminate-empty-tensors does this in general, but its cost
// grows with the square of the function's size (14 s on a 200-layer step);
// gdc only needs the direct case, which a walk over the writes finds.
//
// Sound because no gdc function reads a buffer it writes with `restrict`
// (gd-build-train-step): the op may overwrite it from its first iteration.
//
//===----------------------------------------------------------------------===//
#include "passes/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"

namespace gdc {
#define GEN_PASS_DEF_GDCOMPUTEINDESTINATION
#include "passes/Passes.h.inc"
} // namespace gdc

using namespace mlir;

namespace {

/// The operand whose tensor.empty becomes `result`'s storage: the init of
/// the linalg op defining it, or that of a linalg.fill of it (a reduction's
/// accumulator) used only there. Null when there is none.
OpOperand *storageOf(Value result) {
  auto op = result.getDefiningOp<DestinationStyleOpInterface>();
  if (!op || !isa<linalg::LinalgOp>(op.getOperation()))
    return nullptr;
  OpOperand *init = op.getTiedOpOperand(cast<OpResult>(result));
  if (auto fill = init->get().getDefiningOp<linalg::FillOp>()) {
    if (!fill->getResult(0).hasOneUse())
      return nullptr;
    init = fill.getDpsInitOperand(0);
  }
  // CSE may have made one tensor.empty the init of several ops (or of
  // several results of one): only this operand changes.
  if (!init->get().getDefiningOp<tensor::EmptyOp>())
    return nullptr;
  return init;
}

struct ComputeInDestinationPass
    : gdc::impl::GDComputeInDestinationBase<ComputeInDestinationPass> {
  void runOnOperation() override {
    SmallVector<bufferization::MaterializeInDestinationOp> writes;
    getOperation().walk([&](bufferization::MaterializeInDestinationOp write) {
      if (write.getRestrict() && write.getWritable() &&
          isa<BaseMemRefType>(write.getDest().getType()))
        writes.push_back(write);
    });
    // Every use of a tensor.empty gets its own. CSE merges them, and
    // one-shot bufferization puts all the results computed in one empty
    // tensor into one alias set, whose conflicts it checks pairwise: 13 s
    // of a 200-layer step's compile, growing with the square of its size.
    SmallVector<tensor::EmptyOp> empties;
    getOperation().walk([&](tensor::EmptyOp empty) { empties.push_back(empty); });
    for (tensor::EmptyOp empty : empties) {
      SmallVector<OpOperand *> uses;
      for (OpOperand &use : empty->getUses())
        uses.push_back(&use);
      for (OpOperand *use : llvm::drop_begin(uses)) {
        OpBuilder b(use->getOwner());
        use->set(b.clone(*empty)->getResult(0));
      }
    }
    for (bufferization::MaterializeInDestinationOp write : writes) {
      OpOperand *init = storageOf(write.getSource());
      // A function argument dominates every op that could use it.
      auto buffer = dyn_cast<BlockArgument>(write.getDest());
      if (!init || !buffer || init->get().getType() != write.getSource().getType())
        continue;
      auto empty = init->get().getDefiningOp<tensor::EmptyOp>();
      OpBuilder b(init->getOwner());
      init->set(bufferization::ToTensorOp::create(b, write.getLoc(), empty.getType(), buffer,
                                                  /*restrict=*/true, /*writable=*/true));
      if (empty->use_empty())
        empty.erase();
    }
  }
};

} // namespace
