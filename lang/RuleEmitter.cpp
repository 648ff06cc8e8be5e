//===- RuleEmitter.cpp - The parameter wire: optimizers and what they compose ===//
//
// Elaborates update rules (`optimizer` and `transform` declarations) with
// their hyperparameters, states and global states; schedules driving
// hyperparameters; and `chain(...)`. The `optimizer` field's parameter
// groups are in ParamGroupEmitter.cpp.
//
//===----------------------------------------------------------------------===//
#include "lang/Elaborator.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <set>

using namespace mlir;
using namespace gdc;
using namespace gdc::lang;

namespace {

/// Whether `e` mentions the name `name` anywhere (`loss` in a body).
bool mentions(const ast::Expr *e, StringRef name) {
  if (!e)
    return false;
  if (e->kind == ast::ExprKind::Name && e->name == name)
    return true;
  for (const ast::ExprPtr &op : e->operands)
    if (mentions(op.get(), name))
      return true;
  for (const ast::Arg &arg : e->args)
    if (mentions(arg.value.get(), name))
      return true;
  return false;
}

bool mentions(const ast::Decl &rule, StringRef name) {
  if (mentions(rule.value.get(), name))
    return true;
  for (const ast::Stmt &s : rule.body)
    if (mentions(s.value.get(), name))
      return true;
  return false;
}

const char *kindName(ast::DeclKind k) {
  switch (k) {
  case ast::DeclKind::Optimizer:
    return "an optimizer";
  case ast::DeclKind::Transform:
    return "a transform";
  case ast::DeclKind::Schedule:
    return "a schedule";
  case ast::DeclKind::Loss:
    return "a loss";
  case ast::DeclKind::Lens:
    return "a lens";
  case ast::DeclKind::Fn:
    return "a function";
  default:
    return "not an update rule";
  }
}

bool fitsF32(double v) { return std::isfinite(v) && std::fabs(v) <= 3.4028234663852886e38; }

} // namespace

