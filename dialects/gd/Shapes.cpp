//===- Shapes.cpp - Shape rules shared by the gd ops ----------------------===//
#include "dialects/gd/GDDialect.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/raw_ostream.h"

#include <optional>

using namespace mlir;

namespace gdc::gd {

std::string formatTensorType(Type type) {
  std::string s;
  llvm::raw_string_ostream os(s);
  if (auto tuple = dyn_cast<TupleType>(type)) {
    os << "(";
    llvm::interleaveComma(tuple.getTypes(), os, [&](Type t) { os << formatTensorType(t); });
    os << ")";
    return s;
  }
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor) {
    os << type;
    return s;
  }
  // Spelled as in gd source: bool rather than MLIR's i1.
  if (tensor.getElementType().isInteger(1))
    os << "bool";
  else
    os << tensor.getElementType();
  if (tensor.getRank() == 0)
    return s;
  os << "[";
  llvm::interleaveComma(tensor.getShape(), os, [&](int64_t d) {
    if (ShapedType::isDynamic(d))
      os << "?";
    else
      os << d;
  });
  os << "]";
  return s;
}

LogicalResult inferBroadcastType(std::optional<Location> loc, StringRef opName,
                                 ArrayRef<Type> operands, Type element,
                                 SmallVectorImpl<Type> &types) {
  SmallVector<int64_t> shape;
  for (Type type : operands) {
    auto tensor = dyn_cast<RankedTensorType>(type);
    if (!tensor)
      return emitOptionalError(loc, opName, ": operands must be ranked tensors");
    ArrayRef<int64_t> other = tensor.getShape();
    // Right-align the two shapes; a missing dimension acts as 1.
    if (other.size() > shape.size())
      shape.insert(shape.begin(), other.size() - shape.size(), 1);
    size_t offset = shape.size() - other.size();
    for (auto [i, d] : llvm::enumerate(other)) {
      int64_t &r = shape[offset + i];
      if (r == d || d == 1)
        continue;
      if (r == 1 || ShapedType::isDynamic(r)) {
        r = d;
        continue;
      }
      if (ShapedType::isDynamic(d))
        continue;
      std::string shapes;
      llvm::raw_string_ostream os(shapes);
      for (auto [i, t] : llvm::enumerate(operands))
        os << (i == 0 ? "" : i + 1 == operands.size() ? " and " : ", ")
           << formatTensorType(t);
      return emitOptionalError(loc, opName, ": cannot broadcast ", shapes,
                               ": dimension sizes ", r, " and ", d, " differ");
    }
  }
  // The two value operands (the last two: select's condition comes first)
  // must agree on the element type; conversions are explicit (gd.convert).
  size_t n = operands.size();
  if (n >= 2 && cast<RankedTensorType>(operands[n - 2]).getElementType() !=
                    cast<RankedTensorType>(operands[n - 1]).getElementType())
    return emitOptionalError(loc, opName, ": element types of ",
                             formatTensorType(operands[n - 2]), " and ",
                             formatTensorType(operands.back()), " differ");
  if (!element)
    element = cast<RankedTensorType>(operands.front()).getElementType();
  types.push_back(RankedTensorType::get(shape, element));
  return success();
}

LogicalResult inferReducedType(std::optional<Location> loc, Type input,
                               ArrayRef<int64_t> axes,
                               SmallVectorImpl<Type> &types) {
  auto tensor = dyn_cast<RankedTensorType>(input);
  if (!tensor)
    return emitOptionalError(loc, "reduction of a non-tensor");
  SmallVector<bool> reduced(tensor.getRank(), false);
  for (int64_t axis : axes) {
    if (axis < 0 || axis >= tensor.getRank())
      return emitOptionalError(loc, "axis ", axis, " is out of range for ",
                               formatTensorType(input));
    if (reduced[axis])
      return emitOptionalError(loc, "axis ", axis, " is reduced twice");
    reduced[axis] = true;
  }
  SmallVector<int64_t> shape;
  for (auto [i, d] : llvm::enumerate(tensor.getShape()))
    if (!reduced[i])
      shape.push_back(d);
  types.push_back(RankedTensorType::get(shape, tensor.getElementType()));
  return success();
}

