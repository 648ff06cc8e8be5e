//===- ModelEmitter.cpp - Models: compositions of lens instances ---------===//
#include "lang/Elaborator.h"


#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

#include <set>

using namespace mlir;
using namespace gdc;
using namespace gdc::lang;

namespace gdc::lang {

//===----------------------------------------------------------------------===//
// Models: composition trees of lens instances
//===----------------------------------------------------------------------===//

/// A copy of `node` with new instances, keeping the sharing among them.
static std::shared_ptr<ModelNode>
freshCopy(const std::shared_ptr<ModelNode> &node,
          std::map<const ModelNode *, std::shared_ptr<ModelNode>> &copies) {
  if (node->kind == ModelNode::Fn)
    return node;
  std::shared_ptr<ModelNode> &copy = copies[node.get()];
  if (copy)
    return copy;
  copy = std::make_shared<ModelNode>(*node);
  for (std::shared_ptr<ModelNode> &stage : copy->stages)
    stage = freshCopy(stage, copies);
  return copy;
}

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
      node->joinLocs = lhs->joinLocs;
    } else {
      node->stages.push_back(lhs);
      node->stageLocs.push_back(e.operands[0]->loc);
    }
    node->stages.push_back(rhs);
    node->stageLocs.push_back(e.operands[1]->loc);
    node->joinLocs.push_back(e.loc);
    return node;
  }
  if (e.kind == K::Binary && e.op == "||") {
    auto lhs = evalModel(*e.operands[0], scope);
    auto rhs = lhs ? evalModel(*e.operands[1], scope) : nullptr;
    if (!rhs)
      return nullptr;
    // `a || b || c` is one product of three, taking a 3-tuple.
    node->kind = ModelNode::Parallel;
    if (lhs->kind == ModelNode::Parallel && e.operands[0]->kind == K::Binary) {
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
      // `repeat(3, block)` with `block` a bound instance still makes three
      // instances: fresh parameters each time.
      std::map<const ModelNode *, std::shared_ptr<ModelNode>> copies;
      stage = freshCopy(stage, copies);
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
    // A lens parameter is a compile-time `int` (unannotated too) or float.
    for (const ast::Param &param : lens.params)
      if (param.type && (!param.type->dims.empty() ||
                         !llvm::is_contained({"int", "f32", "f64"}, param.type->element))) {
        error(param.loc) << "a lens parameter is a compile-time 'int', 'f32' or 'f64'";
        return nullptr;
      }
    auto evalArg = [&](const ast::Param &param, const ast::Expr &value) {
      std::optional<LensArg> arg;
      bool isFloat = param.type && param.type->element != "int";
      if (isFloat) {
        if (auto v = evalNumber(value, scope))
          arg = LensArg{*v, true};
      } else if (auto v = evalInt(value, scope)) {
        arg = LensArg{static_cast<double>(*v), false};
      }
      return arg;
    };
    std::vector<std::optional<LensArg>> values(lens.params.size());
    for (auto [i, arg] : llvm::enumerate(*matched))
      if (arg && !(values[i] = evalArg(lens.params[i], *arg->value)))
        return nullptr;
    node->kind = ModelNode::Lens;
    node->decl = &lens;
    node->module = b->module;
    for (auto [i, v] : llvm::enumerate(values)) {
      if (!v && lens.params[i].defaultValue)
        v = evalArg(lens.params[i], *lens.params[i].defaultValue);
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

/// Whether an instance may own parameters (a parameter-free one, like a
/// let-bound relu, can be used any number of times). A lens with a `let`
/// may own a sub-lens's.
static bool hasParameters(const ModelNode &node) {
  if (node.kind == ModelNode::Lens)
    return llvm::any_of(node.decl->body, [](const ast::Stmt &s) {
      return s.kind == ast::StmtKind::Param || s.kind == ast::StmtKind::Let;
    });
  if (node.kind == ModelNode::Fn)
    return false;
  return llvm::any_of(node.stages, [](const auto &s) { return hasParameters(*s); });
}

/// Whether an instance's input or output is a tuple: it is a `||`, or a
/// composition that begins or ends with one.
static bool takesOrGivesTuple(const ModelNode &node) {
  if (node.kind == ModelNode::Parallel)
    return true;
  return node.kind == ModelNode::Sequence && !node.stages.empty() &&
         (takesOrGivesTuple(*node.stages.front()) || takesOrGivesTuple(*node.stages.back()));
}

std::optional<std::string> Elaborator::emitModel(const ModelNode &node, Type input,
                                                 Type &output, StringRef name,
                                                 StringRef path) {
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
  // A composition with tuple wires is emitted as one lens: gd.compose passes
  // one tensor from stage to stage.
  if (node.kind == ModelNode::Parallel ||
      llvm::any_of(node.stages, [](const auto &s) { return takesOrGivesTuple(*s); }))
    return emitInlinedModel(node, input, output, name);
  SmallVector<Attribute> stages, shares;
  bool shared = false;
  Type wire = input;
  for (auto [i, stage] : llvm::enumerate(node.stages)) {
    std::string stagePath = (path + "." + Twine(i)).str();
    ast::Loc use = i < node.stageLocs.size() ? node.stageLocs[i] : stage->loc;
    // A name bound to an instance denotes that one instance: a second use
    // shares the parameters of the first.
    std::string sharesWith;
    if (hasParameters(*stage)) {
      auto [first, fresh] = placed.insert({stage.get(), {stagePath, wire}});
      if (!fresh) {
        if (first->second.second != wire) {
          error(use) << "this instance is shared with '" << first->second.first
                     << "', so its input must have the same type there and here: "
                     << typeString(first->second.second) << " there, " << typeString(wire)
                     << " here";
          return std::nullopt;
        }
        sharesWith = first->second.first;
        shared = true;
      }
    }
    shares.push_back(builder.getStringAttr(sharesWith));
    // Sides of a `>>` that do not meet are reported at the `>>`, naming both
    // types, when the right side declares its input.
    if (i > 0 && i - 1 < node.joinLocs.size())
      if (std::optional<Type> takes = declaredInput(*stage, false, wire);
          takes && *takes != wire) {
        error(node.joinLocs[i - 1]) << "'>>' cannot compose: its left side gives "
                                    << typeString(wire) << ", its right side takes "
                                    << typeString(*takes);
        return std::nullopt;
      }
    Type out;
    auto symbol = emitModel(*stage, wire, out, (name + "_" + Twine(i)).str(), stagePath);
    if (!symbol)
      return std::nullopt;
    stages.push_back(FlatSymbolRefAttr::get(&ctx, *symbol));
    wire = out;
  }
  OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPointToEnd(module->getBody());
  auto op = gd::ComposeOp::create(builder, loc(node.loc), freshSymbol(*module, name.str()),
                                  builder.getArrayAttr(stages),
                                  shared ? builder.getArrayAttr(shares) : ArrayAttr());
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
