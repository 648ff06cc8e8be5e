//===- GDOps.cpp - gd op verifiers and type inference ---------------------===//
#include "dialects/gd/GDDialect.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/STLExtras.h"

using namespace mlir;
using namespace gdc::gd;

#define GET_OP_CLASSES
#include "dialects/gd/GDOps.cpp.inc"

//===----------------------------------------------------------------------===//
// Structure ops
//===----------------------------------------------------------------------===//

LogicalResult LensOp::verify() {
  if (getParamInits().size() != getParamNames().size())
    return emitOpError("has ") << getParamNames().size() << " parameters but "
                               << getParamInits().size() << " initializers";
  Block &entry = getForward().front();
  unsigned expected = getNumParams() + getNumInputs();
  if (entry.getNumArguments() != expected)
    return emitOpError("forward region takes ")
           << entry.getNumArguments() << " arguments, expected " << expected
           << " (parameters, then inputs)";
  auto yield = dyn_cast<YieldOp>(entry.getTerminator());
  if (!yield || yield.getValues().size() != 1)
    return emitOpError("forward region must yield exactly one value");
  if (getBackward().empty())
    return success();
  Block &back = getBackward().front();
  if (back.getNumArguments() != expected + 1)
    return emitOpError("backward region takes ")
           << back.getNumArguments() << " arguments, expected "
           << expected + 1 << " (parameters, inputs, output cotangent)";
  auto backYield = dyn_cast<YieldOp>(back.getTerminator());
  if (!backYield || backYield.getValues().size() != getNumParams() + 1)
    return emitOpError("backward region must yield one cotangent per "
                       "parameter and one for the first input");
  for (unsigned i = 0; i < getNumParams() + 1; ++i)
    if (backYield.getValues()[i].getType() != entry.getArgument(i).getType())
      return emitOpError("cotangent ")
             << i << " has type " << backYield.getValues()[i].getType()
             << " but its primal has type " << entry.getArgument(i).getType();
  return success();
}

/// A data record of the train step's config: its format and the
/// attributes that format needs (the manifest is written from them).
static LogicalResult verifyDataConfig(TrainStepOp op, StringRef split, Attribute attr) {
  auto data = dyn_cast<DictionaryAttr>(attr);
  auto format = data ? data.getAs<StringAttr>("format") : StringAttr();
  if (!format || !data.getAs<FloatAttr>("scale"))
    return op.emitOpError("config '") << split << "' must be a dictionary with a 'format' and "
                                      << "a 'scale'";
  SmallVector<StringRef> strings, integers;
  if (format.getValue() == "idx")
    strings = {"images", "labels"};
  else if (format.getValue() == "csv")
    strings = {"path", "label"};
  else if (format.getValue() == "npy")
    strings = {"x", "y"};
  else if (format.getValue() == "synthetic")
    integers = {"n", "features", "classes", "seed"};
  else if (format.getValue() == "text") {
    strings = {"path"};
    integers = {"context"};
  }
  else
    return op.emitOpError("config '") << split << "' has the unknown format " << format;
  for (StringRef key : strings)
    if (!data.getAs<StringAttr>(key))
      return op.emitOpError("config '") << split << "' (" << format.getValue()
                                        << ") needs the string '" << key << "'";
  for (StringRef key : integers)
    if (!data.getAs<IntegerAttr>(key))
      return op.emitOpError("config '") << split << "' (" << format.getValue()
                                        << ") needs the integer '" << key << "'";
  return success();
}

