//===- Passes.td - gdc's passes ---------------------------------*- tablegen -*-===//
#ifndef GDC_PASSES
#define GDC_PASSES

include "mlir/Pass/PassBase.td"

def GDCheckCodegen : Pass<"gd-check-codegen", "mlir::ModuleOp"> {
  let summary = "Reject what code generation cannot compile yet, at its source";
  let description = [{
    The gd dialect represents the whole language; code generation does not
    cover all of it yet. This pass runs first in every lowering and reports
    each construct it does not support ("not supported yet by code
    generation") at that construct's source location, so that no later pass
    meets an op it cannot handle and nothing is silently miscompiled.
  }];
}

def GDBatch : Pass<"gd-batch", "mlir::ModuleOp"> {
  let summary = "Lift per-example lenses to a dynamic batch dimension (vmap)";
  let description = [{
    Models are written for one example. This pass rewrites the forward
    region of every `gd.lens` so that its inputs carry a leading dynamic
    batch dimension while parameters stay unbatched, applying each op's
    `BatchingOpInterface` rule. Ops that depend on no input are kept as they
    are. User axes never see the batch dimension: rules shift them.

    Before:
    ```mlir
    ^bb0(%W: tensor<784x10xf32>, %x: tensor<784xf32>):
      %0 = gd.matmul %x, %W : tensor<784xf32>, tensor<784x10xf32> -> tensor<10xf32>
    ```
    After:
    ```mlir
    ^bb0(%W: tensor<784x10xf32>, %x: tensor<?x784xf32>):
      %0 = gd.matmul %x, %W : tensor<?x784xf32>, tensor<784x10xf32> -> tensor<?x10xf32>
    ```
  }];
  let dependentDialects = ["::gdc::gd::GDDialect"];
}

def GDReverseMode : Pass<"gd-reverse-mode", "mlir::ModuleOp"> {
  let summary = "Differentiate every lens definition once (reverse mode)";
  let description = [{
    Fills the backward region of each batched `gd.lens` by composing the
    reverse rules (`ReverseDerivativeOpInterface`) of the ops of its forward
    region in reverse order: the chain rule. The backward region recomputes
    the forward values it needs; once a lens is inlined into a step, CSE
    merges that recomputation with the forward pass.

    The backward region takes the parameters, the inputs and the output's
    cotangent, and yields the parameters' cotangents and the first input's.
  }];
  let dependentDialects = ["::gdc::gd::GDDialect"];
}

def GDBuildTrainStep : Pass<"gd-build-train-step", "mlir::ModuleOp"> {
  let summary = "Close model, loss and optimizer into the step and eval functions";
  let description = [{
    For the module's `gd.train_step`, builds `func.func @gd_step` and
    `func.func @gd_eval` over tensors: the model's lenses applied in order
    (`gd.apply_forward`), the loss reduced over the batch, the backward maps
    applied in reverse order (`gd.apply_backward`, the chain rule), then the
    optimizer's body applied elementwise to every parameter (the
    reparametrisation of the parameter wire). With `build-apply`, also
    `func.func @gd_apply`: the same update of gradients the caller gives.
    Also emits the manifest
    global that tells the runtime the parameters' paths, shapes and
    initializers, the hyperparameters, the states and the data.
  }];
  let options = [Option<"checkFinite", "check-finite", "bool", /*default=*/"true",
      "check the loss, gradients and updated parameters for NaN and infinity, "
      "and write nothing when one is not finite (off only to measure the check)">,
    Option<"minLoopRepeats", "min-loop-repeats", "unsigned", /*default=*/"4",
      "apply a block of stages repeated at least this many times as one loop "
      "over its stacked parameters (0: apply every stage on its own)">,
    Option<"buildApply", "build-apply", "bool", /*default=*/"false",
      "also build @gd_apply, the optimizer's update of given gradients "
      "(runtime/ModelABI.h's gd_model_apply), when every rule can take them">];
  let dependentDialects = ["::gdc::gd::GDDialect", "mlir::func::FuncDialect",
                           "mlir::LLVM::LLVMDialect", "mlir::scf::SCFDialect",
                           "mlir::tensor::TensorDialect",
                           "mlir::bufferization::BufferizationDialect"];
}

