//===- DeclarationChecks.cpp - Every definition checked where it is written ===//
//
// A definition that no train block uses is still checked, so that `gdc
// FILE` on a library module, the REPL and the embedding library report its
// errors at once rather than at some later use. Each definition of the main
// module is elaborated on its own, as far as it is determined without a use:
//   - a `let` model at its declared input (`dense(784, 256) >> dense(128,
//     10)` fails at the second stage, naming both types);
//   - a `fn` or `loss` whose parameters all have concrete annotations
//     (`f32[3]`, no shape variables) at those types; a generic one has its
//     names resolved now and its shapes checked at every use;
//   - a `lens` without constructor arguments at its declared input;
//   - an `optimizer`, `transform` or `schedule` with its defaults (a
//     hyperparameter without one takes 1): names, arities, phases and the
//     result's shape.
// The checks emit into a scratch module that is thrown away, so the
// program's own module holds only what its train block uses.
//
//===----------------------------------------------------------------------===//
#include "lang/Elaborator.h"

#include "llvm/ADT/ScopeExit.h"

using namespace mlir;

namespace gdc::lang {
namespace {

/// Whether `e` is a compile-time number that needs no name: literals and
/// arithmetic on them.
bool isLiteral(const ast::Expr &e) {
  switch (e.kind) {
  case ast::ExprKind::Number:
    return true;
  case ast::ExprKind::Unary:
  case ast::ExprKind::Binary:
    return llvm::all_of(e.operands, [](const ast::ExprPtr &o) { return isLiteral(*o); });
  default:
    return false;
  }
}

/// Whether annotation `t` is one tensor type fixed by the annotation alone
/// (no shape variable, no compile-time parameter).
bool isConcrete(const ast::TypeExpr *t) {
  return t && !t->element.empty() && t->element != "int" && t->shapeName.empty() &&
         llvm::all_of(t->dims, [](const ast::ExprPtr &d) { return isLiteral(*d); });
}

/// A call of `decl` written at its own name, with the value 1 for each
/// parameter that has no default: how a definition is used to check it.
ast::Expr syntheticUse(const ast::Decl &decl) {
  ast::Expr use;
  use.kind = ast::ExprKind::Call;
  use.loc = use.nameLoc = decl.nameLoc;
  use.name = decl.name;
  for (const ast::Param &param : decl.params) {
    if (param.defaultValue)
      continue;
    ast::Arg arg;
    arg.loc = param.loc;
    arg.keyword = param.name;
    arg.value = std::make_unique<ast::Expr>();
    arg.value->kind = ast::ExprKind::Number;
    arg.value->loc = param.loc;
    arg.value->number = 1;
    arg.value->isInteger = true;
    arg.value->text = "1";
    use.args.push_back(std::move(arg));
  }
  return use;
}

} // namespace

void Elaborator::checkDeclarations() {
  // Elaborate into a scratch module with scratch instantiation caches: what
  // a check builds must not stand in for the train block's own uses.
  OwningOpRef<ModuleOp> scratch = ModuleOp::create(loc({1, 1}));
  std::swap(module, scratch);
  auto savedInstantiated = instantiated;
  auto savedPlaced = placed;
  uint64_t savedStream = nextRandomStream;
  size_t savedNodes = modelNodes;
  llvm::scope_exit restore([&] {
    std::swap(module, scratch);
    instantiated = std::move(savedInstantiated);
    placed = std::move(savedPlaced);
    nextRandomStream = savedStream;
    modelNodes = savedNodes;
    current = program.main;
  });

  for (const ast::Decl &d : program.main->decls) {
    current = program.main;
    switch (d.kind) {
    case ast::DeclKind::Let:
      checkModelDeclaration(d);
      break;
    case ast::DeclKind::Fn:
    case ast::DeclKind::Loss:
      checkFunctionDeclaration(d);
      break;
    case ast::DeclKind::Lens:
      if (d.params.empty()) {
        auto node = std::make_shared<ModelNode>();
        node->kind = ModelNode::Lens;
        node->loc = d.nameLoc;
        node->decl = &d;
        node->module = program.main;
        node->useModule = program.main;
        checkModelAt(*node, d.name);
      }
      break;
    case ast::DeclKind::Optimizer:
    case ast::DeclKind::Transform: {
      ast::Expr use = syntheticUse(d);
      (void)emitUpdateRule(use, globals, d.kind);
      break;
    }
    case ast::DeclKind::Schedule: {
      ast::Expr use = syntheticUse(d);
      (void)emitSchedule(use, d, *program.main, globals);
      break;
    }
    case ast::DeclKind::Use:
    case ast::DeclKind::Train:
      break;
    }
  }
}

void Elaborator::checkModelDeclaration(const ast::Decl &d) {
  if (d.binder.isTuple())
    return;
  const Binding *b = globals.lookup(d.name);
  if (!b || b->kind != Binding::Model || !b->model)
    return; // not a model, or already reported
  checkModelAt(*b->model, d.name);
}

void Elaborator::checkModelAt(const ModelNode &node, StringRef name) {
  std::optional<Type> input = declaredInput(node, /*leadingAxesNone=*/true);
  if (!input)
    return; // generic: checked at each use
  Type output;
  (void)emitModel(node, *input, output, name, name);
}

void Elaborator::checkNames(const ast::Expr &e, const Scope &scope) {
  using K = ast::ExprKind;
  switch (e.kind) {
  case K::Name:
    if (!scope.lookup(e.name) && e.name != "pi" && e.name != "e" && e.name != "training")
      unknownName(e.loc, e.name, scope);
    return;
  case K::Call:
    if (!scope.lookup(e.name) && (e.name == "global_norm" || e.name == "grad_at" ||
                                  e.name == "orthogonalize" || e.name == "size")) {
      barrierOutsideRule(e.nameLoc, e.name);
      return;
    }
    if (!scope.lookup(e.name) && !llvm::is_contained(builtinFunctionNames(), e.name)) {
      unknownName(e.nameLoc, e.name, scope, "function");
      return;
    }
    for (const ast::Arg &arg : e.args)
      checkNames(*arg.value, scope);
    return;
  case K::LetIn: {
    checkNames(*e.operands[0], scope);
    Scope inner(&scope);
    for (const std::string &name : e.binder.names)
      inner.bind(name, Binding());
    checkNames(*e.operands[1], inner);
    return;
  }
  default:
    for (const ast::ExprPtr &operand : e.operands)
      if (operand)
        checkNames(*operand, scope);
    for (const ast::Arg &arg : e.args)
      checkNames(*arg.value, scope);
    return;
  }
}

void Elaborator::checkFunctionDeclaration(const ast::Decl &d) {
  if (d.params.empty() ||
      !llvm::all_of(d.params, [](const ast::Param &p) { return isConcrete(p.type.get()); })) {
    // Generic: the shapes wait for a use, the names need none.
    Scope local(&scopeOf(program.main));
    for (const ast::Param &p : d.params) {
      if (p.defaultValue)
        checkNames(*p.defaultValue, local);
      local.bind(p.name, Binding());
    }
    // Shape variables of the annotations (`k` in f32[k]) are names too.
    for (const ast::Param &p : d.params)
      if (p.type)
        for (const ast::ExprPtr &dim : p.type->dims)
          if (dim->kind == ast::ExprKind::Name && !local.lookup(dim->name))
            local.bind(dim->name, Binding());
    if (d.result)
      for (const ast::ExprPtr &dim : d.result->dims)
        if (dim->kind == ast::ExprKind::Name && !local.lookup(dim->name))
          local.bind(dim->name, Binding());
    if (d.value)
      checkNames(*d.value, local);
    return;
  }
  Scope scope(&scopeOf(program.main));
  SmallVector<Type> types;
  for (const ast::Param &p : d.params) {
    auto type = resolveType(*p.type, scope);
    if (!type)
      return; // reported
    types.push_back(*type);
  }
  // The body is emitted in a lens of its own, as a model stage's would be.
  OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPointToEnd(module->getBody());
  Location l = loc(d.nameLoc);
  auto op = gd::LensOp::create(builder, l, freshSymbol(*module, d.name),
                               builder.getArrayAttr({}), builder.getArrayAttr({}),
                               /*num_inputs=*/types.size(), /*batched=*/false);
  Block *block = new Block();
  op.getForward().push_back(block);
  SmallVector<Value> args;
  for (Type t : types)
    args.push_back(block->addArgument(t, l));
  LensBuild build;
  build.op = op;
  build.block = block;
  LensBuildScope building(*this, build);
  builder.setInsertionPointToEnd(block);
  ast::Expr use;
  use.kind = ast::ExprKind::Call;
  use.loc = use.nameLoc = d.nameLoc;
  use.name = d.name;
  (void)emitFnCall(use, d, *program.main, args);
}

void Elaborator::emitRequestedDefinitions() {
  SmallVector<NamedAttribute> emitted;
  for (const std::string &name : program.emitDefinitions) {
    current = program.main;
    const Binding *b = globals.lookup(name);
    std::shared_ptr<ModelNode> node;
    if (b && b->kind == Binding::Model) {
      node = b->model;
    } else if (b && b->kind == Binding::Decl && b->decl->kind == ast::DeclKind::Lens &&
               b->decl->params.empty()) {
      node = std::make_shared<ModelNode>();
      node->kind = ModelNode::Lens;
      node->loc = b->decl->nameLoc;
      node->decl = b->decl;
      node->module = b->module;
      node->useModule = program.main;
    }
    if (!node) {
      error({1, 1}) << "'" << name << "' is not a model or a lens without arguments";
      continue;
    }
    std::optional<Type> input = declaredInput(*node, /*leadingAxesNone=*/true);
    if (!input) {
      error(node->loc) << "'" << name
                                << "' has no declared input type to generate it at";
      continue;
    }
    Type output;
    auto symbol = emitModel(*node, *input, output, name, name);
    if (!symbol)
      continue;
    emitted.push_back(builder.getNamedAttr(name, FlatSymbolRefAttr::get(&ctx, *symbol)));
  }
  (*module)->setAttr("gd.emitted", builder.getDictionaryAttr(emitted));
}

} // namespace gdc::lang