LogicalResult TrainStepOp::verify() {
  for (StringRef split : {"train", "test"})
    if (Attribute data = getConfig().get(split))
      if (failed(verifyDataConfig(*this, split, data)))
        return failure();
  auto lookup = [&](FlatSymbolRefAttr ref) {
    return SymbolTable::lookupNearestSymbolFrom(*this, ref);
  };
  Operation *model = lookup(getModelAttr());
  if (!model || !isa<LensOp, ComposeOp>(model))
    return emitOpError("model '") << getModel() << "' is not a lens or composition";
  auto loss = dyn_cast_or_null<LensOp>(lookup(getLossAttr()));
  if (!loss)
    return emitOpError("loss '") << getLoss() << "' is not a lens";
  if (loss.getNumInputs() != 2 || loss.getNumParams() != 0)
    return emitOpError("loss must take the prediction and the label and have "
                       "no parameters");
  if (!isa_and_nonnull<OptimizerOp, ChainOp, ParamGroupsOp>(lookup(getOptimizerAttr())))
    return emitOpError("optimizer '")
           << getOptimizer() << "' is not an optimizer, chain or parameter groups";
  if (getReduction() != "mean" && getReduction() != "sum")
    return emitOpError("reduction must be 'mean' or 'sum'");
  return success();
}

LogicalResult ComposeOp::verify() {
  std::optional<ArrayAttr> shares = getShares();
  if (!shares)
    return success();
  if (shares->size() != getStages().size())
    return emitOpError("has ") << getStages().size() << " stages but " << shares->size()
                               << " entries in 'shares'";
  return success();
}

//===----------------------------------------------------------------------===//
// Tuples
//===----------------------------------------------------------------------===//

LogicalResult TupleOp::verify() {
  if (!llvm::equal(getResult().getType().getTypes(), getParts().getTypes()))
    return emitOpError("result type ") << getResult().getType()
                                       << " does not match its parts";
  return success();
}

LogicalResult TupleGetOp::verify() {
  TupleType tuple = getTuple().getType();
  int64_t index = getIndex();
  if (index < 0 || index >= (int64_t)tuple.size())
    return emitOpError("index ") << index << " is out of range for " << tuple;
  if (tuple.getType(index) != getResult().getType())
    return emitOpError("result type ") << getResult().getType() << " is not part " << index
                                       << " of " << tuple;
  return success();
}

OpFoldResult TupleGetOp::fold(FoldAdaptor) {
  if (auto parts = getTuple().getDefiningOp<TupleOp>())
    return parts.getParts()[getIndex()];
  return {};
}

//===----------------------------------------------------------------------===//
// Tensor ops
//===----------------------------------------------------------------------===//

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }

LogicalResult ConstantOp::inferReturnTypes(MLIRContext *,
                                           std::optional<Location> loc,
                                           Adaptor adaptor,
                                           SmallVectorImpl<Type> &types) {
  auto type = dyn_cast<RankedTensorType>(adaptor.getValue().getType());
  if (!type)
    return emitOptionalError(loc, "constant: expected a ranked tensor value");
  types.push_back(type);
  return success();
}

LogicalResult CmpOp::verify() {
  if (!llvm::is_contained({"lt", "le", "gt", "ge", "eq", "ne"}, getPredicate()))
    return emitOpError("unknown predicate '") << getPredicate() << "'";
  return success();
}

LogicalResult CmpOp::inferReturnTypes(MLIRContext *ctx,
                                      std::optional<Location> loc,
                                      Adaptor adaptor,
                                      SmallVectorImpl<Type> &types) {
  return inferBroadcastType(
      loc, "cmp", {adaptor.getLhs().getType(), adaptor.getRhs().getType()},
      IntegerType::get(ctx, 1), types);
}

OpFoldResult SelectOp::fold(FoldAdaptor adaptor) {
  auto cond = dyn_cast_or_null<DenseElementsAttr>(adaptor.getCond());
  if (!cond || !cond.isSplat())
    return {};
  Value chosen = cond.getSplatValue<bool>() ? getLhs() : getRhs();
  if (chosen.getType() != getType())
    return {}; // the branch would still need broadcasting
  return chosen;
}

LogicalResult SelectOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &types) {
  auto cond = cast<RankedTensorType>(adaptor.getCond().getType());
  if (!cond.getElementType().isInteger(1))
    return emitOptionalError(loc, "select: condition must be i1");
  auto lhs = cast<RankedTensorType>(adaptor.getLhs().getType());
  return inferBroadcastType(loc, "select",
                            {cond, lhs, adaptor.getRhs().getType()},
                            lhs.getElementType(), types);
}

