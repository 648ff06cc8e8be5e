//===- BufferRoots.h - The buffer a memref views ----------------*- C++ -*-===//
#ifndef GDC_PASSES_CONVERSION_BUFFERROOTS_H
#define GDC_PASSES_CONVERSION_BUFFERROOTS_H

#include "mlir/Interfaces/ViewLikeInterface.h"

namespace gdc {

/// The buffer `memref` views, through subviews, reshapes and casts: what
/// two memrefs must differ in not to overlap.
inline mlir::Value rootBuffer(mlir::Value memref) {
  while (mlir::Operation *def = memref.getDefiningOp()) {
    auto view = llvm::dyn_cast<mlir::ViewLikeOpInterface>(def);
    if (!view)
      break;
    memref = view.getViewSource();
  }
  return memref;
}

} // namespace gdc

#endif // GDC_PASSES_CONVERSION_BUFFERROOTS_H
