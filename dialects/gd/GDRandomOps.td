//===- GDRandomOps.td - gd random draws and the run mode ---*- tablegen -*-===//
//
// Included by GDOps.td.
//
//===----------------------------------------------------------------------===//
#ifndef GD_RANDOM_OPS
#define GD_RANDOM_OPS

def GD_RandomOp : GD_TensorOp<"random", [
    DeclareOpInterfaceMethods<ReverseDerivativeOpInterface>]> {
  let summary = "Random draws shaped like the operand";
  let description = [{
    `normal_like(x)`, `uniform_like(x)`, `normal()` and `uniform()`: a
    tensor shaped like `like` (only its shape is read) of independent draws
    from the standard normal (`distribution = "normal"`) or from [0, 1)
    (`"uniform"`).

    The draws are a pure function of a counter, so they are reproducible
    and need no state: element `i` of the result (row-major, the batch
    dimension included, so every example draws differently) is a hash of
    `(seed, t, stream, i)`. `stream` tells the draw sites apart: the front
    end numbers the sites of a lens, and gd-inline-lenses adds the
    instance's position in the step, so that two uses of one lens draw
    differently while a lens's forward map and its backward map's
    recomputation of it draw the same. `key` is empty until
    gd-inline-lenses binds it to the step's `(seed, t)`, or to `(seed, t,
    instance)` where the instance is known only at run time (a loop over
    repeated stages): the stream is then `stream + (instance << 32)`. The
    lowering rejects an unbound draw.

    Not differentiable: the result does not depend on `like`'s values.
    ```mlir
    %0 = gd.random "uniform" %x stream 3 : tensor<?x256xf32> -> tensor<?x256xf32>
    %1 = gd.random "normal" %x stream 4 key(%seed, %t : tensor<i64>, tensor<f32>)
           : tensor<?x256xf32> -> tensor<?x256xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$like, StrAttr:$distribution,
                       I64Attr:$stream, Variadic<AnyRankedTensor>:$key);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$distribution $like `stream` $stream "
                       "(`key` `(` $key^ `:` type($key) `)`)? attr-dict `:` "
                       "type($like) `->` type($result)";
  let hasVerifier = 1;
}

def GD_TrainingOp : GD_TensorOp<"training", [
    DeclareOpInterfaceMethods<ReverseDerivativeOpInterface>]> {
  let summary = "Whether the model runs in a training step";
  let description = [{
    The gd built-in `training`: a boolean scalar, true in the training
    step and false in evaluation, so that random layers such as dropout
    can switch themselves off (`if training then ... else x`).
    gd-inline-lenses replaces it by a constant once the lens is inlined
    into `gd_step` or `gd_eval`, and canonicalisation then drops the
    branch not taken.
    ```mlir
    %0 = gd.training : tensor<i1>
    ```
  }];
  let results = (outs 0DTensorOf<[I1]>:$result);
  let assemblyFormat = "attr-dict `:` type($result)";
}

#endif // GD_RANDOM_OPS
