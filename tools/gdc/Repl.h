//===- Repl.h - gdc repl: declarations, expressions and commands -*- C++ -*-===//
//
// The REPL's engine, apart from the terminal (ReplTerminal.cpp): it keeps
// the declarations entered so far as source text (a redefinition replaces
// the old one) and the current value of every model parameter, and runs
// each input through a Session like any program:
//   - a declaration is checked with everything before it and then kept;
//   - an expression becomes the forward map of a lens that declares the
//     models it uses, JIT-compiled (lang/LensJit.h) and run with the
//     models' current parameters; `grad(x => e)(v)` runs its backward map;
//   - `:train` compiles a train block's step (lang/CompiledModel.h) and
//     runs the executable's trainer in this process.
// docs/repl.md describes it for users.
//
//===----------------------------------------------------------------------===//
#ifndef GDC_TOOLS_GDC_REPL_H
#define GDC_TOOLS_GDC_REPL_H

#include "lang/DiagnosticCapture.h"
#include "lang/LensJit.h"
#include "lang/Session.h"

#include "llvm/Support/raw_ostream.h"

#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace gdc::repl {

/// One declaration as entered.
struct Entry {
  std::string keyword; ///< use, let, fn, lens, loss, optimizer, transform, schedule, train
  std::string name;
  std::string text;
  /// For `let`: the text after its first `=`, the model's definition.
  std::string value;
  /// For a declaration from a file (`:use`): the file's directory, the base
  /// of a train block's relative data paths, as for `gdc FILE`.
  std::string directory;
};

/// A parameter's current value.
struct StoredParam {
  std::vector<int64_t> shape;
  std::vector<float> values;
};

/// The value of an evaluated expression.
struct Value {
  std::string elementType; ///< f32, f64, i32, i64, bool
  HostTensor tensor;
};

class Repl {
public:
  Repl(llvm::raw_ostream &out, llvm::raw_ostream &err);
  ~Repl();

  /// Handles one complete input: a declaration, an expression or a
  /// `:command`. Returns false when it asks to quit.
  bool handle(llvm::StringRef input);

  /// Whether `text` is incomplete: a bracket is open, or its last line ends
  /// with an operator, a comma or `=`.
  static bool needsContinuation(llvm::StringRef text);

  /// Loads the declarations of a `.gd` file (`gdc repl FILE`, `:use`).
  bool useFile(llvm::StringRef path);

  /// Set by the terminal's SIGINT handler: a running `:train` stops after
  /// its current step.
  std::atomic<bool> &stopRequest() { return interrupted; }

private:
  friend struct Commands;

  /// A program built from the entries plus `extra` text, compiled to gd IR.
  struct Compiled {
    std::unique_ptr<Session> session;
    mlir::OwningOpRef<mlir::ModuleOp> module;
  };

  // Declarations and programs.
  static std::optional<Entry> parseDeclaration(llvm::StringRef input);
  void declare(Entry entry);
  std::string programText(const std::vector<Entry> &entries, const std::string *train,
                          llvm::StringRef extra, unsigned &extraLine) const;
  std::optional<Compiled> compile(const std::vector<Entry> &entries, const std::string *train,
                                  llvm::StringRef extra, llvm::StringRef userText,
                                  unsigned userLine, int userColumn,
                                  std::vector<std::string> emit = {});
  void report(const DiagnosticCapture &diagnostics, llvm::StringRef userText,
              unsigned userLine, int userColumn);

  // Expressions.
  std::vector<std::string> referencedModels(llvm::StringRef text) const;
  std::string evalLens(llvm::StringRef body, llvm::StringRef input,
                       const std::vector<std::string> &models, unsigned &bodyColumn) const;
  std::optional<Value> evaluate(llvm::StringRef expr, llvm::StringRef userText,
                                unsigned userColumn);
  std::optional<std::string> typeOf(llvm::StringRef expr, llvm::StringRef userText,
                                    unsigned userColumn);
  bool evaluateGrad(llvm::StringRef input);
  /// Creates the parameters of the lens `lensName` (which declares the
  /// models an input uses) that the REPL does not hold yet.
  bool bindParameters(mlir::ModuleOp module, llvm::StringRef lensName);
  std::vector<HostTensor> parameterArguments(const LensJit &lens);

  llvm::raw_ostream &out;
  llvm::raw_ostream &err;
  std::unique_ptr<mlir::MLIRContext> context;
  std::vector<Entry> entries;
  std::map<std::string, StoredParam> params;
  std::vector<std::string> paramOrder; ///< paths in order of creation
  uint64_t seed = 0;
  std::atomic<bool> interrupted{false};
};

/// Prints a value as its type then its entries: `f32[2] [0.41, 0]`.
void printValue(const Value &value, llvm::raw_ostream &os);
/// `f32[2, 3]`, or `f32` for a scalar.
std::string typeText(llvm::StringRef element, const std::vector<int64_t> &shape);

/// Runs the REPL on the terminal (or on piped input): `gdc repl [FILE...]`.
int runRepl(int argc, char **argv);

} // namespace gdc::repl

#endif // GDC_TOOLS_GDC_REPL_H
