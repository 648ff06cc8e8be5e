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

/// What a split's labels are, for messages.
static const char *describeLabels(const DataSpec &data) {
  if (data.labelIsInput)
    return " that are their own labels";
  return data.floatLabels ? " with targets" : " with class labels";
}

bool Elaborator::emitTrain(const ast::Decl &train) {
  static const char *const known[] = {"model", "loss", "optimizer", "data", "test", "valid",
                                      "batch", "epochs", "seed", "metrics"};
  llvm::StringMap<const ast::Field *> fields;
  for (const ast::Field &f : train.fields) {
    if (!llvm::is_contained(known, f.name)) {
      error(f.loc) << "unknown train field '" << f.name
                   << "'; the fields are: model, loss, optimizer, data, test, valid, "
                      "batch, epochs, seed, metrics";
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
  auto trainData = evalDataSpec(*fields["data"]->value);
  if (!trainData)
    return false;
  std::optional<DataSpec> testData;
  if (auto it = fields.find("test"); it != fields.end())
    if (!(testData = evalDataSpec(*it->second->value)))
      return false;

  // Model.
  const ast::Expr &modelExpr = *fields["model"]->value;
  auto model = evalModel(modelExpr, globals);
  if (!model || !unifyExample(*trainData, *model, modelExpr.loc))
    return false;
  if (testData) {
    if (!cast<RankedTensorType>(testData->example).hasStaticShape())
      testData->example = trainData->example;
    if (testData->example != trainData->example || testData->floatLabels != trainData->floatLabels ||
        testData->labelIsInput != trainData->labelIsInput ||
        testData->labelsPerPosition != trainData->labelsPerPosition) {
      auto diag = error(testData->loc);
      diag << "the test data gives " << typeString(testData->example)
           << describeLabels(*testData) << ", but the training data gives "
           << typeString(trainData->example) << describeLabels(*trainData);
      diag.attachNote(loc(trainData->loc)) << "the training data is here";
      return false;
    }
  }
  std::string modelName = "model";
  if (modelExpr.kind == ast::ExprKind::Name) {
    const Binding *bound = globals.lookup(modelExpr.name);
    if (bound && bound->kind == Binding::Model)
      modelName = modelExpr.name;
  }
  Type outputType;
  auto modelSymbol = emitModel(*model, trainData->example, outputType, modelName, modelName);
  if (!modelSymbol)
    return false;
  auto output = cast<RankedTensorType>(outputType);
  Type labelType = RankedTensorType::get({}, b.getI32Type());
  if (trainData->labelIsInput) {
    // The loss compares the output with the example itself.
    labelType = trainData->example;
  } else if (trainData->floatLabels) {
    // A regression target is shaped like the model's output.
    labelType = outputType;
    if (!output.getElementType().isF32()) {
      error(modelExpr.loc) << "the model's output is " << typeString(outputType)
                           << "; with regression targets it must be f32";
      return false;
    }
  } else if (trainData->labelsPerPosition) {
    // text: the next byte of each position, one of 256 classes.
    int64_t context = cast<RankedTensorType>(trainData->example).getDimSize(0);
    if (output.getRank() != 2 || output.getDimSize(0) != context ||
        output.getDimSize(1) != trainData->classes) {
      auto diag = error(modelExpr.loc);
      diag << "the model's output is " << typeString(outputType)
           << ", but text data labels each of its " << context
           << " positions with the next byte, one of " << trainData->classes
           << " classes: the model must output f32[" << context << ", " << trainData->classes
           << "]";
      diag.attachNote(loc(trainData->loc)) << "the data is here";
      return false;
    }
    labelType = RankedTensorType::get({context}, b.getI32Type());
  } else if (output.getRank() == 0) {
    error(modelExpr.loc) << "the model's output is " << typeString(outputType)
                         << "; with class labels it must be a vector of class scores";
    return false;
  } else if (output.getRank() > 1) {
    // Class scores per position ([T, k]): a class label per position, from
    // npy labels of shape [T] per example.
    labelType = RankedTensorType::get(output.getShape().drop_back(), b.getI32Type());
    auto format = llvm::find_if(trainData->attrs, [](NamedAttribute a) {
      return a.getName() == "format";
    });
    StringRef name = cast<StringAttr>(format->getValue()).getValue();
    if (name != "npy") {
      auto diag = error(modelExpr.loc);
      diag << "the model's output is " << typeString(outputType)
           << ", class scores per position, which needs a class label per position: give npy "
              "labels of shape "
           << typeString(labelType).substr(3) << " per example, not " << name << " data";
      diag.attachNote(loc(trainData->loc)) << "the data is here";
      return false;
    }
  } else if (trainData->classes > 0 && output.getDimSize(0) != trainData->classes) {
    auto diag = error(modelExpr.loc);
    diag << "the model's output is " << typeString(outputType) << ", but the data has "
         << trainData->classes << " classes";
    diag.attachNote(loc(trainData->loc)) << "the data is here";
    return false;
  }
  for (auto [split, data] : {std::pair<const char *, std::optional<DataSpec> *>{"train", &trainData},
                             {"test", &testData}})
    if (*data)
      config.push_back(b.getNamedAttr(split, b.getDictionaryAttr((*data)->attrs)));
  if (auto it = fields.find("valid"); it != fields.end()) {
    auto v = evalNumber(*it->second->value, globals);
    if (!v)
      return false;
    if (!(*v > 0 && *v < 1)) {
      error(it->second->value->loc) << "valid is the fraction of the training data held out, "
                                       "between 0 and 1 (exclusive); got "
                                    << formatNumber(*v);
      return false;
    }
    config.push_back(b.getNamedAttr("valid", b.getF64FloatAttr(*v)));
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
