//===- Elaborator.cpp - Declarations, models, losses, optimizers, train ---===//
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

namespace gdc::lang {

std::string typeString(Type t) { return gd::formatTensorType(t); }

Elaborator::Elaborator(MLIRContext &ctx, const Program &program)
    : ctx(ctx), program(program), builder(&ctx) {}

Location Elaborator::loc(ast::Loc l) const {
  StringRef file = current ? StringRef(current->path) : StringRef("<input>");
  return FileLineColLoc::get(&ctx, file, l.line, l.col);
}

InFlightDiagnostic Elaborator::error(ast::Loc l) {
  ++errors;
  return mlir::emitError(loc(l));
}

void Elaborator::unknownName(ast::Loc l, StringRef name, const Scope &scope,
                             StringRef what) {
  std::vector<std::string> candidates;
  scope.collect(candidates);
  for (const char *builtin : {"exp", "log", "sqrt", "tanh", "max", "min", "sum",
                              "mean", "logsumexp", "zeros_like", "ones_like", "pi"})
    candidates.push_back(builtin);
  std::string best;
  unsigned bestDistance = 3;
  for (const std::string &c : candidates) {
    unsigned d = StringRef(c).edit_distance(name, true, bestDistance);
    if (d < bestDistance && c != name) {
      bestDistance = d;
      best = c;
    }
  }
  auto diag = error(l);
  diag << "unknown " << what << " '" << name << "'";
  if (!best.empty())
    diag << "; did you mean '" << best << "'?";
}

//===----------------------------------------------------------------------===//
// Compile-time values and types
//===----------------------------------------------------------------------===//

std::optional<int64_t> Elaborator::evalInt(const ast::Expr &e, const Scope &scope) {
  using K = ast::ExprKind;
  if (e.kind == K::Number) {
    if (!e.isInteger || std::fabs(e.number) > 9.0e15) {
      error(e.loc) << "expected an integer, got " << e.text;
      return std::nullopt;
    }
    return (int64_t)e.number;
  }
  if (e.kind == K::Name) {
    const Binding *b = scope.lookup(e.name);
    if (b && b->kind == Binding::Int)
      return b->integer;
    if (!b) {
      unknownName(e.loc, e.name, scope);
      return std::nullopt;
    }
    error(e.loc) << "'" << e.name << "' is not a compile-time integer";
    return std::nullopt;
  }
  if (e.kind == K::Unary && e.op == "-") {
    auto v = evalInt(*e.operands[0], scope);
    return v ? std::optional<int64_t>(-*v) : std::nullopt;
  }
  if (e.kind == K::Binary && StringRef("+-*").contains(e.op) && e.op.size() == 1) {
    auto a = evalInt(*e.operands[0], scope);
    auto b = a ? evalInt(*e.operands[1], scope) : std::nullopt;
    if (!b)
      return std::nullopt;
    int64_t r;
    bool overflow = e.op == "+"   ? __builtin_add_overflow(*a, *b, &r)
                    : e.op == "-" ? __builtin_sub_overflow(*a, *b, &r)
                                  : __builtin_mul_overflow(*a, *b, &r);
    if (overflow) {
      error(e.loc) << "integer overflow in '" << e.op << "'";
      return std::nullopt;
    }
    return r;
  }
  error(e.loc) << "expected a compile-time integer";
  return std::nullopt;
}

std::optional<double> Elaborator::evalNumber(const ast::Expr &e, const Scope &scope) {
  using K = ast::ExprKind;
  if (e.kind == K::Number)
    return e.number;
  if (e.kind == K::Name) {
    const Binding *b = scope.lookup(e.name);
    if (b && b->kind == Binding::Int)
      return (double)b->integer;
  }
  if (e.kind == K::Unary && e.op == "-") {
    auto v = evalNumber(*e.operands[0], scope);
    return v ? std::optional<double>(-*v) : std::nullopt;
  }
  if (e.kind == K::Binary && e.op.size() == 1 && StringRef("+-*/").contains(e.op)) {
    auto a = evalNumber(*e.operands[0], scope);
    auto b = a ? evalNumber(*e.operands[1], scope) : std::nullopt;
    if (!b)
      return std::nullopt;
    if (e.op == "/" && *b == 0) {
      error(e.loc) << "division by zero";
      return std::nullopt;
    }
    return e.op == "+" ? *a + *b : e.op == "-" ? *a - *b : e.op == "*" ? *a * *b : *a / *b;
  }
  if (errors == 0 || e.kind != K::Name)
    error(e.loc) << "expected a compile-time number";
  return std::nullopt;
}

static Type elementType(MLIRContext *ctx, StringRef name) {
  Builder b(ctx);
  if (name == "f32")
    return b.getF32Type();
  if (name == "f64")
    return b.getF64Type();
  if (name == "f16")
    return b.getF16Type();
  if (name == "bf16")
    return b.getBF16Type();
  if (name == "i32")
    return b.getI32Type();
  if (name == "i64")
    return b.getI64Type();
  if (name == "bool")
    return b.getI1Type();
  return {};
}

std::optional<RankedTensorType> Elaborator::resolveType(const ast::TypeExpr &t,
                                                        const Scope &scope) {
  Type element = elementType(&ctx, t.element);
  if (!element) {
    error(t.loc) << "'" << t.element << "' is not a tensor element type";
    return std::nullopt;
  }
  SmallVector<int64_t> dims;
  for (const ast::ExprPtr &d : t.dims) {
    auto v = evalInt(*d, scope);
    if (!v)
      return std::nullopt;
    if (*v < 1 || *v > (int64_t(1) << 40)) {
      error(d->loc) << "dimension " << *v << " is out of range (1 to 2^40)";
      return std::nullopt;
    }
    dims.push_back(*v);
  }
  return RankedTensorType::get(dims, element);
}

bool Elaborator::unify(const ast::TypeExpr &annotation, Type actual, Scope &scope,
                       StringRef what) {
  auto tensor = cast<RankedTensorType>(actual);
  // A batched type never reaches the front end: shapes are per example.
  Type element = elementType(&ctx, annotation.element);
  auto mismatch = [&]() {
    std::string declared = annotation.element;
    if (!annotation.dims.empty())
      declared += "[...]";
    error(annotation.loc) << what << " is " << typeString(actual)
                          << ", which does not match its declared type";
    return false;
  };
  if (!element || element != tensor.getElementType() ||
      (int64_t)annotation.dims.size() != tensor.getRank())
    return mismatch();
  for (auto [d, size] : llvm::zip(annotation.dims, tensor.getShape())) {
    if (d->kind == ast::ExprKind::Name && !scope.lookup(d->name)) {
      Binding b;
      b.kind = Binding::Int;
      b.integer = size;
      scope.bind(d->name, b);
      continue;
    }
    auto v = evalInt(*d, scope);
    if (!v)
      return false;
    if (*v != size) {
      error(d->loc) << what << " is " << typeString(actual) << " but is declared with dimension "
                    << *v << " here";
      return false;
    }
  }
  return true;
}

//===----------------------------------------------------------------------===//
// Models: composition trees of lens instances
//===----------------------------------------------------------------------===//

std::shared_ptr<ModelNode> Elaborator::evalModel(const ast::Expr &e, const Scope &scope) {
  using K = ast::ExprKind;
  auto node = std::make_shared<ModelNode>();
  node->loc = e.loc;
  if (e.kind == K::Binary && e.op == ">>") {
    auto lhs = evalModel(*e.operands[0], scope);
    auto rhs = lhs ? evalModel(*e.operands[1], scope) : nullptr;
    if (!rhs)
      return nullptr;
    // `a >> b >> c` is one sequence; a let-bound composition stays nested so
    // that its parameters keep their own path (net.1.0.W).
    bool flatten = lhs->kind == ModelNode::Sequence &&
                   e.operands[0]->kind == K::Binary;
    if (flatten) {
      node->stages = lhs->stages;
      node->stageLocs = lhs->stageLocs;
    } else {
      node->stages.push_back(lhs);
      node->stageLocs.push_back(e.operands[0]->loc);
    }
    node->stages.push_back(rhs);
    node->stageLocs.push_back(e.operands[1]->loc);
    return node;
  }
  if (e.kind == K::Binary && e.op == "||") {
    error(e.loc) << "the parallel product '||' is not supported yet by code generation";
    return nullptr;
  }
  if (e.kind == K::Name) {
    const Binding *b = scope.lookup(e.name);
    if (!b) {
      unknownName(e.loc, e.name, scope, "lens or function");
      return nullptr;
    }
    if (b->kind == Binding::Model)
      return b->model;
    if (b->kind == Binding::Decl && b->decl->kind == ast::DeclKind::Fn) {
      if (b->decl->params.size() != 1) {
        error(e.loc) << "'" << e.name << "' takes " << b->decl->params.size()
                     << " arguments; only a function of one argument is a layer";
        return nullptr;
      }
      node->kind = ModelNode::Fn;
      node->decl = b->decl;
      node->module = b->module;
      return node;
    }
    if (b->kind == Binding::Decl && b->decl->kind == ast::DeclKind::Lens) {
      error(e.loc) << "the lens '" << e.name << "' needs its arguments: "
                   << e.name << "(...)";
      return nullptr;
    }
    error(e.loc) << "'" << e.name << "' is not a lens or function";
    return nullptr;
  }
  if (e.kind == K::Call && e.name == "repeat" && !scope.lookup("repeat")) {
    if (e.args.size() != 2 || !e.args[0].keyword.empty() || !e.args[1].keyword.empty()) {
      error(e.loc) << "'repeat' takes 2 arguments: repeat(n, model)";
      return nullptr;
    }
    auto n = evalInt(*e.args[0].value, scope);
    if (!n)
      return nullptr;
    if (*n < 1 || *n > 10000) {
      error(e.args[0].loc) << "repeat count " << *n << " is out of range (1 to 10000)";
      return nullptr;
    }
    for (int64_t i = 0; i < *n; ++i) {
      auto stage = evalModel(*e.args[1].value, scope);
      if (!stage)
        return nullptr;
      node->stages.push_back(stage);
      node->stageLocs.push_back(e.args[1].loc);
    }
    return node;
  }
  if (e.kind == K::Call) {
    const Binding *b = scope.lookup(e.name);
    if (!b) {
      unknownName(e.nameLoc, e.name, scope, "lens");
      return nullptr;
    }
    if (b->kind != Binding::Decl || b->decl->kind != ast::DeclKind::Lens) {
      error(e.nameLoc) << "'" << e.name << "' is not a lens; only lenses take "
                          "constructor arguments";
      return nullptr;
    }
    const ast::Decl &lens = *b->decl;
    std::vector<std::optional<int64_t>> values(lens.params.size());
    size_t positional = 0;
    for (const ast::Arg &arg : e.args) {
      size_t index = positional;
      if (!arg.keyword.empty()) {
        auto it = llvm::find_if(lens.params, [&](const ast::Param &p) { return p.name == arg.keyword; });
        if (it == lens.params.end()) {
          error(arg.loc) << "'" << lens.name << "' has no parameter '" << arg.keyword << "'";
          return nullptr;
        }
        index = it - lens.params.begin();
      } else {
        ++positional;
      }
      if (index >= lens.params.size()) {
        error(e.loc) << "'" << lens.name << "' takes " << lens.params.size()
                     << " arguments, got " << e.args.size();
        return nullptr;
      }
      if (values[index]) {
        error(arg.loc) << "argument '" << lens.params[index].name << "' is given twice";
        return nullptr;
      }
      values[index] = evalInt(*arg.value, scope);
      if (!values[index])
        return nullptr;
    }
    node->kind = ModelNode::Lens;
    node->decl = &lens;
    node->module = b->module;
    for (auto [i, v] : llvm::enumerate(values)) {
      if (!v && lens.params[i].defaultValue)
        v = evalInt(*lens.params[i].defaultValue, scope);
      if (!v) {
        error(e.loc) << "'" << lens.name << "' takes " << lens.params.size()
                     << " arguments, got " << e.args.size() << " (missing '"
                     << lens.params[i].name << "')";
        return nullptr;
      }
      node->args.push_back(*v);
    }
    return node;
  }
  error(e.loc) << "expected a model: a lens, a function, or a composition with '>>'";
  return nullptr;
}

/// A symbol not yet used in the module, derived from `base`.
static std::string freshSymbol(ModuleOp module, std::string base) {
  for (char &c : base)
    if (!llvm::isAlnum(c) && c != '_')
      c = '_';
  std::string name = base;
  for (unsigned i = 1; module.lookupSymbol(name); ++i)
    name = base + "_" + std::to_string(i);
  return name;
}

static std::string shapeSuffix(Type t) {
  std::string s;
  for (int64_t d : cast<RankedTensorType>(t).getShape())
    s += "_" + std::to_string(d);
  return s;
}

/// The manifest spelling of a parameter's initializer.
static std::optional<std::string> initializerSpec(Elaborator &el, const ast::Expr &init,
                                                  RankedTensorType type, const Scope &scope) {
  if (init.kind != ast::ExprKind::Call) {
    el.error(init.loc) << "expected an initializer: zeros(), ones(), glorot_uniform(), "
                          "he_normal(), normal(mean, std) or uniform(lo, hi)";
    return std::nullopt;
  }
  ArrayRef<int64_t> shape = type.getShape();
  int64_t fanIn = shape.empty() ? 1 : shape.front();
  int64_t fanOut = shape.size() < 2 ? 1 : shape.back();
  auto noArgs = [&]() {
    if (init.args.empty())
      return true;
    el.error(init.loc) << "'" << init.name << "' takes no arguments";
    return false;
  };
  if (init.name == "zeros" || init.name == "ones")
    return noArgs() ? std::optional<std::string>(init.name) : std::nullopt;
  if (init.name == "glorot_uniform")
    return noArgs() ? std::optional<std::string>("glorot_uniform " + std::to_string(fanIn) +
                                                 " " + std::to_string(fanOut))
                    : std::nullopt;
  if (init.name == "he_normal")
    return noArgs() ? std::optional<std::string>("he_normal " + std::to_string(fanIn))
                    : std::nullopt;
  if (init.name == "normal" || init.name == "uniform") {
    if (init.args.size() != 2) {
      el.error(init.loc) << "'" << init.name << "' takes 2 arguments";
      return std::nullopt;
    }
    auto a = el.evalNumber(*init.args[0].value, scope);
    auto b = a ? el.evalNumber(*init.args[1].value, scope) : std::nullopt;
    if (!b)
      return std::nullopt;
    std::string s;
    llvm::raw_string_ostream os(s);
    os << init.name << " " << *a << " " << *b;
    return s;
  }
  el.error(init.loc) << "unknown initializer '" << init.name << "'";
  return std::nullopt;
}

std::optional<std::string> Elaborator::emitLens(const ModelNode &node, Type input,
                                                Type &output) {
  const ast::Decl &lens = *node.decl;
  std::string key = "lens:" + lens.name + "@" + node.module->path;
  for (int64_t a : node.args)
    key += "," + std::to_string(a);
  key += ":" + typeString(input);
  const ast::Module *saved = current;
  current = node.module;
  auto restore = llvm::make_scope_exit([&] { current = saved; });

  Scope scope(&globals);
  for (auto [param, value] : llvm::zip(lens.params, node.args)) {
    if (param.type && param.type->element != "int") {
      error(param.loc) << "lens parameters must be compile-time 'int's for now";
      return std::nullopt;
    }
    Binding b;
    b.kind = Binding::Int;
    b.integer = value;
    scope.bind(param.name, b);
  }
  SmallVector<Attribute> names, inits;
  SmallVector<Type> types;
  const ast::Stmt *forward = nullptr;
  std::set<std::string> seen;
  for (const ast::Stmt &stmt : lens.body) {
    switch (stmt.kind) {
    case ast::StmtKind::Param: {
      if (!seen.insert(stmt.name).second) {
        error(stmt.nameLoc) << "parameter '" << stmt.name << "' is defined twice";
        return std::nullopt;
      }
      auto type = resolveType(*stmt.type, scope);
      if (!type)
        return std::nullopt;
      if (!type->getElementType().isF32()) {
        error(stmt.type->loc) << "parameters of type " << typeString(*type)
                              << " are not supported yet by code generation (f32 only)";
        return std::nullopt;
      }
      auto init = initializerSpec(*this, *stmt.value, *type, scope);
      if (!init)
        return std::nullopt;
      names.push_back(builder.getStringAttr(stmt.name));
      inits.push_back(builder.getStringAttr(*init));
      types.push_back(*type);
      break;
    }
    case ast::StmtKind::Forward:
      if (forward) {
        error(stmt.loc) << "a lens has one forward map; '" << lens.name << "' has two";
        return std::nullopt;
      }
      forward = &stmt;
      break;
    default:
      error(stmt.loc) << "this statement is not supported yet by code generation "
                         "inside a lens";
      return std::nullopt;
    }
  }
  if (!forward) {
    error(lens.nameLoc) << "lens '" << lens.name << "' has no forward map `fn (x: ...) -> ... = ...`";
    return std::nullopt;
  }
  if (forward->params.size() != 1) {
    error(forward->loc) << "the forward map takes one input, not " << forward->params.size();
    return std::nullopt;
  }
  if (forward->params[0].type &&
      !unify(*forward->params[0].type, input, scope,
             "the input of '" + lens.name + "'"))
    return std::nullopt;

  auto it = instantiated.find(key);
  if (it != instantiated.end()) {
    auto existing = module->lookupSymbol<gd::LensOp>(it->second);
    output = existing.getForward().front().getTerminator()->getOperand(0).getType();
    return it->second;
  }
  OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPointToEnd(module->getBody());
  std::string base = lens.name;
  for (int64_t a : node.args)
    base += "_" + std::to_string(a);
  auto op = gd::LensOp::create(builder, loc(lens.nameLoc), freshSymbol(*module, base),
                               builder.getArrayAttr(names), builder.getArrayAttr(inits),
                               /*num_inputs=*/1, /*batched=*/false);
  Block *block = new Block();
  op.getForward().push_back(block);
  Scope body(&scope);
  for (auto [name, type] : llvm::zip(names, types)) {
    Binding b;
    b.value = block->addArgument(type, op.getLoc());
    body.bind(cast<StringAttr>(name).getValue(), b);
  }
  Binding x;
  x.value = block->addArgument(input, op.getLoc());
  body.bind(forward->params[0].name, x);
  builder.setInsertionPointToEnd(block);
  Value result = emit(*forward->value, body);
  if (!result || (forward->result &&
                  !unify(*forward->result, result.getType(), body,
                         "the output of '" + lens.name + "'"))) {
    op.erase();
    return std::nullopt;
  }
  gd::YieldOp::create(builder, op.getLoc(), result);
  output = result.getType();
  instantiated[key] = op.getSymName().str();
  return op.getSymName().str();
}

std::optional<std::string> Elaborator::emitFnLens(const ModelNode &node, Type input,
                                                  Type &output) {
  const ast::Decl &fn = *node.decl;
  std::string key = "fn:" + fn.name + "@" + node.module->path + ":" + typeString(input);
  auto it = instantiated.find(key);
  if (it != instantiated.end()) {
    auto existing = module->lookupSymbol<gd::LensOp>(it->second);
    output = existing.getForward().front().getTerminator()->getOperand(0).getType();
    return it->second;
  }
  OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPointToEnd(module->getBody());
  const ast::Module *saved = current;
  current = node.module;
  auto op = gd::LensOp::create(builder, loc(fn.nameLoc),
                               freshSymbol(*module, fn.name + shapeSuffix(input)),
                               builder.getArrayAttr({}), builder.getArrayAttr({}),
                               /*num_inputs=*/1, /*batched=*/false);
  current = saved;
  Block *block = new Block();
  op.getForward().push_back(block);
  Value x = block->addArgument(input, op.getLoc());
  builder.setInsertionPointToEnd(block);
  ast::Expr call;
  call.kind = ast::ExprKind::Call;
  call.loc = call.nameLoc = node.loc;
  call.name = fn.name;
  Value result = emitFnCall(call, fn, *node.module, {x});
  if (!result) {
    op.erase();
    return std::nullopt;
  }
  gd::YieldOp::create(builder, op.getLoc(), result);
  output = result.getType();
  instantiated[key] = op.getSymName().str();
  return op.getSymName().str();
}

std::optional<std::string> Elaborator::emitModel(const ModelNode &node, Type input,
                                                 Type &output, StringRef name) {
  if (node.kind == ModelNode::Lens)
    return emitLens(node, input, output);
  if (node.kind == ModelNode::Fn)
    return emitFnLens(node, input, output);
  SmallVector<Attribute> stages;
  Type wire = input;
  for (auto [i, stage] : llvm::enumerate(node.stages)) {
    // A name bound to an instance denotes that one instance: using it twice
    // shares its parameters, which code generation cannot express yet.
    // Refuse rather than silently create a second instance.
    if (!emittedNodes.insert(stage.get()).second) {
      error(i < node.stageLocs.size() ? node.stageLocs[i] : stage->loc)
          << "this instance is used twice, which shares its "
                           "parameters; sharing is not supported yet by code "
                           "generation (create a fresh instance instead)";
      return std::nullopt;
    }
    Type out;
    auto symbol = emitModel(*stage, wire, out, (name + "_" + Twine(i)).str());
    if (!symbol)
      return std::nullopt;
    stages.push_back(FlatSymbolRefAttr::get(&ctx, *symbol));
    wire = out;
  }
  OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPointToEnd(module->getBody());
  auto op = gd::ComposeOp::create(builder, loc(node.loc), freshSymbol(*module, name.str()),
                                  builder.getArrayAttr(stages));
  output = wire;
  return op.getSymName().str();
}

std::optional<std::string> Elaborator::emitLoss(const ast::Decl &decl,
                                                const ast::Module &lossModule,
                                                Type prediction, Type label,
                                                ast::Loc use) {
  if (decl.params.size() != 2) {
    error(use) << "the loss '" << decl.name << "' must take the prediction and the label ("
               << decl.params.size() << " parameters given)";
    return std::nullopt;
  }
  const ast::Module *saved = current;
  current = &lossModule;
  auto restore = llvm::make_scope_exit([&] { current = saved; });
  Scope scope(&globals);
  if (decl.params[0].type && !unify(*decl.params[0].type, prediction, scope,
                                    "the model's output given to '" + decl.name + "'"))
    return std::nullopt;
  if (decl.params[1].type &&
      !unify(*decl.params[1].type, label, scope, "the label given to '" + decl.name + "'"))
    return std::nullopt;
  OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPointToEnd(module->getBody());
  auto op = gd::LensOp::create(builder, loc(decl.nameLoc),
                               freshSymbol(*module, decl.name + shapeSuffix(prediction)),
                               builder.getArrayAttr({}), builder.getArrayAttr({}),
                               /*num_inputs=*/2, /*batched=*/false);
  Block *block = new Block();
  op.getForward().push_back(block);
  Binding p, y;
  p.value = block->addArgument(prediction, op.getLoc());
  y.value = block->addArgument(label, op.getLoc());
  scope.bind(decl.params[0].name, p);
  scope.bind(decl.params[1].name, y);
  builder.setInsertionPointToEnd(block);
  Value result = emit(*decl.value, scope);
  if (result && (cast<RankedTensorType>(result.getType()).getRank() != 0 ||
                 !cast<RankedTensorType>(result.getType()).getElementType().isF32())) {
    error(decl.value->loc) << "a loss returns one f32 per example, but '" << decl.name
                           << "' returns " << typeString(result.getType());
    result = {};
  }
  if (!result) {
    op.erase();
    return std::nullopt;
  }
  gd::YieldOp::create(builder, op.getLoc(), result);
  return op.getSymName().str();
}

std::optional<std::string> Elaborator::emitOptimizer(const ast::Expr &use,
                                                     const Scope &scope) {
  if (use.kind != ast::ExprKind::Name && use.kind != ast::ExprKind::Call) {
    error(use.loc) << "expected an optimizer, e.g. sgd(lr = 0.1)";
    return std::nullopt;
  }
  const Binding *b = scope.lookup(use.name);
  if (!b) {
    unknownName(use.kind == ast::ExprKind::Call ? use.nameLoc : use.loc, use.name, scope,
                "optimizer");
    return std::nullopt;
  }
  if (b->kind != Binding::Decl || b->decl->kind != ast::DeclKind::Optimizer) {
    error(use.loc) << "'" << use.name << "' is not an optimizer";
    return std::nullopt;
  }
  const ast::Decl &opt = *b->decl;
  // Hyperparameters: the call's arguments override the declared defaults;
  // all of them stay runtime scalars (`--set`).
  std::vector<std::optional<double>> values(opt.params.size());
  size_t positional = 0;
  for (const ast::Arg &arg : use.args) {
    size_t index = positional;
    if (!arg.keyword.empty()) {
      auto it = llvm::find_if(opt.params, [&](const ast::Param &p) { return p.name == arg.keyword; });
      if (it == opt.params.end()) {
        std::string valid;
        for (const ast::Param &p : opt.params)
          valid += (valid.empty() ? "" : ", ") + p.name;
        error(arg.loc) << "'" << opt.name << "' has no hyperparameter '" << arg.keyword
                       << "'; its hyperparameters are: " << valid;
        return std::nullopt;
      }
      index = it - opt.params.begin();
    } else {
      ++positional;
    }
    if (index >= opt.params.size()) {
      error(use.loc) << "'" << opt.name << "' takes " << opt.params.size()
                     << " hyperparameters, got " << use.args.size();
      return std::nullopt;
    }
    if (values[index]) {
      error(arg.loc) << "hyperparameter '" << opt.params[index].name << "' is given twice";
      return std::nullopt;
    }
    values[index] = evalNumber(*arg.value, scope);
    if (!values[index])
      return std::nullopt;
  }
  const ast::Module *saved = current;
  current = b->module;
  auto restore = llvm::make_scope_exit([&] { current = saved; });
  SmallVector<Attribute> hyperNames, hyperDefaults, stateNames;
  for (auto [param, value] : llvm::zip(opt.params, values)) {
    if (param.type && param.type->element != "f32") {
      error(param.type->loc) << "hyperparameters of type '" << param.type->element
                             << "' are not supported yet by code generation (f32 only)";
      return std::nullopt;
    }
    if (!value && param.defaultValue)
      value = evalNumber(*param.defaultValue, globals);
    if (!value) {
      error(use.loc) << "hyperparameter '" << param.name << "' of '" << opt.name
                     << "' has no default; give it: " << opt.name << "(" << param.name
                     << " = ...)";
      return std::nullopt;
    }
    hyperNames.push_back(builder.getStringAttr(param.name));
    hyperDefaults.push_back(builder.getF32FloatAttr((float)*value));
  }
  std::set<std::string> states;
  for (const ast::Stmt &stmt : opt.body) {
    if (stmt.kind != ast::StmtKind::State)
      continue;
    if (!states.insert(stmt.name).second) {
      error(stmt.nameLoc) << "state '" << stmt.name << "' is declared twice";
      return std::nullopt;
    }
    stateNames.push_back(builder.getStringAttr(stmt.name));
  }

  OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPointToEnd(module->getBody());
  auto op = gd::OptimizerOp::create(builder, loc(opt.nameLoc), freshSymbol(*module, opt.name),
                                    builder.getArrayAttr(hyperNames),
                                    builder.getArrayAttr(hyperDefaults),
                                    builder.getArrayAttr(stateNames));
  Block *block = new Block();
  op.getBody().push_back(block);
  auto scalarType = RankedTensorType::get({}, builder.getF32Type());
  Scope body(&globals);
  auto bindArg = [&](StringRef name) {
    Binding arg;
    arg.value = block->addArgument(scalarType, op.getLoc());
    body.bind(name, arg);
    return arg.value;
  };
  bindArg("p");
  bindArg("g");
  bindArg("t");
  for (Attribute name : hyperNames)
    bindArg(cast<StringAttr>(name).getValue());
  llvm::StringMap<Value> stateValues;
  SmallVector<Value> stateArgs;
  for (Attribute name : stateNames)
    stateArgs.push_back(block->addArgument(scalarType, op.getLoc()));
  builder.setInsertionPointToEnd(block);

  Value result;
  auto fail = [&]() -> std::optional<std::string> {
    op.erase();
    return std::nullopt;
  };
  if (opt.value) {
    result = emit(*opt.value, body);
  } else {
    unsigned nextState = 0;
    for (const ast::Stmt &stmt : opt.body) {
      if (result) {
        error(stmt.loc) << "the new value of 'p' must be the optimizer's last statement";
        return fail();
      }
      switch (stmt.kind) {
      case ast::StmtKind::State: {
        const ast::Expr &init = *stmt.value;
        bool zerosLikeP = init.kind == ast::ExprKind::Call && init.name == "zeros_like" &&
                          init.args.size() == 1 &&
                          init.args[0].value->kind == ast::ExprKind::Name &&
                          init.args[0].value->name == "p";
        if (!zerosLikeP) {
          error(init.loc) << "state initialisers other than zeros_like(p) are not "
                             "supported yet by code generation";
          return fail();
        }
        Binding s;
        s.value = stateArgs[nextState++];
        body.bind(stmt.name, s);
        stateValues[stmt.name] = s.value;
        break;
      }
      case ast::StmtKind::Assign: {
        if (!stateValues.count(stmt.name)) {
          auto diag = error(stmt.nameLoc);
          if (states.count(stmt.name))
            diag << "state '" << stmt.name << "' is assigned before it is declared";
          else
            diag << "'" << stmt.name << "' is not a state of '" << opt.name
                 << "'; declare it with `state " << stmt.name << " = zeros_like(p)`";
          return fail();
        }
        Value v = emit(*stmt.value, body);
        if (!v)
          return fail();
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
        error(stmt.loc) << "this statement is not allowed in an optimizer";
        return fail();
      }
    }
    if (!result) {
      error(opt.nameLoc) << "optimizer '" << opt.name
                         << "' must end with the new value of 'p'";
      return fail();
    }
  }
  if (!result)
    return fail();
  if (result.getType() != scalarType) {
    error(opt.value ? opt.value->loc : opt.nameLoc)
        << "the new value of 'p' must be shaped like 'p', got " << typeString(result.getType());
    return fail();
  }
  SmallVector<Value> yielded{result};
  for (Attribute name : stateNames)
    yielded.push_back(stateValues[cast<StringAttr>(name).getValue()]);
  gd::YieldOp::create(builder, op.getLoc(), yielded);
  return op.getSymName().str();
}

//===----------------------------------------------------------------------===//
// The train block
//===----------------------------------------------------------------------===//

bool Elaborator::emitTrain(const ast::Decl &train) {
  static const char *const known[] = {"model", "loss", "optimizer", "data", "test",
                                      "batch", "epochs", "seed", "metrics"};
  llvm::StringMap<const ast::Field *> fields;
  for (const ast::Field &f : train.fields) {
    if (!llvm::is_contained(known, f.name)) {
      error(f.loc) << "unknown train field '" << f.name
                   << "'; the fields are: model, loss, optimizer, data, test, batch, "
                      "epochs, seed, metrics";
      return false;
    }
    if (!fields.insert({f.name, &f}).second) {
      error(f.loc) << "train field '" << f.name << "' is given twice";
      return false;
    }
  }
  for (const char *required : {"model", "loss", "optimizer", "data"})
    if (!fields.count(required)) {
      error(train.nameLoc) << "train block '" << train.name << "' is missing the field '"
                           << required << "'";
      return false;
    }
  Builder b(&ctx);
  SmallVector<NamedAttribute> config;
  config.push_back(b.getNamedAttr("source_dir", b.getStringAttr(program.sourceDir)));

  // Data: the example and label types the model and loss must accept.
  Type inputType, labelType = RankedTensorType::get({}, b.getI32Type());
  for (const char *split : {"data", "test"}) {
    auto it = fields.find(split);
    if (it == fields.end())
      continue;
    const ast::Expr &spec = *it->second->value;
    if (spec.kind != ast::ExprKind::Call || spec.name != "idx") {
      error(spec.loc) << "only idx(images, labels, scale = ...) data is supported yet by "
                         "code generation";
      return false;
    }
    std::string paths[2];
    double scale = 1.0;
    SmallVector<int64_t> shape{784};
    unsigned positional = 0;
    for (const ast::Arg &arg : spec.args) {
      if (arg.keyword.empty()) {
        if (positional >= 2 || arg.value->kind != ast::ExprKind::String) {
          error(arg.loc) << "idx takes two file names (strings): idx(images, labels)";
          return false;
        }
        paths[positional++] = arg.value->text;
      } else if (arg.keyword == "scale") {
        auto v = evalNumber(*arg.value, globals);
        if (!v)
          return false;
        scale = *v;
      } else if (arg.keyword == "shape") {
        if (arg.value->kind != ast::ExprKind::List) {
          error(arg.loc) << "shape takes a list of dimensions, e.g. shape = [1, 28, 28]";
          return false;
        }
        shape.clear();
        for (const ast::ExprPtr &d : arg.value->operands) {
          auto v = evalInt(*d, globals);
          if (!v)
            return false;
          shape.push_back(*v);
        }
      } else {
        error(arg.loc) << "idx has no argument '" << arg.keyword
                       << "'; its arguments are: images, labels, scale, shape";
        return false;
      }
    }
    if (positional != 2) {
      error(spec.loc) << "idx takes two file names: idx(images, labels)";
      return false;
    }
    if (StringRef(split) == "data")
      inputType = RankedTensorType::get(shape, b.getF32Type());
    config.push_back(b.getNamedAttr(
        StringRef(split) == "data" ? "train" : "test",
        b.getDictionaryAttr({b.getNamedAttr("images", b.getStringAttr(paths[0])),
                             b.getNamedAttr("labels", b.getStringAttr(paths[1])),
                             b.getNamedAttr("scale", b.getF64FloatAttr(scale))})));
  }

  // Model.
  const ast::Expr &modelExpr = *fields["model"]->value;
  auto model = evalModel(modelExpr, globals);
  if (!model)
    return false;
  std::string modelName = "model";
  if (modelExpr.kind == ast::ExprKind::Name) {
    const Binding *bound = globals.lookup(modelExpr.name);
    if (bound && bound->kind == Binding::Model)
      modelName = modelExpr.name;
  }
  Type outputType;
  auto modelSymbol = emitModel(*model, inputType, outputType, modelName);
  if (!modelSymbol)
    return false;

  // Loss, reduced over the batch by mean (default) or sum.
  const ast::Expr *lossExpr = fields["loss"]->value.get();
  std::string reduction = "mean";
  if (lossExpr->kind == ast::ExprKind::Call && (lossExpr->name == "sum" || lossExpr->name == "mean") &&
      lossExpr->args.size() == 1 && lossExpr->args[0].keyword.empty()) {
    reduction = lossExpr->name;
    lossExpr = lossExpr->args[0].value.get();
  }
  if (lossExpr->kind != ast::ExprKind::Name) {
    error(lossExpr->loc) << "expected a loss name, e.g. cross_entropy or sum(cross_entropy)";
    return false;
  }
  const Binding *lossBinding = globals.lookup(lossExpr->name);
  if (!lossBinding) {
    unknownName(lossExpr->loc, lossExpr->name, globals, "loss");
    return false;
  }
  if (lossBinding->kind != Binding::Decl || lossBinding->decl->kind != ast::DeclKind::Loss) {
    error(lossExpr->loc) << "'" << lossExpr->name << "' is not a loss";
    return false;
  }
  auto lossSymbol = emitLoss(*lossBinding->decl, *lossBinding->module, outputType,
                             labelType, lossExpr->loc);
  if (!lossSymbol)
    return false;

  auto optSymbol = emitOptimizer(*fields["optimizer"]->value, globals);
  if (!optSymbol)
    return false;

  for (const char *key : {"batch", "epochs", "seed"}) {
    auto it = fields.find(key);
    if (it == fields.end())
      continue;
    auto v = evalInt(*it->second->value, globals);
    if (!v)
      return false;
    if (*v < (StringRef(key) == "seed" ? 0 : 1)) {
      error(it->second->value->loc) << "'" << key << "' must be positive, got " << *v;
      return false;
    }
    config.push_back(b.getNamedAttr(key, b.getI64IntegerAttr(*v)));
  }
  if (auto it = fields.find("metrics"); it != fields.end()) {
    const ast::Expr &list = *it->second->value;
    if (list.kind != ast::ExprKind::List) {
      error(list.loc) << "metrics takes a list, e.g. [loss, accuracy]";
      return false;
    }
    for (const ast::ExprPtr &m : list.operands)
      if (m->kind != ast::ExprKind::Name || (m->name != "loss" && m->name != "accuracy")) {
        error(m->loc) << "unknown metric; the metrics are: loss, accuracy";
        return false;
      }
  }

  OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPointToEnd(module->getBody());
  gd::TrainStepOp::create(builder, loc(train.nameLoc), freshSymbol(*module, train.name),
                          *modelSymbol, modelName, *lossSymbol, *optSymbol, reduction,
                          b.getDictionaryAttr(config));
  return true;
}

//===----------------------------------------------------------------------===//
// The program
//===----------------------------------------------------------------------===//

OwningOpRef<ModuleOp> Elaborator::run() {
  ctx.loadDialect<gd::GDDialect>();
  current = program.main;
  module = ModuleOp::create(loc({1, 1}));
  // Used modules first: the main module's definitions shadow theirs.
  std::set<std::string> used;
  for (const ast::Decl &d : program.main->decls)
    if (d.kind == ast::DeclKind::Use) {
      if (!program.modules.count(d.name)) {
        error(d.nameLoc) << "unknown module '" << d.name << "'; the modules are: std.nn, "
                            "std.losses, std.optim";
        continue;
      }
      if (!used.insert(d.name).second)
        continue;
      const ast::Module *m = program.modules.at(d.name);
      for (const ast::Decl &md : m->decls) {
        if (md.kind == ast::DeclKind::Use || md.kind == ast::DeclKind::Let ||
            md.kind == ast::DeclKind::Train)
          continue;
        Binding b;
        b.kind = Binding::Decl;
        b.decl = &md;
        b.module = m;
        globals.bind(md.name, b);
      }
    }
  llvm::StringMap<const ast::Decl *> defined;
  const ast::Decl *train = nullptr;
  for (const ast::Decl &d : program.main->decls) {
    if (d.kind == ast::DeclKind::Use)
      continue;
    if (d.kind == ast::DeclKind::Train) {
      if (train) {
        auto diag = error(d.nameLoc);
        diag << "a program has one train block";
        diag.attachNote(loc(train->nameLoc)) << "the first train block is here";
        continue;
      }
      train = &d;
      continue;
    }
    if (auto [it, fresh] = defined.insert({d.name, &d}); !fresh) {
      auto diag = error(d.nameLoc);
      diag << "'" << d.name << "' is defined twice";
      diag.attachNote(loc(it->second->nameLoc)) << "the previous definition is here";
      continue;
    }
    Binding b;
    if (d.kind == ast::DeclKind::Let) {
      b.kind = Binding::Model;
      b.model = evalModel(*d.value, globals);
      if (!b.model)
        continue;
    } else {
      b.kind = Binding::Decl;
      b.decl = &d;
      b.module = program.main;
    }
    globals.bind(d.name, b);
  }
  if (errors == 0 && train)
    emitTrain(*train);
  if (errors)
    return nullptr;
  return std::move(module);
}

OwningOpRef<ModuleOp> elaborate(MLIRContext &context, const Program &program) {
  Elaborator el(context, program);
  return el.run();
}

} // namespace gdc::lang
