//===- TrainEmitter.cpp - Optimizers and the train block -----------------===//
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
  auto matched = matchArguments(use, opt, "hyperparameter");
  if (!matched)
    return std::nullopt;
  auto useSite = instantiating(current, use.loc, "in the optimizer '" + opt.name + "', used here");
  std::vector<std::optional<double>> values(opt.params.size());
  for (auto [i, arg] : llvm::enumerate(*matched))
    if (arg && !(values[i] = evalNumber(*arg->value, scope)))
      return std::nullopt;
  const ast::Module *saved = current;
  llvm::scope_exit restore([&] { current = saved; });
  SmallVector<Attribute> hyperNames, hyperDefaults, stateNames;
  for (auto [param, value] : llvm::zip(opt.params, values)) {
    if (param.name == "p" || param.name == "g" || param.name == "t") {
      current = b->module;
      error(param.loc) << "a hyperparameter cannot be named '" << param.name
                       << "': inside an optimizer '" << param.name << "' is "
                       << (param.name == "p" ? "the parameter"
                           : param.name == "g" ? "its gradient" : "the step");
      return std::nullopt;
    }
    if (param.type && param.type->element != "f32") {
      current = b->module;
      error(param.type->loc) << "hyperparameters of type '" << param.type->element
                             << "' are not supported yet by code generation (f32 only)";
      return std::nullopt;
    }
    if (!value && param.defaultValue) {
      current = b->module;
      value = evalNumber(*param.defaultValue, scopeOf(b->module));
      current = saved;
    }
    if (!value) {
      error(use.loc) << "hyperparameter '" << param.name << "' of '" << opt.name
                     << "' has no default; give it: " << opt.name << "(" << param.name
                     << " = ...)";
      return std::nullopt;
    }
    if (!std::isfinite(*value) || std::fabs(*value) > 3.4028234663852886e38) {
      error(use.loc) << "hyperparameter '" << param.name << "' = " << formatNumber(*value)
                     << " does not fit in f32";
      return std::nullopt;
    }
    hyperNames.push_back(builder.getStringAttr(param.name));
    hyperDefaults.push_back(builder.getF32FloatAttr((float)*value));
  }
  current = b->module;
  std::set<std::string> states;
  for (const ast::Stmt &stmt : opt.body) {
    if (stmt.kind != ast::StmtKind::State)
      continue;
    if (!states.insert(stmt.name).second) {
      error(stmt.nameLoc) << "state '" << stmt.name << "' is declared twice";
      return std::nullopt;
    }
    bool clashes = stmt.name == "p" || stmt.name == "g" || stmt.name == "t" ||
                   llvm::any_of(opt.params, [&](const ast::Param &h) { return h.name == stmt.name; });
    if (clashes) {
      error(stmt.nameLoc) << "state '" << stmt.name
                          << "' would hide a hyperparameter or p, g, t of the same name";
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
  Scope body(&scopeOf(b->module));
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
  for (size_t i = 0; i < stateNames.size(); ++i)
    stateArgs.push_back(block->addArgument(scalarType, op.getLoc()));
  builder.setInsertionPointToEnd(block);

  Value result;
  inOptimizerBody = true;
  llvm::scope_exit leaveBody([&] { inOptimizerBody = false; });
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
        if (v.getType() != scalarType) {
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
        if (!std::isfinite(*v) || std::fabs(*v) > 3.4028234663852886e38) {
          error(arg.loc) << "scale " << formatNumber(*v) << " does not fit in f32";
          return false;
        }
        scale = *v;
      } else if (arg.keyword == "shape") {
        if (arg.value->kind != ast::ExprKind::List) {
          error(arg.loc) << "shape takes a list of dimensions, e.g. shape = [1, 28, 28]";
          return false;
        }
        shape.clear();
        int64_t elements = 1;
        for (const ast::ExprPtr &d : arg.value->operands) {
          auto v = evalInt(*d, globals);
          if (!v)
            return false;
          if (*v < 1 || *v > (int64_t(1) << 30) ||
              __builtin_mul_overflow(elements, *v, &elements) || elements > (int64_t(1) << 32)) {
            error(d->loc) << "example dimension " << *v
                          << " is out of range (each 1 to 2^30, at most 2^32 elements)";
            return false;
          }
          shape.push_back(*v);
        }
        if (shape.empty()) {
          error(arg.loc) << "an example needs at least one dimension";
          return false;
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
  if (cast<RankedTensorType>(outputType).getRank() != 1) {
    error(modelExpr.loc) << "the model's output is " << typeString(outputType)
                         << "; with idx data (class labels) it must be a vector of "
                            "class scores";
    return false;
  }

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
  auto lossGuard = instantiating(current, lossExpr->loc,
                                 "in the loss '" + lossExpr->name + "', used here for " +
                                     typeString(outputType));
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

} // namespace gdc::lang