LogicalResult inferReshapedType(std::optional<Location> loc, Type input,
                                ArrayRef<int64_t> shape, SmallVectorImpl<Type> &types) {
  auto in = cast<RankedTensorType>(input);
  auto fail = [&](const Twine &why) {
    return emitOptionalError(loc, "cannot reshape ", formatTensorType(in), " to [",
                             llvm::join(llvm::map_range(shape, [](int64_t d) {
                                          return std::to_string(d);
                                        }),
                                        ", "),
                             "]: ", why.str());
  };
  int64_t known = 1, inferred = -1;
  for (auto [i, d] : llvm::enumerate(shape)) {
    if (d == -1) {
      if (inferred >= 0)
        return fail("at most one size can be -1");
      inferred = i;
    } else if (d < 1) {
      return fail("sizes must be positive");
    } else if (llvm::MulOverflow(known, d, known) || known > (int64_t(1) << 40)) {
      return fail("more than 2^40 elements");
    }
  }
  SmallVector<int64_t> result(shape);
  if (in.hasStaticShape()) {
    int64_t count = in.getNumElements();
    if (inferred >= 0) {
      if (count % known != 0)
        return fail(Twine(count) + " elements are not a multiple of " + Twine(known));
      result[inferred] = count / known;
    } else if (count != known) {
      return fail(Twine(count) + " elements do not fit " + Twine(known));
    }
  } else {
    // A dynamic (batch) axis can only pass through the -1 entry.
    if (inferred < 0)
      return fail("the input has a dynamic axis but no size is -1");
    int64_t staticCount = 1;
    for (int64_t d : in.getShape())
      if (!ShapedType::isDynamic(d))
        staticCount *= d;
    if (staticCount % known != 0)
      return fail(Twine(staticCount) + " elements per example are not a multiple of " +
                  Twine(known));
    result[inferred] = ShapedType::kDynamic;
  }
  types.push_back(RankedTensorType::get(result, in.getElementType()));
  return success();
}

LogicalResult inferConcatType(std::optional<Location> loc, TypeRange inputs,
                              int64_t axis, SmallVectorImpl<Type> &types) {
  if (inputs.empty())
    return emitOptionalError(loc, "concat: no operands");
  auto first = cast<RankedTensorType>(inputs.front());
  if (axis < 0 || axis >= first.getRank())
    return emitOptionalError(loc, "cannot concat ", formatTensorType(first),
                             " along axis ", axis, ": out of range");
  SmallVector<int64_t> shape(first.getShape());
  shape[axis] = 0;
  for (Type type : inputs) {
    auto t = cast<RankedTensorType>(type);
    auto mismatch = [&](StringRef why) {
      return emitOptionalError(loc, "cannot concat ", formatTensorType(first),
                               " and ", formatTensorType(t), ": ", why);
    };
    if (t.getElementType() != first.getElementType())
      return mismatch("element types differ");
    if (t.getRank() != first.getRank())
      return mismatch("ranks differ");
    for (int64_t i = 0; i < t.getRank(); ++i) {
      int64_t d = t.getDimSize(i);
      if (i == axis) {
        if (ShapedType::isDynamic(d))
          return mismatch("the joined axis must have a static size");
        shape[i] += d;
      } else if (d != shape[i] && !ShapedType::isDynamic(d) &&
                 !ShapedType::isDynamic(shape[i])) {
        return mismatch(("sizes of axis " + Twine(i) + " differ").str());
      } else if (ShapedType::isDynamic(shape[i])) {
        shape[i] = d;
      }
    }
  }
  types.push_back(RankedTensorType::get(shape, first.getElementType()));
  return success();
}

