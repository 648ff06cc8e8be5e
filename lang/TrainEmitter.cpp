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
  auto modelSymbol = emitModel(*model, inputType, outputType, modelName, modelName);
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

  auto optSymbol = emitOptimizerField(*fields["optimizer"]->value, globals,
                                      FlatSymbolRefAttr::get(&ctx, *modelSymbol), modelName);
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
