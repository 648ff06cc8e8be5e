//===- Passes.h - gdc's passes and pipelines --------------------*- C++ -*-===//
#ifndef GDC_PASSES_PASSES_H
#define GDC_PASSES_PASSES_H

#include "dialects/gd/GDDialect.h"
#include "passes/Pipelines.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassManager.h"

namespace gdc {

#define GEN_PASS_DECL
#include "passes/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "passes/Passes.h.inc"

/// Marks @gd_diagnose, the step that gd-locate-non-finite completes.
inline constexpr llvm::StringLiteral kDiagnoseAttr = "gd.diagnose";

/// Marks a function gd-outline-parallel-loops made of a loop, which runs
/// the iterations [lo, hi) of its first two arguments; its calls become
/// parallel dispatches (gd-dispatch-parallel-bodies).
inline constexpr llvm::StringLiteral kParallelBodyAttr = "gd.parallel_body";
/// On an argument of a parallel body: a buffer the step's caller owns (one
/// of its arguments, such as a next parameter), not one the step allocated
/// for itself (gd-outline-parallel-loops sets it, gd-stream-stores reads it).
inline constexpr llvm::StringLiteral kCallerBufferAttr = "gd.caller_buffer";

/// Marks a gd.apply_optimizer of the train step whose new parameter is to
/// be NaN wherever its gradient or one of its new states is not finite
/// (gd-build-train-step checks only the parameters; convert-gd-to-linalg
/// computes this in the update's own loop).
inline constexpr llvm::StringLiteral kPoisonNonFiniteAttr = "gd.poison_non_finite";

/// Registers how one-shot bufferization handles gd's destination-style ops
/// (gd.conv2d_kernel); every context that lowers gd needs it.
void registerBufferizationModels(mlir::DialectRegistry &registry);

/// Registers the passes and the named pipelines (`gd-to-train-step`,
/// `gd-to-linalg`, `gd-to-llvm`) with MLIR's registry.
void registerPasses();

} // namespace gdc

#endif // GDC_PASSES_PASSES_H
