//===- ScalarOps.cpp - gd elementwise ops as arith/math on scalars ---------===//
#include "passes/conversion/ScalarOps.h"
#include "dialects/gd/GDDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace gdc::gd;

namespace gdc {

TypedAttr scalarAttr(Builder &b, Type element, double value) {
  if (isa<FloatType>(element))
    return b.getFloatAttr(element, value);
  return b.getIntegerAttr(element, static_cast<int64_t>(value));
}

Value exponentMask(OpBuilder &b, Location loc, FloatType type) {
  APInt infinity = APFloat::getInf(type.getFloatSemantics()).bitcastToAPInt();
  return arith::ConstantOp::create(b, loc, b.getIntegerAttr(b.getIntegerType(type.getWidth()),
                                                            infinity));
}

std::pair<Value, Value> exponentBits(OpBuilder &b, Location loc, Value x) {
  auto type = cast<FloatType>(x.getType());
  Value mask = exponentMask(b, loc, type);
  Value raw = arith::BitcastOp::create(b, loc, mask.getType(), x);
  return {arith::AndIOp::create(b, loc, raw, mask), mask};
}

bool isElementwise(Operation *op) {
  return isa<AddOp, SubOp, MulOp, DivOp, PowOp, MaxOp, MinOp, ModOp, NegOp,
             ExpOp, LogOp, SqrtOp, TanhOp, SigmoidOp, SinOp, CosOp, AbsOp,
             SignOp, FloorOp, CeilOp, StopGradientOp, CmpOp, SelectOp, ConvertOp>(op);
}

static Value compare(OpBuilder &b, Location loc, StringRef pred, Value lhs,
                     Value rhs) {
  if (isa<FloatType>(lhs.getType())) {
    auto p = llvm::StringSwitch<arith::CmpFPredicate>(pred)
                 .Case("lt", arith::CmpFPredicate::OLT)
                 .Case("le", arith::CmpFPredicate::OLE)
                 .Case("gt", arith::CmpFPredicate::OGT)
                 .Case("ge", arith::CmpFPredicate::OGE)
                 .Case("eq", arith::CmpFPredicate::OEQ)
                 .Default(arith::CmpFPredicate::UNE);
    return arith::CmpFOp::create(b, loc, p, lhs, rhs);
  }
  auto p = llvm::StringSwitch<arith::CmpIPredicate>(pred)
               .Case("lt", arith::CmpIPredicate::slt)
               .Case("le", arith::CmpIPredicate::sle)
               .Case("gt", arith::CmpIPredicate::sgt)
               .Case("ge", arith::CmpIPredicate::sge)
               .Case("eq", arith::CmpIPredicate::eq)
               .Default(arith::CmpIPredicate::ne);
  return arith::CmpIOp::create(b, loc, p, lhs, rhs);
}

static Value convert(OpBuilder &b, Location loc, Value v, Type to) {
  Type from = v.getType();
  if (from == to)
    return v;
  if (auto fromInt = dyn_cast<IntegerType>(from)) {
    if (auto toInt = dyn_cast<IntegerType>(to))
      return fromInt.getWidth() < toInt.getWidth()
                 ? arith::ExtSIOp::create(b, loc, to, v).getResult()
                 : arith::TruncIOp::create(b, loc, to, v).getResult();
    if (fromInt.getWidth() == 1)
      return arith::UIToFPOp::create(b, loc, to, v);
    return arith::SIToFPOp::create(b, loc, to, v);
  }
  if (auto toInt = dyn_cast<IntegerType>(to)) {
    // Toward zero, as a C cast or torch's .to(int32); NaN gives 0 and values
    // beyond the integer's range its nearest bound (a bare fptosi would be
    // poison there).
    auto fromFloat = cast<FloatType>(from);
    auto bound = [&](bool upper) {
      APFloat limit(fromFloat.getFloatSemantics());
      APSInt value = upper ? APSInt::getMaxValue(toInt.getWidth(), false)
                           : APSInt::getMinValue(toInt.getWidth(), false);
      limit.convertFromAPInt(value, true, APFloat::rmTowardZero);
      return arith::ConstantOp::create(b, loc, FloatAttr::get(fromFloat, limit));
    };
    Value clamped = arith::MinimumFOp::create(
        b, loc, arith::MaximumFOp::create(b, loc, v, bound(false)), bound(true));
    Value isNaN = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO, v, v);
    Value zero = arith::ConstantOp::create(b, loc, FloatAttr::get(fromFloat, 0.0));
    Value safe = arith::SelectOp::create(b, loc, isNaN, zero, clamped);
    return arith::FPToSIOp::create(b, loc, to, safe);
  }
  if (cast<FloatType>(from).getWidth() < cast<FloatType>(to).getWidth())
    return arith::ExtFOp::create(b, loc, to, v);
  return arith::TruncFOp::create(b, loc, to, v);
}

