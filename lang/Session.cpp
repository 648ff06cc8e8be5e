//===- Session.cpp - One compilation, from source to executable -----------===//
#include "lang/Session.h"
#include "lang/Optimizer.h"

#include "lang/ObjectFiles.h"
#include "lang/Jit.h"
#include "passes/Passes.h"

#include <algorithm>
#include <functional>

#include "dialects/gd/GDDialect.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/SubtargetFeature.h"

#include <map>
#include <mutex>

using namespace mlir;

namespace gdc {

namespace {
struct StdModule {
  const char *name;
  const char *path;
  const char *source;
};
const StdModule kStdModules[] = {
#include "lang/StdLib.inc"
};
/// The parsed standard module `std`, parsed once per process: every
/// compilation uses the same few, and the REPL compiles at every input. An
/// AST is never changed once parsed, so sessions on any thread share it.
std::shared_ptr<const ast::Module> parsedStdModule(const StdModule &std) {
  static std::mutex mutex;
  static std::map<std::string, std::shared_ptr<const ast::Module>> cache;
  std::lock_guard<std::mutex> lock(mutex);
  std::shared_ptr<const ast::Module> &entry = cache[std.name];
  if (!entry) {
    std::vector<ast::SyntaxError> errors;
    auto module = ast::parse(std.path, std.source, errors);
    if (!module || !errors.empty())
      return nullptr; // cannot happen: the suite compiles the std modules
    module->path = std.path;
    entry = std::move(module);
  }
  return entry;
}
} // namespace

void reportError(const llvm::Twine &message) {
  llvm::WithColor::error(llvm::errs(), "gdc") << message << "\n";
}

void Session::fail(const llvm::Twine &message) {
  mlir::emitError(UnknownLoc::get(ctx)) << message;
}

std::unique_ptr<MLIRContext> Session::createContext() {
  DialectRegistry registry;
  registerAllDialects(registry);
  registerAllExtensions(registry);
  registry.insert<gd::GDDialect>();
  registerBufferizationModels(registry);
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
  auto context = std::make_unique<MLIRContext>(registry);
  context->loadAllAvailableDialects();
  // Diagnostics quote the source line; the op's generic form is noise there.
  context->printOpOnDiagnostic(false);
  return context;
}

Session::Session() : ownedCtx(createContext()), ctx(ownedCtx.get()) {}

Session::Session(MLIRContext &context) : ctx(&context) {}

Session::~Session() = default;

bool Session::loadModule(llvm::StringRef name, llvm::StringRef path,
                         std::unique_ptr<llvm::MemoryBuffer> buffer) {
  std::string text = buffer->getBuffer().str();
  sourceMgr.AddNewSourceBuffer(std::move(buffer), llvm::SMLoc());
  std::vector<ast::SyntaxError> errors;
  auto module = ast::parse(path.str(), text, errors);
  for (const ast::SyntaxError &e : errors)
    emitError(FileLineColLoc::get(ctx, path, e.loc.line, e.loc.col)) << e.message;
  if (!module || !errors.empty())
    return false;
  module->path = path.str();
  if (name.empty())
    program.main = module.get();
  else
    program.modules[name.str()] = module.get();
  modules.push_back(std::shared_ptr<const ast::Module>(std::move(module)));
  return true;
}

/// A gd program is text a person wrote: far below this. A device
/// (`/dev/zero`) or a huge file would be read until memory runs out.
static constexpr uint64_t kMaxSourceBytes = 64ull << 20;

bool Session::checkSourceFile(llvm::StringRef path, std::string &error) {
  llvm::sys::fs::file_status status;
  if (std::error_code ec = llvm::sys::fs::status(path, status)) {
    error = "cannot read '" + path.str() + "': " + ec.message();
    return false;
  }
  if (status.type() == llvm::sys::fs::file_type::directory_file) {
    error = "cannot read '" + path.str() + "': it is a directory";
    return false;
  }
  if (status.type() != llvm::sys::fs::file_type::regular_file) {
    error = "cannot read '" + path.str() + "': it is not a regular file (a device or a pipe?)";
    return false;
  }
  if (status.getSize() > kMaxSourceBytes) {
    error = "'" + path.str() + "' is " + std::to_string(status.getSize() >> 20) +
            " MiB; a gd program is at most 64 MiB";
    return false;
  }
  return true;
}

bool Session::load(llvm::StringRef path) {
  std::string error;
  if (!checkSourceFile(path, error)) {
    fail(error);
    return false;
  }
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!buffer) {
    fail("cannot read '" + path + "': " + buffer.getError().message());
    return false;
  }
  return loadSource(path, (*buffer)->getBuffer());
}

