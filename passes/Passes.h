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
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassManager.h"

namespace gdc {

#define GEN_PASS_DECL
#include "passes/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "passes/Passes.h.inc"

/// Registers the passes and the named pipelines (`gd-to-train-step`,
/// `gd-to-linalg`, `gd-to-llvm`) with MLIR's registry.
void registerPasses();

} // namespace gdc

#endif // GDC_PASSES_PASSES_H