/// x^y; a constant exponent of 2 (the common `g^2`) becomes x*x, and one of
/// 0.5 or -0.5 (Adafactor's `v^(-0.5)`) sqrt(x) or 1 / sqrt(x): a call to
/// libm's powf per element took a third of an Adafactor step. They differ
/// from powf only at -0 and -inf.
static Value power(OpBuilder &b, Location loc, PowOp op, Value x, Value y) {
  std::optional<double> exponent;
  if (auto c = op.getRhs().getDefiningOp<ConstantOp>())
    if (auto dense = dyn_cast<DenseElementsAttr>(c.getValue());
        dense && dense.isSplat() && isa<FloatType>(dense.getElementType()))
      exponent = dense.getSplatValue<APFloat>().convertToDouble();
  if (exponent == 2.0)
    return arith::MulFOp::create(b, loc, x, x);
  if (exponent == 0.5)
    return math::SqrtOp::create(b, loc, x);
  if (exponent == -0.5)
    return arith::DivFOp::create(
        b, loc, arith::ConstantOp::create(b, loc, FloatAttr::get(x.getType(), 1.0)),
        math::SqrtOp::create(b, loc, x));
  return math::PowFOp::create(b, loc, x, y);
}

/// The floored remainder: the truncated one (arith's), moved by the divisor
/// when it is nonzero and its sign differs from the divisor's. An integer
/// divisor of 0 or -1 is replaced by 1 (the result is 0): remsi would trap
/// on a zero divisor and on INT_MIN % -1.
static Value flooredRemainder(OpBuilder &b, Location loc, Value x, Value y) {
  Type t = x.getType();
  Value zero = arith::ConstantOp::create(b, loc, scalarAttr(b, t, 0));
  Value r;
  Value signsDiffer;
  if (isa<FloatType>(t)) {
    r = arith::RemFOp::create(b, loc, x, y);
    Value rNeg = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, r, zero);
    Value yNeg = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, y, zero);
    Value nonzero = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::ONE, r, zero);
    signsDiffer = arith::AndIOp::create(
        b, loc, nonzero, arith::XOrIOp::create(b, loc, rNeg, yNeg));
    Value moved = arith::AddFOp::create(b, loc, r, y);
    return arith::SelectOp::create(b, loc, signsDiffer, moved, r);
  }
  Value one = arith::ConstantOp::create(b, loc, scalarAttr(b, t, 1));
  Value minusOne = arith::ConstantOp::create(b, loc, scalarAttr(b, t, -1));
  Value isZero = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, y, zero);
  Value isMinusOne = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, y, minusOne);
  Value trivial = arith::OrIOp::create(b, loc, isZero, isMinusOne);
  Value safe = arith::SelectOp::create(b, loc, trivial, one, y);
  r = arith::RemSIOp::create(b, loc, x, safe);
  Value rNeg = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, r, zero);
  Value yNeg = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, safe, zero);
  Value nonzero = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, r, zero);
  signsDiffer = arith::AndIOp::create(b, loc, nonzero,
                                      arith::XOrIOp::create(b, loc, rNeg, yNeg));
  Value moved = arith::AddIOp::create(b, loc, r, safe);
  return arith::SelectOp::create(b, loc, signsDiffer, moved, r);
}

/// -1, 0 or 1; a float NaN or -0 is returned as it is.
static Value signOf(OpBuilder &b, Location loc, Value x) {
  Type t = x.getType();
  Value zero = arith::ConstantOp::create(b, loc, scalarAttr(b, t, 0));
  Value one = arith::ConstantOp::create(b, loc, scalarAttr(b, t, 1));
  Value minusOne = arith::ConstantOp::create(b, loc, scalarAttr(b, t, -1));
  Value pos, neg;
  if (isa<FloatType>(t)) {
    pos = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, x, zero);
    neg = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, x, zero);
  } else {
    pos = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt, x, zero);
    neg = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, x, zero);
  }
  Value negOr = arith::SelectOp::create(b, loc, neg, minusOne, x);
  return arith::SelectOp::create(b, loc, pos, one, negOr);
}

