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

bool isElementwise(Operation *op) {
  return isa<AddOp, SubOp, MulOp, DivOp, PowOp, MaxOp, MinOp, NegOp, ExpOp,
             LogOp, SqrtOp, TanhOp, CmpOp, SelectOp, ConvertOp>(op);
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
    if (fromInt.getWidth() == 1)
      return arith::UIToFPOp::create(b, loc, to, v);
    return arith::SIToFPOp::create(b, loc, to, v);
  }
  if (cast<FloatType>(from).getWidth() < cast<FloatType>(to).getWidth())
    return arith::ExtFOp::create(b, loc, to, v);
  return arith::TruncFOp::create(b, loc, to, v);
}

/// x^y; a constant exponent of 2 (the common `g^2`) becomes x*x.
static Value power(OpBuilder &b, Location loc, PowOp op, Value x, Value y) {
  if (auto c = op.getRhs().getDefiningOp<ConstantOp>()) {
    auto dense = dyn_cast<DenseElementsAttr>(c.getValue());
    if (dense && dense.isSplat() &&
        dense.getSplatValue<APFloat>().convertToDouble() == 2.0)
      return arith::MulFOp::create(b, loc, x, x);
  }
  return math::PowFOp::create(b, loc, x, y);
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
