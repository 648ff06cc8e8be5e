//===- ObjectFiles.h - Object files, and the diagnosis beside the step -*- C++ -*-===//
//
// Writing host object files. gd_model_diagnose (gd-locate-non-finite) is as
// large as the train step and runs at most once per run, after a step that
// was not finite. An executable gets it as a second object: split off the
// LLVM module before optimisation and compiled without optimisation on
// another thread while the step is optimised and compiled. Compiled with
// the step at -O3, it nearly tripled the compile time of an MLP.
//
//===----------------------------------------------------------------------===//
#ifndef GDC_LANG_OBJECTFILES_H
#define GDC_LANG_OBJECTFILES_H

#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Target/TargetMachine.h"

#include <memory>
#include <string>

namespace gdc {

/// Moves the definition of gd_model_diagnose out of `module` (which keeps a
/// declaration) into a module of its own in `context`; null if `module`
/// defines none. The symbols the two share are made hidden externals so
/// that the two objects link.
std::unique_ptr<llvm::Module> splitOffDiagnosis(llvm::Module &module, llvm::LLVMContext &context);

/// Writes `module` as an object file at `path`, compiled by `machine`; on
/// failure returns false and sets `error`. (Session::writeObject uses it
/// with the host's optimising machine.)
bool emitObjectFile(llvm::Module &module, llvm::TargetMachine &machine, llvm::StringRef path,
                    std::string &error);

/// emitObjectFile() without optimisation, with a target machine of its own
/// (so that it may run on its own thread).
bool writeUnoptimizedObject(llvm::Module &module, llvm::StringRef path, std::string &error);

} // namespace gdc

#endif // GDC_LANG_OBJECTFILES_H
