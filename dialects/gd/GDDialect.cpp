//===- GDDialect.cpp - The gd dialect registration ------------------------===//
#include "dialects/gd/GDDialect.h"

using namespace mlir;
using namespace gdc::gd;

#include "dialects/gd/GDDialect.cpp.inc"
#include "dialects/gd/GDInterfaces.cpp.inc"

void GDDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "dialects/gd/GDOps.cpp.inc"
      >();
}
