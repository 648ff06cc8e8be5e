//===- ModelEmitter.cpp - Models: compositions of lens instances ---------===//
#include "lang/Elaborator.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <set>

using namespace mlir;
using namespace gdc;
using namespace gdc::lang;

namespace gdc::lang {

//===----------------------------------------------------------------------===//
// Models: composition trees of lens instances
//===----------------------------------------------------------------------===//

std::shared_ptr<ModelNode> Elaborator::evalModel(const ast::Expr &e, const Scope &scope) {
  using K = ast::ExprKind;
  auto node = std::make_shared<ModelNode>();
  node->loc = e.loc;
  node->useModule = current;
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
    if (!b && isBuiltinLayer(e.name)) {
      // A built-in elementwise function is a layer with no parameters.
      node->kind = ModelNode::Fn;
      node->builtin = e.name;
      node->module = current;
      return node;
    }
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
      if (++modelNodes > 100000) {
        error(e.loc) << "this model has more than 100000 stages (nested repeat?)";
        return nullptr;
      }
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
    auto matched = matchArguments(e, lens, "argument");
    if (!matched)
      return nullptr;
    std::vector<std::optional<int64_t>> values(lens.params.size());
    for (auto [i, arg] : llvm::enumerate(*matched))
      if (arg && !(values[i] = evalInt(*arg->value, scope)))
        return nullptr;
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
  // A convolution filter [out, in, kh, kw]: each output sums in * kh * kw
  // inputs, and each input feeds out * kh * kw outputs.
  if (shape.size() == 4) {
    fanIn = shape[1] * shape[2] * shape[3];
    fanOut = shape[0] * shape[2] * shape[3];
  }
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
    if (!std::isfinite(*a) || !std::isfinite(*b)) {
      el.error(init.loc) << "'" << init.name << "' needs finite arguments";
      return std::nullopt;
    }
    if (init.name == "normal" && *b < 0) {
      el.error(init.args[1].loc) << "normal(mean, std): the standard deviation "
                                 << formatNumber(*b) << " is negative";
      return std::nullopt;
    }
    if (init.name == "uniform" && *a > *b) {
      el.error(init.loc) << "uniform(lo, hi): lo " << formatNumber(*a) << " exceeds hi "
                         << formatNumber(*b);
      return std::nullopt;
    }
    return llvm::formatv("{0} {1:g9} {2:g9}", init.name, *a, *b).str();
  }
  el.error(init.loc) << "unknown initializer '" << init.name << "'";
  return std::nullopt;
}

std::optional<std::string> Elaborator::reuseInstantiation(StringRef key, Type &output) {
  auto it = instantiated.find(key);
  if (it == instantiated.end())
    return std::nullopt;
  auto existing = module->lookupSymbol<gd::LensOp>(it->second);
  output = existing.getForward().front().getTerminator()->getOperand(0).getType();
  return it->second;
}

std::string Elaborator::finishInstantiation(gd::LensOp op, Value result, StringRef key,
                                            Type &output) {
  gd::YieldOp::create(builder, op.getLoc(), result);
  output = result.getType();
  instantiated[key] = op.getSymName().str();
  return op.getSymName().str();
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
  llvm::scope_exit restore([&] { current = saved; });

  Scope scope(&scopeOf(node.module));
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

  if (auto existing = reuseInstantiation(key, output))
    return existing;
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
  return finishInstantiation(op, result, key, output);
}

std::optional<std::string> Elaborator::emitFnLens(const ModelNode &node, Type input,
                                                  Type &output) {
  StringRef name = node.decl ? StringRef(node.decl->name) : StringRef(node.builtin);
  std::string key = "fn:" + name.str() + "@" + (node.decl ? node.module->path : "") + ":" +
                    typeString(input);
  if (auto existing = reuseInstantiation(key, output))
    return existing;
  OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPointToEnd(module->getBody());
  const ast::Module *saved = current;
  current = node.module;
  auto op = gd::LensOp::create(builder, loc(node.decl ? node.decl->nameLoc : node.loc),
                               freshSymbol(*module, name.str() + shapeSuffix(input)),
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
  call.name = name.str();
  Scope scope(&scopeOf(node.module));
  Value result = node.decl ? emitFnCall(call, *node.decl, *node.module, {x})
                           : emitBuiltin(call, name, {x}, std::nullopt, scope);
  if (!result) {
    op.erase();
    return std::nullopt;
  }
  return finishInstantiation(op, result, key, output);
}

/// Whether an instance owns parameters (a parameter-free one, like a
/// let-bound relu, can be used any number of times).
static bool hasParameters(const ModelNode &node) {
  if (node.kind == ModelNode::Lens)
    return llvm::any_of(node.decl->body,
                        [](const ast::Stmt &s) { return s.kind == ast::StmtKind::Param; });
  if (node.kind == ModelNode::Fn)
    return false;
  return llvm::any_of(node.stages, [](const auto &s) { return hasParameters(*s); });
}

std::optional<std::string> Elaborator::emitModel(const ModelNode &node, Type input,
                                                 Type &output, StringRef name) {
  if (node.kind == ModelNode::Lens) {
    auto guard = instantiating(node.useModule, node.loc,
                               "in '" + node.decl->name + "', used here with input " +
                                   typeString(input));
    return emitLens(node, input, output);
  }
  if (node.kind == ModelNode::Fn) {
    std::string name = node.decl ? node.decl->name : node.builtin;
    auto guard = instantiating(node.useModule, node.loc,
                               "in '" + name + "', used here with input " + typeString(input));
    return emitFnLens(node, input, output);
  }
  SmallVector<Attribute> stages;
  Type wire = input;
  for (auto [i, stage] : llvm::enumerate(node.stages)) {
    // A name bound to an instance denotes that one instance: using it twice
    // shares its parameters, which code generation cannot express yet.
    // Refuse rather than silently create a second instance.
    if (hasParameters(*stage) && !emittedNodes.insert(stage.get()).second) {
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
  // Parameters after the prediction and the label are settings with
  // defaults (huber's delta); the train block uses the defaults.
  bool settingsHaveDefaults = llvm::all_of(
      llvm::drop_begin(decl.params, std::min<size_t>(2, decl.params.size())),
      [](const ast::Param &p) { return p.defaultValue != nullptr; });
  if (decl.params.size() < 2 || !settingsHaveDefaults) {
    error(use) << "the loss '" << decl.name << "' must take the prediction and the label"
               << (decl.params.size() < 2 ? "" : ", and give defaults to the rest") << " ("
               << decl.params.size() << " parameters given)";
    return std::nullopt;
  }
  const ast::Module *saved = current;
  current = &lossModule;
  llvm::scope_exit restore([&] { current = saved; });
  Scope scope(&scopeOf(&lossModule));
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
  Value result;
  bool settingsOk = true;
  for (const ast::Param &setting : llvm::drop_begin(decl.params, 2)) {
    Binding s;
    s.value = emit(*setting.defaultValue, scope);
    if (!s.value || (setting.type && !unify(*setting.type, s.value.getType(), scope,
                                            "the default of '" + setting.name + "'"))) {
      settingsOk = false;
      break;
    }
    scope.bind(setting.name, s);
  }
  if (settingsOk)
    result = emit(*decl.value, scope);
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

} // namespace gdc::lang
