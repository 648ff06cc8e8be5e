//===- GDInterfaces.td - Reverse derivative and batching rules -*- tablegen -*-===//
#ifndef GD_INTERFACES
#define GD_INTERFACES

include "mlir/IR/OpBase.td"

def ReverseDerivativeOpInterface : OpInterface<"ReverseDerivativeOpInterface"> {
  let cppNamespace = "::gdc::gd";
  let description = [{
    The reverse derivative of an op: given the cotangents of its results,
    build the cotangents of its operands as gd ops. This is the op's one and
    only derivative rule; `gd-reverse-mode` composes them (the chain rule).
    A null entry in `operandCotangents` means the operand receives no
    cotangent (it is not differentiable, e.g. an integer label).
  }];
  let methods = [
    InterfaceMethod<
      "Builds the cotangents of the operands from those of the results.",
      "::llvm::LogicalResult", "buildReverse",
      (ins "::mlir::OpBuilder &":$builder,
           "::mlir::ValueRange":$resultCotangents,
           "::llvm::SmallVectorImpl<::mlir::Value> &":$operandCotangents)>,
  ];
}

def BatchingOpInterface : OpInterface<"BatchingOpInterface"> {
  let cppNamespace = "::gdc::gd";
  let description = [{
    The batching rule (vmap) of an op. The op is written for one example;
    given its operands after batching (`batched[i]` says whether operand i
    now carries a leading dynamic batch dimension) build the batched
    computation and return its results, each batched iff it depends on a
    batched operand.
  }];
  let methods = [
    InterfaceMethod<
      "Builds the batched form of this op.",
      "::llvm::LogicalResult", "buildBatched",
      (ins "::mlir::OpBuilder &":$builder,
           "::mlir::ValueRange":$operands,
           "::llvm::ArrayRef<bool>":$batched,
           "::llvm::SmallVectorImpl<::mlir::Value> &":$results)>,
  ];
}

#endif // GD_INTERFACES
