//===- Elaborate.h - Check a gd program and generate its gd IR --*- C++ -*-===//
//
// Elaboration runs the program's declarations at compile time: it resolves
// names (local > this module > `use`d modules > built-ins), instantiates
// every lens and `fn` at the shapes it is used with (checking each body's
// shapes and types), and generates the gd dialect: one `gd.lens` per
// instantiation, `gd.compose` for compositions, `gd.optimizer` and the
// `gd.train_step`. Every user error is reported through MLIR's diagnostic
// engine at a FileLineColLoc of the source.
//
//===----------------------------------------------------------------------===//
#ifndef GDC_LANG_ELABORATE_H
#define GDC_LANG_ELABORATE_H

#include "lang/AST.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

#include <map>
#include <string>
#include <vector>

namespace llvm {
class raw_ostream;
}

namespace gdc::lang {

/// The parsed modules of a program: the main file and what it `use`s.
struct Program {
  const ast::Module *main = nullptr;
  /// `std.nn` -> its parsed module, for every module reachable by `use`.
  std::map<std::string, const ast::Module *> modules;
  /// The directory of the main file: the fallback base for data paths.
  std::string sourceDir;
  /// Main-module models (`let`) and lenses without constructor arguments to
  /// generate at their declared input even though no train block uses them
  /// (the REPL evaluates through them). The module's `gd.emitted` dictionary
  /// maps each name to the symbol of its gd.lens or gd.compose.
  std::vector<std::string> emitDefinitions;
};

/// The types each expression was checked at: one entry per distinct type
/// (a `fn` is checked at every shape it is used with).
using ExprTypes = std::map<const ast::Expr *, std::vector<std::string>>;

/// Checks `program` and returns its gd module, or null after reporting
/// errors. Records each checked expression's types in `types` if given.
mlir::OwningOpRef<mlir::ModuleOp> elaborate(mlir::MLIRContext &context,
                                            const Program &program,
                                            ExprTypes *types = nullptr);

/// Prints `module` as an indented tree, each expression with the types it
/// was checked at (`gdc --emit=ast`).
void printAST(const ast::Module &module, const ExprTypes &types, llvm::raw_ostream &os);

} // namespace gdc::lang

#endif // GDC_LANG_ELABORATE_H
