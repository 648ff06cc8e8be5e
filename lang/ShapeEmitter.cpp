//===- ShapeEmitter.cpp - The built-ins that rearrange elements -----------===//
//
// flatten, reshape, concat, transpose, one_hot, conv2d, the pools and
// slicing. Shapes are
// checked by the ops' own inference (dialects/gd/GDOps.cpp), reported at the
// call, naming the shapes; the example's axes are the ones the program
// sees (gd-batch adds the batch dimension in front later).
//
//===----------------------------------------------------------------------===//
#include "lang/Elaborator.h"

using namespace mlir;
using namespace gdc;
using namespace gdc::lang;

namespace {

RankedTensorType tensorType(Value v) { return cast<RankedTensorType>(v.getType()); }

const char *const kShapeBuiltins[] = {"flatten", "reshape",    "concat",    "transpose",
                                      "one_hot", "conv2d",     "max_pool2d", "avg_pool2d"};

} // namespace

bool gdc::lang::isShapeBuiltin(StringRef name) {
  return llvm::is_contained(kShapeBuiltins, name);
}

Value Elaborator::emitShapeBuiltin(const ast::Expr &e, StringRef name,
                                   ArrayRef<Value> args, size_t given,
                                   const std::optional<SmallVector<int64_t>> &constant,
                                   const WindowKeywords &window) {
  Location l = loc(e.loc);
  auto arity = [&](size_t n) {
    bool needsConstant = name != "flatten" && name != "transpose" && name != "concat";
    if (given == n && (!needsConstant || constant))
      return true;
    error(e.loc) << "'" << name << "' takes " << n << " argument" << (n == 1 ? "" : "s")
                 << ", got " << given;
    return false;
  };
  if (inOptimizerBody &&
      !llvm::all_of(args, [&](Value v) { return uniformInRule(v); })) {
    error(e.loc) << "'" << name << "' inside an optimizer is not supported (optimizer "
                    "bodies work on one element of a parameter; global states excepted)";
    return {};
  }
  if (name == "flatten" || name == "reshape") {
    if (!arity(name == "flatten" ? 1 : 2))
      return {};
    Value x = args[0];
    auto type = tensorType(x);
    SmallVector<int64_t> shape;
    if (name == "reshape") {
      shape = *constant;
    } else {
      if (type.getRank() == 1)
        return x; // already flat
      if (!type.hasStaticShape()) {
        error(e.loc) << "cannot flatten " << typeString(type) << ": its size is not known";
        return {};
      }
      shape.push_back(type.getNumElements());
    }
    SmallVector<Type> types;
    if (failed(gd::inferReshapedType(l, type, shape, types)))
      return {};
    return gd::ReshapeOp::create(builder, l, x, shape);
  }
  if (name == "concat") {
    if (given < 2) {
      error(e.loc) << "'concat' takes at least 2 arguments, got " << given;
      return {};
    }
    for (Value v : args)
      if (tensorType(v).getRank() == 0) {
        error(e.loc) << "'concat' joins tensors along their first axis, but "
                     << typeString(v.getType()) << " is a scalar";
        return {};
      }
    SmallVector<Type> types;
    if (failed(gd::inferConcatType(l, ValueRange(args).getTypes(), /*axis=*/0, types)))
      return {};
    return gd::ConcatOp::create(builder, l, args, /*axis=*/0);
  }
  if (name == "conv2d") {
    // conv2d(x, filter, padding = p, stride = s, dilation = d).
    if (args.size() != 2) {
      error(e.loc) << "'conv2d' takes 2 arguments (and padding, stride, dilation), got "
                   << args.size();
      return {};
    }
    int64_t padding = window.padding.value_or(0), stride = window.stride.value_or(1),
            dilation = window.dilation.value_or(1);
    SmallVector<Type> types;
    if (failed(gd::inferConv2DType(l, args[0].getType(), args[1].getType(), padding, stride,
                                   dilation, types)))
      return {};
    return gd::Conv2DOp::create(builder, l, args[0], args[1], padding, stride, dilation);
  }
  if (name == "max_pool2d" || name == "avg_pool2d") {
    // pool(x, k, stride = s, padding = p), as torch's (floor mode); the
    // stride defaults to the window, which tiles the image.
    if (!arity(2))
      return {};
    Value x = args[0];
    auto type = tensorType(x);
    int64_t k = (*constant)[0];
    int64_t stride = window.stride.value_or(k), padding = window.padding.value_or(0);
    if (type.getRank() != 3 || !type.hasStaticShape() ||
        !isa<FloatType>(type.getElementType())) {
      error(e.loc) << "'" << name << "' takes a float image [channels, height, width], got "
                   << typeString(type);
      return {};
    }
    bool isMax = name == "max_pool2d";
    SmallVector<Type> types;
    if (failed(gd::inferPool2DType(l, isMax ? "max-pool" : "average-pool", type, k, stride,
                                   padding, types)))
      return {};
    int64_t c = type.getDimSize(0), h = type.getDimSize(1), w = type.getDimSize(2);
    if (stride != k || padding != 0 || h % k != 0 || w % k != 0) {
      if (isMax)
        return gd::MaxPool2DOp::create(builder, l, x, k, stride, padding);
      return gd::AvgPool2DOp::create(builder, l, x, k, stride, padding);
    }
    // Windows that tile the image exactly: [C, H, W] is viewed as [C, H/k,
    // k, W/k, k] and the two window axes reduced, which fuses with what
    // surrounds it better than a pooling op. The derivative is then that of
    // reshape and of reduce_max (the window's first maximum in row-major
    // order receives the cotangent, as in torch) or reduce_mean.
    SmallVector<int64_t> windows{c, h / k, k, w / k, k};
    Value viewed = gd::ReshapeOp::create(builder, l, x, windows);
    SmallVector<int64_t> axes{2, 4};
    if (isMax)
      return gd::ReduceMaxOp::create(builder, l, viewed, axes);
    return gd::ReduceMeanOp::create(builder, l, viewed, axes);
  }
  if (name == "transpose" && constant) {
    // transpose(x, [1, 0, 2]): axis i of the result is axis perm[i] of x.
    if (!arity(2))
      return {};
    int64_t rank = tensorType(args[0]).getRank();
    SmallVector<bool> seen(rank, false);
    bool valid = (int64_t)constant->size() == rank;
    for (int64_t a : *constant)
      valid = valid && a >= 0 && a < rank && !seen[a] && (seen[a] = true);
    if (!valid) {
      auto diag = error(e.loc);
      diag << "cannot transpose " << typeString(args[0].getType()) << " by [";
      llvm::interleaveComma(*constant, diag);
      diag << "]: the new order must list each of its " << rank << " axes once";
      return {};
    }
    return gd::TransposeOp::create(builder, l, args[0], *constant);
  }
  if (name == "transpose") {
    if (!arity(1))
      return {};
    int64_t rank = tensorType(args[0]).getRank();
    // As in NumPy, a vector or a scalar is its own transpose.
    if (rank < 2)
      return args[0];
    SmallVector<int64_t> reversed;
    for (int64_t i = rank - 1; i >= 0; --i)
      reversed.push_back(i);
    return gd::TransposeOp::create(builder, l, args[0], reversed);
  }
  // one_hot(label, k)
  if (!arity(2))
    return {};
  Type element = tensorType(args[0]).getElementType();
  if (!isa<IntegerType>(element) || element.isInteger(1)) {
    error(e.loc) << "'one_hot' needs an integer label (i32 or i64), got "
                 << typeString(args[0].getType());
    return {};
  }
  return gd::OneHotOp::create(builder, l, args[0], (*constant)[0]);
}

