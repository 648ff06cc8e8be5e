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
#include "mlir/Pass/PassManager.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/SourceMgr.h"

#include <functional>
#include <memory>
#include <vector>

namespace gdc {

/// What a compilation produces: an executable, an object, or a stage's text.
enum class Emit {
  Exe,         ///< a training executable
  AST,         ///< the checked syntax tree with each expression's types
  GD,          ///< the gd dialect as generated
  Batched,     ///< after gd-batch
  Reverse,     ///< after gd-reverse-mode
  TrainStep,   ///< the composed @gd_step and @gd_eval
  Linalg,      ///< fused linalg on tensors
  LLVMDialect, ///< the MLIR LLVM dialect
  LLVM,        ///< LLVM IR, optimised
  Obj,         ///< a host object file
  Params,      ///< the parameters' paths and shapes
  Diagram      ///< the model as a string diagram (SVG)
};

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

  /// Definitions to generate besides the train block's
  /// (lang::Program::emitDefinitions): the REPL's way to compile a model or
  /// a lens that nothing trains.
  void setEmitDefinitions(std::vector<std::string> names) {
    program.emitDefinitions = std::move(names);
  }

  /// Checks the loaded program and generates its gd module (null on error).
  mlir::OwningOpRef<mlir::ModuleOp> elaborate();

  /// The main file's AST and the types elaborate() checked its expressions at.
  const ast::Module *mainModule() const { return program.main; }
  const lang::ExprTypes &checkedTypes() const { return exprTypes; }

  /// Options of the train step's construction (TrainStepOptions).
  void setTrainStepOptions(const TrainStepOptions &options) { trainStepOptions = options; }

  /// Runs gdc's pipeline on `module` up to the end of `stage` (configured
  /// by the configurator, if one is set).
  mlir::LogicalResult lower(mlir::ModuleOp module, Stage stage);

  /// Called on each pass manager before it runs: the driver applies MLIR's
  /// command-line options there (--mlir-print-ir-after-all); a library host
  /// sets none, so nothing depends on global options being registered.
  void setPassManagerConfigurator(
      std::function<mlir::LogicalResult(mlir::PassManager &)> configure) {
    configurePassManager = std::move(configure);
  }

  /// `gdc input [--emit=...] [-o output]`: loads and checks `input`, then
  /// writes what `emit` asks for to `output` (an empty one: the input's
  /// stem for an executable or object, stdout for text). A module without
  /// a train block, asked for an executable with no output named, is a
  /// library: it is checked and that is said. Errors are reported as
  /// diagnostics on the context (or, outside the source, on stderr).
  mlir::LogicalResult compileFile(llvm::StringRef input, Emit emit, llvm::StringRef output);

  /// Translates an LLVM-dialect module to LLVM IR for the host, optimised
  /// at -O3 (null on error); `beforeOptimizing`, if given, sees the module
  /// first (the executable splits the diagnosis off there).
  std::unique_ptr<llvm::Module>
  translate(mlir::ModuleOp module, llvm::LLVMContext &llvmContext,
            llvm::function_ref<void(llvm::Module &)> beforeOptimizing = nullptr);

  /// Writes `module` as a host object file.
  bool writeObject(llvm::Module &module, llvm::StringRef path);

  /// Links objects with the runtime into a training executable.
  bool link(llvm::ArrayRef<llvm::StringRef> objects, llvm::StringRef executable);

  /// Whether `path` can be read as a program: a regular file of at most a
  /// program's size (64 MiB), not a device that would be read until memory
  /// runs out; if not, `error` says why.
  static bool checkSourceFile(llvm::StringRef path, std::string &error);

  /// Reports an error that has no source location (a file that cannot be
  /// written, a missing linker) as a diagnostic at an unknown location, so
  /// that it reaches whatever handler the caller installed: the driver
  /// prints `gdc: error: ...`, a library host keeps it as data.
  void fail(const llvm::Twine &message);

private:
  /// Loads every module reachable by `use` from the loaded ones.
  bool loadUsedModules();
  /// Reports each `use` that closes a cycle of modules.
  bool checkUseCycles();
  bool loadModule(llvm::StringRef name, llvm::StringRef path,
                  std::unique_ptr<llvm::MemoryBuffer> buffer);

  std::function<mlir::LogicalResult(mlir::PassManager &)> configurePassManager;
  TrainStepOptions trainStepOptions;
  std::unique_ptr<mlir::MLIRContext> ownedCtx; ///< null if borrowed
  mlir::MLIRContext *ctx;
  llvm::SourceMgr sourceMgr;
  /// Shared: the standard modules are parsed once per process and reused.
  std::vector<std::shared_ptr<const ast::Module>> modules;
  lang::Program program;
  lang::ExprTypes exprTypes;
  std::string mainSourceDir;
};

/// Prints an error that is not at a source location (`gdc: error: ...`) on
/// stderr: for the driver's own errors, before or outside a session.
void reportError(const llvm::Twine &message);

} // namespace gdc

#endif // GDC_LANG_SESSION_H
