//===- DiagnosisObject.h - The diagnosis, compiled beside the step -*- C++ -*-===//
//
// gd_diagnose (gd-locate-non-finite) is as large as the train step and runs
// at most once per run, after a step that was not finite. An executable
// gets it as a second object, split off the module after optimisation and
// compiled without optimisation on another thread while the step's object
// is compiled: compiled with the step, it nearly doubled the compile time
// of an MLP.
//
//===----------------------------------------------------------------------===//
#ifndef GDC_LANG_DIAGNOSISOBJECT_H
#define GDC_LANG_DIAGNOSISOBJECT_H

#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/ADT/StringRef.h"

#include <memory>
#include <string>

namespace gdc {

/// Moves the definition of gd_diagnose out of `module` (which keeps a
/// declaration) into a module of its own in `context`; null if `module`
/// defines none. The symbols the two share are made hidden externals so
/// that the two objects link.
std::unique_ptr<llvm::Module> splitOffDiagnosis(llvm::Module &module, llvm::LLVMContext &context);

/// Writes `module` as a host object file at `path`, compiled without
/// optimisation with a target machine of its own (so that it may run on
/// its own thread); on failure returns false and sets `error`.
bool writeUnoptimizedObject(llvm::Module &module, llvm::StringRef path, std::string &error);

} // namespace gdc

#endif // GDC_LANG_DIAGNOSISOBJECT_H