LogicalResult ConvertOp::verify() {
  auto in = cast<RankedTensorType>(getInput().getType());
  auto out = cast<RankedTensorType>(getResult().getType());
  if (in.getShape() != out.getShape())
    return emitOpError("changes the shape from ")
           << formatTensorType(in) << " to " << formatTensorType(out);
  if (out.getElementType().isInteger(1))
    return emitOpError("converts to floats and integers, not to bool (compare instead)");
  return success();
}

LogicalResult DimSizeOp::inferReturnTypes(MLIRContext *ctx,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &types) {
  auto rank = cast<RankedTensorType>(adaptor.getInput().getType()).getRank();
  for (int64_t axis : adaptor.getAxes())
    if (axis < 0 || axis >= rank)
      return emitOptionalError(loc, "dim_size: axis ", axis, " out of range");
  types.push_back(RankedTensorType::get({}, Float32Type::get(ctx)));
  return success();
}

LogicalResult MatmulOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &types) {
  auto lhs = cast<RankedTensorType>(adaptor.getLhs().getType());
  auto rhs = cast<RankedTensorType>(adaptor.getRhs().getType());
  int64_t rl = lhs.getRank(), rr = rhs.getRank();
  // Vectors and matrices, or a stack of matrices [..., m, k] times one
  // matrix [k, n] or times a stack of the same leading sizes [..., k, n].
  bool plain = rl >= 1 && rl <= 2 && rr >= 1 && rr <= 2 && !(rl == 1 && rr == 1);
  bool stacked = rl >= 3 && (rr == 2 || rr == rl);
  if (!plain && !stacked)
    return emitOptionalError(loc, "cannot matmul ", formatTensorType(lhs),
                             " by ", formatTensorType(rhs),
                             ": expected a vector or matrix times a matrix, a matrix "
                             "times a vector, or a stack of matrices [..., m, k] times "
                             "a matrix [k, n] or a stack [..., k, n]");
  if (lhs.getElementType() != rhs.getElementType())
    return emitOptionalError(loc, "cannot matmul ", formatTensorType(lhs),
                             " by ", formatTensorType(rhs),
                             ": element types differ");
  int64_t inner = lhs.getShape().back();
  int64_t rhsInner = rr == 1 ? rhs.getShape()[0] : rhs.getShape()[rr - 2];
  if (!ShapedType::isDynamic(inner) && !ShapedType::isDynamic(rhsInner) &&
      inner != rhsInner)
    return emitOptionalError(loc, "cannot matmul ", formatTensorType(lhs),
                             " by ", formatTensorType(rhs),
                             ": inner dimensions ", inner, " and ", rhsInner,
                             " differ");
  SmallVector<int64_t> shape(lhs.getShape().drop_back());
  if (stacked && rr == rl) {
    for (int64_t i = 0; i < rl - 2; ++i) {
      int64_t a = lhs.getDimSize(i), b = rhs.getDimSize(i);
      if (!ShapedType::isDynamic(a) && !ShapedType::isDynamic(b) && a != b)
        return emitOptionalError(loc, "cannot matmul ", formatTensorType(lhs), " by ",
                                 formatTensorType(rhs), ": the stacks' axis ", i,
                                 " has sizes ", a, " and ", b);
      if (ShapedType::isDynamic(a))
        shape[i] = b;
    }
  }
  if (rr >= 2)
    shape.push_back(rhs.getShape().back());
  types.push_back(RankedTensorType::get(shape, lhs.getElementType()));
  return success();
}

