//===- CompiledModel.h - A program's training step, compiled in memory ----===//
//
// What `gdc -o` links into an executable, JIT-compiled into this process
// instead: the entry points of ModelABI.h and the parsed manifest. The REPL
// and the library train through it with a gdrt::ModelState, exactly as the
// executable's trainer does.
//
//===----------------------------------------------------------------------===//
#ifndef GDC_LANG_COMPILEDMODEL_H
#define GDC_LANG_COMPILEDMODEL_H

#include "lang/Jit.h"
#include "lang/Session.h"
#include "runtime/Manifest.h"
#include "runtime/ModelState.h"

#include <memory>
#include <string>

namespace gdc {

class CompiledModel {
public:
  /// Lowers `module` (elaborated by `session`, with a train block) through
  /// gdc's CPU pipeline and JIT-compiles it. Errors are reported as
  /// diagnostics on the session's context; null then.
  static std::unique_ptr<CompiledModel> compile(Session &session, mlir::ModuleOp module);

  /// The train block's name.
  const std::string &name() const { return trainName; }
  const gdrt::Manifest &manifest() const { return parsedManifest; }
  const gdrt::ModelEntryPoints &entryPoints() const { return entries; }

private:
  CompiledModel() = default;
  std::unique_ptr<JitModule> jit; ///< owns the code entries point into
  std::string trainName;
  std::string manifestText;
  gdrt::Manifest parsedManifest;
  gdrt::ModelEntryPoints entries;
};

} // namespace gdc

#endif // GDC_LANG_COMPILEDMODEL_H
