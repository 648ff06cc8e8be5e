//===- GDStructureOps.td - gd structure ops ----------------*- tablegen -*-===//
//
// Lenses, composition, update rules, the train step, the applications that
// gd-build-train-step composes, and the step's finiteness check. Included by
// GDOps.td.
//
//===----------------------------------------------------------------------===//
#ifndef GD_STRUCTURE_OPS
#define GD_STRUCTURE_OPS
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
    `instance`; a fourth context value is the instance where only the run
    knows it (a loop over repeated stages), which the draws' keys carry.
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

def GD_CustomBackwardOp : GD_Op<"custom_backward", [IsolatedFromAbove,
    RecursiveMemoryEffects,
    DeclareOpInterfaceMethods<ReverseDerivativeOpInterface>]> {
  let summary = "A lens application whose backward map the user wrote";
  let description = [{
    The application of a lens with a `backward` map. The operands are the
    lens's input, then its parameters. The forward region takes them and
    yields the output. The backward region takes them and the output's
    cotangent, and yields one cotangent per operand, of the operand's type.

    gd-reverse-mode takes the backward region as the op's reverse rule
    instead of differentiating the forward one; once a lens is
    differentiated, each of these ops is replaced by its forward region
    (`inlineCustomBackwards`). gd-batch batches both regions, and sums a
    parameter's cotangent over the batch where it depends on the example.

    ```mlir
    %y = gd.custom_backward %x : tensor<3xf32> -> tensor<3xf32> forward {
    ^bb0(%x0: tensor<3xf32>):
      %0 = gd.floor %x0 : tensor<3xf32> -> tensor<3xf32>
      gd.yield %0 : tensor<3xf32>
    } backward {
    ^bb0(%x0: tensor<3xf32>, %dy: tensor<3xf32>):
      gd.yield %dy : tensor<3xf32>
    }
    ```
  }];
  let arguments = (ins Variadic<AnyRankedTensor>:$operands);
  let results = (outs AnyRankedTensor:$result);
  let regions = (region SizedRegion<1>:$forward, SizedRegion<1>:$backward);
  let assemblyFormat = "$operands attr-dict `:` type($operands) `->` type($result) "
                       "`forward` $forward `backward` $backward";
  let hasVerifier = 1;
}

def GD_YieldOp : GD_Op<"yield", [Pure, Terminator, ReturnLike,
    ParentOneOf<["LensOp", "OptimizerOp", "TransformOp", "ScheduleOp",
                "CustomBackwardOp"]>]> {
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

#endif // GD_STRUCTURE_OPS
