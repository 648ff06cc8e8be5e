//===- gdc.cpp - The gradient-descent compiler driver ---------------------===//
//
//   gdc model.gd -o train          a native training executable
//   gdc model.gd --emit=STAGE      stop after a stage and print it
//
//===----------------------------------------------------------------------===//
#include "PlotCommand.h"
#include "Repl.h"
#include "lang/Session.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/Timing.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/MLIRContext.h"

using namespace llvm;
using namespace gdc;

namespace {

cl::OptionCategory gdcCategory("gdc options");

cl::opt<std::string> input(cl::Positional, cl::desc("<model.gd>"), cl::Required,
                           cl::cat(gdcCategory));
cl::opt<std::string> output("o", cl::desc("Output file (default: the input's name "
                                          "without .gd, or stdout for --emit)"),
                            cl::value_desc("file"), cl::cat(gdcCategory));
cl::opt<Emit> emit(
    "emit", cl::desc("Stop after a stage and write it:"), cl::init(Emit::Exe),
    cl::values(clEnumValN(Emit::Exe, "exe", "a training executable (default)"),
               clEnumValN(Emit::GD, "mlir", "the gd dialect as generated from the source"),
               clEnumValN(Emit::Batched, "batched", "after gd-batch (vmap)"),
               clEnumValN(Emit::Reverse, "reverse", "after gd-reverse-mode"),
               clEnumValN(Emit::TrainStep, "train-step", "the composed step and eval functions"),
               clEnumValN(Emit::Linalg, "linalg", "after lowering to fused linalg"),
               clEnumValN(Emit::LLVMDialect, "llvm-dialect", "the MLIR LLVM dialect"),
               clEnumValN(Emit::LLVM, "llvm", "LLVM IR, optimised"),
               clEnumValN(Emit::Obj, "obj", "a host object file"),
               clEnumValN(Emit::Params, "params", "the parameters' paths and shapes"),
               clEnumValN(Emit::Diagram, "diagram",
                          "the model as a string diagram of its lenses (SVG)"),
               clEnumValN(Emit::AST, "ast", "the checked syntax tree, with each expression's types")),
    cl::cat(gdcCategory));
cl::opt<bool> verifyDiagnostics(
    "verify-diagnostics",
    cl::desc("Check diagnostics against expected-error comments in the source"),
    cl::cat(gdcCategory));

// Hidden: for bench/step_check_cost.py, which measures what the check costs.
cl::opt<bool> noStepCheck(
    "no-step-check",
    cl::desc("Leave out the train step's check for NaN and infinity (only to measure what it "
             "costs: the executable can then neither stop at nor skip a non-finite update)"),
    cl::Hidden, cl::cat(gdcCategory));

// Hidden: to compare a repeated block applied as one loop with the same
// stages applied one by one (test/examples/repeat-loop.test, benchmarks).
cl::opt<bool> unrollRepeats(
    "unroll-repeats",
    cl::desc("Apply every stage of a repeated block on its own instead of as one loop over "
             "its stacked parameters (slower to compile; the same values)"),
    cl::Hidden, cl::cat(gdcCategory));

} // namespace

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  // `gdc repl [FILE...]`: the interactive door, with options of its own.
  if (argc >= 2 && StringRef(argv[1]) == "repl")
    return gdc::repl::runRepl(argc - 1, argv + 1);
  // `gdc plot RUN.jsonl -o FILE.svg`: a picture of a run from its log.
  if (argc >= 2 && StringRef(argv[1]) == "plot")
    return gdc::runPlotCommand(argc - 1, argv + 1);
  mlir::registerPassManagerCLOptions();
  mlir::registerDefaultTimingManagerCLOptions();
  mlir::registerMLIRContextCLOptions();
  mlir::registerAsmPrinterCLOptions();
  mlir::registerAllPasses();
  gdc::registerPasses();
  // MLIR's pass-manager options (-mlir-print-ir-after-all, ...) stay
  // available; --help-hidden lists them.
  cl::HideUnrelatedOptions(gdcCategory);
  cl::ParseCommandLineOptions(argc, argv,
                              "gdc: the gradient-descent compiler\n\n"
                              "  gdc model.gd -o train       a training executable\n"
                              "  gdc model.gd --emit=mlir    stop after a stage\n"
                              "  gdc repl [FILE...]          declarations and expressions, "
                              "JIT-compiled as you type\n"
                              "  gdc plot RUN.jsonl -o F.svg draw a run from its --log file\n");
  Session session;
  TrainStepOptions stepOptions;
  stepOptions.checkFinite = !noStepCheck;
  if (unrollRepeats)
    stepOptions.minLoopRepeats = 0;
  session.setTrainStepOptions(stepOptions);
  // --mlir-timing: every pass manager the session runs reports into one
  // tree, printed when gdc ends.
  mlir::DefaultTimingManager timing;
  mlir::applyDefaultTimingManagerCLOptions(timing);
  mlir::TimingScope timingRoot = timing.getRootScope();
  session.setPassManagerConfigurator([&](mlir::PassManager &pm) {
    if (failed(mlir::applyPassManagerCLOptions(pm)))
      return mlir::failure();
    if (timing.isEnabled())
      pm.enableTiming(timingRoot);
    return mlir::success();
  });
  if (verifyDiagnostics) {
    // The verifier reads the expected-* comments when it is created, so it
    // gets the input before compilation starts: otherwise a file whose
    // expected error never comes would pass.
    auto buffer = MemoryBuffer::getFileOrSTDIN(input, /*IsText=*/true);
    if (!buffer) {
      reportError("cannot read '" + input + "': " + buffer.getError().message());
      return 1;
    }
    SourceMgr expectations;
    expectations.AddNewSourceBuffer(std::move(*buffer), SMLoc());
    mlir::SourceMgrDiagnosticVerifierHandler handler(expectations, &session.context());
    (void)session.compileFile(input, emit, output);
    return failed(handler.verify()) ? 1 : 0;
  }
  mlir::SourceMgrDiagnosticHandler handler(session.sourceManager(), &session.context());
  // Errors without a source location (a file, the linker) read
  // `gdc: error: ...`; the rest quote their source line.
  mlir::ScopedDiagnosticHandler unlocated(&session.context(), [](mlir::Diagnostic &d) {
    if (!llvm::isa<mlir::UnknownLoc>(d.getLocation()) ||
        d.getSeverity() != mlir::DiagnosticSeverity::Error)
      return mlir::failure();
    reportError(d.str());
    return mlir::success();
  });
  return failed(session.compileFile(input, emit, output)) ? 1 : 0;
}