bool Session::loadSource(llvm::StringRef path, llvm::StringRef text) {
  llvm::SmallString<256> dir(path);
  llvm::sys::path::remove_filename(dir);
  if (dir.empty())
    dir = ".";
  llvm::sys::fs::make_absolute(dir);
  program.sourceDir = std::string(dir);
  if (!loadModule("", path, llvm::MemoryBuffer::getMemBufferCopy(text, path)))
    return false;
  bool loaded = loadUsedModules();
  return checkUseCycles() && loaded;
}

bool Session::loadUsedModules() {
  // Breadth first over `use`: std modules come from gdc's own copy, any
  // other `use a.b` from a/b.gd next to the program.
  bool ok = true;
  for (size_t next = 0; next < modules.size(); ++next) {
    const ast::Module *m = modules[next].get();
    for (const ast::Decl &d : m->decls) {
      if (d.kind != ast::DeclKind::Use || program.modules.count(d.name))
        continue;
      auto use = FileLineColLoc::get(ctx, m->path, d.nameLoc.line, d.nameLoc.col);
      const StdModule *std = nullptr;
      for (const StdModule &candidate : kStdModules)
        if (d.name == candidate.name)
          std = &candidate;
      if (std) {
        // Diagnostics quote its lines from the source manager.
        sourceMgr.AddNewSourceBuffer(llvm::MemoryBuffer::getMemBuffer(std->source, std->path),
                                     llvm::SMLoc());
        std::shared_ptr<const ast::Module> parsed = parsedStdModule(*std);
        if (!parsed) {
          fail(llvm::Twine("internal error, please report: ") + std->path + " does not parse");
          ok = false;
          continue;
        }
        program.modules[std->name] = parsed.get();
        modules.push_back(std::move(parsed));
        continue;
      }
      if (StringRef(d.name).starts_with("std.")) {
        emitError(use) << "unknown module '" << d.name
                       << "'; the standard modules are std.nn, std.losses, std.optim";
        ok = false;
        continue;
      }
      llvm::SmallString<256> file(program.sourceDir);
      llvm::SmallString<64> relative(d.name);
      std::replace(relative.begin(), relative.end(), '.', '/');
      llvm::sys::path::append(file, relative.str() + ".gd");
      llvm::sys::path::remove_dots(file, /*remove_dot_dot=*/true);
      llvm::sys::fs::file_status status;
      if (!llvm::sys::fs::status(file, status) &&
          (status.type() != llvm::sys::fs::file_type::regular_file ||
           status.getSize() > kMaxSourceBytes)) {
        emitError(use) << "module '" << d.name << "': '" << file
                       << "' is not a regular file of a program's size";
        ok = false;
        continue;
      }
      auto buffer = llvm::MemoryBuffer::getFile(file, /*IsText=*/true);
      if (!buffer) {
        emitError(use) << "unknown module '" << d.name << "': there is no standard module of "
                       << "that name, and '" << file << "' cannot be read ("
                       << buffer.getError().message() << ")";
        ok = false;
        continue;
      }
      ok &= loadModule(d.name, file, std::move(*buffer));
    }
  }
  return ok;
}

bool Session::checkUseCycles() {
  // Depth first; a `use` that reaches a module still being visited closes a
  // cycle, reported at that `use` with the chain that leads back.
  enum State { Unvisited, Visiting, Done };
  std::map<const ast::Module *, State> state;
  std::vector<std::string> chain;
  bool ok = true;
  std::function<void(const ast::Module *, StringRef)> visit = [&](const ast::Module *m,
                                                                  StringRef name) {
    state[m] = Visiting;
    chain.push_back(name.str());
    for (const ast::Decl &d : m->decls) {
      if (d.kind != ast::DeclKind::Use || !program.modules.count(d.name))
        continue;
      const ast::Module *used = program.modules.at(d.name);
      if (state[used] == Visiting) {
        std::string cycle;
        bool inCycle = false;
        for (const std::string &step : chain)
          if (inCycle || step == d.name) {
            inCycle = true;
            cycle += step + " uses ";
          }
        emitError(FileLineColLoc::get(ctx, m->path, d.nameLoc.line, d.nameLoc.col))
            << "'use " << d.name << "' makes a cycle of modules: " << cycle << d.name;
        ok = false;
      } else if (state[used] == Unvisited) {
        visit(used, d.name);
      }
    }
    chain.pop_back();
    state[m] = Done;
  };
  visit(program.main, llvm::sys::path::stem(program.main->path));
  return ok;
}

