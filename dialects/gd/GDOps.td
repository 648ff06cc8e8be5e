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

//===----------------------------------------------------------------------===//
// Structure: lenses, composition, optimizers, the train step
//===----------------------------------------------------------------------===//

def GD_LensOp : GD_Op<"lens", [Symbol, IsolatedFromAbove]> {
  let summary = "A parametrised lens: parameters, a forward map, a backward map";
  let description = [{
    A lens definition specialised to concrete shapes. The forward region's
    block arguments are the parameters (one per `param_names` entry) followed
    by `num_inputs` inputs; it yields the output. `param_inits` gives each
    parameter's initializer in the manifest's spelling (`zeros`,
    `glorot_uniform 784 256`, ...).

    `gd-reverse-mode` fills the backward region: its arguments are the
    parameters, the inputs and the output's cotangent; it yields one
    cotangent per parameter followed by the cotangent of the first input
    (the data wire). Further inputs (a loss's label) are constant wires.
    `batched` is set by `gd-batch` once the forward map has been lifted to a
    leading dynamic batch dimension.

    ```mlir
    gd.lens @dense_784_10 attributes {num_inputs = 1 : i64,
        param_inits = ["glorot_uniform 784 10", "zeros"],
        param_names = ["W", "b"]} forward {
    ^bb0(%W: tensor<784x10xf32>, %b: tensor<10xf32>, %x: tensor<784xf32>):
      %0 = gd.matmul %x, %W : tensor<784xf32>, tensor<784x10xf32> -> tensor<10xf32>
      %1 = gd.add %0, %b : tensor<10xf32>, tensor<10xf32> -> tensor<10xf32>
      gd.yield %1 : tensor<10xf32>
    } backward {
    }
    ```
  }];
  let arguments = (ins SymbolNameAttr:$sym_name, StrArrayAttr:$param_names,
                       StrArrayAttr:$param_inits, I64Attr:$num_inputs,
                       UnitAttr:$batched);
  let regions = (region SizedRegion<1>:$forward, AnyRegion:$backward);
  let assemblyFormat =
      "$sym_name attr-dict-with-keyword `forward` $forward `backward` $backward";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    unsigned getNumParams() { return getParamNames().size(); }
    bool isDifferentiated() { return !getBackward().empty(); }
  }];
}

def GD_ComposeOp : GD_Op<"compose", [Symbol]> {
  let summary = "Sequential composition of lens instances (`f >> g >> ...`)";
  let description = [{
    Each entry of `stages` is a fresh instance of a `gd.lens` or of another
    `gd.compose`; instance `i` is named `i` in parameter paths
    (`mlp.0.W`). Forward maps compose left to right and backward maps right
    to left: the chain rule.

    ```mlir
    gd.compose @mlp [@dense_784_256, @relu_256, @dense_256_10]
    ```

    A name bound to an instance and used twice denotes one instance: the
    optional `shares` gives, per stage, the parameter path of the stage
    whose parameters it uses ("" for a fresh instance). Gradients of a
    shared instance are summed over its uses.

    ```mlir
    gd.compose @net [@dense_4_4, @relu_4, @dense_4_4] {shares = ["", "", "net.0"]}
    ```
  }];
  let arguments = (ins SymbolNameAttr:$sym_name, FlatSymbolRefArrayAttr:$stages,
                       OptionalAttr<StrArrayAttr>:$shares);
  let assemblyFormat = "$sym_name $stages attr-dict";
  let hasVerifier = 1;
}

