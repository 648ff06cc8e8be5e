//===- GDOps.td - gd dialect operations ------------------------*- tablegen -*-===//
#ifndef GD_OPS
#define GD_OPS

include "GDDialect.td"
include "GDInterfaces.td"
include "mlir/IR/SymbolInterfaces.td"
include "mlir/IR/CommonAttrConstraints.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"
include "mlir/Interfaces/DestinationStyleOpInterface.td"

include "GDStructureOps.td"

//===----------------------------------------------------------------------===//
// Barriers of update-rule bodies (dialects/gd/UpdateRules.cpp)
//===----------------------------------------------------------------------===//

class GD_BarrierOp<string mnemonic, string what>
    : GD_Op<mnemonic, [Pure, SameOperandsAndResultType]> {
  let summary = what;
  let arguments = (ins 0DTensorOf<[F32]>:$input);
  let results = (outs 0DTensorOf<[F32]>:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasVerifier = 1;
}

def GD_GlobalNormOp : GD_BarrierOp<"global_norm",
    "The L2 norm of an update-rule value over all tensors of the instance"> {
  let description = [{
    Inside a `gd.optimizer` or `gd.transform` body, `input` is one element
    of a value defined for every element of every tensor the instance
    updates; the result is the L2 norm over all of them, the same for every
    element. A barrier between phases.
  }];
}

def GD_TensorNormOp : GD_BarrierOp<"tensor_norm",
    "The L2 norm of an update-rule value over this parameter tensor"> {
  let description = [{
    Like `gd.global_norm`, over the elements of the current tensor only
    (`norm(g)` in an optimizer body: LAMB's trust ratio).
  }];
}

def GD_GradAtOp : GD_BarrierOp<"grad_at",
    "The gradient of this batch's loss at another point"> {
  let description = [{
    `input` is this element of a point defined for every tensor of the
    instance; the result is this element of the raw gradient of the same
    batch's loss (same data, same random draws) with all of them moved
    there and every other parameter unchanged (sharpness-aware
    minimisation, extragradient).
  }];
}

// Whole-tensor operations of an update-rule body. Each is a barrier: its
// operand is computed for every element of the tensor first, and its result
// enters the rest of the body per tensor (a scalar) or per element.
class GD_TensorBarrierOp<string mnemonic, string what, dag attrs>
    : GD_Op<mnemonic, [Pure, SameOperandsAndResultType]> {
  let summary = what;
  let arguments = !con((ins 0DTensorOf<[F32]>:$input), attrs);
  let results = (outs 0DTensorOf<[F32]>:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasVerifier = 1;
}

def GD_TensorMeanOp : GD_TensorBarrierOp<"tensor_mean",
    "The mean of an update-rule value over this tensor or one of its axes",
    (ins OptionalAttr<I64Attr>:$axis)> {
  let description = [{
    Without `axis`, the mean of `input` over every element of the current
    parameter tensor: one value per tensor (`mean(g^2)` in a rule body).
    With `axis`, the mean along that axis of the tensor, broadcast back: one
    value per element, the same along the axis (Adafactor's row and column
    means). A negative axis counts from the last; axes before the first
    have extent 1, as NumPy's broadcasting aligns shapes on the right, so
    the mean along them is the value itself.
  }];
}

def GD_TensorSumOp : GD_TensorBarrierOp<"tensor_sum",
    "The sum of an update-rule value over this tensor or one of its axes",
    (ins OptionalAttr<I64Attr>:$axis)> {
  let description = [{ Like `gd.tensor_mean`, with the sum. }];
}

def GD_TensorSizeOp : GD_TensorBarrierOp<"tensor_size",
    "The extent of the current parameter tensor along an axis",
    (ins I64Attr:$axis)> {
  let description = [{
    One value per tensor, known when the step is built: the extent of the
    current tensor along `axis` (negative from the last; 1 for an axis
    before the first). `input` only carries the body's element type.
  }];
}

def GD_OrthogonalizeOp : GD_TensorBarrierOp<"orthogonalize",
    "Newton-Schulz orthogonalization of a matrix-valued update-rule value",
    (ins I64Attr:$steps)> {
  let description = [{
    `input` is one element of a value defined for every element of the
    current tensor, which must be a matrix X; the result is this element of
    X scaled to unit Frobenius norm (plus 1e-8) and then taken through
    `steps` quintic Newton-Schulz iterations X <- a X + (b A + c A A) X with
    A = X X^T and (a, b, c) = (3.4445, -4.7750, 2.0315), on the transpose
    when X has more rows than columns: an approximation of U V^T for the
    SVD X = U S V^T (Muon; optax's `orthogonalize_via_newton_schulz`).
  }];
}

def GD_ReduceExamplesOp : GD_Op<"reduce_examples", [Pure, SameOperandsAndResultType]> {
  let summary = "The batch reduction of a per-example gradient";
  let description = [{
    In a `gd.optimizer` folded from a chain that begins with `per_example`
    transforms (gd-fold-update-rules): what comes before it in the body runs
    once per example, on that example's gradient of its own loss, with
    `gd.global_norm` and `gd.tensor_norm` taken per example; its result is
    this element of `input` reduced over the batch as the loss is (mean or
    sum). What follows runs once per step, as any rule does. At most one,
    only in a `gd.optimizer`; gd-build-train-step splits the body there.
  }];
  let arguments = (ins 0DTensorOf<[F32]>:$input);
  let results = (outs 0DTensorOf<[F32]>:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Tensor ops
//===----------------------------------------------------------------------===//

class GD_TensorOp<string mnemonic, list<Trait> traits = []>
    : GD_Op<mnemonic, !listconcat(traits, [Pure,
        DeclareOpInterfaceMethods<BatchingOpInterface>])>;

def GD_ConstantOp : GD_TensorOp<"constant", [ConstantLike, InferTypeOpAdaptor,
    DeclareOpInterfaceMethods<ReverseDerivativeOpInterface>]> {
  let summary = "A constant tensor";
  let description = [{
    ```mlir
    %0 = gd.constant dense<0.0> : tensor<f32>
    ```
  }];
  let arguments = (ins ElementsAttr:$value);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$value attr-dict";
  let hasFolder = 1;
}

/// Elementwise binary ops broadcast like NumPy: shapes are right-aligned and
/// a dimension of size 1 (or a missing one) stretches to the other's size.
class GD_BinaryOp<string mnemonic, string what>
    : GD_TensorOp<mnemonic, [InferTypeOpAdaptor,
        DeclareOpInterfaceMethods<ReverseDerivativeOpInterface>]> {
  let summary = "Elementwise " # what # " with broadcasting";
  let description = [{
    ```mlir
    %0 = gd.}] # mnemonic # [{ %a, %b : tensor<?x256xf32>, tensor<256xf32> -> tensor<?x256xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$lhs, AnyRankedTensor:$rhs);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat =
      "$lhs `,` $rhs attr-dict `:` type($lhs) `,` type($rhs) `->` type($result)";
  let extraClassDefinition = [{
    ::llvm::LogicalResult $cppClass::inferReturnTypes(::mlir::MLIRContext *,
        std::optional<::mlir::Location> loc, Adaptor adaptor,
        ::llvm::SmallVectorImpl<::mlir::Type> &types) {
      return ::gdc::gd::inferBroadcastType(loc, "}] # mnemonic # [{",
          {adaptor.getLhs().getType(), adaptor.getRhs().getType()}, nullptr, types);
    }
  }];
}

def GD_AddOp : GD_BinaryOp<"add", "addition">;
def GD_SubOp : GD_BinaryOp<"sub", "subtraction">;
def GD_MulOp : GD_BinaryOp<"mul", "multiplication">;
def GD_DivOp : GD_BinaryOp<"div", "division">;
def GD_PowOp : GD_BinaryOp<"pow", "power">;
def GD_MaxOp : GD_BinaryOp<"max", "maximum">;
def GD_MinOp : GD_BinaryOp<"min", "minimum">;
/// Floored, as in Python and NumPy: the result has the divisor's sign, so
/// `-1 % 3` is 2. An integer remainder by 0 is 0 (no trap).
def GD_ModOp : GD_BinaryOp<"mod", "floored remainder (`%`)">;

def GD_CmpOp : GD_TensorOp<"cmp", [InferTypeOpAdaptor]> {
  let summary = "Elementwise comparison with broadcasting, giving i1";
  let description = [{
    `predicate` is one of `lt le gt ge eq ne`. Not differentiable.
    ```mlir
    %0 = gd.cmp gt, %a, %b : tensor<10xf32>, tensor<f32> -> tensor<10xi1>
    ```
  }];
  let arguments = (ins StrAttr:$predicate, AnyRankedTensor:$lhs, AnyRankedTensor:$rhs);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$predicate `,` $lhs `,` $rhs attr-dict `:` type($lhs) `,` "
                       "type($rhs) `->` type($result)";
  let hasVerifier = 1;
}

def GD_SelectOp : GD_TensorOp<"select", [InferTypeOpAdaptor,
    DeclareOpInterfaceMethods<ReverseDerivativeOpInterface>]> {
  let summary = "Elementwise choice `cond ? a : b` with broadcasting";
  let arguments = (ins AnyRankedTensor:$cond, AnyRankedTensor:$lhs, AnyRankedTensor:$rhs);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$cond `,` $lhs `,` $rhs attr-dict `:` type($cond) `,` "
                       "type($lhs) `,` type($rhs) `->` type($result)";
  // A constant condition (`if training then ...` once the run mode is
  // bound) picks its branch.
  let hasFolder = 1;
}

def GD_ConvertOp : GD_TensorOp<"convert", [
    DeclareOpInterfaceMethods<ReverseDerivativeOpInterface>]> {
  let summary = "Elementwise conversion of the element type";
  let description = [{
    Integers and booleans convert to floats exactly where representable;
    floats to floats by rounding; floats to integers toward zero (NaN to 0,
    values beyond the range to the nearest bound); integers to integers by
    sign extension or truncation. Differentiable float to float only.
  }];
  let arguments = (ins AnyRankedTensor:$input);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

class GD_UnaryOp<string mnemonic, string what>
    : GD_TensorOp<mnemonic, [InferTypeOpAdaptor,
        DeclareOpInterfaceMethods<ReverseDerivativeOpInterface>]> {
  let summary = "Elementwise " # what;
  let arguments = (ins AnyRankedTensor:$input);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let extraClassDefinition = [{
    ::llvm::LogicalResult $cppClass::inferReturnTypes(::mlir::MLIRContext *,
        std::optional<::mlir::Location>, Adaptor adaptor,
        ::llvm::SmallVectorImpl<::mlir::Type> &types) {
      types.push_back(adaptor.getInput().getType());
      return ::mlir::success();
    }
  }];
}

def GD_NegOp : GD_UnaryOp<"neg", "negation">;
def GD_ExpOp : GD_UnaryOp<"exp", "exponential">;
def GD_LogOp : GD_UnaryOp<"log", "natural logarithm">;
def GD_SqrtOp : GD_UnaryOp<"sqrt", "square root">;
def GD_TanhOp : GD_UnaryOp<"tanh", "hyperbolic tangent">;
def GD_SigmoidOp : GD_UnaryOp<"sigmoid", "logistic sigmoid `1 / (1 + exp(-x))`">;
def GD_SinOp : GD_UnaryOp<"sin", "sine">;
def GD_CosOp : GD_UnaryOp<"cos", "cosine">;
/// Differentiable except at 0, where its derivative is taken to be 0.
def GD_AbsOp : GD_UnaryOp<"abs", "absolute value">;
// Piecewise constant: their reverse rules give no cotangent (derivative 0
// almost everywhere), so gradients stop there.
def GD_SignOp : GD_UnaryOp<"sign", "sign (-1, 0 or 1; not differentiable: derivative 0)">;
def GD_FloorOp : GD_UnaryOp<"floor", "rounding down (not differentiable: derivative 0)">;
def GD_StopGradientOp : GD_UnaryOp<"stop_gradient",
    "the identity, whose derivative is taken to be 0: no cotangent flows back through it">;
def GD_CeilOp : GD_UnaryOp<"ceil", "rounding up (not differentiable: derivative 0)">;

class GD_ReduceOp<string mnemonic, string what>
    : GD_TensorOp<mnemonic, [InferTypeOpAdaptor,
        DeclareOpInterfaceMethods<ReverseDerivativeOpInterface>]> {
  let summary = "Reduces the given axes by " # what;
  let description = [{
    The reduced axes are removed from the result's shape.
    ```mlir
    %0 = gd.}] # mnemonic # [{ %x [1] : tensor<?x10xf32> -> tensor<?xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, DenseI64ArrayAttr:$axes);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input $axes attr-dict `:` type($input) `->` type($result)";
  let extraClassDefinition = [{
    ::llvm::LogicalResult $cppClass::inferReturnTypes(::mlir::MLIRContext *,
        std::optional<::mlir::Location> loc, Adaptor adaptor,
        ::llvm::SmallVectorImpl<::mlir::Type> &types) {
      return ::gdc::gd::inferReducedType(loc, adaptor.getInput().getType(),
                                         adaptor.getAxes(), types);
    }
  }];
}

def GD_ReduceSumOp : GD_ReduceOp<"reduce_sum", "summation">;
def GD_ReduceMeanOp : GD_ReduceOp<"reduce_mean", "the arithmetic mean">;
def GD_ReduceMaxOp : GD_ReduceOp<"reduce_max", "the maximum">;
def GD_ReduceMinOp : GD_ReduceOp<"reduce_min", "the minimum">;
def GD_NormOp : GD_ReduceOp<"norm",
    "the Euclidean (L2) norm `sqrt(sum(x^2))`; its derivative at 0 is taken to be 0">;

def GD_ArgMaxOp : GD_TensorOp<"argmax", [InferTypeOpAdaptor,
    DeclareOpInterfaceMethods<ReverseDerivativeOpInterface>]> {
  let summary = "The index of the maximum over the given axes, as i32";
  let description = [{
    The reduced axes are removed from the result's shape. Over several
    axes the index is row-major within them (a flat index); on a tie the
    first maximum wins, as in NumPy. The reduced axes must have static
    sizes. Not differentiable (the result is an integer).
    ```mlir
    %0 = gd.argmax %x [1] : tensor<?x10xf32> -> tensor<?xi32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, DenseI64ArrayAttr:$axes);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input $axes attr-dict `:` type($input) `->` type($result)";
}
def GD_FlatIndexOp : GD_TensorOp<"flat_index", [InferTypeOpAdaptor]> {
  let summary = "Each element's row-major index within the given axes, as i32";
  let description = [{
    The result is shaped like `input` (whose values are not read): each
    element holds its flat index over `axes`, the index `gd.argmax` over
    the same axes would give it. The reverse rules of `reduce_max` and
    `reduce_min` compare the two to pick the first extremum. The axes must
    have static sizes. Not differentiable (an integer result).
    ```mlir
    %0 = gd.flat_index %x [2, 4] : tensor<?x3x2x5x2xf32> -> tensor<?x3x2x5x2xi32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, DenseI64ArrayAttr:$axes);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input $axes attr-dict `:` type($input) `->` type($result)";
}
def GD_LogSumExpOp : GD_ReduceOp<"logsumexp",
    "log-sum-exp (`log(sum(exp(x)))`, computed stably)">;

def GD_DimSizeOp : GD_TensorOp<"dim_size", [InferTypeOpAdaptor]> {
  let summary = "The number of elements in the given axes, as an f32 scalar";
  let description = [{
    The product of the sizes of `axes` of `input`, dynamic sizes included;
    the count a mean divides by.
  }];
  let arguments = (ins AnyRankedTensor:$input, DenseI64ArrayAttr:$axes);
  let results = (outs 0DTensorOf<[F32]>:$result);
  let assemblyFormat = "$input $axes attr-dict `:` type($input)";
}

def GD_MatmulOp : GD_TensorOp<"matmul", [InferTypeOpAdaptor,
    DeclareOpInterfaceMethods<ReverseDerivativeOpInterface>]> {
  let summary = "Vector and matrix products (`@`)";
  let description = [{
    `[k] @ [k, n] -> [n]`, `[m, k] @ [k, n] -> [m, n]`, `[m, k] @ [k] -> [m]`.
    ```mlir
    %0 = gd.matmul %x, %W : tensor<?x784xf32>, tensor<784x256xf32> -> tensor<?x256xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$lhs, AnyRankedTensor:$rhs);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat =
      "$lhs `,` $rhs attr-dict `:` type($lhs) `,` type($rhs) `->` type($result)";
}

def GD_TransposeOp : GD_TensorOp<"transpose", [InferTypeOpAdaptor,
    DeclareOpInterfaceMethods<ReverseDerivativeOpInterface>]> {
  let summary = "Permutes the axes";
  let arguments = (ins AnyRankedTensor:$input, DenseI64ArrayAttr:$permutation);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input $permutation attr-dict `:` type($input) `->` type($result)";
}

def GD_ExpandDimsOp : GD_TensorOp<"expand_dims", [InferTypeOpAdaptor,
    DeclareOpInterfaceMethods<ReverseDerivativeOpInterface>]> {
  let summary = "Inserts unit dimensions at the given result axes";
  let arguments = (ins AnyRankedTensor:$input, DenseI64ArrayAttr:$axes);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input $axes attr-dict `:` type($input) `->` type($result)";
}

def GD_TakeOp : GD_TensorOp<"take", [InferTypeOpAdaptor,
    DeclareOpInterfaceMethods<ReverseDerivativeOpInterface>]> {
  let summary = "Picks one element of the last axis per index (`x[label]`)";
  let description = [{
    `input` has shape `[d..., n]` and `indices` (integers) shape `[d...]`;
    the result `[d...]` holds `input[d..., indices[d...]]`. Per example this
    is `logits[label]`; batched, one pick per example. Differentiable in
    `input` only. An index outside `[0, n)` reads nothing and gives 0.
  }];
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$indices);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input `[` $indices `]` attr-dict `:` type($input) `,` "
                       "type($indices) `->` type($result)";
}

def GD_OneHotOp : GD_TensorOp<"one_hot", [InferTypeOpAdaptor,
    DeclareOpInterfaceMethods<ReverseDerivativeOpInterface>]> {
  let summary = "One-hot encodes integer indices as f32 along a new last axis";
  let arguments = (ins AnyRankedTensor:$indices, I64Attr:$depth);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$indices `,` $depth attr-dict `:` type($indices) `->` type($result)";
}

def GD_ReshapeOp : GD_TensorOp<"reshape", [InferTypeOpAdaptor,
    DeclareOpInterfaceMethods<ReverseDerivativeOpInterface>]> {
  let summary = "Gives the elements a new shape, in row-major order";
  let description = [{
    `shape` is the result's shape. At most one entry may be -1, as in
    NumPy: that axis takes the remaining elements (dynamic if the input has
    a dynamic axis: this is how the batch dimension passes through). Input
    and result hold the same number of elements.
    ```mlir
    %0 = gd.reshape %x [-1, 28, 28] : tensor<?x784xf32> -> tensor<?x28x28xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, DenseI64ArrayAttr:$shape);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input $shape attr-dict `:` type($input) `->` type($result)";
}

def GD_ConcatOp : GD_TensorOp<"concat", [InferTypeOpAdaptor,
    DeclareOpInterfaceMethods<ReverseDerivativeOpInterface>]> {
  let summary = "Joins tensors along one axis";
  let description = [{
    The operands have the same rank and element type and agree on every
    dimension but `axis`, whose sizes add up (and must be static).
    ```mlir
    %0 = gd.concat %a, %b along 0 : tensor<3xf32>, tensor<4xf32> -> tensor<7xf32>
    ```
  }];
  let arguments = (ins Variadic<AnyRankedTensor>:$inputs, I64Attr:$axis);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$inputs `along` $axis attr-dict `:` type($inputs) `->` type($result)";
}

def GD_SliceOp : GD_TensorOp<"slice", [InferTypeOpAdaptor,
    DeclareOpInterfaceMethods<ReverseDerivativeOpInterface>]> {
  let summary = "The elements `lo` (inclusive) to `hi` (exclusive) of one axis";
  let description = [{
    `x[a:b]` in gd, on the example's first axis. The bounds are static and
    `0 <= lo < hi <= size` of a static axis.
    ```mlir
    %0 = gd.slice %x along 1 from 2 to 5 : tensor<?x10xf32> -> tensor<?x3xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, I64Attr:$axis, I64Attr:$lo, I64Attr:$hi);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input `along` $axis `from` $lo `to` $hi attr-dict `:` type($input) `->` type($result)";
}

include "GDConvOps.td"
include "GDPoolOps.td"

def GD_FullLikeOp : GD_TensorOp<"full_like", [InferTypeOpAdaptor,
    DeclareOpInterfaceMethods<ReverseDerivativeOpInterface>]> {
  let summary = "A tensor shaped like the operand, filled with a constant";
  let description = [{
    `zeros_like(x)` and `ones_like(x)`; also how the reverse rules broadcast
    a cotangent back to an operand's (possibly dynamic) shape.
  }];
  let arguments = (ins AnyRankedTensor:$input, F64Attr:$value);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input `,` $value attr-dict `:` type($input)";
}

include "GDRandomOps.td"

#endif // GD_OPS
