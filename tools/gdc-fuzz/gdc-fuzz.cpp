//===- gdc-fuzz.cpp - libFuzzer target over gdc's front end --------------===//
//
// Each input is a gd source file. It is loaded (byte checks, lexer, parser,
// AST builder), elaborated (name resolution, shape checks, MLIRGen) and
// verified, and a program that gets that far is lowered: to fused Linalg if
// it has a train block, else through batching and reverse mode (what
// `gdc --emit=reverse` runs). GDC_FUZZ_STAGE=gd in the environment stops
// after verification, for a faster run over the front end alone.
//
// What counts as a bug: a crash, a hang, a sanitizer report, or a
// diagnostic that says "internal error" (gdc's phrase for its own fault,
// e.g. generated IR that does not verify), on which this target aborts.
// Every other diagnostic is the program's fault and is swallowed, so that
// libFuzzer's output stays readable.
//
// Build with -DGDC_FUZZ=ON in a separate build directory; scripts/fuzz.sh
// does that and runs it (docs/fuzzing.md).
//
//===----------------------------------------------------------------------===//
#include "lang/Session.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdlib>
#include <cstring>

using namespace gdc;

namespace {

/// Building an MLIRContext with every dialect loaded costs far more than
/// compiling a small program, so inputs share one. Uniqued types, attributes
/// and locations are never freed, though, so it is rebuilt now and then to
/// keep memory bounded over hour-long runs.
constexpr unsigned kInputsPerContext = 2000;

std::unique_ptr<mlir::MLIRContext> context;
unsigned inputsOnContext = 0;
bool lowerModules = true;

/// Swallows user errors; aborts, after printing it, on an internal error.
mlir::LogicalResult handleDiagnostic(mlir::Diagnostic &diag) {
  std::string text = diag.str();
  for (const mlir::Diagnostic &note : diag.getNotes())
    text += "\n  note: " + note.str();
  if (llvm::StringRef(text).contains("internal error")) {
    llvm::errs() << "gdc-fuzz: " << diag.getLocation() << ": " << text << "\n";
    llvm::errs().flush();
    std::abort();
  }
  return mlir::success();
}

mlir::MLIRContext &sharedContext() {
  if (!context || inputsOnContext == kInputsPerContext) {
    context.reset(); // before building the next: not two at once in memory
    context = Session::createContext();
    // One core, and deterministic: no thread pool under the pass manager.
    context->disableMultithreading();
    context->getDiagEngine().registerHandler(handleDiagnostic);
    inputsOnContext = 0;
  }
  ++inputsOnContext;
  return *context;
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
  // Session::lower builds its pipeline from the passes' C++ constructors
  // and applies no command-line options unless asked (the driver asks), so
  // nothing needs registering here.
  if (const char *stage = std::getenv("GDC_FUZZ_STAGE")) {
    if (!std::strcmp(stage, "gd")) {
      lowerModules = false;
    } else if (std::strcmp(stage, "linalg")) {
      llvm::errs() << "gdc-fuzz: GDC_FUZZ_STAGE is 'gd' or 'linalg', not '"
                   << stage << "'\n";
      std::exit(2);
    }
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  Session session(sharedContext());
  llvm::StringRef text(reinterpret_cast<const char *>(data), size);
  // A path under the working directory, as `gdc fuzz.gd` would have; it
  // names the input in diagnostics and is never opened (elaboration reads
  // no files; data paths are the runtime's).
  if (!session.loadSource("fuzz.gd", text))
    return 0;
  mlir::OwningOpRef<mlir::ModuleOp> module = session.elaborate();
  if (!module || !lowerModules)
    return 0;
  bool trains = !module->getOps<gd::TrainStepOp>().empty();
  // Lowering reports a few errors of its own that are the program's fault
  // (a model whose output ignores its input, say), so failure is no bug.
  (void)session.lower(*module, trains ? Stage::Linalg : Stage::Differentiated);
  return 0;
}
