//===- GDConvOps.td - gd convolutions ----------------------*- tablegen -*-===//
//
// Included by GDOps.td. Images are [C, H, W] per example (channels first).
// The window attributes (padding, stride, dilation) are those of
// torch.nn.functional.conv2d; stride and dilation default to 1 and are only
// printed when they differ from it, so stride-1 IR reads as it always has.
//
//===----------------------------------------------------------------------===//
#ifndef GD_CONV_OPS
#define GD_CONV_OPS

def GD_Conv2DOp : GD_TensorOp<"conv2d", [InferTypeOpAdaptor,
    DeclareOpInterfaceMethods<ReverseDerivativeOpInterface>]> {
  let summary = "2-D convolution (cross-correlation), channels first";
  let description = [{
    `input` is `[C, H, W]`, or `[N, C, H, W]` once batched; `filter` is
    `[O, C, KH, KW]`, or `[N, O, C, KH, KW]` for a batch: a filter per
    image (a parameter that a per_example rule takes once per example). The input is read as if surrounded by `padding` zeros
    on each side; the filter's taps are `dilation` apart and the window
    moves by `stride`, so the result is `[O, OH, OW]` with
    `OH = floor((H + 2p - d (KH - 1) - 1) / s) + 1` (likewise OW, and with
    the batch axis in front if the input has one):
    `out[o, i, j] = sum over c, ki, kj of
    in[c, i s + ki d - p, j s + kj d - p] * filter[o, c, ki, kj]`.
    ```mlir
    %0 = gd.conv2d %x, %w padding 1 : tensor<?x1x28x28xf32>, tensor<8x1x3x3xf32> -> tensor<?x8x28x28xf32>
    %1 = gd.conv2d %x, %w padding 1 stride 2 dilation 2 : tensor<?x1x28x28xf32>, tensor<8x1x3x3xf32> -> tensor<?x8x13x13xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$filter, I64Attr:$padding,
                       DefaultValuedAttr<I64Attr, "1">:$stride,
                       DefaultValuedAttr<I64Attr, "1">:$dilation);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input `,` $filter `padding` $padding (`stride` $stride^)? "
                       "(`dilation` $dilation^)? attr-dict `:` type($input) `,` "
                       "type($filter) `->` type($result)";
}

def GD_Conv2DGradInputOp : GD_TensorOp<"conv2d_grad_input", [InferTypeOpAdaptor]> {
  let summary = "The cotangent of a conv2d's input";
  let description = [{
    Given the cotangent `grad` of `gd.conv2d %input, %filter` with the same
    padding p, stride s and dilation d, `in[n, c, h, w] = sum over o, ki,
    kj, i, j with i s + ki d - p = h and j s + kj d - p = w of
    grad[n, o, i, j] * filter[o, c, ki, kj]` (the transposed convolution).
    Rows and columns of the input that no window reads (when
    `H + 2p - d (KH - 1) - 1` is not a multiple of s) get 0. The result has
    `input`'s type; `input` only supplies the shape. Built by conv2d's
    reverse rule after batching; not differentiable itself.
  }];
  let arguments = (ins AnyRankedTensor:$grad, AnyRankedTensor:$filter,
                       AnyRankedTensor:$input, I64Attr:$padding,
                       DefaultValuedAttr<I64Attr, "1">:$stride,
                       DefaultValuedAttr<I64Attr, "1">:$dilation);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$grad `,` $filter `,` $input `padding` $padding (`stride` $stride^)? "
                       "(`dilation` $dilation^)? attr-dict `:` "
                       "type($grad) `,` type($filter) `,` type($input) `->` type($result)";
}

def GD_Conv2DGradFilterOp : GD_TensorOp<"conv2d_grad_filter", [InferTypeOpAdaptor]> {
  let summary = "The cotangent of a conv2d's filter";
  let description = [{
    Given the cotangent `grad` of `gd.conv2d %input, %filter` with the same
    padding p, stride s and dilation d, `f[o, c, ki, kj] = sum over n, i, j
    of grad[n, o, i, j] * input[n, c, i s + ki d - p, j s + kj d - p]`
    (input read as zero outside). The result has `filter`'s type; `filter`
    only supplies the shape. With a filter per image (`[N, O, C, KH, KW]`)
    each image's gradient is its own: n is not summed over. Built by
    conv2d's reverse rule after batching; not differentiable itself.
  }];
  let arguments = (ins AnyRankedTensor:$grad, AnyRankedTensor:$input,
                       AnyRankedTensor:$filter, I64Attr:$padding,
                       DefaultValuedAttr<I64Attr, "1">:$stride,
                       DefaultValuedAttr<I64Attr, "1">:$dilation);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$grad `,` $input `,` $filter `padding` $padding (`stride` $stride^)? "
                       "(`dilation` $dilation^)? attr-dict `:` "
                       "type($grad) `,` type($input) `,` type($filter) `->` type($result)";
}

def GD_Conv2DKernelOp : GD_Op<"conv2d_kernel", [DestinationStyleOpInterface,
    DeclareOpInterfaceMethods<MemoryEffectsOpInterface>]> {
  let summary = "A convolution of a batch, or one of its gradients, by a library kernel";
  let description = [{
    What convert-gd-to-linalg makes of an f32 `gd.conv2d` of a batch and of
    its two gradients: `kind` 0 is the convolution (`lhs` the input, `rhs`
    the filter), 1 its input gradient (`lhs` the output's gradient, `rhs`
    the filter), 2 its filter gradient (`lhs` the output's gradient, `rhs`
    the input); plus 4 with a filter per image, the filter (or its
    gradient) then `[N * O, C, KH, KW]` (runtime/Conv.h). The result overwrites `init` (destination style, so
    one-shot bufferization handles it; on memrefs it has no result), and
    gd-conv-to-dnnl turns the bufferized op into a call of the runtime's
    `gdrt_conv2d` (oneDNN).
    ```mlir
    %0 = gd.conv2d_kernel 0 %x, %w into %init padding 2 stride 1 dilation 1
        : tensor<?x1x28x28xf32>, tensor<32x1x5x5xf32>, tensor<?x32x28x28xf32>
        -> tensor<?x32x28x28xf32>
    ```
  }];
  let arguments = (ins AnyShaped:$lhs, AnyShaped:$rhs, AnyShaped:$init, I32Attr:$kind,
                       I64Attr:$padding, I64Attr:$stride, I64Attr:$dilation);
  let results = (outs Variadic<AnyRankedTensor>:$result);
  let assemblyFormat = "$kind $lhs `,` $rhs `into` $init `padding` $padding `stride` $stride "
                       "`dilation` $dilation attr-dict `:` type($lhs) `,` type($rhs) `,` "
                       "type($init) (`->` type($result)^)?";
  let extraClassDeclaration = [{
    ::mlir::MutableOperandRange getDpsInitsMutable() { return getInitMutable(); }
  }];
  let hasVerifier = 1;
}

#endif // GD_CONV_OPS
