//===- GDConvOps.td - gd convolutions ----------------------*- tablegen -*-===//
//
// Included by GDOps.td. Images are [C, H, W] per example (channels first).
//
//===----------------------------------------------------------------------===//
#ifndef GD_CONV_OPS
#define GD_CONV_OPS

def GD_Conv2DOp : GD_TensorOp<"conv2d", [InferTypeOpAdaptor,
    DeclareOpInterfaceMethods<ReverseDerivativeOpInterface>]> {
  let summary = "2-D convolution (cross-correlation), channels first, stride 1";
  let description = [{
    `input` is `[C, H, W]`, or `[N, C, H, W]` once batched; `filter` is
    `[O, C, KH, KW]`. The input is read as if surrounded by `padding` zeros
    on each side, so the result is `[O, H + 2p - KH + 1, W + 2p - KW + 1]`
    (with the batch axis in front if the input has one):
    `out[o, i, j] = sum over c, ki, kj of in[c, i + ki - p, j + kj - p] *
    filter[o, c, ki, kj]`.
    ```mlir
    %0 = gd.conv2d %x, %w padding 1 : tensor<?x1x28x28xf32>, tensor<8x1x3x3xf32> -> tensor<?x8x28x28xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$filter, I64Attr:$padding);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input `,` $filter `padding` $padding attr-dict `:` type($input) `,` "
                       "type($filter) `->` type($result)";
}

def GD_Conv2DGradInputOp : GD_TensorOp<"conv2d_grad_input", [InferTypeOpAdaptor]> {
  let summary = "The cotangent of a conv2d's input";
  let description = [{
    Given the cotangent `grad` of `gd.conv2d %input, %filter padding p`,
    `in[n, c, h, w] = sum over o, ki, kj of grad[n, o, h + p - ki, w + p - kj]
    * filter[o, c, ki, kj]` (grad read as zero outside its bounds). The
    result has `input`'s type; `input` only supplies the shape. Built by
    conv2d's reverse rule after batching; not differentiable itself.
  }];
  let arguments = (ins AnyRankedTensor:$grad, AnyRankedTensor:$filter,
                       AnyRankedTensor:$input, I64Attr:$padding);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$grad `,` $filter `,` $input `padding` $padding attr-dict `:` "
                       "type($grad) `,` type($filter) `,` type($input) `->` type($result)";
}

def GD_Conv2DGradFilterOp : GD_TensorOp<"conv2d_grad_filter", [InferTypeOpAdaptor]> {
  let summary = "The cotangent of a conv2d's filter";
  let description = [{
    Given the cotangent `grad` of `gd.conv2d %input, %filter padding p`,
    `f[o, c, ki, kj] = sum over n, i, j of grad[n, o, i, j] *
    input[n, c, i + ki - p, j + kj - p]` (input read as zero outside). The
    result has `filter`'s type; `filter` only supplies the shape. Built by
    conv2d's reverse rule after batching; not differentiable itself.
  }];
  let arguments = (ins AnyRankedTensor:$grad, AnyRankedTensor:$input,
                       AnyRankedTensor:$filter, I64Attr:$padding);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$grad `,` $input `,` $filter `padding` $padding attr-dict `:` "
                       "type($grad) `,` type($input) `,` type($filter) `->` type($result)";
}

#endif // GD_CONV_OPS