LogicalResult inferSlicedType(std::optional<Location> loc, Type input, int64_t axis,
                              int64_t lo, int64_t hi, SmallVectorImpl<Type> &types) {
  auto in = cast<RankedTensorType>(input);
  if (axis < 0 || axis >= in.getRank() || in.isDynamicDim(axis))
    return emitOptionalError(loc, "cannot slice axis ", axis, " of ",
                             formatTensorType(in),
                             ": a static axis of the tensor expected");
  int64_t size = in.getDimSize(axis);
  if (lo < 0 || lo >= hi || hi > size)
    return emitOptionalError(loc, "cannot slice ", formatTensorType(in), " from ",
                             lo, " to ", hi, ": expected 0 <= from < to <= ",
                             size);
  SmallVector<int64_t> shape(in.getShape());
  shape[axis] = hi - lo;
  types.push_back(RankedTensorType::get(shape, in.getElementType()));
  return success();
}

/// The largest stride, dilation or window gdc accepts: far beyond any image,
/// and small enough that window arithmetic cannot overflow.
constexpr int64_t kMaxWindowAttr = int64_t(1) << 24;

/// The channels, height and width of an image operand, or a reason why it
/// is not one.
static std::optional<std::string> checkImage(RankedTensorType in) {
  if (in.getRank() != 3 && in.getRank() != 4)
    return std::string("the input must be [channels, height, width]");
  if (!isa<FloatType>(in.getElementType()))
    return std::string("the input must be a float tensor");
  ArrayRef<int64_t> chw = in.getShape().take_back(3);
  if (llvm::any_of(chw, ShapedType::isDynamic))
    return std::string("the input's channels, height and width must be known");
  return std::nullopt;
}

/// One output size of a sliding window: floor((size + 2p - span) / s) + 1,
/// where span = d (k - 1) + 1 is the window's extent; 0 or less if the
/// window does not fit.
static int64_t windowCount(int64_t size, int64_t padding, int64_t span, int64_t stride) {
  int64_t room = size + 2 * padding - span;
  return room < 0 ? 0 : room / stride + 1;
}

LogicalResult inferConv2DType(std::optional<Location> loc, Type input, Type filter,
                              int64_t padding, int64_t stride, int64_t dilation,
                              SmallVectorImpl<Type> &types) {
  auto in = cast<RankedTensorType>(input);
  auto f = cast<RankedTensorType>(filter);
  auto fail = [&](const Twine &why) {
    return emitOptionalError(loc, "cannot convolve ", formatTensorType(in), " with ",
                             formatTensorType(f), ": ", why.str());
  };
  if (in.getRank() != 3 && in.getRank() != 4)
    return fail("the input must be [channels, height, width]");
  // A filter per example, [N, O, C, KH, KW] for a batch of N images: a
  // model whose parameters a per_example rule takes once per example.
  bool perExample = f.getRank() == 5 && in.getRank() == 4;
  if (f.getRank() != 4 && !perExample)
    return fail("the filter must be [out channels, in channels, height, width]");
  if (perExample && !ShapedType::isDynamic(in.getDimSize(0)) &&
      !ShapedType::isDynamic(f.getDimSize(0)) && in.getDimSize(0) != f.getDimSize(0))
    return fail("a filter per example needs as many filters as images");
  if (in.getElementType() != f.getElementType() || !isa<FloatType>(in.getElementType()))
    return fail("float tensors of one element type expected");
  ArrayRef<int64_t> oihw = f.getShape().take_back(4);
  if (llvm::any_of(oihw, ShapedType::isDynamic))
    return fail("the filter's size must be known");
  if (padding < 0 || padding > kMaxWindowAttr)
    return fail("the padding must be between 0 and 2^24, got " + Twine(padding));
  if (stride < 1 || stride > kMaxWindowAttr)
    return fail("the stride must be between 1 and 2^24, got " + Twine(stride));
  if (dilation < 1 || dilation > kMaxWindowAttr)
    return fail("the dilation must be between 1 and 2^24, got " + Twine(dilation));
  ArrayRef<int64_t> chw = in.getShape().take_back(3);
  if (ShapedType::isDynamic(chw[0]) || ShapedType::isDynamic(chw[1]) ||
      ShapedType::isDynamic(chw[2]))
    return fail("the input's channels, height and width must be known");
  if (chw[0] != oihw[1])
    return fail("the input has " + Twine(chw[0]) + " channels but the filter expects " +
                Twine(oihw[1]));
  int64_t spanH = dilation * (oihw[2] - 1) + 1;
  int64_t spanW = dilation * (oihw[3] - 1) + 1;
  int64_t h = windowCount(chw[1], padding, spanH, stride);
  int64_t w = windowCount(chw[2], padding, spanW, stride);
  if (h < 1 || w < 1) {
    std::string filterSize = (Twine(oihw[2]) + "x" + Twine(oihw[3]) + " filter").str();
    if (dilation > 1)
      filterSize += (" dilated by " + Twine(dilation) + " spans " + Twine(spanH) + "x" +
                     Twine(spanW) + ", which")
                        .str();
    return fail("the " + filterSize + " is larger than the padded input's " +
                Twine(chw[1] + 2 * padding) + "x" + Twine(chw[2] + 2 * padding));
  }
  SmallVector<int64_t> shape(in.getShape().drop_back(3));
  llvm::append_values(shape, oihw[0], h, w);
  types.push_back(RankedTensorType::get(shape, in.getElementType()));
  return success();
}

