//===- Session.h - One compilation, from source to executable ---*- C++ -*-===//
//
// The one object behind every way into gdc (the driver today; the REPL and
// the library API are to use it too): it owns the MLIR context, the source
// manager that diagnostics quote, the parsed modules, and runs parse ->
// elaborate -> pipeline -> LLVM -> object -> executable.
//
//===----------------------------------------------------------------------===//
#ifndef GDC_LANG_SESSION_H
#define GDC_LANG_SESSION_H

#include "lang/AST.h"
#include "lang/Elaborate.h"
#include "passes/Passes.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/SourceMgr.h"

#include <memory>
#include <vector>

namespace gdc {

class Session {
public:
  /// A session with a context of its own (createContext()).
  Session();
  /// A session that borrows `context`, which must come from createContext()
  /// and outlive it. Building a context with every dialect loaded costs more
  /// than compiling a small program, so a caller that compiles many programs
  /// (the fuzzer) shares one.
  explicit Session(mlir::MLIRContext &context);
  ~Session();

  /// A context with every dialect gdc's pipeline uses loaded.
  static std::unique_ptr<mlir::MLIRContext> createContext();

  mlir::MLIRContext &context() { return *ctx; }
  llvm::SourceMgr &sourceManager() { return sourceMgr; }

  /// Reads and parses `path` and the standard modules it uses; syntax
  /// errors are reported as diagnostics. False on any error.
  bool load(llvm::StringRef path);

  /// Like load(), with the main file's contents given as `text`; `path`
  /// names it in diagnostics, and its directory is the base of relative
  /// data paths.
  bool loadSource(llvm::StringRef path, llvm::StringRef text);

  /// Checks the loaded program and generates its gd module (null on error).
  mlir::OwningOpRef<mlir::ModuleOp> elaborate();

  /// The main file's AST and the types elaborate() checked its expressions at.
  const ast::Module *mainModule() const { return program.main; }
  const lang::ExprTypes &checkedTypes() const { return exprTypes; }

  /// Runs gdc's pipeline on `module` up to the end of `stage`, with MLIR's
  /// pass-manager command-line options applied: the caller must have
  /// registered them (mlir::registerPassManagerCLOptions), or this fails.
  mlir::LogicalResult lower(mlir::ModuleOp module, Stage stage);

  /// Translates an LLVM-dialect module to LLVM IR for the host, optimised
  /// at -O3 (null on error).
  std::unique_ptr<llvm::Module> translate(mlir::ModuleOp module,
                                          llvm::LLVMContext &llvmContext);

  /// Writes `module` as a host object file.
  bool writeObject(llvm::Module &module, llvm::StringRef path);

  /// Links an object with the runtime into a training executable.
  bool link(llvm::StringRef object, llvm::StringRef executable);

private:
  /// Loads every module reachable by `use` from the loaded ones.
  bool loadUsedModules();
  /// Reports each `use` that closes a cycle of modules.
  bool checkUseCycles();
  bool loadModule(llvm::StringRef name, llvm::StringRef path,
                  std::unique_ptr<llvm::MemoryBuffer> buffer);

  std::unique_ptr<mlir::MLIRContext> ownedCtx; ///< null if borrowed
  mlir::MLIRContext *ctx;
  llvm::SourceMgr sourceMgr;
  std::vector<std::unique_ptr<ast::Module>> modules;
  lang::Program program;
  lang::ExprTypes exprTypes;
  std::string mainSourceDir;
};

/// Reports an error that is not at a source location (`gdc: error: ...`).
void reportError(const llvm::Twine &message);

} // namespace gdc

#endif // GDC_LANG_SESSION_H