def GDFoldUpdateRules : Pass<"gd-fold-update-rules", "mlir::ModuleOp"> {
  let summary = "Fold chains and schedules into single gd.optimizers";
  let description = [{
    Composes the parameter wire's lenses into one elementwise update rule,
    so that code generation sees one `gd.optimizer` per step:
    `chain(a, b, o)` becomes an optimizer whose body runs the transforms'
    bodies on `g` in order, then `o`'s; a hyperparameter driven by a
    `gd.schedule` becomes the schedule's body evaluated at `t`, its own
    hyperparameters joining the rule's. Hyperparameters keep their names
    where they are unique: the last optimizer's stay as they are, a
    transform's are prefixed with the transform (`clip_value.limit`), a
    schedule's with the hyperparameter it drives (`lr.lr0`); states are
    named the same way. A chain with a stage that has `global state` or
    is a `per_example` transform is left as it is for gd-check-codegen to
    report. (Barriers and `loss` fold; the step applies the folded rule in
    phases.)
  }];
  let dependentDialects = ["::gdc::gd::GDDialect"];
}

def GDInlineLenses : Pass<"gd-inline-lenses", "mlir::ModuleOp"> {
  let summary = "Inline gd.apply_forward/apply_backward and drop the structure ops";
  let description = [{
    Replaces each application of a lens by a copy of the applied region and
    erases `gd.lens`, `gd.compose`, `gd.optimizer` and `gd.train_step`, which
    have served their purpose once the step functions exist.
  }];
  let dependentDialects = ["::gdc::gd::GDDialect"];
}

def GDPerExampleProducts : Pass<"gd-per-example-products", "mlir::ModuleOp"> {
  let summary = "Per-example gradients of dense layers without batch x parameters tensors";
  let description = [{
    Where a per_example rule takes a dense layer's parameters once per
    example: a product with each example's copy of W (W plus a broadcast
    zero) becomes a product with W; each example's sum of squares of an
    outer-product gradient a_i b_i^T becomes sum(a_i^2) sum(b_i^2); and the
    batch sum or mean of such gradients scaled per example becomes one
    matrix product A^T (f * B). The same quantities, in another order of
    additions.
  }];
  let dependentDialects = ["::gdc::gd::GDDialect"];
}

def GDLocateNonFinite : Pass<"gd-locate-non-finite", "mlir::ModuleOp"> {
  let summary = "Check each operation of @gd_diagnose for NaN and infinity";
  let description = [{
    Completes `@gd_diagnose`, the copy of the train step that the runtime
    runs again when a step was not finite: after gd-inline-lenses, every
    operation with float results (every operation of every lens body, each
    update-rule application) is a site, checked with `gd.all_finite`; the
    function writes the index of the first site whose results hold a NaN
    or an infinity, or -1, to its last argument. The sites' names, source
    locations and the maps that ran them become `site` records of the
    manifest, so that the runtime can name the source location.
  }];
  let dependentDialects = ["::gdc::gd::GDDialect", "mlir::arith::ArithDialect",
                           "mlir::tensor::TensorDialect",
                           "mlir::bufferization::BufferizationDialect"];
}