LogicalResult TransposeOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &types) {
  auto in = cast<RankedTensorType>(adaptor.getInput().getType());
  ArrayRef<int64_t> perm = adaptor.getPermutation();
  if ((int64_t)perm.size() != in.getRank())
    return emitOptionalError(loc, "transpose: permutation size ", perm.size(),
                             " does not match rank ", in.getRank());
  SmallVector<bool> seen(perm.size(), false);
  SmallVector<int64_t> shape;
  for (int64_t p : perm) {
    if (p < 0 || p >= in.getRank() || seen[p])
      return emitOptionalError(loc, "transpose: not a permutation");
    seen[p] = true;
    shape.push_back(in.getShape()[p]);
  }
  types.push_back(RankedTensorType::get(shape, in.getElementType()));
  return success();
}

LogicalResult ExpandDimsOp::inferReturnTypes(MLIRContext *,
                                             std::optional<Location> loc,
                                             Adaptor adaptor,
                                             SmallVectorImpl<Type> &types) {
  auto in = cast<RankedTensorType>(adaptor.getInput().getType());
  int64_t rank = in.getRank() + adaptor.getAxes().size();
  SmallVector<int64_t> shape(rank, -1);
  for (int64_t axis : adaptor.getAxes()) {
    if (axis < 0 || axis >= rank || shape[axis] == 1)
      return emitOptionalError(loc, "expand_dims: bad axis ", axis);
    shape[axis] = 1;
  }
  unsigned next = 0;
  for (int64_t &d : shape)
    if (d == -1)
      d = in.getShape()[next++];
  types.push_back(RankedTensorType::get(shape, in.getElementType()));
  return success();
}

LogicalResult TakeOp::inferReturnTypes(MLIRContext *,
                                       std::optional<Location> loc,
                                       Adaptor adaptor,
                                       SmallVectorImpl<Type> &types) {
  auto in = cast<RankedTensorType>(adaptor.getInput().getType());
  auto idx = cast<RankedTensorType>(adaptor.getIndices().getType());
  if (!isa<IntegerType>(idx.getElementType()))
    return emitOptionalError(loc, "cannot index ", formatTensorType(in),
                             " by ", formatTensorType(idx),
                             ": the index must be an integer");
  if (in.getRank() != idx.getRank() + 1)
    return emitOptionalError(loc, "cannot index ", formatTensorType(in),
                             " by ", formatTensorType(idx),
                             ": expected one index per row of the last axis");
  for (auto [a, b] : llvm::zip(in.getShape().drop_back(), idx.getShape()))
    if (a != b && !ShapedType::isDynamic(a) && !ShapedType::isDynamic(b))
      return emitOptionalError(loc, "cannot index ", formatTensorType(in),
                               " by ", formatTensorType(idx),
                               ": leading dimensions differ");
  types.push_back(RankedTensorType::get(idx.getShape(), in.getElementType()));
  return success();
}

LogicalResult OneHotOp::inferReturnTypes(MLIRContext *ctx,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &types) {
  auto idx = cast<RankedTensorType>(adaptor.getIndices().getType());
  if (!isa<IntegerType>(idx.getElementType()) || adaptor.getDepth() < 1)
    return emitOptionalError(loc, "one_hot: integer indices and a positive "
                                  "depth expected");
  SmallVector<int64_t> shape(idx.getShape());
  shape.push_back(adaptor.getDepth());
  types.push_back(RankedTensorType::get(shape, Float32Type::get(ctx)));
  return success();
}

LogicalResult FlatIndexOp::inferReturnTypes(MLIRContext *ctx,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &types) {
  auto in = cast<RankedTensorType>(adaptor.getInput().getType());
  for (int64_t axis : adaptor.getAxes()) {
    if (axis < 0 || axis >= in.getRank())
      return emitOptionalError(loc, "flat_index: axis ", axis, " is out of range for ",
                               formatTensorType(in));
    if (in.isDynamicDim(axis))
      return emitOptionalError(loc, "flat_index over the dynamic axis ", axis, " of ",
                               formatTensorType(in));
  }
  types.push_back(in.clone(IntegerType::get(ctx, 32)));
  return success();
}