Value emitScalar(OpBuilder &b, Location loc, Operation *op, ValueRange v) {
  bool isFloat = !v.empty() && isa<FloatType>(v[0].getType());
  auto binary = [&](auto floatTag, auto intTag) -> Value {
    using F = decltype(floatTag);
    using I = decltype(intTag);
    if (isFloat)
      return F::create(b, loc, v[0], v[1]);
    return I::create(b, loc, v[0], v[1]);
  };
  return llvm::TypeSwitch<Operation *, Value>(op)
      .Case([&](AddOp) { return binary(arith::AddFOp(), arith::AddIOp()); })
      .Case([&](SubOp) { return binary(arith::SubFOp(), arith::SubIOp()); })
      .Case([&](MulOp) { return binary(arith::MulFOp(), arith::MulIOp()); })
      .Case([&](DivOp) { return binary(arith::DivFOp(), arith::DivSIOp()); })
      .Case([&](MaxOp) { return binary(arith::MaximumFOp(), arith::MaxSIOp()); })
      .Case([&](MinOp) { return binary(arith::MinimumFOp(), arith::MinSIOp()); })
      .Case([&](PowOp p) { return power(b, loc, p, v[0], v[1]); })
      .Case([&](NegOp) -> Value {
        if (isFloat)
          return arith::NegFOp::create(b, loc, v[0]);
        Value zero = arith::ConstantOp::create(b, loc, b.getIntegerAttr(v[0].getType(), 0));
        return arith::SubIOp::create(b, loc, zero, v[0]);
      })
      .Case([&](ExpOp) { return math::ExpOp::create(b, loc, v[0]); })
      .Case([&](LogOp) { return math::LogOp::create(b, loc, v[0]); })
      .Case([&](SqrtOp) { return math::SqrtOp::create(b, loc, v[0]); })
      .Case([&](TanhOp) { return math::TanhOp::create(b, loc, v[0]); })
      .Case([&](ModOp) { return flooredRemainder(b, loc, v[0], v[1]); })
      .Case([&](SigmoidOp) -> Value {
        // 1 / (1 + exp(-x)): exp overflows to inf for very negative x and
        // the result is then exactly 0, never NaN.
        Value one = arith::ConstantOp::create(b, loc, scalarAttr(b, v[0].getType(), 1));
        Value e = math::ExpOp::create(b, loc, arith::NegFOp::create(b, loc, v[0]));
        return arith::DivFOp::create(b, loc, one, arith::AddFOp::create(b, loc, one, e));
      })
      .Case([&](SinOp) { return math::SinOp::create(b, loc, v[0]); })
      .Case([&](CosOp) { return math::CosOp::create(b, loc, v[0]); })
      .Case([&](AbsOp) -> Value {
        if (isFloat)
          return math::AbsFOp::create(b, loc, v[0]);
        return math::AbsIOp::create(b, loc, v[0]);
      })
      .Case([&](SignOp) { return signOf(b, loc, v[0]); })
      .Case([&](FloorOp) -> Value {
        return isFloat ? math::FloorOp::create(b, loc, v[0]).getResult() : v[0];
      })
      .Case([&](StopGradientOp) { return v[0]; })
      .Case([&](CeilOp) -> Value {
        return isFloat ? math::CeilOp::create(b, loc, v[0]).getResult() : v[0];
      })
      .Case([&](CmpOp c) { return compare(b, loc, c.getPredicate(), v[0], v[1]); })
      .Case([&](SelectOp) { return arith::SelectOp::create(b, loc, v[0], v[1], v[2]); })
      .Case([&](ConvertOp c) {
        return convert(b, loc, v[0],
                       cast<RankedTensorType>(c.getType()).getElementType());
      })
      .Case([&](ConstantOp c) -> Value {
        auto dense = dyn_cast<DenseElementsAttr>(c.getValue());
        if (!dense || !dense.isSplat()) {
          c.emitOpError("only splat constants have a scalar form");
          return nullptr;
        }
        return arith::ConstantOp::create(
            b, loc, cast<TypedAttr>(dense.getSplatValue<Attribute>()));
      })
      .Case([&](FullLikeOp f) -> Value {
        Type element = cast<RankedTensorType>(f.getType()).getElementType();
        return arith::ConstantOp::create(
            b, loc, scalarAttr(b, element, f.getValue().convertToDouble()));
      })
      .Default([&](Operation *other) -> Value {
        other->emitOpError("has no elementwise form (not supported here yet)");
        return nullptr;
      });
}

} // namespace gdc