/// The attributes an update rule (an optimizer or a gradient transform)
/// shares. Its body's block arguments are, in order: `p`, `g`, `t`, `loss`
/// (only with `uses_loss`), the hyperparameters, the states and the global
/// states. All but the global states are `tensor<f32>`: one element of one
/// parameter tensor. Global states (`global_state_names`, initialised by
/// `global_state_inits`) have their declared type and are shared by every
/// tensor the instance updates. `schedules` maps a hyperparameter to the
/// `gd.schedule` that computes it from `t` at each step.
class GD_UpdateRuleOp<string mnemonic, list<Trait> traits = []>
    : GD_Op<mnemonic, !listconcat(traits, [Symbol, IsolatedFromAbove])> {
  dag ruleArguments = (ins SymbolNameAttr:$sym_name, StrArrayAttr:$hyper_names,
      F32ArrayAttr:$hyper_defaults, StrArrayAttr:$state_names,
      DefaultValuedAttr<StrArrayAttr, "{}">:$global_state_names,
      DefaultValuedAttr<StrArrayAttr, "{}">:$global_state_inits,
      UnitAttr:$uses_loss, OptionalAttr<DictionaryAttr>:$schedules);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = "$sym_name attr-dict-with-keyword $body";
  let hasVerifier = 1;
  code ruleDeclarations = [{
    unsigned getNumLeadingArgs() { return getUsesLoss() ? 4 : 3; }
    /// The block argument of global state `i`.
    ::mlir::BlockArgument getGlobalStateArg(unsigned i) {
      return getBody().front().getArgument(getNumLeadingArgs() +
          getHyperNames().size() + getStateNames().size() + i);
    }
  }];
}

def GD_OptimizerOp : GD_UpdateRuleOp<"optimizer"> {
  let summary = "An update rule: a reparametrisation of the parameter wire";
  let description = [{
    The update of one element of one parameter tensor (block arguments: see
    the update-rule attributes below). It yields the new parameter, the new
    states and the new global states. Being elementwise, the body is
    applied to every element of every parameter tensor, fused.

    Phases: `gd.global_norm` (over all tensors of the instance),
    `gd.tensor_norm` (over this tensor) and `gd.grad_at` are barriers
    between elementwise phases. The verifier enforces that a global state's
    new value is the same for every element and tensor (it may depend on
    `t`, `loss`, hyperparameters, global states and `gd.global_norm`, not
    on `p`, `g` or states), and that `gd.grad_at` is not nested.

    ```mlir
    gd.optimizer @sgd attributes {hyper_defaults = [1.000000e-01 : f32],
        hyper_names = ["lr"], state_names = []} {
    ^bb0(%p: tensor<f32>, %g: tensor<f32>, %t: tensor<f32>, %lr: tensor<f32>):
      %0 = gd.mul %lr, %g : tensor<f32>, tensor<f32> -> tensor<f32>
      %1 = gd.sub %p, %0 : tensor<f32>, tensor<f32> -> tensor<f32>
      gd.yield %1 : tensor<f32>
    }
    ```
  }];
  let arguments = ruleArguments;
  let extraClassDeclaration = ruleDeclarations;
}

def GD_TransformOp : GD_UpdateRuleOp<"transform"> {
  let summary = "A gradient transformation: a lens on the gradient wire";
  let description = [{
    Like `gd.optimizer`, but yields the transformed gradient (then the
    states and global states) instead of a new parameter. With
    `per_example` it sees each example's gradient before the batch
    reduction.
  }];
  let arguments = !con(ruleArguments, (ins UnitAttr:$per_example));
  let extraClassDeclaration = ruleDeclarations;
}

def GD_ScheduleOp : GD_Op<"schedule", [Symbol, IsolatedFromAbove]> {
  let summary = "A value computed from the step: `t`, then hyperparameters";
  let description = [{
    Block arguments: the step `t` and the hyperparameters (`tensor<f32>`).
    Yields one `tensor<f32>`, the value of the hyperparameter it drives.
    Integer arguments of the source schedule are compile-time constants.

    ```mlir
    gd.schedule @warmup attributes {hyper_defaults = [1.000000e-03 : f32],
        hyper_names = ["lr0"]} {
    ^bb0(%t: tensor<f32>, %lr0: tensor<f32>):
      gd.yield %lr0 : tensor<f32>
    }
    ```
  }];
  let arguments = (ins SymbolNameAttr:$sym_name, StrArrayAttr:$hyper_names,
                       F32ArrayAttr:$hyper_defaults);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = "$sym_name attr-dict-with-keyword $body";
  let hasVerifier = 1;
}

