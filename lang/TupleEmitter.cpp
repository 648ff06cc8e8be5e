//===- TupleEmitter.cpp - Tuples and destructuring ------------------------===//
//
// A tuple is a gd.tuple of its parts; destructuring reads them back with
// gd.tuple_get, which folds here when the tuple was built in the same body
// (always, since fns are inlined at each use). The front end erases the
// tuples that are left without uses, so tuples cost nothing after it.
//
//===----------------------------------------------------------------------===//
#include "lang/Elaborator.h"

#include "mlir/IR/Diagnostics.h"

using namespace mlir;
using namespace gdc;
using namespace gdc::lang;

namespace gdc::lang {

Value Elaborator::emitTuple(const ast::Expr &e, Scope &scope) {
  SmallVector<Value> parts;
  SmallVector<Type> types;
  for (const ast::ExprPtr &operand : e.operands) {
    Value part = emitAny(*operand, scope);
    if (!part)
      return {};
    parts.push_back(part);
    types.push_back(part.getType());
  }
  return gd::TupleOp::create(builder, loc(e.loc), TupleType::get(&ctx, types), parts);
}

Value Elaborator::tuplePart(Value tuple, unsigned i, ast::Loc l) {
  if (auto built = tuple.getDefiningOp<gd::TupleOp>())
    return built.getParts()[i];
  Type part = cast<TupleType>(tuple.getType()).getType(i);
  return gd::TupleGetOp::create(builder, loc(l), part, tuple, builder.getI64IntegerAttr(i));
}

bool Elaborator::bindLet(const ast::Binder &binder, ast::Loc l, Value value, Scope &scope) {
  if (!binder.isTuple()) {
    Binding b;
    b.value = value;
    scope.bind(binder.names.front(), b);
    return true;
  }
  auto tuple = dyn_cast<TupleType>(value.getType());
  if (!tuple || tuple.size() != binder.names.size()) {
    error(l) << "cannot destructure " << typeString(value.getType()) << " into "
             << binder.names.size() << " names"
             << (tuple ? ": it has " + std::to_string(tuple.size()) + " parts" : "");
    return false;
  }
  for (auto [i, name] : llvm::enumerate(binder.names)) {
    if (name == "_")
      continue;
    for (size_t j = 0; j < i; ++j)
      if (binder.names[j] == name) {
        error(binder.locs[i]) << "'" << name << "' is bound twice in this pattern";
        return false;
      }
    Binding b;
    b.value = tuplePart(value, i, binder.locs[i]);
    scope.bind(name, b);
  }
  return true;
}

} // namespace gdc::lang
