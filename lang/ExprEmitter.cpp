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

/// Elementwise functions of one float tensor.
const char *const kUnaryMath[] = {"exp", "log", "sqrt", "tanh", "sigmoid", "sin", "cos"};
/// Elementwise functions of one tensor that also take integers.
const char *const kUnaryNumeric[] = {"abs", "sign", "floor", "ceil", "stop_gradient"};
/// Every built-in function an expression can call (emitBuiltin handles each).
const char *const kBuiltinFunctions[] = {
    "exp",  "log",     "sqrt",    "tanh",      "sigmoid",    "sin",       "cos",
    "abs",  "sign",    "floor",   "ceil",      "stop_gradient", "max",     "min",       "where",
    "sum",  "mean",    "logsumexp", "argmax",  "norm",       "zeros_like", "ones_like",
    "flatten", "reshape", "concat", "transpose", "one_hot", "conv2d", "max_pool2d",
    "avg_pool2d", "normal_like", "uniform_like", "normal", "uniform", "causal_mask",
    "i32", "f32"};
/// Reductions: over the whole tensor, or `axis = k` (also `max` and `min`
/// with one argument).
const char *const kReductions[] = {"sum", "mean", "logsumexp", "argmax", "norm"};
/// Built-ins of one tensor that are usable as a layer (`dense >> flatten`).
const char *const kShapeLayers[] = {"flatten", "transpose"};
/// Built-ins whose second argument is a compile-time value, not a tensor:
/// `reshape(x, [28, 28])`, `one_hot(label, 10)`.
const char *const kStaticSecondArgument[] = {"reshape", "one_hot", "max_pool2d",
                                             "avg_pool2d", "transpose"};

/// Where a keyword argument of `conv2d` or a pool goes, or null if `callee`
/// takes no such keyword.
std::optional<int64_t> *windowKeyword(StringRef callee, StringRef keyword,
                                      WindowKeywords &window) {
  bool conv = callee == "conv2d", pool = callee == "max_pool2d" || callee == "avg_pool2d";
  if ((conv || pool) && keyword == "padding")
    return &window.padding;
  if ((conv || pool) && keyword == "stride")
    return &window.stride;
  if (conv && keyword == "dilation")
    return &window.dilation;
  return nullptr;
}

} // namespace

bool gdc::lang::isBuiltinLayer(StringRef name) {
  return llvm::is_contained(kUnaryMath, name) || llvm::is_contained(kUnaryNumeric, name) ||
         llvm::is_contained(kShapeLayers, name);
}

ArrayRef<const char *> gdc::lang::builtinFunctionNames() { return kBuiltinFunctions; }

bool Elaborator::uniformInRule(Value v) {
  if (tensorType(v).getRank() == 0)
    return false;
  Operation *rule = v.getParentBlock()->getParentOp();
  return gd::computePhases(rule).lookup(v) == gd::Phase::Uniform;
}

Value Elaborator::scalar(double v, Type element, ast::Loc l) {
  auto type = RankedTensorType::get({}, element);
  Attribute value = isa<FloatType>(element)
                        ? Attribute(builder.getFloatAttr(element, v))
                        : Attribute(builder.getIntegerAttr(element, (int64_t)v));
  Value c = gd::ConstantOp::create(builder, loc(l), DenseElementsAttr::get(type, value));
  if (isa<FloatType>(element))
    literalValues[c] = v;
  return c;
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
  // f32 with f64 (an update rule's f64 hyperparameter) computes in f64, as
  // NumPy does; a literal is made again at f64 from its exact value.
  if (isa<FloatType>(ea) && isa<FloatType>(eb)) {
    Value &narrow = ea.getIntOrFloatBitWidth() < eb.getIntOrFloatBitWidth() ? a : b;
    Type wide = ea.getIntOrFloatBitWidth() < eb.getIntOrFloatBitWidth() ? eb : ea;
    auto literal = el.literalValues.find(narrow);
    if (literal == el.literalValues.end() || tensorType(narrow).getRank() != 0) {
      narrow = convert(narrow, wide);
      return true;
    }
    // The f32 constant stays: a `let` may still name it. Unused, it goes
    // at canonicalization.
    narrow = el.scalar(literal->second, wide, l);
    return true;
  }
  el.error(l) << "operator '" << op << "' cannot combine " << typeString(a.getType())
              << " and " << typeString(b.getType()) << ": element types differ";
  return false;
}