def GD_ChainOp : GD_Op<"chain", [Symbol]> {
  let summary = "Gradient transformations, then an optimizer (`chain(a, b, o)`)";
  let description = [{
    The gradient passes through the `gd.transform`s of `stages` in order,
    then the last stage, a `gd.optimizer` (or another `gd.chain`), updates
    the parameter. As lenses on the parameter wire they compose the other
    way round: `o >> b >> a >> model`.

    ```mlir
    gd.chain @opt [@clip_norm, @adam]
    ```
  }];
  let arguments = (ins SymbolNameAttr:$sym_name, FlatSymbolRefArrayAttr:$stages);
  let assemblyFormat = "$sym_name $stages attr-dict";
  let hasVerifier = 1;
}

def GD_ParamGroupsOp : GD_Op<"param_groups", [Symbol]> {
  let summary = "Optimizers chosen per parameter by glob over parameter paths";
  let description = [{
    `patterns[i]` (`*` matches any run of characters, dots included)
    selects the parameters that `rules[i]` updates: a `gd.optimizer` or
    `gd.chain`, or the string `"frozen"` (left unchanged). `ascend` lists
    the groups that maximise (their gradient is negated). The elaborator
    checks that every parameter is matched by exactly one pattern.

    ```mlir
    gd.param_groups @opt {patterns = ["*.W", "*.b"], rules = [@adamw, "frozen"],
                          ascend = array<i1: false, false>}
    ```
  }];
  let arguments = (ins SymbolNameAttr:$sym_name, StrArrayAttr:$patterns,
                       ArrayAttr:$rules, DenseBoolArrayAttr:$ascend);
  let assemblyFormat = "$sym_name attr-dict";
  let hasVerifier = 1;
}

def GD_TrainStepOp : GD_Op<"train_step", [Symbol]> {
  let summary = "Model, loss and optimizer closed into one training step";
  let description = [{
    `model` names a `gd.lens` or `gd.compose` (its parameters are named
    under `model_name`), `loss` a lens whose inputs are the model's output
    and the label, `optimizer` a `gd.optimizer` applied to every parameter.
    `reduction` (`mean` or `sum`) reduces the per-example loss over the
    batch. `config` carries the `train` block's settings (batch, epochs,
    seed, data) for the manifest. `gd-build-train-step` turns it into the
    step and eval functions of the model's C ABI.

    ```mlir
    gd.train_step @fmnist {model = @mlp, model_name = "mlp", loss = @xent,
        optimizer = @adam, reduction = "mean", config = {batch = 128 : i64}}
    ```
  }];
  let arguments = (ins SymbolNameAttr:$sym_name, FlatSymbolRefAttr:$model,
                       StrAttr:$model_name, FlatSymbolRefAttr:$loss,
                       FlatSymbolRefAttr:$optimizer, StrAttr:$reduction,
                       DictionaryAttr:$config);
  let assemblyFormat = "$sym_name attr-dict";
  let hasVerifier = 1;
}

// The step a lens runs in, for its random draws and `training`: the run's
// seed (tensor<i64>), the step t (tensor<f32>) and whether it trains
// (tensor<i1>); and which use of a lens in the step this is (`instance`).
defvar GD_ApplyContext = (ins Variadic<AnyRankedTensor>:$step_context,
                              OptionalAttr<I64Attr>:$instance);

def GD_ApplyForwardOp : GD_Op<"apply_forward", [Pure, AttrSizedOperandSegments]> {
  let summary = "Applies a lens's forward map";
  let description = [{
    Calls the forward region of `lens` on parameters followed by inputs.
    `gd-inline-lenses` replaces it with a copy of that region, binding its
    random draws and `training` to `context` (seed, t, training) and
    `instance`.
  }];
  let arguments = !con((ins FlatSymbolRefAttr:$lens, Variadic<AnyType>:$args),
                       GD_ApplyContext);
  let results = (outs AnyType:$result);
  let assemblyFormat =
      "$lens `(` $args `)` (`context` `(` $step_context^ `:` type($step_context) `)`)? "
      "attr-dict `:` functional-type($args, $result)";
}

def GD_ApplyBackwardOp : GD_Op<"apply_backward", [Pure, AttrSizedOperandSegments]> {
  let summary = "Applies a lens's backward map";
  let description = [{
    Calls the backward region of `lens` on parameters, inputs and the
    output cotangent; yields the parameters' cotangents and the first
    input's. `gd-inline-lenses` replaces it with a copy of that region;
    `context` and `instance` are as for gd.apply_forward, and the same for
    both maps of one use, so the backward map's recomputation of the
    forward draws what the forward map drew.
  }];
  let arguments = !con((ins FlatSymbolRefAttr:$lens, Variadic<AnyType>:$args),
                       GD_ApplyContext);
  let results = (outs Variadic<AnyType>:$results);
  let assemblyFormat =
      "$lens `(` $args `)` (`context` `(` $step_context^ `:` type($step_context) `)`)? "
      "attr-dict `:` functional-type($args, $results)";
}