namespace gdc::lang {

void Elaborator::barrierOutsideRule(ast::Loc l, StringRef name) {
  error(l) << "'" << name << "' exists only inside optimizer and transform bodies"
           << (name == "global_norm" ? " (it spans every tensor they update)"
               : name == "grad_at"   ? ""
                                     : " (it works on the whole parameter tensor)");
}

Value Elaborator::emitBarrier(const ast::Expr &e, ArrayRef<Value> args) {
  StringRef name = e.name;
  if (!inOptimizerBody) {
    barrierOutsideRule(e.nameLoc, name);
    return {};
  }
  if (args.size() != 1) {
    error(e.loc) << "'" << name << "' takes 1 argument, got " << args.size();
    return {};
  }
  auto scalar = RankedTensorType::get({}, builder.getF32Type());
  if (args[0].getType() != scalar) {
    error(e.args[0].loc) << "'" << name << "' takes a value shaped like 'p' (f32), got "
                         << typeString(args[0].getType());
    return {};
  }
  Location l = loc(e.loc);
  if (name == "global_norm")
    return gd::GlobalNormOp::create(builder, l, args[0]);
  if (name == "norm")
    return gd::TensorNormOp::create(builder, l, args[0]);
  return gd::GradAtOp::create(builder, l, args[0]);
}

Value Elaborator::emitTensorReduction(const ast::Expr &e, Value x, std::optional<int64_t> axis,
                                      bool keepdims) {
  auto scalar = RankedTensorType::get({}, builder.getF32Type());
  if (x.getType() != scalar) {
    error(e.args[0].loc) << "'" << e.name << "' in an update rule takes a value shaped like "
                         << "'p' (f32), got " << typeString(x.getType());
    return {};
  }
  if (keepdims) {
    error(e.loc) << "keepdims does not apply in an update rule: '" << e.name
                 << "(x, axis = k)' already gives every element its row's value";
    return {};
  }
  IntegerAttr axisAttr = axis ? builder.getI64IntegerAttr(*axis) : IntegerAttr();
  if (e.name == "mean")
    return gd::TensorMeanOp::create(builder, loc(e.loc), x, axisAttr);
  return gd::TensorSumOp::create(builder, loc(e.loc), x, axisAttr);
}

Value Elaborator::emitTensorBarrier(const ast::Expr &e, Scope &scope) {
  StringRef name = e.name;
  if (!inOptimizerBody) {
    barrierOutsideRule(e.nameLoc, name);
    return {};
  }
  // orthogonalize(x, steps = 5); size(x, axis).
  StringRef second = name == "orthogonalize" ? "steps" : "axis";
  const ast::Expr *operand = nullptr, *integer = nullptr;
  unsigned position = 0;
  for (const ast::Arg &arg : e.args) {
    const ast::Expr **slot = nullptr;
    if (arg.keyword.empty())
      slot = position == 0 ? &operand : position == 1 ? &integer : nullptr;
    else if (arg.keyword == second)
      slot = &integer;
    if (arg.keyword.empty())
      ++position;
    if (!slot || *slot) {
      error(arg.loc) << "'" << name << "' takes (x, " << second << ")"
                     << (arg.keyword.empty() || arg.keyword == second
                             ? ""
                             : ": unknown keyword argument '" + arg.keyword + "'");
      return {};
    }
    *slot = arg.value.get();
  }
  if (!operand || (!integer && name == "size")) {
    error(e.loc) << "'" << name << "' takes (x, " << second << ")";
    return {};
  }
  Value x = emit(*operand, scope);
  if (!x)
    return {};
  auto scalar = RankedTensorType::get({}, builder.getF32Type());
  if (x.getType() != scalar) {
    error(operand->loc) << "'" << name << "' takes a value shaped like 'p' (f32), got "
                        << typeString(x.getType());
    return {};
  }
  std::optional<int64_t> n = 5;
  if (integer && !(n = evalInt(*integer, scope)))
    return {};
  Location l = loc(e.loc);
  if (name == "size")
    return gd::TensorSizeOp::create(builder, l, x, *n);
  if (*n < 0) {
    error(integer->loc) << "'orthogonalize' takes a number of steps >= 0, got " << *n;
    return {};
  }
  return gd::OrthogonalizeOp::create(builder, l, x, *n);
}

std::optional<std::string> Elaborator::emitSchedule(const ast::Expr &use, const ast::Decl &decl,
                                                    const ast::Module &declModule,
                                                    const Scope &scope) {
  auto matched = matchArguments(use, decl, "argument");
  if (!matched)
    return std::nullopt;
  auto guard = instantiating(current, use.loc, "in the schedule '" + decl.name + "', used here");
  const ast::Module *saved = current;
  llvm::scope_exit restore([&] { current = saved; });
  Scope body(&scopeOf(&declModule));
  SmallVector<Attribute> hyperNames, hyperDefaults;
  SmallVector<const ast::Param *> hypers;
  SmallVector<gd::RuleConstant> constants;
  for (auto [param, arg] : llvm::zip(decl.params, *matched)) {
    current = &declModule;
    if (param.name == "t") {
      error(param.loc) << "a schedule's argument cannot be named 't': it is the step";
      return std::nullopt;
    }
    const ast::Expr *value = arg ? arg->value.get() : param.defaultValue.get();
    const Scope &valueScope = arg ? scope : scopeOf(&declModule);
    current = arg ? saved : &declModule;
    if (!value) {
      error(use.loc) << "argument '" << param.name << "' of '" << decl.name
                     << "' has no default; give it: " << decl.name << "(" << param.name
                     << " = ...)";
      return std::nullopt;
    }
    if (param.type && param.type->element == "int") {
      // Integer arguments (a number of steps) are compile-time constants.
      auto v = evalInt(*value, valueScope);
      if (!v)
        return std::nullopt;
      Binding b;
      b.kind = Binding::Int;
      b.integer = *v;
      body.bind(param.name, b);
      constants.push_back({param.name, double(*v), false});
      continue;
    }
    if (param.type && param.type->element != "f32") {
      current = &declModule;
      error(param.type->loc) << "schedule arguments are f32 or int, not '"
                             << param.type->element << "'";
      return std::nullopt;
    }
    auto v = evalNumber(*value, valueScope);
    if (!v)
      return std::nullopt;
    if (!fitsF32(*v)) {
      error(value->loc) << "'" << param.name << "' = " << formatNumber(*v)
                        << " does not fit in f32";
      return std::nullopt;
    }
    hyperNames.push_back(builder.getStringAttr(param.name));
    hyperDefaults.push_back(builder.getF32FloatAttr((float)*v));
    hypers.push_back(&param);
  }
  current = &declModule;
  OpBuilder::InsertionGuard insertion(builder);
  builder.setInsertionPointToEnd(module->getBody());
  auto op = gd::ScheduleOp::create(builder, loc(saved, use.loc), freshSymbol(*module, decl.name),
                                   builder.getArrayAttr(hyperNames),
                                   builder.getArrayAttr(hyperDefaults));
  gd::setConstants(op, constants);
  Block *block = new Block();
  op.getBody().push_back(block);
  auto scalar = RankedTensorType::get({}, builder.getF32Type());
  Binding t;
  t.value = block->addArgument(scalar, op.getLoc());
  body.bind("t", t);
  for (const ast::Param *h : hypers) {
    Binding b;
    b.value = block->addArgument(scalar, loc(h->loc));
    body.bind(h->name, b);
  }
  builder.setInsertionPointToEnd(block);
  Value result = emit(*decl.value, body);
  if (!result) {
    op.erase();
    return std::nullopt;
  }
  if (result.getType() != scalar) {
    error(decl.value->loc) << "a schedule computes one f32 value per step, got "
                           << typeString(result.getType());
    op.erase();
    return std::nullopt;
  }
  gd::YieldOp::create(builder, op.getLoc(), ValueRange{result});
  return op.getSymName().str();
}

std::optional<std::string> Elaborator::emitUpdateRule(const ast::Expr &use, const Scope &scope,
                                                      ast::DeclKind kind) {
  const char *wanted = kind == ast::DeclKind::Optimizer ? "optimizer" : "transform";
  if (use.kind != ast::ExprKind::Name && use.kind != ast::ExprKind::Call) {
    error(use.loc) << "expected " << (kind == ast::DeclKind::Optimizer ? "an" : "a") << " "
                   << wanted << ", e.g. "
                   << (kind == ast::DeclKind::Optimizer ? "sgd(lr = 0.1)" : "clip_norm(1.0)");
    return std::nullopt;
  }
  ast::Loc nameLoc = use.kind == ast::ExprKind::Call ? use.nameLoc : use.loc;
  const Binding *b = scope.lookup(use.name);
  if (!b) {
    unknownName(nameLoc, use.name, scope, wanted);
    return std::nullopt;
  }
  if (b->kind != Binding::Decl || b->decl->kind != kind) {
    auto diag = error(nameLoc);
    diag << "'" << use.name << "' is "
         << (b->kind == Binding::Decl ? kindName(b->decl->kind) : "not an update rule")
         << ", but " << (kind == ast::DeclKind::Optimizer ? "an" : "a") << " " << wanted
         << " is expected here";
    if (kind == ast::DeclKind::Transform && b->kind == Binding::Decl &&
        b->decl->kind == ast::DeclKind::Optimizer)
      diag << " (in chain(...), only the last stage is an optimizer)";
    return std::nullopt;
  }
  const ast::Decl &rule = *b->decl;
  const ast::Module *ruleModule = b->module;
  auto matched = matchArguments(use, rule, "hyperparameter");
  if (!matched)
    return std::nullopt;
  auto useSite = instantiating(current, use.loc,
                               std::string("in the ") + wanted + " '" + rule.name + "', used here");
  const ast::Module *saved = current;
  llvm::scope_exit restore([&] { current = saved; });
  bool usesLoss = mentions(rule, "loss");

  // Hyperparameters: the call's arguments override the declared defaults,
  // and the f32 ones stay runtime scalars (`--set`); a schedule computes one
  // from the step. `int` ones (a period, a count) are compile-time
  // constants, as in schedules, and so are `f64` ones: their arithmetic
  // runs in f64 (RAdam's rho_t cancels in f32), and the runtime's
  // hyperparameters are f32.
  SmallVector<Attribute> hyperNames, hyperDefaults;
  SmallVector<gd::RuleConstant> constants;
  SmallVector<NamedAttribute> schedules;
  for (auto [param, arg] : llvm::zip(rule.params, *matched)) {
    current = ruleModule;
    if (param.name == "p" || param.name == "g" || param.name == "t" || param.name == "loss") {
      error(param.loc) << "a hyperparameter cannot be named '" << param.name << "': inside "
                       << (kind == ast::DeclKind::Optimizer ? "an optimizer" : "a transform")
                       << " '" << param.name << "' is "
                       << (param.name == "p"   ? "the parameter"
                           : param.name == "g" ? "its gradient"
                           : param.name == "t" ? "the step"
                                               : "this batch's loss");
      return std::nullopt;
    }
    bool isInt = param.type && param.type->element == "int";
    if (isInt || (param.type && param.type->element == "f64")) {
      // A compile-time constant of the instance.
      const ast::Expr *given = arg ? arg->value.get() : param.defaultValue.get();
      if (!given) {
        current = saved;
        error(use.loc) << "'" << param.name << "' of '" << rule.name
                       << "' has no default; give it: " << rule.name << "(" << param.name
                       << " = ...)";
        return std::nullopt;
      }
      current = arg ? saved : ruleModule;
      const Scope &valueScope = arg ? scope : scopeOf(ruleModule);
      std::optional<double> v;
      if (isInt) {
        if (auto i = evalInt(*given, valueScope))
          v = double(*i);
      } else {
        v = evalNumber(*given, valueScope);
      }
      if (!v)
        return std::nullopt;
      constants.push_back({param.name, *v, !isInt});
      continue;
    }
    if (param.type && param.type->element != "f32") {
      error(param.type->loc) << "hyperparameters of type '" << param.type->element
                             << "' are not supported yet by code generation (f32, f64 and "
                                "int)";
      return std::nullopt;
    }
    std::optional<double> value;
    if (arg) {
      current = saved;
      const ast::Expr &v = *arg->value;
      const Binding *sb = (v.kind == ast::ExprKind::Call || v.kind == ast::ExprKind::Name)
                              ? scope.lookup(v.name)
                              : nullptr;
      if (sb && sb->kind == Binding::Decl && sb->decl->kind == ast::DeclKind::Schedule) {
        auto sched = emitSchedule(v, *sb->decl, *sb->module, scope);
        if (!sched)
          return std::nullopt;
        schedules.push_back(builder.getNamedAttr(param.name, FlatSymbolRefAttr::get(
                                                                 &ctx, *sched)));
        value = 0.0; // the schedule's value replaces it at every step
      } else if (!(value = evalNumber(v, scope))) {
        return std::nullopt;
      }
    } else if (param.defaultValue) {
      value = evalNumber(*param.defaultValue, scopeOf(ruleModule));
      if (!value)
        return std::nullopt;
    } else {
      current = saved;
      error(use.loc) << "hyperparameter '" << param.name << "' of '" << rule.name
                     << "' has no default; give it: " << rule.name << "(" << param.name
                     << " = ...)";
      return std::nullopt;
    }
    if (!fitsF32(*value)) {
      current = saved;
      error(use.loc) << "hyperparameter '" << param.name << "' = " << formatNumber(*value)
                     << " does not fit in f32";
      return std::nullopt;
    }
    hyperNames.push_back(builder.getStringAttr(param.name));
    hyperDefaults.push_back(builder.getF32FloatAttr((float)*value));
  }

  // States: names first (a body may only assign declared states).
  current = ruleModule;
  SmallVector<Attribute> stateNames, globalNames, globalInits;
  SmallVector<RankedTensorType> globalTypes;
  std::set<std::string> states;
  for (const ast::Stmt &stmt : rule.body) {
    if (stmt.kind != ast::StmtKind::State)
      continue;
    if (!states.insert(stmt.name).second) {
      error(stmt.nameLoc) << "state '" << stmt.name << "' is declared twice";
      return std::nullopt;
    }
    bool clashes = stmt.name == "p" || stmt.name == "g" || stmt.name == "t" ||
                   stmt.name == "loss" ||
                   llvm::any_of(rule.params, [&](const ast::Param &h) { return h.name == stmt.name; });
    if (clashes) {
      error(stmt.nameLoc) << "state '" << stmt.name
                          << "' would hide a hyperparameter or p, g, t, loss of the same name";
      return std::nullopt;
    }
    if (!stmt.isGlobal) {
      if (stmt.type) {
        error(stmt.type->loc) << "a state is shaped like 'p' (one element of it); only a "
                                 "`global state` has a declared type";
        return std::nullopt;
      }
      stateNames.push_back(builder.getStringAttr(stmt.name));
      continue;
    }
    if (!stmt.type) {
      error(stmt.nameLoc) << "global state '" << stmt.name
                          << "' needs a type, e.g. `global state " << stmt.name
                          << ": f32[100] = zeros()`";
      return std::nullopt;
    }
    auto type = resolveType(*stmt.type, scopeOf(ruleModule));
    if (!type)
      return std::nullopt;
    if (!type->getElementType().isF32()) {
      error(stmt.type->loc) << "global states are f32, not " << typeString(*type);
      return std::nullopt;
    }
    const ast::Expr &init = *stmt.value;
    if (init.kind != ast::ExprKind::Call || (init.name != "zeros" && init.name != "ones") ||
        !init.args.empty()) {
      error(init.loc) << "a global state starts as zeros() or ones()";
      return std::nullopt;
    }
    globalNames.push_back(builder.getStringAttr(stmt.name));
    globalInits.push_back(builder.getStringAttr(init.name));
    globalTypes.push_back(*type);
  }

  OpBuilder::InsertionGuard insertion(builder);
  builder.setInsertionPointToEnd(module->getBody());
  std::string symbol = freshSymbol(*module, rule.name);
  // An instance of a rule is made where it is used (with its arguments).
  Location useLoc = loc(saved, use.loc);
  Operation *op;
  DictionaryAttr scheduleAttr =
      schedules.empty() ? DictionaryAttr() : builder.getDictionaryAttr(schedules);
  if (kind == ast::DeclKind::Optimizer)
    op = gd::OptimizerOp::create(builder, useLoc, symbol,
                                 builder.getArrayAttr(hyperNames),
                                 builder.getArrayAttr(hyperDefaults),
                                 builder.getArrayAttr(stateNames),
                                 builder.getArrayAttr(globalNames),
                                 builder.getArrayAttr(globalInits), usesLoss, scheduleAttr);
  else
    op = gd::TransformOp::create(builder, useLoc, symbol,
                                 builder.getArrayAttr(hyperNames),
                                 builder.getArrayAttr(hyperDefaults),
                                 builder.getArrayAttr(stateNames),
                                 builder.getArrayAttr(globalNames),
                                 builder.getArrayAttr(globalInits), usesLoss, scheduleAttr,
                                 rule.perExample);
  gd::setConstants(op, constants);
  Block *block = new Block();
  op->getRegion(0).push_back(block);
  auto scalarType = RankedTensorType::get({}, builder.getF32Type());
  Scope body(&scopeOf(ruleModule));
  auto bindArg = [&](StringRef name, Type type) {
    Binding arg;
    arg.value = block->addArgument(type, op->getLoc());
    body.bind(name, arg);
    return arg.value;
  };
  bindArg("p", scalarType);
  bindArg("g", scalarType);
  Value step = bindArg("t", scalarType);
  if (usesLoss)
    bindArg("loss", scalarType);
  for (Attribute name : hyperNames)
    bindArg(cast<StringAttr>(name).getValue(), scalarType);
  for (const gd::RuleConstant &c : constants) {
    Binding constant;
    constant.kind = c.isF64 ? Binding::Number : Binding::Int;
    constant.integer = static_cast<int64_t>(c.value);
    constant.number = c.value;
    constant.isF64 = c.isF64;
    body.bind(c.name, constant);
  }
  SmallVector<Value> stateArgs, globalArgs;
  for (size_t i = 0; i < stateNames.size(); ++i)
    stateArgs.push_back(block->addArgument(scalarType, op->getLoc()));
  for (RankedTensorType type : globalTypes)
    globalArgs.push_back(block->addArgument(type, op->getLoc()));
  builder.setInsertionPointToEnd(block);

  StringRef resultName = kind == ast::DeclKind::Optimizer ? "p" : "g";
  // Parameters, states and global states are f32: a value computed in f64
  // (from an f64 hyperparameter) is rounded once, where it is stored.
  auto toF32 = [&](Value v, ast::Loc l) -> Value {
    auto type = cast<RankedTensorType>(v.getType());
    if (!type.getElementType().isF64())
      return v;
    return gd::ConvertOp::create(builder, loc(l), type.clone(builder.getF32Type()), v);
  };
  auto fail = [&]() -> std::optional<std::string> {
    op->erase();
    return std::nullopt;
  };
  inOptimizerBody = true;
  llvm::scope_exit leaveBody([&] { inOptimizerBody = false; });
  llvm::StringMap<Value> stateValues;
  llvm::StringMap<unsigned> globalIndex;
  Value result;
  if (rule.value) {
    result = emit(*rule.value, body);
    if (!result)
      return fail();
  }
  unsigned nextState = 0, nextGlobal = 0;
  for (const ast::Stmt &stmt : rule.body) {
    if (result) {
      error(stmt.loc) << "the new value of '" << resultName << "' must be the " << wanted
                      << "'s last statement";
      return fail();
    }
    switch (stmt.kind) {
    case ast::StmtKind::State: {
      Binding s;
      if (stmt.isGlobal) {
        globalIndex[stmt.name] = nextGlobal;
        s.value = globalArgs[nextGlobal++];
      } else {
        const ast::Expr &init = *stmt.value;
        bool zerosLikeP = init.kind == ast::ExprKind::Call && init.name == "zeros_like" &&
                          init.args.size() == 1 &&
                          init.args[0].value->kind == ast::ExprKind::Name &&
                          init.args[0].value->name == "p";
        s.value = stateArgs[nextState++];
        if (!zerosLikeP) {
          // Slots start at zero in memory; at the first step (t = 1) the rule
          // reads the initialiser instead, computed from that step's values
          // (`p`, `g`, the hyperparameters). One select per element, fused.
          Value initial = emit(init, body);
          if (!initial)
            return fail();
          Type element = cast<RankedTensorType>(initial.getType()).getElementType();
          if (cast<RankedTensorType>(initial.getType()).getRank() != 0 ||
              !isa<FloatType>(element)) {
            error(init.loc) << "a state's initialiser gives one number per element of the "
                               "parameter (as zeros_like(p) does), not "
                            << typeString(initial.getType());
            return fail();
          }
          if (element != scalarType.getElementType())
            initial = gd::ConvertOp::create(builder, loc(init.loc), scalarType, initial);
          Value one = scalar(1.0, scalarType.getElementType(), init.loc);
          Value first = gd::CmpOp::create(builder, loc(init.loc), builder.getStringAttr("eq"),
                                          step, one);
          s.value = gd::SelectOp::create(builder, loc(init.loc), first, initial, s.value);
        }
      }
      body.bind(stmt.name, s);
      stateValues[stmt.name] = s.value;
      break;
    }
    case ast::StmtKind::Assign: {
      if (!stateValues.count(stmt.name)) {
        auto diag = error(stmt.nameLoc);
        if (states.count(stmt.name))
          diag << "state '" << stmt.name << "' is assigned before it is declared";
        else if (stmt.name == "p" || stmt.name == "g")
          diag << "'" << stmt.name << "' cannot be assigned; the " << wanted
               << "'s last expression is the new value of '" << resultName << "'";
        else
          diag << "'" << stmt.name << "' is not a state of '" << rule.name
               << "'; declare it with `state " << stmt.name << " = zeros_like(p)`";
        return fail();
      }
      Value v = emit(*stmt.value, body);
      if (!v)
        return fail();
      v = toF32(v, stmt.value->loc);
      auto global = globalIndex.find(stmt.name);
      if (global != globalIndex.end()) {
        Type want = globalTypes[global->second];
        if (v.getType() != want) {
          error(stmt.value->loc) << "global state '" << stmt.name << "' is "
                                 << typeString(want) << ", but is assigned "
                                 << typeString(v.getType());
          return fail();
        }
        gd::Phase phase = gd::computePhases(op).lookup(v);
        if (phase != gd::Phase::Uniform) {
          error(stmt.value->loc)
              << "global state '" << stmt.name << "' is shared by every tensor, but this "
              << "value differs per " << (phase == gd::Phase::PerTensor ? "tensor" : "element")
              << " (it depends on p, g, a state or a whole-tensor value: norm, mean, sum, "
                 "size, orthogonalize); reduce it with global_norm(...) first";
          return fail();
        }
      } else if (v.getType() != scalarType) {
        error(stmt.value->loc) << "state '" << stmt.name << "' is shaped like 'p' (f32), "
                               << "but is assigned " << typeString(v.getType());
        return fail();
      }
      Binding s;
      s.value = v;
      body.bind(stmt.name, s);
      stateValues[stmt.name] = v;
      break;
    }
    case ast::StmtKind::Let: {
      Value v = emit(*stmt.value, body);
      if (!v)
        return fail();
      if (stmt.binder.isTuple()) {
        error(stmt.loc) << "an update rule's values are single tensors; there is no tuple "
                           "to destructure";
        return fail();
      }
      Binding s;
      s.value = v;
      body.bind(stmt.name, s);
      break;
    }
    case ast::StmtKind::Result:
      result = emit(*stmt.value, body);
      if (!result)
        return fail();
      break;
    default:
      error(stmt.loc) << "this statement is not allowed in " << wanted << " bodies";
      return fail();
    }
  }
  if (!result) {
    error(rule.nameLoc) << wanted << " '" << rule.name << "' must end with the new value of '"
                        << resultName << "'";
    return fail();
  }
  result = toF32(result, rule.value ? rule.value->loc : rule.body.back().loc);
  if (result.getType() != scalarType) {
    error(rule.value ? rule.value->loc : rule.body.back().loc)
        << "the new value of '" << resultName << "' must be shaped like '" << resultName
        << "' (f32, one element), got " << typeString(result.getType());
    return fail();
  }
  SmallVector<Value> yielded{result};
  for (Attribute name : stateNames)
    yielded.push_back(stateValues[cast<StringAttr>(name).getValue()]);
  for (Attribute name : globalNames)
    yielded.push_back(stateValues[cast<StringAttr>(name).getValue()]);
  gd::YieldOp::create(builder, op->getLoc(), yielded);
  return symbol;
}

std::optional<std::string> Elaborator::emitOptimizerOrChain(const ast::Expr &e,
                                                            const Scope &scope) {
  bool isChain = e.kind == ast::ExprKind::Call && e.name == "chain" && !scope.lookup("chain");
  if (!isChain)
    return emitUpdateRule(e, scope, ast::DeclKind::Optimizer);
  if (e.args.empty()) {
    error(e.loc) << "chain(...) needs at least an optimizer, e.g. chain(clip_norm(1.0), adam())";
    return std::nullopt;
  }
  SmallVector<Attribute> stages;
  for (auto [i, arg] : llvm::enumerate(e.args)) {
    if (!arg.keyword.empty()) {
      error(arg.loc) << "chain(...) takes its stages in order, without names";
      return std::nullopt;
    }
    bool last = i + 1 == e.args.size();
    auto stage = last ? emitOptimizerOrChain(*arg.value, scope)
                      : emitUpdateRule(*arg.value, scope, ast::DeclKind::Transform);
    if (!stage)
      return std::nullopt;
    stages.push_back(FlatSymbolRefAttr::get(&ctx, *stage));
  }
  OpBuilder::InsertionGuard insertion(builder);
  builder.setInsertionPointToEnd(module->getBody());
  auto op = gd::ChainOp::create(builder, loc(e.loc), freshSymbol(*module, "chain"),
                                builder.getArrayAttr(stages));
  return op.getSymName().str();
}

} // namespace gdc::lang
