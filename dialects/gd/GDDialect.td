//===- GDDialect.td - The gd dialect ---------------------------*- tablegen -*-===//
#ifndef GD_DIALECT
#define GD_DIALECT

include "mlir/IR/OpBase.td"

def GD_Dialect : Dialect {
  let name = "gd";
  let cppNamespace = "::gdc::gd";
  let summary = "Parametrised lenses, their composition, and the tensor ops of gd programs";
  let description = [{
    The `gd` dialect is the IR of the gradient-descent compiler. Structure ops
    describe a training program as lens composition: `gd.lens` is a
    parametrised map (parameters and a forward region; after reverse-mode
    differentiation also a backward region), `gd.compose` composes lens
    instances sequentially, `gd.optimizer` is a reparametrisation of the
    parameter wire written for one element of one parameter tensor, and
    `gd.train_step` closes model, loss and optimizer into one step.

    Tensor ops have value semantics and static shapes, except a leading
    dynamic batch dimension that the `gd-batch` pass introduces. Elementwise
    ops broadcast like NumPy (right-aligned). Every differentiable op
    implements `ReverseDerivativeOpInterface` and every op implements
    `BatchingOpInterface`: the rules of each op live in one place each.
  }];
  let useDefaultAttributePrinterParser = 0;
}

class GD_Op<string mnemonic, list<Trait> traits = []>
    : Op<GD_Dialect, mnemonic, traits>;

#endif // GD_DIALECT