def ConvertGDToLinalg : Pass<"convert-gd-to-linalg", "mlir::ModuleOp"> {
  let summary = "Lower gd tensor ops to linalg, tensor, arith and math";
  let description = [{
    Elementwise ops become `linalg.generic`s with broadcasting indexing maps
    (so linalg's elementwise fusion can fuse whole chains), reductions become
    reducing `linalg.generic`s, `gd.matmul` becomes `linalg.matmul` with its
    operands transposed as needed, and `gd.optimizer` bodies applied per
    parameter become one `linalg.generic` each (the fused update). With
    `conv-kernels`, f32 convolutions of a batch and their gradients become
    `gd.conv2d_kernel` (a library call after bufferization, gd-conv-to-dnnl);
    otherwise every convolution is a generic.
  }];
  let options = [
    Option<"convKernels", "conv-kernels", "bool", "false",
           "Lower f32 convolutions of a batch to gd.conv2d_kernel">
  ];
  let dependentDialects = ["mlir::linalg::LinalgDialect", "mlir::tensor::TensorDialect",
                           "mlir::arith::ArithDialect", "mlir::math::MathDialect",
                           "mlir::scf::SCFDialect"];
}

def GDFuseElementwise : Pass<"gd-fuse-elementwise"> {
  let summary = "Fuse elementwise linalg ops, keeping matrix products whole";
  let description = [{
    linalg's elementwise fusion (fusing producers into consumers, folding
    reshapes into generics by expanding their loops), except that a reshape
    next to a `linalg.matmul` or `linalg.batch_matmul` stays: folding it
    would turn the product into a generic that no BLAS call replaces.
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect", "mlir::tensor::TensorDialect",
                           "mlir::affine::AffineDialect"];
}

def GDMatmulToBlas : Pass<"gd-matmul-to-blas", "mlir::ModuleOp"> {
  let summary = "Call the runtime's BLAS kernels for bufferized matrix products";
  let description = [{
    Replaces `linalg.matmul` and `linalg.batch_matmul` on memrefs (after
    bufferization) by calls to `gdrt_matmul` and `gdrt_batch_matmul` (the
    runtime's wrappers over oneDNN's `dnnl_sgemm`), passing strided memrefs so that
    transposed views need no copy.
  }];
  let dependentDialects = ["mlir::func::FuncDialect", "mlir::memref::MemRefDialect",
                           "mlir::arith::ArithDialect"];
}

def GDConvToDnnl : Pass<"gd-conv-to-dnnl", "mlir::ModuleOp"> {
  let summary = "Call the runtime's oneDNN kernel for bufferized convolutions";
  let description = [{
    Replaces `gd.conv2d_kernel` on memrefs (after bufferization) by a call
    to `gdrt_conv2d` (runtime/Conv.cpp: oneDNN's convolution, input
    gradient and filter gradient), passing strided memrefs.
  }];
  let dependentDialects = ["mlir::func::FuncDialect", "mlir::memref::MemRefDialect",
                           "mlir::arith::ArithDialect"];
}

def GDComputeInDestination : Pass<"gd-compute-in-destination", "mlir::func::FuncOp"> {
  let summary = "Compute a result written to a buffer in that buffer";
  let description = [{
    Where `bufferization.materialize_in_destination %t in restrict
    writable %buffer` writes a result %t of a linalg op whose init for it
    is a `tensor.empty` used nowhere else, the op gets `%buffer` (as
    `bufferization.to_tensor ... restrict writable`) for its init instead:
    bufferization then computes %t in the buffer and drops the copy. The
    case of eliminate-empty-tensors that gdc's functions need, in time
    linear in their size (that pass took 14 s on a 200-layer step, growing
    with the square of it). Sound where, as in gdc's functions, a buffer
    written with `restrict` is not read by the function. It also gives
    every use of a `tensor.empty` its own (CSE merges them): one-shot
    bufferization checks the results computed in one empty tensor for
    conflicts pairwise.
  }];
  let dependentDialects = ["mlir::bufferization::BufferizationDialect"];
}

def GDLowerControlFlow : Pass<"gd-lower-control-flow", "mlir::func::FuncOp"> {
  let summary = "scf to cf, last loop first";
  let description = [{
    convert-scf-to-cf, applied to a function's top-level operations from
    the last to the first. Lowering a loop splits its block after it, which
    moves every operation that follows; in program order, a step of n
    loops one after another moves O(n^2) operations (10 s on a 200-layer
    step), from the end only what lies between two loops.
  }];
  let dependentDialects = ["mlir::cf::ControlFlowDialect"];
}

def GDFuseFiniteChecks : Pass<"gd-fuse-finite-checks", "mlir::ModuleOp"> {
  let summary = "Check updated values for NaN and infinity in the loop that writes them";
  let description = [{
    A bufferized `gd.all_finite` check of a buffer (an scf.for keeping the
    largest exponent of its elements) that the scf.parallel before it wrote
    in full, element by element, becomes a reduction of that scf.parallel
    over the values it stores: one pass over memory instead of two, shared
    by the threads of the outlined loop. Any other check stays as it is.
  }];
  let dependentDialects = ["mlir::arith::ArithDialect", "mlir::scf::SCFDialect"];
}

def GDStreamStores : Pass<"gd-stream-stores", "mlir::ModuleOp"> {
  let summary = "Write large caller-owned buffers with non-temporal vector stores";
  let description = [{
    In each outlined parallel body whose innermost loop stores, at its
    variable, into buffers of the step's caller of 4 MiB or more (the next
    parameters and states) and otherwise only loads and computes
    elementwise, vectorises that loop by cache lines (16 lanes of 32 bits)
    with those stores non-temporal and 64-byte aligned, between scalar
    loops to the first line boundary and for the rest. When the streamed
    buffers are not at the same offset within a line, the scalar loop does
    everything. A sequentially consistent fence follows the loops: streaming
    stores are weakly ordered.
  }];
  let dependentDialects = ["mlir::vector::VectorDialect", "mlir::arith::ArithDialect",
                           "mlir::LLVM::LLVMDialect",
                           "mlir::memref::MemRefDialect", "mlir::scf::SCFDialect"];
}