Value Elaborator::emit(const ast::Expr &e, Scope &scope) {
  Value v = emitAny(e, scope);
  if (v && isa<TupleType>(v.getType())) {
    error(e.loc) << "expected a tensor, but this is the tuple " << typeString(v.getType())
                 << "; take it apart with `let (a, b) = ...`";
    return {};
  }
  return v;
}

Value Elaborator::emitAny(const ast::Expr &e, Scope &scope) {
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
    return emitList(e, scope);
  case K::Name: {
    if (const Binding *b = scope.lookup(e.name)) {
      switch (b->kind) {
      case Binding::Tensor:
        return b->value;
      case Binding::Int:
        return scalar((double)b->integer, builder.getF32Type(), e.loc);
      case Binding::Number:
        return scalar(b->number, b->isF64 ? builder.getF64Type() : builder.getF32Type(), e.loc);
      case Binding::Model:
      case Binding::Decl:
        error(e.loc) << "'" << e.name
                     << "' is a lens or function, not a tensor; apply it to a "
                        "value or compose it with '>>'";
        return {};
      case Binding::Shape:
        error(e.loc) << "'" << e.name
                     << "' names a shape (from a `*` annotation), not a tensor";
        return {};
      }
    }
    if (e.name == "pi")
      return scalar(M_PI, builder.getF32Type(), e.loc);
    if (e.name == "e")
      return scalar(M_E, builder.getF32Type(), e.loc);
    if (e.name == "training")
      return emitTrainingFlag(e.loc);
    unknownName(e.loc, e.name, scope);
    return {};
  }
  case K::Unary: {
    if (e.op == "not")
      return emitLogical(e, scope);
    Value x = emit(*e.operands[0], scope);
    if (!x)
      return {};
    if (e.op == "-" && tensorType(x).getElementType().isInteger(1)) {
      error(e.loc) << "cannot negate a bool (" << typeString(x.getType()) << ")";
      return {};
    }
    if (e.op == "-") {
      // A negated literal is a literal (`v^(-0.5)` keeps a constant
      // exponent, which the lowering turns into 1 / sqrt(v)).
      auto literal = literalValues.find(x);
      if (literal != literalValues.end() && tensorType(x).getRank() == 0)
        return scalar(-literal->second, tensorType(x).getElementType(), e.loc);
      return gd::NegOp::create(builder, loc(e.loc), x);
    }
    return emitLogical(e, scope);
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
    // x[label]: a vector's entry; with one more axis, each row's entry
    // along the last axis (logits [T, k] by labels i32[T] give [T]).
    auto baseType = tensorType(base), indexType = tensorType(index);
    bool shapesMeet = baseType.getRank() == indexType.getRank() + 1 &&
                      baseType.getShape().drop_back() == indexType.getShape();
    if (!shapesMeet || !isInteger(index) || indexType.getElementType().isInteger(1)) {
      error(e.loc) << "cannot index " << typeString(base.getType()) << " by "
                   << typeString(index.getType())
                   << ": indexing takes a vector and an integer (i32 or i64) scalar, or "
                      "a tensor [..., k] and integers of its leading shape [...]";
      return {};
    }
    return gd::TakeOp::create(builder, loc(e.loc), base, index);
  }
  case K::Tuple:
    return emitTuple(e, scope);
  case K::Dict:
    error(e.loc) << "a { \"pattern\": ... } map gives parameter groups, as the value of "
                    "`optimizer` in a train block; it is not a value here";
    return {};
  case K::Slice: {
    // x[a:b] on the example's first axis; bounds are compile-time integers
    // and default to the whole axis.
    Value x = emit(*e.operands[0], scope);
    if (!x)
      return {};
    std::optional<int64_t> lo = 0, hi;
    if (e.operands[1] && !(lo = evalInt(*e.operands[1], scope)))
      return {};
    if (e.operands[2] && !(hi = evalInt(*e.operands[2], scope)))
      return {};
    if (!hi)
      hi = tensorType(x).getRank() ? tensorType(x).getDimSize(0) : 0;
    return emitSlice(x, *lo, *hi, e.loc);
  }
  case K::LetIn: {
    Value bound = emitAny(*e.operands[0], scope);
    if (!bound)
      return {};
    Scope inner(&scope);
    if (!bindLet(e.binder, e.nameLoc, bound, inner))
      return {};
    return emitAny(*e.operands[1], inner);
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
  if (op == "and" || op == "or")
    return emitLogical(e, scope);
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
    if (inOptimizerBody && !(uniformInRule(a) && uniformInRule(b))) {
      error(e.loc) << "'@' inside an optimizer: its body works on one element of a parameter; "
                      "matrix operations on the whole tensor are orthogonalize(x), "
                      "mean(x, axis = k) and sum(x, axis = k)";
      return {};
    }
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
  if (op == "%")
    return gd::ModOp::create(builder, l, a, b);
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
  // A fn or a loss (a function of the prediction and the label) takes its
  // arguments by position or by name; omitted ones take their defaults.
  if (const Binding *b = scope.lookup(e.name);
      b && b->kind == Binding::Decl &&
      (b->decl->kind == ast::DeclKind::Fn || b->decl->kind == ast::DeclKind::Loss)) {
    auto matched = matchArguments(e, *b->decl, "argument");
    if (!matched)
      return {};
    SmallVector<Value> args;
    for (const ast::Arg *arg : *matched) {
      Value v = arg ? emitAny(*arg->value, scope) : Value();
      if (arg && !v)
        return {};
      args.push_back(v);
    }
    return emitFnCall(e, *b->decl, *b->module, args);
  }
  if (const Binding *b = scope.lookup(e.name); b && b->kind == Binding::Model)
    return emitSubLensCall(e, *b, scope);
  if (e.name == "causal_mask" && !scope.lookup(e.name))
    return emitCausalMask(e, scope);
  if ((e.name == "orthogonalize" || e.name == "size") && !scope.lookup(e.name))
    return emitTensorBarrier(e, scope);
  std::optional<int64_t> axis;
  bool keepdims = false;
  SmallVector<Value> args;
  std::optional<SmallVector<int64_t>> constant;
  WindowKeywords window;
  bool builtin = !scope.lookup(e.name);
  unsigned position = 0;
  for (const ast::Arg &arg : e.args) {
    if (arg.keyword.empty() && position++ == 1 && builtin &&
        llvm::is_contained(kStaticSecondArgument, e.name)) {
      constant = evalStaticArgument(e.name, *arg.value, scope);
      if (!constant)
        return {};
      continue;
    }
    if (std::optional<int64_t> *slot = builtin ? windowKeyword(e.name, arg.keyword, window)
                                                : nullptr) {
      // The window's sizes are compile-time, carried like reshape's shape.
      *slot = evalInt(*arg.value, scope);
      if (!*slot)
        return {};
      continue;
    }
    if (!arg.keyword.empty()) {
      bool isReduction = llvm::is_contained(kReductions, e.name) ||
                         ((e.name == "max" || e.name == "min") && e.args.size() == 2);
      if ((arg.keyword != "axis" && arg.keyword != "keepdims") || !isReduction) {
        error(arg.loc) << "unknown keyword argument '" << arg.keyword << "' for '"
                       << e.name << "'";
        return {};
      }
      if (arg.keyword == "keepdims") {
        if (arg.value->kind != ast::ExprKind::Bool) {
          error(arg.loc) << "keepdims is true or false";
          return {};
        }
        keepdims = arg.value->boolValue;
        continue;
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
    if (b->kind == Binding::Tensor || b->kind == Binding::Int || b->kind == Binding::Number) {
      error(e.nameLoc) << "'" << e.name << "' is a value, not a function";
      return {};
    }
    if (b->kind == Binding::Decl && b->decl->kind == ast::DeclKind::Schedule) {
      error(e.nameLoc) << "'" << e.name << "' is a schedule; give it as a hyperparameter's "
                       << "value, e.g. adam(lr = " << e.name << "(...))";
      return {};
    }
    if (b->kind == Binding::Decl && b->decl->kind == ast::DeclKind::Lens) {
      error(e.nameLoc) << "'" << e.name << "(...)' creates a lens instance; in a lens "
                       << "body, name it (`let f = " << e.name << "(...)`) and apply it "
                       << "as f(x); elsewhere compose it with '>>'";
      return {};
    }
    error(e.nameLoc) << "'" << e.name << "' is not a function";
    return {};
  }
  if (e.name == "global_norm" || e.name == "grad_at" || (e.name == "norm" && inOptimizerBody))
    return emitBarrier(e, args);
  if (inOptimizerBody && builtin && (e.name == "mean" || e.name == "sum") && args.size() == 1 &&
      tensorType(args[0]).getRank() == 0)
    return emitTensorReduction(e, args[0], axis, keepdims);
  Value result = emitBuiltin(e, e.name, args, axis, scope, constant, window);
  if (!result || !keepdims)
    return result;
  // keepdims = true: the reduced axes stay, of size 1, so that the result
  // broadcasts against the input (`x - mean(x, axis = -1, keepdims = true)`).
  int64_t rank = tensorType(args[0]).getRank();
  SmallVector<int64_t> reduced;
  for (int64_t i = 0; i < rank; ++i)
    if (!axis || i == (*axis < 0 ? *axis + rank : *axis))
      reduced.push_back(i);
  return gd::ExpandDimsOp::create(builder, loc(e.loc), result, reduced);
}


Value Elaborator::emitBuiltin(const ast::Expr &e, StringRef name,
                              ArrayRef<Value> args, std::optional<int64_t> axis,
                              Scope &scope,
                              const std::optional<SmallVector<int64_t>> &constant,
                              const WindowKeywords &window) {
  Location l = loc(e.loc);
  auto arity = [&](size_t n) {
    size_t given = args.size() + (constant ? 1 : 0);
    bool needsConstant = llvm::is_contained(kStaticSecondArgument, name);
    if (given == n && (!needsConstant || constant))
      return true;
    error(e.loc) << "'" << name << "' takes " << n << " argument"
                 << (n == 1 ? "" : "s") << ", got " << given;
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
    // A negative axis counts from the end, as in NumPy: -1 is the last.
    if (*axis < -rank || *axis >= rank) {
      error(e.loc) << "axis " << *axis << " is out of range for "
                   << typeString(x.getType());
      return std::nullopt;
    }
    return SmallVector<int64_t>{*axis < 0 ? *axis + rank : *axis};
  };

  if (llvm::is_contained(kUnaryMath, name)) {
    if (!arity(1) || !requireFloat(args[0]))
      return {};
    Value x = args[0];
    return llvm::StringSwitch<std::function<Value()>>(name)
        .Case("exp", [&] { return gd::ExpOp::create(builder, l, x); })
        .Case("log", [&] { return gd::LogOp::create(builder, l, x); })
        .Case("sqrt", [&] { return gd::SqrtOp::create(builder, l, x); })
        .Case("sigmoid", [&] { return gd::SigmoidOp::create(builder, l, x); })
        .Case("sin", [&] { return gd::SinOp::create(builder, l, x); })
        .Case("cos", [&] { return gd::CosOp::create(builder, l, x); })
        .Default([&] { return gd::TanhOp::create(builder, l, x); })();
  }
  if (llvm::is_contained(kUnaryNumeric, name)) {
    if (!arity(1))
      return {};
    Value x = args[0];
    if (tensorType(x).getElementType().isInteger(1)) {
      error(e.loc) << "'" << name << "' needs a number, got " << typeString(x.getType());
      return {};
    }
    return llvm::StringSwitch<std::function<Value()>>(name)
        .Case("abs", [&] { return gd::AbsOp::create(builder, l, x); })
        .Case("sign", [&] { return gd::SignOp::create(builder, l, x); })
        .Case("floor", [&] { return gd::FloorOp::create(builder, l, x); })
        .Case("stop_gradient", [&] { return gd::StopGradientOp::create(builder, l, x); })
        .Default([&] { return gd::CeilOp::create(builder, l, x); })();
  }
  if (name == "i32" || name == "f32") {
    // i32(x): toward zero, as torch's .to(torch.int32) (NaN gives 0, values
    // beyond the range its nearest bound); f32(x) of an integer or a bool.
    if (!arity(1))
      return {};
    Type to = name == "i32" ? Type(builder.getI32Type()) : Type(builder.getF32Type());
    if (tensorType(args[0]).getElementType() == to)
      return args[0];
    if (name == "i32" && tensorType(args[0]).getElementType().isInteger(1)) {
      error(e.loc) << "'i32' takes a number, got " << typeString(args[0].getType())
                   << "; write `if c then 1 else 0` to count truths";
      return {};
    }
    return gd::ConvertOp::create(builder, l, tensorType(args[0]).clone(to), args[0]);
  }
  if (name == "where") {
    if (!arity(3))
      return {};
    Value c = args[0], a = args[1], b = args[2];
    if (!tensorType(c).getElementType().isInteger(1)) {
      error(e.loc) << "the condition of 'where' must be a bool, got "
                   << typeString(c.getType());
      return {};
    }
    if (!promote(*this, e.loc, "where", a, b))
      return {};
    SmallVector<Type> types;
    if (failed(gd::inferBroadcastType(l, "'where'", {c.getType(), a.getType(), b.getType()},
                                      nullptr, types)))
      return {};
    return gd::SelectOp::create(builder, l, c, a, b);
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
  if (name == "max" || name == "min" || llvm::is_contained(kReductions, name)) {
    if (!arity(1) || !requireFloat(args[0]))
      return {};
    if (inOptimizerBody && !uniformInRule(args[0])) {
      error(e.loc) << "'" << name << "' over a parameter tensor inside an optimizer "
                      "is not supported yet by code generation (optimizer bodies are "
                      "elementwise for now)";
      return {};
    }
    auto reduced = axes(args[0]);
    if (!reduced)
      return {};
    // Over no axes (a scalar's), these are the identity: the mean over the
    // positions of a one-label loss is that label's loss, unchanged.
    if (reduced->empty() && llvm::is_contained({"sum", "mean", "max", "min", "logsumexp"}, name))
      return args[0];
    if (name == "max")
      return gd::ReduceMaxOp::create(builder, l, args[0], *reduced);
    if (name == "min")
      return gd::ReduceMinOp::create(builder, l, args[0], *reduced);
    if (name == "argmax")
      return gd::ArgMaxOp::create(builder, l, args[0], *reduced);
    if (name == "norm")
      return gd::NormOp::create(builder, l, args[0], *reduced);
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
  if (isRandomBuiltin(name))
    return emitRandom(e, name, args);
  if (isShapeBuiltin(name)) {
    size_t given = args.size() + (constant ? 1 : 0);
    return emitShapeBuiltin(e, name, args, given, constant, window);
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
  // Missing (null or trailing) arguments take their parameter's default.
  auto missing = [&](size_t i) { return i >= args.size() || !args[i]; };
  for (size_t i = 0; i < fn.params.size(); ++i)
    if (missing(i) && !fn.params[i].defaultValue) {
      size_t required = llvm::count_if(
          fn.params, [](const ast::Param &p) { return !p.defaultValue; });
      size_t given = llvm::count_if(args, [](Value v) { return bool(v); });
      error(call.loc) << "'" << fn.name << "' takes " << required << " argument"
                      << (required == 1 ? "" : "s") << ", got " << given;
      return {};
    }
  if (args.size() > fn.params.size()) {
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
  for (auto [i, param] : llvm::enumerate(fn.params)) {
    // A default is evaluated in the callee's module, like its body.
    Value arg = missing(i) ? emit(*param.defaultValue, local) : args[i];
    if (!arg) {
      ok = false;
      break;
    }
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
    result = emitAny(*fn.value, local);
    --fnDepth;
  }
  if (result && fn.result &&
      !unify(*fn.result, result.getType(), local, "the result of '" + fn.name + "'"))
    result = {};
  current = saved;
  return result;
}

Value Elaborator::emitLogical(const ast::Expr &e, Scope &scope) {
  SmallVector<Value> args;
  for (const ast::ExprPtr &operand : e.operands) {
    Value v = emit(*operand, scope);
    if (!v)
      return {};
    if (!tensorType(v).getElementType().isInteger(1)) {
      error(operand->loc) << "'" << e.op << "' takes bools, but this is "
                          << typeString(v.getType());
      return {};
    }
    args.push_back(v);
  }
  Location l = loc(e.loc);
  if (e.op == "not") {
    Value no = scalar(0, builder.getI1Type(), e.loc);
    return gd::CmpOp::create(builder, l, builder.getStringAttr("eq"), args[0], no);
  }
  if (!checkBroadcast(e.loc, "'" + e.op + "'", args[0], args[1]))
    return {};
  // a and b = if a then b else a; a or b = if a then a else b.
  if (e.op == "and")
    return gd::SelectOp::create(builder, l, args[0], args[1], args[0]);
  return gd::SelectOp::create(builder, l, args[0], args[0], args[1]);
}
