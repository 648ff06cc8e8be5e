//===- GDTupleOps.td - gd tuples ---------------------------*- tablegen -*-===//
//
// Included by GDOps.td.
//
//===----------------------------------------------------------------------===//
#ifndef GD_TUPLE_OPS
#define GD_TUPLE_OPS

//===----------------------------------------------------------------------===//
// Tuples
//===----------------------------------------------------------------------===//

def GD_TupleOp : GD_Op<"tuple", [Pure]> {
  let summary = "Groups values into a tuple (`(a, b)`)";
  let description = [{
    Tuples are wires of several values: `(a, b)`, the results of a `fn`
    that returns several values, the input and output of a parallel
    product `f || g`. The front end destructures them where they are used
    (`let (a, b) = ...`), so in a lens body a `gd.tuple_get` of a
    `gd.tuple` folds to the part and no tuple reaches the lowering.
  }];
  let arguments = (ins Variadic<AnyType>:$parts);
  let results = (outs AnyTuple:$result);
  let assemblyFormat = "$parts attr-dict `:` type($parts) `->` type($result)";
  let hasVerifier = 1;
}

def GD_TupleGetOp : GD_Op<"tuple_get", [Pure]> {
  let summary = "One part of a tuple";
  let arguments = (ins AnyTuple:$tuple, I64Attr:$index);
  let results = (outs AnyType:$result);
  let assemblyFormat = "$tuple `[` $index `]` attr-dict `:` type($tuple) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

#endif // GD_TUPLE_OPS