LogicalResult ArgMaxOp::inferReturnTypes(MLIRContext *ctx,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &types) {
  auto in = cast<RankedTensorType>(adaptor.getInput().getType());
  if (!isa<FloatType>(in.getElementType()))
    return emitOptionalError(loc, "argmax of ", formatTensorType(in),
                             ": a float tensor expected");
  for (int64_t axis : adaptor.getAxes())
    if (axis >= 0 && axis < in.getRank() && in.isDynamicDim(axis))
      return emitOptionalError(loc, "argmax over the dynamic axis ", axis,
                               " of ", formatTensorType(in));
  if (failed(inferReducedType(loc, in, adaptor.getAxes(), types)))
    return failure();
  types.back() = cast<RankedTensorType>(types.back()).clone(IntegerType::get(ctx, 32));
  return success();
}




LogicalResult ReshapeOp::inferReturnTypes(MLIRContext *,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &types) {
  return inferReshapedType(loc, adaptor.getInput().getType(), adaptor.getShape(), types);
}

LogicalResult ConcatOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &types) {
  return inferConcatType(loc, adaptor.getInputs().getTypes(), adaptor.getAxis(), types);
}

LogicalResult SliceOp::inferReturnTypes(MLIRContext *,
                                        std::optional<Location> loc,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &types) {
  return inferSlicedType(loc, adaptor.getInput().getType(), adaptor.getAxis(),
                         adaptor.getLo(), adaptor.getHi(), types);
}

LogicalResult Conv2DOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                         Adaptor adaptor, SmallVectorImpl<Type> &types) {
  return inferConv2DType(loc, adaptor.getInput().getType(), adaptor.getFilter().getType(),
                         adaptor.getPadding(), adaptor.getStride(), adaptor.getDilation(),
                         types);
}

// The gradient ops take their result's shape from an operand, after
// checking that the forward op they reverse is well formed and that the
// cotangent has its result's shape (a stride leaves several input sizes
// with one output size, so the cotangent alone would not say which).
LogicalResult Conv2DGradInputOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                                  Adaptor adaptor,
                                                  SmallVectorImpl<Type> &types) {
  SmallVector<Type> forward;
  if (failed(inferConv2DType(loc, adaptor.getInput().getType(), adaptor.getFilter().getType(),
                             adaptor.getPadding(), adaptor.getStride(),
                             adaptor.getDilation(), forward)) ||
      failed(checkGradShape(loc, getOperationName(), adaptor.getGrad().getType(),
                            forward[0])))
    return failure();
  types.push_back(adaptor.getInput().getType());
  return success();
}

LogicalResult Conv2DGradFilterOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                                   Adaptor adaptor,
                                                   SmallVectorImpl<Type> &types) {
  SmallVector<Type> forward;
  if (failed(inferConv2DType(loc, adaptor.getInput().getType(), adaptor.getFilter().getType(),
                             adaptor.getPadding(), adaptor.getStride(),
                             adaptor.getDilation(), forward)) ||
      failed(checkGradShape(loc, getOperationName(), adaptor.getGrad().getType(),
                            forward[0])))
    return failure();
  types.push_back(adaptor.getFilter().getType());
  return success();
}

void Conv2DKernelOp::getEffects(
    SmallVectorImpl<SideEffects::EffectInstance<MemoryEffects::Effect>> &effects) {
  // On tensors a value; on memrefs it reads its operands and writes its init.
  if (!isa<MemRefType>(getInit().getType()))
    return;
  effects.emplace_back(MemoryEffects::Read::get(), &getLhsMutable(),
                       SideEffects::DefaultResource::get());
  effects.emplace_back(MemoryEffects::Read::get(), &getRhsMutable(),
                       SideEffects::DefaultResource::get());
  effects.emplace_back(MemoryEffects::Write::get(), &getInitMutable(),
                       SideEffects::DefaultResource::get());
}