def GDCopiesToLoops : Pass<"gd-copies-to-loops", "mlir::ModuleOp"> {
  let summary = "Copy between strided buffers with loops, not MLIR's runtime";
  let description = [{
    Rewrites each `memref.copy` that memref-to-llvm would lower to a call of
    the C runner utilities' `memrefCopy` (a buffer of neither identity
    layout nor static contiguous shape on either side) to `linalg.copy`,
    which becomes loops.
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect"];
}

def GDApproximateMath : Pass<"gd-approximate-math", "mlir::ModuleOp"> {
  let summary = "Compute tanh with a vectorisable polynomial approximation";
  let description = [{
    Rewrites `math.tanh` to MLIR's polynomial approximation (arithmetic
    only), so that the loops it is in vectorise, instead of lowering it to
    a call of libm's scalar `tanhf`.
  }];
  let dependentDialects = ["mlir::arith::ArithDialect", "mlir::math::MathDialect",
                           "mlir::vector::VectorDialect"];
}

def GDEmitModelABI : Pass<"gd-emit-model-abi", "mlir::ModuleOp"> {
  let summary = "Export the step and eval functions through the runtime's C ABI";
  let description = [{
    Turns `@gd_step`, `@gd_diagnose`, `@gd_eval` and `@gd_loss` (which
    take memrefs) into `@gd_model_step(ptr, i64)` and the like, whose first
    argument is an array of pointers to the tensors' data: their bodies
    start by building memref descriptors from those pointers and the batch
    size (runtime/ModelABI.h).
  }];
  let dependentDialects = ["mlir::func::FuncDialect", "mlir::LLVM::LLVMDialect",
                           "mlir::memref::MemRefDialect", "mlir::arith::ArithDialect"];
}

def GDOutlineParallelLoops : Pass<"gd-outline-parallel-loops", "mlir::ModuleOp"> {
  let summary = "Outline the scf.parallel loops that can run on every core";
  let description = [{
    An `scf.parallel` with a unit first step that no other loop encloses
    moves into a function of its own, marked `gd.parallel_body`,
    `@<caller>_par<k>(%lo: index, %hi: index, %work: index, captures...)`,
    that runs the loop's iterations [%lo, %hi) of its first dimension; the
    loop is replaced by a call over the whole range. %work, which the body
    ignores, is what the whole loop costs in innermost iterations, computed
    before the loop from its bounds (the batch's size is known only then).
    gd-dispatch-parallel-bodies later turns the call into the runtime's
    `gdrt_parallel_for`, which shares the range among the threads of the
    OpenMP pool oneDNN also uses when the loop is worth it
    (`gdrt::kMinParallelWork`, runtime/Parallel.h); a loop whose cost is
    known and smaller stays where it is. Each iteration of a parallel
    dimension writes its own elements, so the result is the same, bit for
    bit, on any number of threads. Loops that allocate, call, or store
    other than at an index of their first dimension are left alone, and so
    is `@gd_diagnose` (run once, after a step that was not finite). A
    captured buffer that the function allocated and that no other capture
    views is marked `llvm.noalias`: the body vectorises without run-time
    overlap checks.
  }];
  let dependentDialects = ["mlir::arith::ArithDialect", "mlir::func::FuncDialect",
                           "mlir::scf::SCFDialect"];
}

def GDDispatchParallelBodies : Pass<"gd-dispatch-parallel-bodies", "mlir::ModuleOp"> {
  let summary = "Run each call of a gd.parallel_body through gdrt_parallel_for";
  let description = [{
    On the LLVM dialect, after gd-outline-parallel-loops: a call
    `@body(%lo, %hi, %work, captures...)` of a function marked
    `gd.parallel_body` stores the captures in a stack record and becomes
    `gdrt_parallel_for(@body.task, record, %lo, %hi, %work)`, where
    `@body.task(ptr, i64 lo, i64 hi)` loads them and calls `@body`.
    One entry point of one signature for every loop, so the runtime needs
    no knowledge of what a loop captures.
  }];
  let dependentDialects = ["mlir::LLVM::LLVMDialect"];
}

#endif // GDC_PASSES