Value Elaborator::emitSlice(Value x, int64_t lo, int64_t hi, ast::Loc l) {
  auto type = tensorType(x);
  if (type.getRank() == 0) {
    error(l) << "cannot slice " << typeString(type) << ": a scalar has no axis to slice";
    return {};
  }
  if (inOptimizerBody && !uniformInRule(x)) {
    error(l) << "slicing inside an optimizer is not supported (optimizer bodies work "
                "on one element of a parameter; global states excepted)";
    return {};
  }
  int64_t size = type.getDimSize(0);
  // Python's convention: a negative bound counts from the end.
  int64_t from = lo < 0 ? lo + size : lo, to = hi < 0 ? hi + size : hi;
  if (ShapedType::isDynamic(size) || from < 0 || from >= to || to > size) {
    error(l) << "cannot slice " << typeString(type) << " from " << lo << " to " << hi
             << ": expected 0 <= from < to <= " << size
             << " (a negative bound counts from the end)";
    return {};
  }
  return gd::SliceOp::create(builder, loc(l), x, /*axis=*/0, from, to);
}

namespace gdc::lang {
namespace {

/// The value of a number literal, negated or not.
std::optional<double> literalNumber(const ast::Expr &e) {
  if (e.kind == ast::ExprKind::Number)
    return e.number;
  if (e.kind == ast::ExprKind::Unary && e.op == "-" && e.operands[0]->kind == ast::ExprKind::Number)
    return -e.operands[0]->number;
  return std::nullopt;
}

/// Appends the entries of a (nested) list of number literals to `values`
/// and its shape to `shape`; false if it is not one, or is ragged, or mixes
/// numbers and lists at one depth (`leafDepth`: the depth of the numbers).
bool literalList(const ast::Expr &e, SmallVectorImpl<int64_t> &shape, size_t depth,
                 std::vector<float> &values, int &leafDepth) {
  if (auto number = literalNumber(e)) {
    if (leafDepth == -1)
      leafDepth = int(depth);
    if (leafDepth != int(depth))
      return false;
    values.push_back(static_cast<float>(*number));
    return true;
  }
  if (e.kind != ast::ExprKind::List || e.operands.empty())
    return false;
  if (depth == shape.size())
    shape.push_back(e.operands.size());
  else if (depth > shape.size() || shape[depth] != int64_t(e.operands.size()))
    return false;
  for (const ast::ExprPtr &item : e.operands)
    if (!literalList(*item, shape, depth + 1, values, leafDepth))
      return false;
  return true;
}

} // namespace

Value Elaborator::emitList(const ast::Expr &e, Scope &scope) {
  if (e.operands.empty()) {
    error(e.loc) << "an empty list has no type; a tensor literal needs at least one entry";
    return {};
  }
  // A list of numbers is one constant (f32, like every number literal).
  SmallVector<int64_t> shape;
  std::vector<float> values;
  int leafDepth = -1;
  if (literalList(e, shape, 0, values, leafDepth) && leafDepth == int(shape.size())) {
    auto type = RankedTensorType::get(shape, builder.getF32Type());
    return gd::ConstantOp::create(builder, loc(e.loc),
                                  DenseElementsAttr::get(type, llvm::ArrayRef(values)));
  }
  // Otherwise its entries are stacked along a new first axis.
  SmallVector<Value> rows;
  for (const ast::ExprPtr &item : e.operands) {
    Value v = emitAny(*item, scope);
    if (!v)
      return {};
    if (!isa<RankedTensorType>(v.getType())) {
      error(item->loc) << "a list's entries are tensors, not " << typeString(v.getType());
      return {};
    }
    if (!rows.empty() && v.getType() != rows.front().getType()) {
      auto diag = error(item->loc);
      diag << "a list's entries must have one type: this one is " << typeString(v.getType())
           << ", the first is " << typeString(rows.front().getType());
      return {};
    }
    rows.push_back(v);
  }
  Location l = loc(e.loc);
  SmallVector<Value> expanded;
  for (Value v : rows)
    expanded.push_back(gd::ExpandDimsOp::create(builder, l, v, ArrayRef<int64_t>{0}));
  if (expanded.size() == 1)
    return expanded.front();
  return gd::ConcatOp::create(builder, l, expanded, /*axis=*/0);
}

} // namespace gdc::lang
