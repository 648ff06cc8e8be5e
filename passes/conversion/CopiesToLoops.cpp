//===- CopiesToLoops.cpp - gd-copies-to-loops -------------------------------===//
//
// MLIR lowers a memref.copy between buffers of identity layout, or of a
// static contiguous shape, to memcpy, and any other to a call of
// `memrefCopy`, a function of MLIR's C runner utilities, which gdc's
// executables do not link (and which copies element by element through
// descriptors). The loops over repeated stages (passes/lens/StageLoops.h)
// copy between such buffers: a stage's input of a dynamic batch into its
// slot of the saved inputs. This pass makes those copies linalg.copy,
// which become loops like any other (vectorised, and parallel when large).
//
//===----------------------------------------------------------------------===//
#include "passes/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/Utils/MemRefUtils.h"

namespace gdc {
#define GEN_PASS_DEF_GDCOPIESTOLOOPS
#include "passes/Passes.h.inc"
} // namespace gdc

using namespace mlir;

namespace {

/// Whether memref-to-llvm lowers a copy of `type` to memcpy.
bool copiedByMemcpy(MemRefType type) {
  return type.getLayout().isIdentity() || memref::isStaticShapeAndContiguousRowMajor(type);
}

struct CopiesToLoopsPass : gdc::impl::GDCopiesToLoopsBase<CopiesToLoopsPass> {
  void runOnOperation() override {
    SmallVector<memref::CopyOp> copies;
    getOperation().walk([&](memref::CopyOp copy) {
      auto source = dyn_cast<MemRefType>(copy.getSource().getType());
      auto target = dyn_cast<MemRefType>(copy.getTarget().getType());
      if (source && target && !(copiedByMemcpy(source) && copiedByMemcpy(target)))
        copies.push_back(copy);
    });
    for (memref::CopyOp copy : copies) {
      OpBuilder b(copy);
      linalg::CopyOp::create(b, copy.getLoc(), copy.getSource(), copy.getTarget());
      copy.erase();
    }
  }
};

} // namespace
