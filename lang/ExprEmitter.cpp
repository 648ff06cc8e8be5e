//===- ExprEmitter.cpp - Check gd expressions and emit them as gd ops -----===//
//
// Expressions are elaborated at concrete shapes (each lens and fn is
// instantiated per use), so checking and emission go together: each
// operator's shapes are checked with the same inference the gd ops verify
// with, but reported at the source location, naming both shapes.
//
//===----------------------------------------------------------------------===//
#include "lang/Elaborator.h"

#include "llvm/ADT/StringSwitch.h"

using namespace mlir;
using namespace gdc;
using namespace gdc::lang;

namespace {

RankedTensorType tensorType(Value v) { return cast<RankedTensorType>(v.getType()); }
bool isFloat(Value v) { return isa<FloatType>(tensorType(v).getElementType()); }
bool isInteger(Value v) { return isa<IntegerType>(tensorType(v).getElementType()); }

const char *const kUnaryMath[] = {"exp", "log", "sqrt", "tanh"};
/// Every built-in function an expression can call (emitBuiltin handles each).
const char *const kBuiltinFunctions[] = {"exp", "log",       "sqrt",       "tanh",
                                         "max", "min",       "sum",        "mean",
                                         "logsumexp", "zeros_like", "ones_like"};
const char *const kReductions[] = {"sum", "mean", "logsumexp"};

} // namespace

bool gdc::lang::isBuiltinLayer(StringRef name) {
  return llvm::is_contained(kUnaryMath, name);
}

ArrayRef<const char *> gdc::lang::builtinFunctionNames() { return kBuiltinFunctions; }

Value Elaborator::scalar(double v, Type element, ast::Loc l) {
  auto type = RankedTensorType::get({}, element);
  Attribute value = isa<FloatType>(element)
                        ? Attribute(builder.getFloatAttr(element, v))
                        : Attribute(builder.getIntegerAttr(element, (int64_t)v));
  return gd::ConstantOp::create(builder, loc(l), DenseElementsAttr::get(type, value));
}

bool Elaborator::checkBroadcast(ast::Loc l, StringRef what, Value a, Value b) {
  SmallVector<Type> types;
  return succeeded(gd::inferBroadcastType(loc(l), what, {a.getType(), b.getType()},
                                          nullptr, types));
}

/// Integers promote to floats; floats never demote. Returns false (after an
/// error) if the operands cannot meet.
static bool promote(Elaborator &el, ast::Loc l, StringRef op, Value &a, Value &b) {
  Type ea = tensorType(a).getElementType(), eb = tensorType(b).getElementType();
  if (op != "if" && (ea.isInteger(1) || eb.isInteger(1))) {
    el.error(l) << "operator '" << op << "' cannot take a bool ("
                << typeString((ea.isInteger(1) ? a : b).getType())
                << "); write `if c then 1 else 0` to count truths";
    return false;
  }
  if (ea == eb)
    return true;
  auto convert = [&](Value v, Type to) -> Value {
    return gd::ConvertOp::create(el.builder, el.loc(l), tensorType(v).clone(to), v);
  };
  if (isa<IntegerType>(ea) && isa<FloatType>(eb)) {
    a = convert(a, eb);
    return true;
  }
  if (isa<FloatType>(ea) && isa<IntegerType>(eb)) {
    b = convert(b, ea);
    return true;
  }
  el.error(l) << "operator '" << op << "' cannot combine " << typeString(a.getType())
              << " and " << typeString(b.getType()) << ": element types differ";
  return false;
}

Value Elaborator::emit(const ast::Expr &e, Scope &scope) {
  Value v = emitUnrecorded(e, scope);
  if (v && exprTypes) {
    std::vector<std::string> &seen = (*exprTypes)[&e];
    std::string type = typeString(v.getType());
    if (!llvm::is_contained(seen, type))
      seen.push_back(type);
  }
  return v;
}

