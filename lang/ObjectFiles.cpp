//===- ObjectFiles.cpp - Object files, and the diagnosis beside the step --===//
#include "lang/ObjectFiles.h"
#include "lang/Jit.h"

#include "llvm/Bitcode/BitcodeReader.h"
#include "llvm/Bitcode/BitcodeWriter.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Transforms/Utils/Cloning.h"

namespace gdc {

std::unique_ptr<llvm::Module> splitOffDiagnosis(llvm::Module &module, llvm::LLVMContext &context) {
  llvm::Function *diagnose = module.getFunction("gd_model_diagnose");
  if (!diagnose || diagnose->isDeclaration())
    return nullptr;
  // A symbol of one object used by the other must be external; hidden, it
  // stays out of the executable's dynamic symbol table.
  for (llvm::GlobalValue &value : module.global_values())
    if (value.hasLocalLinkage() && !value.isDeclaration()) {
      value.setLinkage(llvm::GlobalValue::ExternalLinkage);
      value.setVisibility(llvm::GlobalValue::HiddenVisibility);
    }
  llvm::ValueToValueMapTy map;
  std::unique_ptr<llvm::Module> part = llvm::CloneModule(
      module, map, [&](const llvm::GlobalValue *value) { return value == diagnose; });
  diagnose->deleteBody();
  // Into a context of its own, so that it can be compiled on another thread.
  llvm::SmallString<0> bitcode;
  llvm::raw_svector_ostream os(bitcode);
  llvm::WriteBitcodeToFile(*part, os);
  auto parsed = llvm::parseBitcodeFile(llvm::MemoryBufferRef(bitcode, "gd_model_diagnose"), context);
  if (!parsed) {
    llvm::consumeError(parsed.takeError());
    return nullptr;
  }
  return std::move(*parsed);
}

bool writeUnoptimizedObject(llvm::Module &module, llvm::StringRef path, std::string &error) {
  std::unique_ptr<llvm::TargetMachine> machine =
      createHostTargetMachine(llvm::CodeGenOptLevel::None);
  if (!machine) {
    error = "no LLVM target for this host";
    return false;
  }
  return emitObjectFile(module, *machine, path, error);
}

bool emitObjectFile(llvm::Module &module, llvm::TargetMachine &machine, llvm::StringRef path,
                    std::string &error) {
  std::error_code ec;
  llvm::raw_fd_ostream out(path, ec, llvm::sys::fs::OF_None);
  if (ec) {
    error = "cannot write '" + path.str() + "': " + ec.message();
    return false;
  }
  llvm::legacy::PassManager pm;
  if (machine.addPassesToEmitFile(pm, out, nullptr, llvm::CodeGenFileType::ObjectFile)) {
    error = "internal error, please report: cannot emit object code";
    return false;
  }
  pm.run(module);
  return true;
}

} // namespace gdc
