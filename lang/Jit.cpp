//===- Jit.cpp - In-memory compilation of an LLVM-dialect module ----------===//
#include "lang/Jit.h"
#include "lang/Optimizer.h"

#include "runtime/Blas.h"
#include "runtime/Conv.h"
#include "runtime/Parallel.h"
#include "runtime/StepMemory.h"

#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/SubtargetFeature.h"

using namespace mlir;

namespace gdc {

JitModule::JitModule() = default;
JitModule::~JitModule() = default;

std::unique_ptr<llvm::TargetMachine> createHostTargetMachine(llvm::CodeGenOptLevel level) {
  static const bool targetReady = [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    return true;
  }();
  (void)targetReady;
  std::string triple = llvm::sys::getProcessTriple();
  std::string error;
  const llvm::Target *target = llvm::TargetRegistry::lookupTarget(llvm::Triple(triple), error);
  if (!target)
    return nullptr;
  llvm::SubtargetFeatures features;
  for (auto &f : llvm::sys::getHostCPUFeatures())
    features.AddFeature(f.first(), f.second);
  llvm::TargetOptions options;
  return std::unique_ptr<llvm::TargetMachine>(target->createTargetMachine(
      llvm::Triple(triple), llvm::sys::getHostCPUName(), features.getString(), options,
      llvm::Reloc::PIC_, std::nullopt, level));
}

llvm::Expected<std::unique_ptr<JitModule>> JitModule::create(ModuleOp module,
                                                             unsigned optLevel) {
  std::unique_ptr<JitModule> jit(new JitModule());
  // One per module: a library host may JIT on several threads at once.
  jit->machine = createHostTargetMachine();
  // The engine keeps a reference to its transformer (code is compiled as it
  // is looked up), so the transformer lives as long as the engine.
  jit->optimize = makeModuleOptimizer(optLevel, jit->machine.get());
  ExecutionEngineOptions options;
  options.transformer = jit->optimize;
  options.jitCodeGenOptLevel = optLevel >= 3   ? llvm::CodeGenOptLevel::Aggressive
                               : optLevel == 0 ? llvm::CodeGenOptLevel::None
                                               : llvm::CodeGenOptLevel::Default;
  auto engine = ExecutionEngine::create(module, options);
  if (!engine)
    return engine.takeError();
  jit->engine = std::move(*engine);
  // The runtime functions compiled code calls, by address: a host that
  // loaded gdc with dlopen (Python's ctypes) does not expose its symbols to
  // the process-wide lookup the engine falls back on.
  jit->engine->registerSymbols([](llvm::orc::MangleAndInterner interner) {
    llvm::orc::SymbolMap symbols;
    auto add = [&](const char *name, auto *function) {
      symbols[interner(name)] = {llvm::orc::ExecutorAddr::fromPtr(function),
                                 llvm::JITSymbolFlags::Exported};
    };
    add("_mlir_ciface_gdrt_matmul", &_mlir_ciface_gdrt_matmul);
    add("_mlir_ciface_gdrt_batch_matmul", &_mlir_ciface_gdrt_batch_matmul);
    add("_mlir_ciface_gdrt_conv2d", &_mlir_ciface_gdrt_conv2d);
    add("gdrt_parallel_for", &gdrt_parallel_for);
    add("_mlir_memref_to_llvm_alloc", &_mlir_memref_to_llvm_alloc);
    add("_mlir_memref_to_llvm_aligned_alloc", &_mlir_memref_to_llvm_aligned_alloc);
    add("_mlir_memref_to_llvm_free", &_mlir_memref_to_llvm_free);
    return symbols;
  });
  jit->engine->initialize();
  return jit;
}

llvm::Error JitModule::invokePacked(llvm::StringRef name, llvm::MutableArrayRef<void *> args) {
  return engine->invokePacked(name, args);
}

llvm::Expected<void *> JitModule::lookup(llvm::StringRef name) const {
  return engine->lookup(name);
}

} // namespace gdc