Value Elaborator::emitUnrecorded(const ast::Expr &e, Scope &scope) {
  using K = ast::ExprKind;
  switch (e.kind) {
  case K::Number:
    return scalar(e.number, builder.getF32Type(), e.loc);
  case K::Bool:
    return scalar(e.boolValue ? 1 : 0, builder.getI1Type(), e.loc);
  case K::String:
    error(e.loc) << "a string is not a value here";
    return {};
  case K::List:
    error(e.loc) << "a list is not a value here";
    return {};
  case K::Name: {
    if (const Binding *b = scope.lookup(e.name)) {
      switch (b->kind) {
      case Binding::Tensor:
        return b->value;
      case Binding::Int:
        return scalar((double)b->integer, builder.getF32Type(), e.loc);
      case Binding::Model:
      case Binding::Decl:
        error(e.loc) << "'" << e.name
                     << "' is a lens or function, not a tensor; apply it to a "
                        "value or compose it with '>>'";
        return {};
      }
    }
    if (e.name == "pi")
      return scalar(M_PI, builder.getF32Type(), e.loc);
    if (e.name == "e")
      return scalar(M_E, builder.getF32Type(), e.loc);
    unknownName(e.loc, e.name, scope);
    return {};
  }
  case K::Unary: {
    Value x = emit(*e.operands[0], scope);
    if (!x)
      return {};
    if (e.op == "-" && tensorType(x).getElementType().isInteger(1)) {
      error(e.loc) << "cannot negate a bool (" << typeString(x.getType()) << ")";
      return {};
    }
    if (e.op == "-")
      return gd::NegOp::create(builder, loc(e.loc), x);
    error(e.loc) << "operator '" << e.op << "' is not supported yet by code generation";
    return {};
  }
  case K::Binary:
    return emitBinary(e, scope);
  case K::Call:
    return emitCall(e, scope);
  case K::Index: {
    Value base = emit(*e.operands[0], scope);
    Value index = base ? emit(*e.operands[1], scope) : Value();
    if (!index)
      return {};
    if (tensorType(base).getRank() != 1 || !isInteger(index) ||
        tensorType(index).getElementType().isInteger(1) ||
        tensorType(index).getRank() != 0) {
      error(e.loc) << "cannot index " << typeString(base.getType()) << " by "
                   << typeString(index.getType())
                   << ": indexing takes a vector and an integer (i32 or i64) scalar";
      return {};
    }
    return gd::TakeOp::create(builder, loc(e.loc), base, index);
  }
  case K::Tuple:
    error(e.loc) << "tuples are not supported yet by code generation";
    return {};
  case K::Dict:
    error(e.loc) << "a { \"pattern\": ... } map gives parameter groups, as the value of "
                    "`optimizer` in a train block; it is not a value here";
    return {};
  case K::Slice:
    error(e.loc) << "slicing is not supported yet by code generation";
    return {};
  case K::LetIn: {
    if (e.binder.isTuple()) {
      error(e.nameLoc) << "destructuring a tuple is not supported yet by code generation";
      return {};
    }
    Value bound = emit(*e.operands[0], scope);
    if (!bound)
      return {};
    Scope inner(&scope);
    Binding b;
    b.value = bound;
    inner.bind(e.name, b);
    return emit(*e.operands[1], inner);
  }
  case K::IfThenElse: {
    Value cond = emit(*e.operands[0], scope);
    Value a = cond ? emit(*e.operands[1], scope) : Value();
    Value b = a ? emit(*e.operands[2], scope) : Value();
    if (!b)
      return {};
    if (!tensorType(cond).getElementType().isInteger(1)) {
      error(e.operands[0]->loc) << "the condition of 'if' must be a bool, got "
                                << typeString(cond.getType());
      return {};
    }
    if (!promote(*this, e.loc, "if", a, b))
      return {};
    SmallVector<Type> types;
    if (failed(gd::inferBroadcastType(loc(e.loc), "'if'",
                                      {cond.getType(), a.getType(), b.getType()},
                                      nullptr, types)))
      return {};
    return gd::SelectOp::create(builder, loc(e.loc), cond, a, b);
  }
  }
  return {};
}

