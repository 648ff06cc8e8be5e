//===- ParamGroupEmitter.cpp - The optimizer field and parameter groups ---===//
//
// Elaborates the `optimizer` field of a train block: one rule or chain, or
// parameter groups (`{ "glob": rule }`, `ascend(...)`, `frozen`), checked
// against the model's parameters: every parameter needs a group, the most
// specific matching pattern gives its rule (gd::choosePathGroup), and a tie
// or a pattern that gives no parameter its rule is an error.
//
//===----------------------------------------------------------------------===//
#include "lang/Elaborator.h"

#include "dialects/gd/ModelStructure.h"

#include "llvm/ADT/StringExtras.h"

using namespace mlir;
using namespace gdc;
using namespace gdc::lang;

namespace gdc::lang {

std::optional<std::string> Elaborator::emitOptimizerField(const ast::Expr &e, const Scope &scope,
                                                          FlatSymbolRefAttr model,
                                                          StringRef modelName) {
  auto isCall = [&](const ast::Expr &x, StringRef name) {
    return x.kind == ast::ExprKind::Call && x.name == name && !scope.lookup(name);
  };
  bool single = e.kind != ast::ExprKind::Dict;
  if (single && !isCall(e, "ascend"))
    return emitOptimizerOrChain(e, scope);

  // Parameter groups (a lone `ascend(o)` is the group "*").
  SmallVector<Attribute> patterns, rules;
  SmallVector<bool> ascend;
  SmallVector<ast::Loc> entryLocs;
  auto addGroup = [&](StringRef pattern, const ast::Expr &value, ast::Loc at) {
    const ast::Expr *rule = &value;
    bool up = false;
    if (isCall(*rule, "ascend")) {
      if (rule->args.size() != 1 || !rule->args[0].keyword.empty()) {
        error(rule->loc) << "ascend takes one optimizer: ascend(adam(1e-4))";
        return false;
      }
      up = true;
      rule = rule->args[0].value.get();
    }
    patterns.push_back(builder.getStringAttr(pattern));
    ascend.push_back(up);
    entryLocs.push_back(at);
    if (rule->kind == ast::ExprKind::Name && rule->name == "frozen" && !scope.lookup("frozen")) {
      if (up) {
        error(rule->loc) << "a frozen group has nothing to ascend";
        return false;
      }
      rules.push_back(builder.getStringAttr("frozen"));
      return true;
    }
    auto symbol = emitOptimizerOrChain(*rule, scope);
    if (!symbol)
      return false;
    rules.push_back(FlatSymbolRefAttr::get(&ctx, *symbol));
    return true;
  };
  if (single) {
    if (!addGroup("*", e, e.loc))
      return std::nullopt;
  } else {
    if (e.args.empty()) {
      error(e.loc) << "parameter groups need at least one \"pattern\": optimizer entry";
      return std::nullopt;
    }
    for (const ast::Arg &entry : e.args) {
      if (entry.keyword.empty()) {
        error(entry.loc) << "a parameter group's pattern is empty";
        return std::nullopt;
      }
      if (!addGroup(entry.keyword, *entry.value, entry.loc))
        return std::nullopt;
    }
  }

  // Every parameter is matched by a pattern; where several match, the most
  // specific wins (gd::choosePathGroup), and two as specific are an error.
  auto params = gd::collectParameters(*module, model, modelName);
  if (failed(params)) {
    error(e.loc) << "internal error, please report: cannot list the model's parameters";
    return std::nullopt;
  }
  SmallVector<StringRef> patternTexts;
  for (Attribute pattern : patterns)
    patternTexts.push_back(cast<StringAttr>(pattern).getValue());
  std::vector<std::string> unmatched;
  std::vector<std::pair<std::string, std::pair<size_t, size_t>>> ties;
  std::vector<bool> used(patterns.size());
  for (const gd::ModelParameter &param : *params) {
    gd::PathGroupChoice choice = gd::choosePathGroup(patternTexts, param.path);
    if (!choice.group) {
      unmatched.push_back(param.path);
      continue;
    }
    used[*choice.group] = true;
    if (choice.tie) {
      used[*choice.tie] = true;
      ties.push_back({param.path, {*choice.group, *choice.tie}});
    }
  }
  // Every problem is reported, not only the first.
  bool groupsOk = true;
  if (!ties.empty()) {
    auto &[path, pair] = ties.front();
    auto diag = error(entryLocs[pair.second]);
    std::vector<std::string> paths;
    for (auto &t : ties)
      if (t.second == pair)
        paths.push_back(t.first);
    diag << "parameters " << llvm::join(paths, ", ") << " are matched by both \""
         << patternTexts[pair.first] << "\" and \"" << patternTexts[pair.second]
         << "\", which are equally specific; make one more specific (the pattern with "
            "the most characters other than '*' wins)";
    diag.attachNote(loc(entryLocs[pair.first])) << "the first pattern is here";
    groupsOk = false;
  }
  if (!unmatched.empty()) {
    error(e.loc) << "no parameter group matches " << llvm::join(unmatched, ", ")
                 << "; every parameter needs a group (add \"*\": ... or \"*\": frozen)";
    groupsOk = false;
  }
  for (auto [i, isUsed] : llvm::enumerate(used)) {
    if (isUsed)
      continue;
    StringRef pattern = patternTexts[i];
    bool matchesSome = llvm::any_of(*params, [&](const gd::ModelParameter &param) {
      return gd::matchesPathPattern(pattern, param.path);
    });
    if (matchesSome)
      error(entryLocs[i]) << "the pattern \"" << patternTexts[i]
                          << "\" gives no parameter its rule: every parameter it matches "
                             "takes a more specific pattern";
    else
      error(entryLocs[i]) << "the pattern \"" << patternTexts[i]
                          << "\" matches no parameter of '" << modelName << "'";
    groupsOk = false;
  }
  if (!groupsOk)
    return std::nullopt;
  OpBuilder::InsertionGuard insertion(builder);
  builder.setInsertionPointToEnd(module->getBody());
  auto op = gd::ParamGroupsOp::create(builder, loc(e.loc), freshSymbol(*module, "groups"),
                                      builder.getArrayAttr(patterns), builder.getArrayAttr(rules),
                                      builder.getDenseBoolArrayAttr(ascend));
  return op.getSymName().str();
}

} // namespace gdc::lang