LogicalResult inferPool2DType(std::optional<Location> loc, StringRef what, Type input,
                              int64_t window, int64_t stride, int64_t padding,
                              SmallVectorImpl<Type> &types) {
  auto in = cast<RankedTensorType>(input);
  auto fail = [&](const Twine &why) {
    return emitOptionalError(loc, "cannot ", what, " ", formatTensorType(in), " by ", window,
                             "x", window, " windows with stride ", stride, " and padding ",
                             padding, ": ", why.str());
  };
  if (auto why = checkImage(in))
    return fail(*why);
  if (window < 1 || window > kMaxWindowAttr)
    return fail("the window size must be between 1 and 2^24");
  if (stride < 1 || stride > kMaxWindowAttr)
    return fail("the stride must be between 1 and 2^24");
  // As torch: a window that could lie entirely in the padding would have
  // no element to take the maximum of.
  if (padding < 0 || padding > window / 2)
    return fail("the padding must be between 0 and half the window (" + Twine(window / 2) +
                ")");
  ArrayRef<int64_t> chw = in.getShape().take_back(3);
  int64_t h = windowCount(chw[1], padding, window, stride);
  int64_t w = windowCount(chw[2], padding, window, stride);
  if (h < 1 || w < 1)
    return fail("the window is larger than the padded input's " +
                Twine(chw[1] + 2 * padding) + "x" + Twine(chw[2] + 2 * padding));
  SmallVector<int64_t> shape(in.getShape().drop_back(2));
  llvm::append_values(shape, h, w);
  types.push_back(RankedTensorType::get(shape, in.getElementType()));
  return success();
}

LogicalResult checkGradShape(std::optional<Location> loc, StringRef opName, Type grad,
                             Type forward) {
  auto g = cast<RankedTensorType>(grad);
  auto f = cast<RankedTensorType>(forward);
  if (g.getElementType() == f.getElementType() && g.getRank() == f.getRank() &&
      llvm::all_of(llvm::zip(g.getShape(), f.getShape()), [](auto pair) {
        auto [a, b] = pair;
        return a == b || ShapedType::isDynamic(a) || ShapedType::isDynamic(b);
      }))
    return success();
  return emitOptionalError(loc, opName, ": the cotangent is ", formatTensorType(g),
                           " but the forward op gives ", formatTensorType(f));
}

} // namespace gdc::gd