Value Elaborator::emitBinary(const ast::Expr &e, Scope &scope) {
  StringRef op = e.op;
  if (op == ">>" || op == "||") {
    error(e.loc) << "'" << op << "' composes lenses; it is allowed where a "
                                 "model is expected, not inside an expression";
    return {};
  }
  Value a = emit(*e.operands[0], scope);
  Value b = a ? emit(*e.operands[1], scope) : Value();
  if (!b)
    return {};
  Location l = loc(e.loc);
  if (op == "@") {
    SmallVector<Type> types;
    if (failed(gd::MatmulOp::inferReturnTypes(&ctx, l, gd::MatmulOp::Adaptor(ValueRange{a, b}), types)))
      return {};
    return gd::MatmulOp::create(builder, l, a, b);
  }
  std::string what = ("operator '" + op + "'").str();
  if (!promote(*this, e.loc, op, a, b) || !checkBroadcast(e.loc, what, a, b))
    return {};
  StringRef predicate = llvm::StringSwitch<StringRef>(op)
                            .Case("<", "lt").Case("<=", "le").Case(">", "gt")
                            .Case(">=", "ge").Case("==", "eq").Case("!=", "ne")
                            .Default("");
  if (!predicate.empty())
    return gd::CmpOp::create(builder, l, builder.getStringAttr(predicate), a, b);
  if (op == "+")
    return gd::AddOp::create(builder, l, a, b);
  if (op == "-")
    return gd::SubOp::create(builder, l, a, b);
  if (op == "*")
    return gd::MulOp::create(builder, l, a, b);
  if (op == "^")
    return gd::PowOp::create(builder, l, a, b);
  if (op == "/") {
    // `/` is real division: integer operands become floats first.
    if (isInteger(a)) {
      a = gd::ConvertOp::create(builder, l, tensorType(a).clone(builder.getF32Type()), a);
      b = gd::ConvertOp::create(builder, l, tensorType(b).clone(builder.getF32Type()), b);
    }
    return gd::DivOp::create(builder, l, a, b);
  }
  error(e.loc) << "operator '" << op << "' is not supported yet by code generation";
  return {};
}

Value Elaborator::emitCall(const ast::Expr &e, Scope &scope) {
  std::optional<int64_t> axis;
  SmallVector<Value> args;
  for (const ast::Arg &arg : e.args) {
    if (!arg.keyword.empty()) {
      bool isReduction = llvm::is_contained(kReductions, e.name) ||
                         ((e.name == "max" || e.name == "min") && e.args.size() == 2);
      if (arg.keyword != "axis" || !isReduction) {
        error(arg.loc) << "unknown keyword argument '" << arg.keyword << "' for '"
                       << e.name << "'";
        return {};
      }
      axis = evalInt(*arg.value, scope);
      if (!axis)
        return {};
      continue;
    }
    Value v = emit(*arg.value, scope);
    if (!v)
      return {};
    args.push_back(v);
  }
  if (const Binding *b = scope.lookup(e.name)) {
    if (b->kind == Binding::Decl && b->decl->kind == ast::DeclKind::Fn)
      return emitFnCall(e, *b->decl, *b->module, args);
    if (b->kind == Binding::Tensor || b->kind == Binding::Int) {
      error(e.nameLoc) << "'" << e.name << "' is a value, not a function";
      return {};
    }
    if (b->kind == Binding::Decl && b->decl->kind == ast::DeclKind::Schedule) {
      error(e.nameLoc) << "'" << e.name << "' is a schedule; give it as a hyperparameter's "
                       << "value, e.g. adam(lr = " << e.name << "(...))";
      return {};
    }
    error(e.nameLoc) << "applying the lens '" << e.name
                     << "' inside an expression is not supported yet by code "
                        "generation; compose it with '>>'";
    return {};
  }
  if (e.name == "global_norm" || e.name == "grad_at" || (e.name == "norm" && inOptimizerBody))
    return emitBarrier(e, args);
  return emitBuiltin(e, e.name, args, axis, scope);
}

