//===- Optimizer.h - LLVM's optimisation of gdc's code --------*- C++ -*-===//
//
// One definition of how gdc optimises the LLVM IR it generates, for object
// files, the JIT and the lens JIT alike.
//
//===----------------------------------------------------------------------===//
#ifndef GDC_LANG_OPTIMIZER_H
#define GDC_LANG_OPTIMIZER_H

#include <functional>

namespace llvm {
class Error;
class Module;
class TargetMachine;
} // namespace llvm

namespace gdc {

/// LLVM's default module pipeline at `optLevel` (0-3) for `machine` (may
/// be null), without loop unrolling (see Optimizer.cpp).
std::function<llvm::Error(llvm::Module *)> makeModuleOptimizer(unsigned optLevel,
                                                               llvm::TargetMachine *machine);

} // namespace gdc

#endif // GDC_LANG_OPTIMIZER_H
