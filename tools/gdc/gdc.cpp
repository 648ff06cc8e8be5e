//===- gdc.cpp - The gradient-descent compiler driver ---------------------===//
//
//   gdc model.gd -o train          a native training executable
//   gdc model.gd --emit=STAGE      stop after a stage and print it
//
//===----------------------------------------------------------------------===//
#include "dialects/gd/ModelStructure.h"
#include "lang/Session.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/InitAllPasses.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/raw_ostream.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/MLIRContext.h"

using namespace llvm;
using namespace gdc;

namespace {

enum class Emit { Exe, AST, GD, Batched, Reverse, TrainStep, Linalg, LLVMDialect, LLVM, Obj, Params };

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
               clEnumValN(Emit::AST, "ast", "the checked syntax tree, with each expression's types")),
    cl::cat(gdcCategory));
cl::opt<bool> verifyDiagnostics(
    "verify-diagnostics",
    cl::desc("Check diagnostics against expected-error comments in the source"),
    cl::cat(gdcCategory));

Stage stageOf(Emit e) {
  switch (e) {
  case Emit::GD:
    return Stage::GD;
  case Emit::Batched:
    return Stage::Batched;
  case Emit::Reverse:
    return Stage::Differentiated;
  case Emit::Params: // read from the gd module as generated
    return Stage::GD;
  case Emit::TrainStep:
    return Stage::TrainStep;
  case Emit::Linalg:
    return Stage::Linalg;
  default:
    return Stage::LLVM;
  }
}

/// Prints `path shape` per parameter of the train step's model (the caller
/// has checked that there is one).
bool printParams(mlir::ModuleOp module, raw_ostream &os) {
  auto params = gd::collectParameters(module, *module.getOps<gd::TrainStepOp>().begin());
  if (failed(params))
    return false;
  for (const gd::ModelParameter &param : *params) {
    os << param.path << " " << param.type.getElementType() << "[";
    llvm::interleave(param.type.getShape(), os, ",");
    os << "]\n";
  }
  return true;
}

std::unique_ptr<ToolOutputFile> openOutput(StringRef path) {
  std::error_code ec;
  auto file = std::make_unique<ToolOutputFile>(path, ec, sys::fs::OF_None);
  if (ec) {
    reportError("cannot write '" + path + "': " + ec.message());
    return nullptr;
  }
  return file;
}

int compile(Session &session) {
  if (!session.load(input))
    return 1;
  auto module = session.elaborate();
  if (!module)
    return 1;
  if (emit == Emit::AST) {
    auto file = openOutput(output.empty() ? "-" : std::string(output));
    if (!file)
      return 1;
    lang::printAST(*session.mainModule(), session.checkedTypes(), file->os());
    file->keep();
    return 0;
  }
  bool needsTrain = stageOf(emit) >= Stage::TrainStep || emit == Emit::Params;
  if (needsTrain && module->getOps<gd::TrainStepOp>().empty()) {
    // Every definition has been checked where it is written (elaborate()).
    // Asked for nothing in particular, say so and succeed: a module of
    // definitions is a library. Asked for an executable or a step, fail.
    if (emit == Emit::Exe && output.empty()) {
      llvm::outs() << input << ": checked; no errors. It has no train block, so there "
                   << "is no executable to write (--emit=mlir shows its definitions)\n";
      return 0;
    }
    reportError("'" + input + "' has no train block: nothing to compile into a step "
                "(--emit=mlir shows its definitions)");
    return 1;
  }
  if (failed(session.lower(*module, stageOf(emit))))
    return 1;
  std::string out = output;
  bool textual = emit != Emit::Exe && emit != Emit::Obj;
  if (out.empty())
    out = textual ? "-" : sys::path::stem(input).str() + (emit == Emit::Obj ? ".o" : "");
  if (out != "-" && sys::fs::equivalent(input, out)) {
    reportError("the output '" + out + "' would overwrite the input; name another with -o");
    return 1;
  }
  if (emit == Emit::Params || (textual && emit != Emit::LLVM)) {
    auto file = openOutput(out);
    if (!file)
      return 1;
    if (emit == Emit::Params) {
      if (!printParams(*module, file->os()))
        return 1;
    } else {
      module->print(file->os());
    }
    file->keep();
    return 0;
  }
  LLVMContext llvmContext;
  auto llvmModule = session.translate(*module, llvmContext);
  if (!llvmModule)
    return 1;
  if (emit == Emit::LLVM) {
    auto file = openOutput(out);
    if (!file)
      return 1;
    llvmModule->print(file->os(), nullptr);
    file->keep();
    return 0;
  }
  if (emit == Emit::Obj) {
    return session.writeObject(*llvmModule, out) ? 0 : 1;
  }
  SmallString<128> object;
  if (auto ec = sys::fs::createTemporaryFile("gdc", "o", object)) {
    reportError("cannot create a temporary file: " + ec.message());
    return 1;
  }
  FileRemover removeObject(object);
  if (!session.writeObject(*llvmModule, object) || !session.link(object, out))
    return 1;
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  mlir::registerPassManagerCLOptions();
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
                              "  gdc model.gd --emit=mlir    stop after a stage\n");
  Session session;
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
    compile(session);
    return failed(handler.verify()) ? 1 : 0;
  }
  mlir::SourceMgrDiagnosticHandler handler(session.sourceManager(), &session.context());
  return compile(session);
}
