//===- gdc-opt.cpp - MlirOptMain over the gd dialect and passes -----------===//
//
// Replays any stage of gdc's pipeline on textual IR, for lit tests.
//
//===----------------------------------------------------------------------===//
#include "dialects/gd/GDDialect.h"
#include "passes/Passes.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::registerAllPasses();
  gdc::registerPasses();
  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  registry.insert<gdc::gd::GDDialect>();
  gdc::registerBufferizationModels(registry);
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "gdc optimizer driver\n", registry));
}
