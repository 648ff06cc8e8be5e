//===- Jit.h - In-memory compilation of an LLVM-dialect module --*- C++ -*-===//
//
// gdc's JIT: an LLVM-dialect module compiled in memory (MLIR's
// ExecutionEngine, ORC underneath), optimised at -O3 for the host CPU like
// gdc's object code, its functions called through their packed interface.
// The gradient-check harness uses it; the REPL and the library are to.
//
//===----------------------------------------------------------------------===//
#ifndef GDC_LANG_JIT_H
#define GDC_LANG_JIT_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/CodeGen.h"
#include "llvm/Support/Error.h"

#include <functional>
#include <memory>

namespace llvm {
class Module;
class TargetMachine;
} // namespace llvm
namespace mlir {
class ExecutionEngine;
} // namespace mlir

namespace gdc {

/// A target machine for this host's CPU and its features, at -O3 (null if
/// LLVM has no target for it). gdc's object code and its JIT are both
/// optimised for it: the loop vectoriser needs to know the vector width.
std::unique_ptr<llvm::TargetMachine>
createHostTargetMachine(llvm::CodeGenOptLevel level = llvm::CodeGenOptLevel::Aggressive);

class JitModule {
public:
  /// Compiles `module` (in the LLVM dialect; its context must have the LLVM
  /// IR translations registered, as Session::createContext's does). The
  /// returned module owns the code; `module` may go once this returns.
  /// `optLevel` is LLVM's (0-3).
  static llvm::Expected<std::unique_ptr<JitModule>> create(mlir::ModuleOp module,
                                                           unsigned optLevel = 3);
  ~JitModule();

  /// Calls `name` with its packed arguments (`args[i]` points at argument
  /// i; for a function with `llvm.emit_c_interface`, call
  /// `_mlir_ciface_NAME`).
  llvm::Error invokePacked(llvm::StringRef name, llvm::MutableArrayRef<void *> args);

  /// The address of the function `name` (its packed form, `_mlir_NAME`,
  /// or `_mlir_ciface_NAME` for a C interface).
  llvm::Expected<void *> lookup(llvm::StringRef name) const;

private:
  JitModule();
  std::unique_ptr<llvm::TargetMachine> machine; ///< the optimiser's
  std::function<llvm::Error(llvm::Module *)> optimize;
  std::unique_ptr<mlir::ExecutionEngine> engine;
};

} // namespace gdc

#endif // GDC_LANG_JIT_H
