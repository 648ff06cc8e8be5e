//===- GDPoolOps.td - gd pooling over sliding windows ------*- tablegen -*-===//
//
// Included by GDOps.td. Windows of `window` x `window` elements of a
// [C, H, W] image (or [N, C, H, W] once batched), `stride` apart, over the
// image padded by `padding` on each side; as torch.nn.functional's
// max_pool2d and avg_pool2d (floor mode, and avg_pool2d's
// count_include_pad = True): `OH = floor((H + 2p - k) / s) + 1`. The
// front end only emits these when the windows overlap, leave a remainder or
// are padded; exact tilings are a reshape and a reduction, which fuse
// better.
//
//===----------------------------------------------------------------------===//
#ifndef GD_POOL_OPS
#define GD_POOL_OPS

class GD_Pool2DOp<string mnemonic, string what>
    : GD_TensorOp<mnemonic, [InferTypeOpAdaptor,
        DeclareOpInterfaceMethods<ReverseDerivativeOpInterface>]> {
  let summary = "The " # what # " of each sliding window of an image";
  let arguments = (ins AnyRankedTensor:$input, I64Attr:$window, I64Attr:$stride,
                       I64Attr:$padding);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input `window` $window `stride` $stride `padding` $padding attr-dict "
                       "`:` type($input) `->` type($result)";
}

def GD_MaxPool2DOp : GD_Pool2DOp<"max_pool2d", "maximum"> {
  let description = [{
    `out[c, i, j]` is the maximum of `in[c, i s + ki - p, j s + kj - p]`
    over `0 <= ki, kj < k`; padding never wins (it is -inf). Its cotangent
    goes to the first maximum of the window in row-major order, as torch's.
    ```mlir
    %0 = gd.max_pool2d %x window 3 stride 2 padding 1 : tensor<?x8x28x28xf32> -> tensor<?x8x14x14xf32>
    ```
  }];
}

def GD_AvgPool2DOp : GD_Pool2DOp<"avg_pool2d", "mean"> {
  let description = [{
    `out[c, i, j]` is the sum of `in[c, i s + ki - p, j s + kj - p]` over
    `0 <= ki, kj < k` divided by `k * k`: padding counts as zeros in the
    mean (torch's count_include_pad = True).
    ```mlir
    %0 = gd.avg_pool2d %x window 3 stride 1 padding 1 : tensor<?x8x28x28xf32> -> tensor<?x8x28x28xf32>
    ```
  }];
}

class GD_Pool2DGradOp<string mnemonic, string forward, string rule>
    : GD_TensorOp<mnemonic, [InferTypeOpAdaptor]> {
  let summary = "The cotangent of a " # forward # "'s input";
  let description = [{
    Given the cotangent `grad` of `gd.}] # forward # [{ %input` with the same
    window, stride and padding, }] # rule # [{ The result has `input`'s type.
    Built by the reverse rule after batching; not differentiable itself.
  }];
  let arguments = (ins AnyRankedTensor:$grad, AnyRankedTensor:$input, I64Attr:$window,
                       I64Attr:$stride, I64Attr:$padding);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$grad `,` $input `window` $window `stride` $stride `padding` $padding "
                       "attr-dict `:` type($grad) `,` type($input) `->` type($result)";
}

def GD_MaxPool2DGradOp : GD_Pool2DGradOp<"max_pool2d_grad", "max_pool2d",
    "each window's cotangent is added at the window's first maximum in "
    "row-major order (overlapping windows accumulate); `input` supplies the "
    "values that decide it.">;

def GD_AvgPool2DGradOp : GD_Pool2DGradOp<"avg_pool2d_grad", "avg_pool2d",
    "each element receives the sum of the cotangents of the windows that "
    "cover it, over `k * k`; `input` only supplies the shape.">;

#endif // GD_POOL_OPS
