//===- LensEmitter.cpp - Lens instances: parameters and forward maps ------===//
//
// A lens instance becomes a gd.lens whose forward region takes the
// instance's parameters, then its input. Sub-lenses applied in a lens body
// are composed into the enclosing gd.lens (see LensBuild), which is also how
// a composition with `||` (whose wires are tuples) is emitted.
//
//===----------------------------------------------------------------------===//
#include "lang/Elaborator.h"

#include "llvm/ADT/StringExtras.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/Support/FormatVariadic.h"

#include <cmath>
#include <set>

using namespace mlir;
using namespace gdc;
using namespace gdc::lang;

namespace gdc::lang {

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


/// `path.i`, or `i` at the root of a lens.
static std::string childPath(StringRef path, size_t i) {
  return path.empty() ? std::to_string(i) : (path + "." + Twine(i)).str();
}

/// What `gdc --emit=diagram` draws of a composition emitted as one lens:
/// per node its kind (lens, fn, seq, par), its name, the path its
/// parameters are named under in the lens, its wire types and its stages.
static Attribute structureOf(Builder &b, const ModelNode &node, StringRef path,
                             const LensBuild &build) {
  static const char *const kinds[] = {"lens", "fn", "seq", "par"};
  SmallVector<NamedAttribute> fields;
  fields.push_back(b.getNamedAttr("kind", b.getStringAttr(kinds[node.kind])));
  std::string name = node.decl ? node.decl->name : node.builtin;
  fields.push_back(b.getNamedAttr("name", b.getStringAttr(name)));
  fields.push_back(b.getNamedAttr("path", b.getStringAttr(path)));
  if (auto wire = build.wireTypes.find(&node); wire != build.wireTypes.end()) {
    fields.push_back(b.getNamedAttr("in", TypeAttr::get(wire->second.first)));
    fields.push_back(b.getNamedAttr("out", TypeAttr::get(wire->second.second)));
  }
  SmallVector<Attribute> stages;
  for (auto [i, stage] : llvm::enumerate(node.stages))
    stages.push_back(structureOf(b, *stage, childPath(path, i), build));
  fields.push_back(b.getNamedAttr("stages", b.getArrayAttr(stages)));
  return b.getDictionaryAttr(fields);
}

std::optional<std::string> Elaborator::emitLensOp(const ModelNode &node, Type input,
                                                  Type &output, StringRef symbolBase,
                                                  std::optional<std::string> key, Location l) {
  if (key)
    if (auto existing = reuseInstantiation(*key, output))
      return existing;
  OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPointToEnd(module->getBody());
  auto op = gd::LensOp::create(builder, l, freshSymbol(*module, symbolBase.str()),
                               builder.getArrayAttr({}), builder.getArrayAttr({}),
                               /*num_inputs=*/1, /*batched=*/false);
  Block *block = new Block();
  op.getForward().push_back(block);
  Value x = block->addArgument(input, l);
  LensBuild build;
  build.op = op;
  build.block = block;
  LensBuildScope building(*this, build);
  builder.setInsertionPointToEnd(block);
  Value result = applyModel(node, x, "", node.loc);
  if (result && !isa<RankedTensorType>(result.getType())) {
    error(node.loc) << "this stage's output is the tuple " << typeString(result.getType())
                    << "; stages of a composition pass tensors, except into and out of "
                       "a parallel product 'f || g'";
    result = {};
  }
  if (!result) {
    op.erase();
    return std::nullopt;
  }
  op.setParamNamesAttr(builder.getArrayAttr(build.names));
  op.setParamInitsAttr(builder.getArrayAttr(build.inits));
  // A composition emitted whole keeps its shape for the diagram.
  if (node.kind == ModelNode::Sequence || node.kind == ModelNode::Parallel)
    op->setAttr("gd.structure", structureOf(builder, node, "", build));
  if (key)
    return finishInstantiation(op, result, *key, output);
  gd::YieldOp::create(builder, op.getLoc(), result);
  output = result.getType();
  return op.getSymName().str();
}

std::optional<std::string> Elaborator::emitLens(const ModelNode &node, Type input,
                                                Type &output) {
  const ast::Decl &lens = *node.decl;
  std::string key = "lens:" + lens.name + "@" + node.module->path;
  std::string base = lens.name;
  for (const LensArg &a : node.args) {
    std::string text = formatNumber(a.value);
    key += "," + text;
    // A symbol name of letters, digits and '_': 0.25 becomes 0p25.
    for (char &c : text)
      if (!llvm::isAlnum(static_cast<unsigned char>(c)))
        c = c == '.' ? 'p' : c == '-' ? 'm' : '_';
    base += "_" + text;
  }
  key += ":" + typeString(input);
  return emitLensOp(node, input, output, base, key, loc(node.module, lens.nameLoc));
}

std::optional<std::string> Elaborator::emitFnLens(const ModelNode &node, Type input,
                                                  Type &output) {
  StringRef name = node.decl ? StringRef(node.decl->name) : StringRef(node.builtin);
  std::string key = "fn:" + name.str() + "@" + (node.decl ? node.module->path : "") + ":" +
                    typeString(input);
  Location l = node.decl ? loc(node.module, node.decl->nameLoc) : loc(node.loc);
  return emitLensOp(node, input, output, name.str() + shapeSuffix(input), key, l);
}

std::optional<std::string> Elaborator::emitInlinedModel(const ModelNode &node, Type input,
                                                        Type &output, StringRef name) {
  return emitLensOp(node, input, output, name, std::nullopt, loc(node.loc));
}

Value Elaborator::applyModel(const ModelNode &node, Value input, StringRef path,
                             ast::Loc use) {
  Value output = applyModelNode(node, input, path, use);
  if (output && lensBuild)
    lensBuild->wireTypes[&node] = {input.getType(), output.getType()};
  return output;
}

Value Elaborator::applyModelNode(const ModelNode &node, Value input, StringRef path,
                                 ast::Loc use) {
  switch (node.kind) {
  case ModelNode::Lens:
    return applyLens(node, input, path);
  case ModelNode::Fn: {
    ast::Expr call;
    call.kind = ast::ExprKind::Call;
    call.loc = call.nameLoc = use;
    if (node.decl) {
      call.name = node.decl->name;
      return emitFnCall(call, *node.decl, *node.module, {input});
    }
    call.name = node.builtin;
    if (!isa<RankedTensorType>(input.getType())) {
      error(use) << "'" << node.builtin << "' takes a tensor, but its input is the tuple "
                 << typeString(input.getType());
      return {};
    }
    Scope scope(&builtins);
    return emitBuiltin(call, node.builtin, {input}, std::nullopt, scope);
  }
  case ModelNode::Sequence: {
    Value wire = input;
    for (auto [i, stage] : llvm::enumerate(node.stages))
      if (!(wire = applyModel(*stage, wire, childPath(path, i),
                              i < node.stageLocs.size() ? node.stageLocs[i] : use)))
        return {};
    return wire;
  }
  case ModelNode::Parallel: {
    auto tuple = dyn_cast<TupleType>(input.getType());
    if (!tuple || tuple.size() != node.stages.size()) {
      error(node.loc) << "this parallel product of " << node.stages.size()
                      << " lenses takes a tuple of " << node.stages.size()
                      << " values, but its input is " << typeString(input.getType());
      return {};
    }
    SmallVector<Value> parts;
    SmallVector<Type> types;
    for (auto [i, stage] : llvm::enumerate(node.stages)) {
      Value part = applyModel(*stage, tuplePart(input, i, node.loc), childPath(path, i),
                              node.stageLocs[i]);
      if (!part)
        return {};
      parts.push_back(part);
      types.push_back(part.getType());
    }
    return gd::TupleOp::create(builder, loc(node.loc), TupleType::get(&ctx, types), parts);
  }
  }
  return {};
}

/// Whether a `let` in a lens body binds a sub-lens (rather than a
/// compile-time integer such as `let h = 2 * d`).
static bool bindsModel(const ast::Expr &e, const Scope &scope) {
  using K = ast::ExprKind;
  if (e.kind == K::Binary)
    return e.op == ">>" || e.op == "||";
  if (e.kind == K::Call) {
    if (e.name == "repeat")
      return true;
    const Binding *b = scope.lookup(e.name);
    return b && b->kind == Binding::Decl && b->decl->kind == ast::DeclKind::Lens;
  }
  if (e.kind == K::Name) {
    const Binding *b = scope.lookup(e.name);
    if (!b)
      return isBuiltinLayer(e.name);
    return b->kind == Binding::Model ||
           (b->kind == Binding::Decl && b->decl->kind == ast::DeclKind::Fn);
  }
  return false;
}

Value Elaborator::applyLens(const ModelNode &node, Value input, StringRef path) {
  const ast::Decl &lens = *node.decl;
  const ast::Module *saved = current;
  current = node.module;
  llvm::scope_exit restore([&] { current = saved; });

  Scope scope(&scopeOf(node.module));
  for (auto [param, value] : llvm::zip(lens.params, node.args))
    scope.bind(param.name, Binding::of(value));
  const ast::Stmt *forward = nullptr, *backward = nullptr;
  for (const ast::Stmt &stmt : lens.body)
    if (stmt.kind == ast::StmtKind::Forward) {
      if (forward) {
        error(stmt.loc) << "a lens has one forward map; '" << lens.name << "' has two";
        return {};
      }
      forward = &stmt;
    } else if (stmt.kind == ast::StmtKind::Backward) {
      if (backward) {
        error(stmt.loc) << "a lens has one backward map; '" << lens.name << "' has two";
        return {};
      }
      backward = &stmt;
    }
  if (!forward) {
    error(lens.nameLoc) << "lens '" << lens.name
                        << "' has no forward map `fn (x: ...) -> ... = ...`";
    return {};
  }
  if (forward->params.size() != 1) {
    error(forward->loc) << "the forward map takes one input, not " << forward->params.size();
    return {};
  }
  // The input's annotation first: its shape variables may size parameters.
  if (forward->params[0].type &&
      !unify(*forward->params[0].type, input.getType(), scope,
             "the input of '" + lens.name + "'"))
    return {};

  // A second application of one instance reuses its parameters.
  auto known = lensBuild->instances.find(&node);
  bool fresh = known == lensBuild->instances.end();
  LensBuild::Instance owned = fresh ? LensBuild::Instance() : known->second;
  SmallVector<Value> &params = owned.params;
  unsigned next = 0;
  Scope body(&scope);
  std::set<std::string> seen;
  for (const ast::Stmt &stmt : lens.body) {
    switch (stmt.kind) {
    case ast::StmtKind::Param: {
      if (!seen.insert(stmt.name).second) {
        error(stmt.nameLoc) << "parameter '" << stmt.name << "' is defined twice";
        return {};
      }
      auto type = resolveType(*stmt.type, body);
      if (!type)
        return {};
      auto init = initializerSpec(*this, *stmt.value, *type, body);
      if (!init)
        return {};
      Binding b;
      if (fresh) {
        b.value = lensBuild->block->insertArgument(lensBuild->names.size(), *type,
                                                   loc(stmt.nameLoc));
        lensBuild->names.push_back(builder.getStringAttr(
            path.empty() ? stmt.name : (path + "." + stmt.name).str()));
        lensBuild->inits.push_back(builder.getStringAttr(*init));
        params.push_back(b.value);
      } else {
        b.value = params[next++];
        if (b.value.getType() != *type) {
          error(stmt.nameLoc) << "this instance of '" << lens.name
                              << "' is used twice, so it has one parameter '" << stmt.name
                              << "'; it is " << typeString(b.value.getType())
                              << " at the first use but would be " << typeString(*type)
                              << " here";
          return {};
        }
      }
      body.bind(stmt.name, b);
      break;
    }
    case ast::StmtKind::Let: {
      if (stmt.binder.isTuple()) {
        error(stmt.loc) << "a let in a lens body binds one sub-lens or integer; "
                           "destructure tuples inside the forward map";
        return {};
      }
      if (body.definesLocally(stmt.name)) {
        error(stmt.nameLoc) << "'" << stmt.name << "' is defined twice in '" << lens.name
                            << "'";
        return {};
      }
      Binding b;
      if (bindsModel(*stmt.value, body)) {
        if (backward) {
          error(stmt.loc) << "lens '" << lens.name
                          << "' has its own backward map, which must give the cotangent "
                             "of every parameter, so it cannot apply a sub-lens ('"
                          << stmt.name << "'); compose it with '>>' instead";
          return {};
        }
        b.kind = Binding::Model;
        b.inLensBody = true;
        std::shared_ptr<ModelNode> &sub = owned.subLenses[stmt.name];
        if (!sub)
          sub = evalModel(*stmt.value, body);
        if (!(b.model = sub))
          return {};
      } else {
        b.kind = Binding::Int;
        auto v = evalInt(*stmt.value, body);
        if (!v)
          return {};
        b.integer = *v;
      }
      body.bind(stmt.name, b);
      break;
    }
    case ast::StmtKind::Forward:
    case ast::StmtKind::Backward:
      break;
    default:
      error(stmt.loc) << "a lens body holds `param`, `let`, one `fn (x) = ...` and "
                         "optionally one `backward (x, dy) = ...`; this statement belongs "
                         "in an optimizer";
      return {};
    }
  }
  if (fresh)
    lensBuild->instances[&node] = owned;

  std::string outer = lensBuild->path;
  lensBuild->path = path.str();
  llvm::scope_exit restorePath([&] { lensBuild->path = outer; });
  if (backward)
    return applyCustomBackward(lens, *forward, *backward, input, params, body);
  Binding x;
  x.value = input;
  body.bind(forward->params[0].name, x);
  Value result = emitAny(*forward->value, body);
  if (result && forward->result &&
      !unify(*forward->result, result.getType(), body, "the output of '" + lens.name + "'"))
    return {};
  return result;
}

Value Elaborator::emitSubLensCall(const ast::Expr &call, const Binding &lens, Scope &scope) {
  if (!lensBuild || !lens.inLensBody) {
    error(call.nameLoc) << "'" << call.name
                        << "' is a lens instance; apply it as " << call.name
                        << "(x) in the body of a lens that declares it (`let " << call.name
                        << " = ...`), or compose it with '>>'";
    return {};
  }
  if (call.args.empty() ||
      llvm::any_of(call.args, [](const ast::Arg &a) { return !a.keyword.empty(); })) {
    error(call.loc) << "a lens instance takes its input by position: " << call.name << "(x)";
    return {};
  }
  Value input;
  if (call.args.size() == 1) {
    input = emitAny(*call.args[0].value, scope);
  } else {
    // f(a, b) is f((a, b)): a parallel product takes a tuple.
    SmallVector<Value> parts;
    SmallVector<Type> types;
    for (const ast::Arg &arg : call.args) {
      Value part = emitAny(*arg.value, scope);
      if (!part)
        return {};
      parts.push_back(part);
      types.push_back(part.getType());
    }
    input = gd::TupleOp::create(builder, loc(call.loc), TupleType::get(&ctx, types), parts);
  }
  if (!input)
    return {};
  std::string path = lensBuild->path.empty() ? call.name : lensBuild->path + "." + call.name;
  return applyModel(*lens.model, input, path, call.loc);
}

} // namespace gdc::lang