OwningOpRef<ModuleOp> Session::elaborate() {
  if (!program.main)
    return nullptr;
  exprTypes.clear();
  auto module = lang::elaborate(*ctx, program, &exprTypes);
  if (module && failed(verify(*module))) {
    // A diagnostic rather than reportError(), so that whoever handles
    // diagnostics (the fuzzer aborts on internal errors) sees it too.
    mlir::emitError(module->getLoc())
        << "internal error, please report: the generated gd IR does not verify";
    return nullptr;
  }
  return module;
}

LogicalResult Session::lower(ModuleOp module, Stage stage) {
  PassManager pm(ctx);
  if (configurePassManager && failed(configurePassManager(pm)))
    return failure();
  buildPipeline(pm, stage, trainStepOptions);
  return pm.run(module);
}

static llvm::TargetMachine *hostTargetMachine() {
  // One for the process: the driver compiles one program, on one thread.
  static std::unique_ptr<llvm::TargetMachine> machine = createHostTargetMachine();
  return machine.get();
}

std::unique_ptr<llvm::Module>
Session::translate(ModuleOp module, llvm::LLVMContext &llvmContext,
                   llvm::function_ref<void(llvm::Module &)> beforeOptimizing) {
  auto llvmModule = translateModuleToLLVMIR(module, llvmContext, "gd_model");
  if (!llvmModule) {
    fail("internal error, please report: translation to LLVM IR failed");
    return nullptr;
  }
  llvm::TargetMachine *machine = hostTargetMachine();
  if (!machine) {
    fail("no LLVM target for this host");
    return nullptr;
  }
  llvmModule->setDataLayout(machine->createDataLayout());
  llvmModule->setTargetTriple(machine->getTargetTriple());
  if (beforeOptimizing)
    beforeOptimizing(*llvmModule);
  auto optimize = makeModuleOptimizer(3, machine);
  if (auto err = optimize(llvmModule.get())) {
    fail("internal error, please report: LLVM optimisation failed: " +
                llvm::toString(std::move(err)));
    return nullptr;
  }
  return llvmModule;
}

bool Session::writeObject(llvm::Module &module, llvm::StringRef path) {
  std::string error;
  if (!hostTargetMachine()) {
    fail("no LLVM target for this host");
    return false;
  }
  if (!emitObjectFile(module, *hostTargetMachine(), path, error)) {
    fail(error);
    return false;
  }
  return true;
}

bool Session::link(llvm::ArrayRef<llvm::StringRef> objects, llvm::StringRef executable) {
  std::string self = llvm::sys::fs::getMainExecutable(nullptr, (void *)&reportError);
  llvm::SmallString<256> runtime(llvm::sys::path::parent_path(llvm::sys::path::parent_path(self)));
  llvm::sys::path::append(runtime, "lib", "libgdrt.a");
  if (!llvm::sys::fs::exists(runtime)) {
    fail("the runtime library is missing: " + runtime);
    return false;
  }
  std::string linker;
  for (const char *candidate : {"clang++-22", "clang++", "g++", "c++"})
    if (auto found = llvm::sys::findProgramByName(candidate)) {
      linker = *found;
      break;
    }
  if (linker.empty()) {
    fail("no C++ linker driver (clang++ or g++) found on PATH");
    return false;
  }
  llvm::SmallVector<llvm::StringRef> args{linker};
  llvm::append_range(args, objects);
  args.append({runtime, "-ldnnl", "-lgomp", "-lz", "-lm", "-o", executable});
  std::string message;
  int rc = llvm::sys::ExecuteAndWait(linker, args, std::nullopt, {}, 0, 0, &message);
  if (rc != 0) {
    fail("linking '" + executable + "' failed" +
                (message.empty() ? "" : ": " + message));
    return false;
  }
  return true;
}

} // namespace gdc