LogicalResult Conv2DKernelOp::verify() {
  // runtime/Conv.h: 0, 1 or 2, plus 4 for a filter per image.
  if (getKind() < 0 || getKind() > 6 || getKind() == 3)
    return emitOpError("kind must be 0 (convolution), 1 (input gradient) or 2 (filter "
                       "gradient), plus 4 for a filter per image, got ")
           << getKind();
  for (Type t : {getLhs().getType(), getRhs().getType(), getInit().getType()}) {
    auto shaped = cast<ShapedType>(t);
    if (!shaped.hasRank() || shaped.getRank() != 4 || !shaped.getElementType().isF32())
      return emitOpError("takes f32 tensors or memrefs of rank 4, got ") << t;
  }
  bool onTensors = isa<RankedTensorType>(getInit().getType());
  if (onTensors != (getNumResults() == 1) ||
      (onTensors && getResult()[0].getType() != getInit().getType()))
    return emitOpError("on tensors has one result, of its init's type; on memrefs none");
  return success();
}

LogicalResult MaxPool2DOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                            Adaptor adaptor, SmallVectorImpl<Type> &types) {
  return inferPool2DType(loc, "max-pool", adaptor.getInput().getType(), adaptor.getWindow(),
                         adaptor.getStride(), adaptor.getPadding(), types);
}

LogicalResult AvgPool2DOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                            Adaptor adaptor, SmallVectorImpl<Type> &types) {
  return inferPool2DType(loc, "average-pool", adaptor.getInput().getType(),
                         adaptor.getWindow(), adaptor.getStride(), adaptor.getPadding(), types);
}

template <typename GradOp>
static LogicalResult inferPoolGradType(std::optional<Location> loc, StringRef what,
                                       typename GradOp::Adaptor adaptor,
                                       SmallVectorImpl<Type> &types) {
  SmallVector<Type> forward;
  if (failed(inferPool2DType(loc, what, adaptor.getInput().getType(), adaptor.getWindow(),
                             adaptor.getStride(), adaptor.getPadding(), forward)) ||
      failed(checkGradShape(loc, GradOp::getOperationName(), adaptor.getGrad().getType(),
                            forward[0])))
    return failure();
  types.push_back(adaptor.getInput().getType());
  return success();
}

LogicalResult MaxPool2DGradOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                                Adaptor adaptor,
                                                SmallVectorImpl<Type> &types) {
  return inferPoolGradType<MaxPool2DGradOp>(loc, "max-pool", adaptor, types);
}

LogicalResult AvgPool2DGradOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                                Adaptor adaptor,
                                                SmallVectorImpl<Type> &types) {
  return inferPoolGradType<AvgPool2DGradOp>(loc, "average-pool", adaptor, types);
}

LogicalResult FullLikeOp::inferReturnTypes(MLIRContext *,
                                           std::optional<Location>,
                                           Adaptor adaptor,
                                           SmallVectorImpl<Type> &types) {
  types.push_back(adaptor.getInput().getType());
  return success();
}

LogicalResult ApplyOptimizerOp::verify() {
  auto opt = SymbolTable::lookupNearestSymbolFrom<OptimizerOp>(*this, getOptimizerAttr());
  if (!opt)
    return emitOpError("'") << getOptimizer() << "' is not a gd.optimizer";
  if (opt.getHyperNames().size() != getHypers().size() ||
      opt.getStateNames().size() != getStates().size())
    return emitOpError("passes ")
           << getHypers().size() << " hyperparameters and " << getStates().size()
           << " states to '" << getOptimizer() << "', which takes "
           << opt.getHyperNames().size() << " and " << opt.getStateNames().size();
  Type p = getParam().getType();
  if (getGrad().getType() != p)
    return emitOpError("gradient type ") << getGrad().getType()
                                         << " differs from the parameter's " << p;
  for (Value s : getStates())
    if (s.getType() != p)
      return emitOpError("state type ") << s.getType()
                                        << " differs from the parameter's " << p;
  return success();
}

Value gdc::gd::scalarConstant(OpBuilder &b, Location loc, Type element, double value) {
  auto type = RankedTensorType::get({}, element);
  return ConstantOp::create(b, loc, DenseElementsAttr::get(type, b.getFloatAttr(element, value)));
}