Value Elaborator::emitBuiltin(const ast::Expr &e, StringRef name,
                              ArrayRef<Value> args, std::optional<int64_t> axis,
                              Scope &scope) {
  Location l = loc(e.loc);
  auto arity = [&](size_t n) {
    if (args.size() == n)
      return true;
    error(e.loc) << "'" << name << "' takes " << n << " argument"
                 << (n == 1 ? "" : "s") << ", got " << args.size();
    return false;
  };
  auto requireFloat = [&](Value v) {
    if (isFloat(v))
      return true;
    error(e.loc) << "'" << name << "' needs a float tensor, got "
                 << typeString(v.getType());
    return false;
  };
  auto axes = [&](Value x) -> std::optional<SmallVector<int64_t>> {
    int64_t rank = tensorType(x).getRank();
    if (!axis) {
      SmallVector<int64_t> all;
      for (int64_t i = 0; i < rank; ++i)
        all.push_back(i);
      return all;
    }
    if (*axis < 0 || *axis >= rank) {
      error(e.loc) << "axis " << *axis << " is out of range for "
                   << typeString(x.getType());
      return std::nullopt;
    }
    return SmallVector<int64_t>{*axis};
  };

  if (llvm::is_contained(kUnaryMath, name)) {
    if (!arity(1) || !requireFloat(args[0]))
      return {};
    if (name == "exp")
      return gd::ExpOp::create(builder, l, args[0]);
    if (name == "log")
      return gd::LogOp::create(builder, l, args[0]);
    if (name == "sqrt")
      return gd::SqrtOp::create(builder, l, args[0]);
    return gd::TanhOp::create(builder, l, args[0]);
  }
  if ((name == "max" || name == "min") && args.size() == 2) {
    Value a = args[0], b = args[1];
    std::string what = ("'" + name + "'").str();
    if (!promote(*this, e.loc, name, a, b) || !checkBroadcast(e.loc, what, a, b))
      return {};
    if (name == "max")
      return gd::MaxOp::create(builder, l, a, b);
    return gd::MinOp::create(builder, l, a, b);
  }
  if (name == "max" || llvm::is_contained(kReductions, name)) {
    if (!arity(1) || !requireFloat(args[0]))
      return {};
    if (inOptimizerBody) {
      error(e.loc) << "'" << name << "' over a parameter tensor inside an optimizer "
                      "is not supported yet by code generation (optimizer bodies are "
                      "elementwise for now)";
      return {};
    }
    auto reduced = axes(args[0]);
    if (!reduced)
      return {};
    if (name == "max")
      return gd::ReduceMaxOp::create(builder, l, args[0], *reduced);
    if (name == "sum")
      return gd::ReduceSumOp::create(builder, l, args[0], *reduced);
    if (name == "mean")
      return gd::ReduceMeanOp::create(builder, l, args[0], *reduced);
    return gd::LogSumExpOp::create(builder, l, args[0], *reduced);
  }
  if (name == "zeros_like" || name == "ones_like") {
    if (!arity(1))
      return {};
    return gd::FullLikeOp::create(builder, l, args[0],
                                  builder.getF64FloatAttr(name == "ones_like" ? 1 : 0));
  }
  if (llvm::is_contained(kBuiltinFunctions, name)) {
    error(e.loc) << "'" << name << "' is not supported yet by code generation";
    return {};
  }
  unknownName(e.nameLoc, name, scope, "function");
  return {};
}

Value Elaborator::emitFnCall(const ast::Expr &call, const ast::Decl &fn,
                             const ast::Module &module, ArrayRef<Value> args) {
  if (args.size() != fn.params.size()) {
    error(call.loc) << "'" << fn.name << "' takes " << fn.params.size()
                    << " argument" << (fn.params.size() == 1 ? "" : "s")
                    << ", got " << args.size();
    return {};
  }
  if (fnDepth > 64) {
    error(call.loc) << "calls of '" << fn.name << "' nest too deeply (recursion?)";
    return {};
  }
  const ast::Module *saved = current;
  current = &module;
  Scope local(&scopeOf(&module));
  bool ok = true;
  for (auto [param, arg] : llvm::zip(fn.params, args)) {
    if (param.type && !unify(*param.type, arg.getType(), local,
                             ("argument '" + param.name + "' of '" + fn.name + "'")))
      ok = false;
    Binding b;
    b.value = arg;
    local.bind(param.name, b);
  }
  Value result;
  if (ok) {
    ++fnDepth;
    result = emit(*fn.value, local);
    --fnDepth;
  }
  if (result && fn.result &&
      !unify(*fn.result, result.getType(), local, "the result of '" + fn.name + "'"))
    result = {};
  current = saved;
  return result;
}