def GD_ApplyOptimizerOp : GD_Op<"apply_optimizer", [Pure, AttrSizedOperandSegments]> {
  let summary = "Applies an optimizer's elementwise body to one parameter tensor";
  let description = [{
    Operands: the parameter `p`, its gradient `g`, the step `t`, the
    hyperparameters (each `tensor<f32>`) and the states (shaped like `p`).
    Results: the new parameter and the new states. Each element of the
    result is the optimizer body applied to the corresponding elements;
    `convert-gd-to-linalg` lowers it to one fused `linalg.generic`. A body
    that draws (`gd.random`) needs the run's `seed`; `instance` (the
    parameter's index in the step) tells the tensors' draws apart.
  }];
  let arguments = (ins FlatSymbolRefAttr:$optimizer, AnyRankedTensor:$param,
                       AnyRankedTensor:$grad, 0DTensorOf<[F32]>:$step,
                       Variadic<0DTensorOf<[F32]>>:$hypers,
                       Variadic<AnyRankedTensor>:$states,
                       Optional<0DTensorOf<[I64]>>:$seed,
                       OptionalAttr<I64Attr>:$instance);
  let results = (outs AnyRankedTensor:$new_param, Variadic<AnyRankedTensor>:$new_states);
  // The states are typed like the parameter (checked by the verifier).
  let assemblyFormat = [{
    $optimizer `(` $param `,` $grad `,` $step `)` `hypers` `(` $hypers `)`
    `states` `(` $states `)` (`seed` $seed^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let builders = [OpBuilder<(ins "::mlir::FlatSymbolRefAttr":$optimizer,
      "::mlir::Value":$param, "::mlir::Value":$grad, "::mlir::Value":$step,
      "::mlir::ValueRange":$hypers, "::mlir::ValueRange":$states,
      CArg<"::mlir::Value", "{}">:$seed, CArg<"::mlir::IntegerAttr", "{}">:$instance), [{
    ::llvm::SmallVector<::mlir::Type> stateTypes(states.getTypes());
    build($_builder, $_state, param.getType(), stateTypes, optimizer, param,
          grad, step, hypers, states, seed, instance);
  }]>];
}

def GD_YieldOp : GD_Op<"yield", [Pure, Terminator, ReturnLike,
    ParentOneOf<["LensOp", "OptimizerOp", "TransformOp", "ScheduleOp"]>]> {
  let summary = "Yields the results of a lens, update rule or schedule region";
  let arguments = (ins Variadic<AnyType>:$values);
  let assemblyFormat = "attr-dict ($values^ `:` type($values))?";
}

include "GDTupleOps.td"

def GD_AllFiniteOp : GD_Op<"all_finite", [Pure]> {
  let summary = "Whether every element of every operand is finite";
  let description = [{
    True when no element of any operand is a NaN or an infinity. The train
    step checks its loss, gradients and updated parameters with it before
    it writes them, and the diagnosis of a step that was not finite checks
    each operation's results (gd-build-train-step,
    gd-locate-non-finite). Emitted after differentiation: it has no
    derivative and is never batched.
    ```mlir
    %ok = gd.all_finite %loss, %g : tensor<f32>, tensor<784x10xf32> -> tensor<i1>
    ```
  }];
  let arguments = (ins Variadic<TensorOf<[AnyFloat]>>:$inputs);
  let results = (outs 0DTensorOf<[I1]>:$result);
  let assemblyFormat = "$inputs attr-dict `:` type($inputs) `->` type($result)";
  let builders = [OpBuilder<(ins "::mlir::ValueRange":$inputs), [{
    build($_builder, $_state, ::mlir::RankedTensorType::get({}, $_builder.getI1Type()), inputs);
  }]>];
}


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
    floats to floats by rounding. Differentiable float to float only.
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
