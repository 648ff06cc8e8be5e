//===- SessionOutput.cpp - Session::compileFile: stages and outputs -------===//
//
// What `gdc FILE [--emit=STAGE] [-o OUT]` does, as the session's own
// operation: load and check, stop after the asked stage and write it, or
// go on to an object and a linked executable.
//
//===----------------------------------------------------------------------===//
#include "lang/Session.h"

#include "dialects/gd/ModelStructure.h"
#include "lang/Diagram.h"
#include "lang/ObjectFiles.h"

#include "llvm/ADT/ScopeExit.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/raw_ostream.h"

#include <optional>
#include <thread>

using namespace llvm;
using namespace mlir;

namespace gdc {
namespace {

Stage stageOf(Emit e) {
  switch (e) {
  case Emit::GD:
    return Stage::GD;
  case Emit::Batched:
    return Stage::Batched;
  case Emit::Reverse:
    return Stage::Differentiated;
  case Emit::Params: // read from the gd module as generated
  case Emit::Diagram:
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
bool printParams(ModuleOp module, raw_ostream &os) {
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

std::unique_ptr<ToolOutputFile> openOutput(Session &session, StringRef path) {
  std::error_code ec;
  auto file = std::make_unique<ToolOutputFile>(path, ec, sys::fs::OF_None);
  if (ec) {
    session.fail("cannot write '" + path + "': " + ec.message());
    return nullptr;
  }
  return file;
}

/// `target` relative to the directory `base` (both absolute).
std::string relativePath(StringRef target, StringRef base) {
  SmallVector<StringRef> to, from;
  for (auto it = sys::path::begin(target), end = sys::path::end(target); it != end; ++it)
    to.push_back(*it);
  for (auto it = sys::path::begin(base), end = sys::path::end(base); it != end; ++it)
    from.push_back(*it);
  size_t common = 0;
  while (common < to.size() && common < from.size() && to[common] == from[common])
    ++common;
  SmallString<256> relative;
  for (size_t i = common; i < from.size(); ++i)
    sys::path::append(relative, "..");
  for (size_t i = common; i < to.size(); ++i)
    sys::path::append(relative, to[i]);
  return relative.empty() ? "." : relative.str().str();
}

/// Makes the train step's source directory (the base of relative data
/// paths) relative to the directory `output` is written to, so that the
/// executable embeds no path of this machine; the runtime resolves it
/// against the executable's own directory.
void makeSourceDirRelative(ModuleOp module, StringRef output) {
  SmallString<256> outputDir(output);
  if (sys::fs::make_absolute(outputDir))
    return;
  sys::path::remove_filename(outputDir);
  sys::path::remove_dots(outputDir, /*remove_dot_dot=*/true);
  for (gd::TrainStepOp step : module.getOps<gd::TrainStepOp>()) {
    DictionaryAttr config = step.getConfig();
    auto dir = config.getAs<StringAttr>("source_dir");
    if (!dir)
      continue;
    SmallString<256> sourceDir(dir.getValue());
    sys::path::remove_dots(sourceDir, /*remove_dot_dot=*/true);
    NamedAttrList attrs(config);
    attrs.set("source_dir",
              StringAttr::get(module.getContext(), relativePath(sourceDir, outputDir)));
    step.setConfigAttr(attrs.getDictionary(module.getContext()));
  }
}

} // namespace

LogicalResult Session::compileFile(StringRef input, Emit emit, StringRef output) {
  if (!load(input))
    return failure();
  auto module = elaborate();
  if (!module)
    return failure();
  if (emit == Emit::AST) {
    auto file = openOutput(*this, output.empty() ? "-" : output);
    if (!file)
      return failure();
    lang::printAST(*mainModule(), checkedTypes(), file->os());
    file->keep();
    return success();
  }
  bool needsTrain =
      stageOf(emit) >= Stage::TrainStep || emit == Emit::Params || emit == Emit::Diagram;
  if (needsTrain && module->getOps<gd::TrainStepOp>().empty()) {
    // Every definition has been checked where it is written (elaborate()).
    // Asked for nothing in particular, say so and succeed: a module of
    // definitions is a library. Asked for an executable or a step, fail.
    if (emit == Emit::Exe && output.empty()) {
      llvm::outs() << input << ": checked; no errors. It has no train block, so there "
                   << "is no executable to write (--emit=mlir shows its definitions)\n";
      return success();
    }
    fail("'" + input + "' has no train block: nothing to compile into a step "
                "(--emit=mlir shows its definitions)");
    return failure();
  }
  std::string out = output.str();
  bool textual = emit != Emit::Exe && emit != Emit::Obj;
  if (out.empty())
    out = textual ? "-" : sys::path::stem(input).str() + (emit == Emit::Obj ? ".o" : "");
  if (!textual)
    makeSourceDirRelative(*module, out);
  if (failed(lower(*module, stageOf(emit))))
    return failure();
  if (out != "-" && sys::fs::equivalent(input, out)) {
    fail("the output '" + out + "' would overwrite the input; name another with -o");
    return failure();
  }
  // Said plainly here rather than by the linker after all the work.
  StringRef directory = sys::path::parent_path(out);
  if (out != "-" && !directory.empty() && !sys::fs::is_directory(directory)) {
    fail("cannot write '" + out + "': there is no directory '" + directory + "'");
    return failure();
  }
  if (emit == Emit::Params || emit == Emit::Diagram || (textual && emit != Emit::LLVM)) {
    auto file = openOutput(*this, out);
    if (!file)
      return failure();
    if (emit == Emit::Diagram) {
      FailureOr<std::string> svg = drawModelDiagram(*module);
      if (failed(svg)) {
        fail("internal error, please report: the model cannot be drawn");
        return failure();
      }
      file->os() << *svg;
    } else if (emit == Emit::Params) {
      if (!printParams(*module, file->os()))
        return failure();
    } else {
      module->print(file->os());
    }
    file->keep();
    return success();
  }
  SmallString<128> object, diagnosisObject;
  std::optional<FileRemover> removeObject, removeDiagnosisObject;
  if (emit == Emit::Exe) {
    for (auto [path, remover] : {std::pair(&object, &removeObject),
                                 std::pair(&diagnosisObject, &removeDiagnosisObject)}) {
      if (auto ec = sys::fs::createTemporaryFile("gdc", "o", *path)) {
        fail("cannot create a temporary file: " + ec.message());
        return failure();
      }
      remover->emplace(*path);
    }
  }
  // An executable's diagnosis is split off before optimisation and compiled
  // unoptimised on a thread of its own while the step is optimised and
  // compiled (lang/ObjectFiles.h).
  LLVMContext llvmContext, diagnosisContext;
  std::unique_ptr<llvm::Module> diagnosis;
  std::string diagnosisError;
  bool diagnosisWritten = true;
  std::thread diagnosisWorker;
  auto llvmModule = translate(*module, llvmContext, [&](llvm::Module &m) {
    if (emit != Emit::Exe || !(diagnosis = splitOffDiagnosis(m, diagnosisContext)))
      return;
    diagnosisWorker = std::thread([&] {
      diagnosisWritten = writeUnoptimizedObject(*diagnosis, diagnosisObject, diagnosisError);
    });
  });
  llvm::scope_exit joinDiagnosis([&] {
    if (diagnosisWorker.joinable())
      diagnosisWorker.join();
  });
  if (!llvmModule)
    return failure();
  if (emit == Emit::LLVM) {
    auto file = openOutput(*this, out);
    if (!file)
      return failure();
    llvmModule->print(file->os(), nullptr);
    file->keep();
    return success();
  }
  if (emit == Emit::Obj)
    return success(writeObject(*llvmModule, out));
  bool written = writeObject(*llvmModule, object);
  if (diagnosisWorker.joinable())
    diagnosisWorker.join();
  if (!written)
    return failure();
  if (!diagnosisWritten) {
    fail(diagnosisError);
    return failure();
  }
  SmallVector<StringRef, 2> objects{object};
  if (diagnosis)
    objects.push_back(diagnosisObject);
  return success(link(objects, out));
}

} // namespace gdc
