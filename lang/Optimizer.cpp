//===- Optimizer.cpp - LLVM's optimisation of gdc's code ------------------===//
//
// LLVM's -O3 module pipeline, with the loop vectoriser, interleaving and the
// SLP vectoriser, but no loop unrolling (partial, runtime or full). A train
// step is thousands of loop nests with small constant trip counts (a
// transformer's head size, a layer's width), which the unroller copies out
// in full: on examples/row_transformer.gd that tripled the object code
// (0.64 -> 1.76 MB) and the optimisation and code generation time
// (docs/benchmarks.md), while the vectorised loops it unrolled ran no
// faster. Vectorisation still interleaves each loop's vector body.
//
//===----------------------------------------------------------------------===//
#include "lang/Optimizer.h"

#include "llvm/IR/Module.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/Error.h"
#include "llvm/Target/TargetMachine.h"

namespace gdc {

std::function<llvm::Error(llvm::Module *)> makeModuleOptimizer(unsigned optLevel,
                                                               llvm::TargetMachine *machine) {
  return [optLevel, machine](llvm::Module *module) -> llvm::Error {
    llvm::OptimizationLevel level = optLevel == 0   ? llvm::OptimizationLevel::O0
                                    : optLevel == 1 ? llvm::OptimizationLevel::O1
                                    : optLevel == 2 ? llvm::OptimizationLevel::O2
                                                    : llvm::OptimizationLevel::O3;
    llvm::PipelineTuningOptions tuning;
    tuning.LoopUnrolling = false;
    tuning.LoopInterleaving = true;
    tuning.LoopVectorization = true;
    tuning.SLPVectorization = true;
    llvm::LoopAnalysisManager loops;
    llvm::FunctionAnalysisManager functions;
    llvm::CGSCCAnalysisManager sccs;
    llvm::ModuleAnalysisManager modules;
    llvm::PassBuilder builder(machine, tuning);
    builder.registerModuleAnalyses(modules);
    builder.registerCGSCCAnalyses(sccs);
    builder.registerFunctionAnalyses(functions);
    builder.registerLoopAnalyses(loops);
    builder.crossRegisterProxies(loops, functions, sccs, modules);
    llvm::ModulePassManager pipeline =
        level == llvm::OptimizationLevel::O0 ? builder.buildO0DefaultPipeline(level)
                                             : builder.buildPerModuleDefaultPipeline(level);
    pipeline.run(*module, modules);
    return llvm::Error::success();
  };
}

} // namespace gdc
