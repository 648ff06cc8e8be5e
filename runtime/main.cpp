//===- main.cpp - Entry point of a gdc training executable ----------------===//
//
// Linked from libgdrt.a next to the compiled model:
//   clang++ model.o libgdrt.a -ldnnl -lgomp -lz -lm -o train
//
//===----------------------------------------------------------------------===//

#include "Driver.h"

int main(int argc, char **argv) { return gdrt::gdrtMain(argc, argv); }
