//===- Shapes.cpp - Shape rules shared by the gd ops ----------------------===//
#include "dialects/gd/GDDialect.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace gdc::gd {

std::string formatTensorType(Type type) {
  std::string s;
  llvm::raw_string_ostream os(s);
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

} // namespace gdc::gd
