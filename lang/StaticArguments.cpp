//===- StaticArguments.cpp - Built-ins' compile-time arguments and constants ===//
//
// Some built-ins take compile-time values rather than tensors: reshape's
// shape, one_hot's classes, a pool's window, transpose's order, and
// causal_mask's length, which makes a constant. They are evaluated here,
// each checked where it is written.
//
//===----------------------------------------------------------------------===//
#include "lang/Elaborator.h"

using namespace mlir;
using namespace gdc;
using namespace gdc::lang;

/// `causal_mask(n)`: the bool[n, n] that is true where a row's position may
/// attend to a column's, the column not after the row (torch.tril of ones).
/// A constant, so it costs nothing per step.
Value Elaborator::emitCausalMask(const ast::Expr &e, Scope &scope) {
  if (e.args.size() != 1 || !e.args[0].keyword.empty()) {
    error(e.loc) << "'causal_mask' takes 1 argument, the sequence length";
    return {};
  }
  auto n = evalInt(*e.args[0].value, scope);
  if (!n)
    return {};
  if (*n < 1 || *n > 4096) {
    error(e.args[0].loc) << "'causal_mask' needs a length between 1 and 4096, got " << *n;
    return {};
  }
  SmallVector<bool> values;
  for (int64_t row = 0; row < *n; ++row)
    for (int64_t column = 0; column < *n; ++column)
      values.push_back(column <= row);
  auto type = RankedTensorType::get({*n, *n}, builder.getI1Type());
  return gd::ConstantOp::create(builder, loc(e.loc), DenseElementsAttr::get(type, values));
}

std::optional<SmallVector<int64_t>>
Elaborator::evalStaticArgument(StringRef callee, const ast::Expr &arg, const Scope &scope) {
  if (callee == "one_hot" || callee.ends_with("_pool2d")) {
    auto k = evalInt(arg, scope);
    if (!k)
      return std::nullopt;
    if (*k < 1 || *k > (int64_t(1) << 24)) {
      error(arg.loc) << "'" << callee << "' needs a "
                     << (callee == "one_hot" ? "number of classes" : "window size")
                     << " between 1 and 2^24, got " << *k;
      return std::nullopt;
    }
    return SmallVector<int64_t>{*k};
  }
  // transpose: a permutation of the axes (checked against the rank there).
  if (callee == "transpose") {
    if (arg.kind != ast::ExprKind::List) {
      error(arg.loc) << "'transpose' takes its axes' new order as a list, e.g. [1, 0, 2]";
      return std::nullopt;
    }
    SmallVector<int64_t> axes;
    for (const ast::ExprPtr &d : arg.operands) {
      auto v = evalInt(*d, scope);
      if (!v)
        return std::nullopt;
      axes.push_back(*v);
    }
    return axes;
  }
  // reshape: a list of compile-time sizes, one of which may be -1.
  if (arg.kind != ast::ExprKind::List || arg.operands.empty()) {
    error(arg.loc) << "'" << callee << "' takes its shape as a list of sizes, e.g. [28, 28]";
    return std::nullopt;
  }
  SmallVector<int64_t> sizes;
  for (const ast::ExprPtr &d : arg.operands) {
    auto v = evalInt(*d, scope);
    if (!v)
      return std::nullopt;
    if (*v < -1 || *v == 0 || *v > (int64_t(1) << 32)) {
      error(d->loc) << "a size in '" << callee << "' must be positive (or -1), got " << *v;
      return std::nullopt;
    }
    sizes.push_back(*v);
  }
  return sizes;
}

