//===- UpdatePlan.cpp - Which rule updates which parameter -----------------===//
#include "passes/lens/UpdatePlan.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"

using namespace mlir;
using namespace gdc;
using namespace gdc::gd;

FailureOr<UpdatePlan> gdc::planUpdates(ModuleOp module, Operation *wire,
                                       ArrayRef<std::string> paths) {
  UpdatePlan plan;
  SmallVector<std::string> prefixes; // per group, for names that repeat
  if (auto opt = dyn_cast<OptimizerOp>(wire)) {
    UpdateGroup all{opt, /*ascend=*/false, /*firstHyper=*/0, /*firstGlobal=*/0, {}};
    for (unsigned i = 0; i < paths.size(); ++i)
      all.tensors.push_back(i);
    plan.groups.push_back(std::move(all));
    prefixes.push_back("");
  } else if (auto groups = dyn_cast<ParamGroupsOp>(wire)) {
    for (auto [pattern, rule, ascend] :
         llvm::zip(groups.getPatterns(), groups.getRules(), groups.getAscend())) {
      UpdateGroup group;
      group.ascend = ascend;
      if (auto ref = dyn_cast<FlatSymbolRefAttr>(rule)) {
        group.rule = dyn_cast_or_null<OptimizerOp>(SymbolTable::lookupSymbolIn(module, ref));
        if (!group.rule)
          return groups.emitOpError("group '")
                 << cast<StringAttr>(pattern).getValue() << "' needs a gd.optimizer, not "
                 << ref << " (gd-fold-update-rules folds chains and schedules)";
      }
      plan.groups.push_back(std::move(group));
      prefixes.push_back(cast<StringAttr>(pattern).getValue().str() + ".");
    }
    // Each parameter belongs to the most specific group that matches it
    // (the front end checks that one does, unambiguously).
    SmallVector<StringRef> patterns;
    for (Attribute pattern : groups.getPatterns())
      patterns.push_back(cast<StringAttr>(pattern).getValue());
    for (unsigned i = 0; i < paths.size(); ++i) {
      PathGroupChoice choice = choosePathGroup(patterns, paths[i]);
      if (!choice.group || choice.tie)
        return groups.emitOpError("no one group is the most specific match of the parameter '")
               << paths[i] << "'";
      plan.groups[*choice.group].tensors.push_back(i);
    }
  } else {
    return wire->emitOpError("is not an optimizer code generation can apply");
  }

  llvm::StringMap<unsigned> uses, globalUses, constantUses;
  for (UpdateGroup &group : plan.groups) {
    if (!group.rule)
      continue;
    for (const RuleConstant &constant : constantsOf(group.rule))
      ++constantUses[constant.name];
    for (Attribute name : group.rule.getHyperNames())
      ++uses[cast<StringAttr>(name).getValue()];
    for (Attribute name : group.rule.getGlobalStateNames())
      ++globalUses[cast<StringAttr>(name).getValue()];
  }
  SmallVector<llvm::SmallVector<std::string, 2>> slots;
  for (auto [group, prefix] : llvm::zip(plan.groups, prefixes)) {
    if (!group.rule)
      continue;
    group.firstHyper = plan.hyperNames.size();
    for (auto [name, value] :
         llvm::zip(group.rule.getHyperNames(), group.rule.getHyperDefaults())) {
      StringRef n = cast<StringAttr>(name).getValue();
      plan.hyperNames.push_back(uses[n] > 1 ? prefix + n.str() : n.str());
      plan.hyperDefaults.push_back(cast<FloatAttr>(value).getValueAsDouble());
    }
    for (RuleConstant c : constantsOf(group.rule)) {
      if (constantUses[c.name] > 1)
        c.name = prefix + c.name;
      plan.constants.push_back(c);
    }
    group.firstGlobal = plan.globalNames.size();
    Block &body = group.rule.getBody().front();
    unsigned firstGlobalArg = body.getNumArguments() - group.rule.getGlobalStateNames().size();
    for (auto [i, name, init] : llvm::enumerate(group.rule.getGlobalStateNames(),
                                                group.rule.getGlobalStateInits())) {
      StringRef n = cast<StringAttr>(name).getValue();
      plan.globalNames.push_back(globalUses[n] > 1 ? prefix + n.str() : n.str());
      plan.globalInits.push_back(cast<StringAttr>(init).getValue() == "ones" ? 1.0 : 0.0);
      plan.globalTypes.push_back(
          cast<RankedTensorType>(body.getArgument(firstGlobalArg + i).getType()));
    }
    for (auto [s, name] : llvm::enumerate(group.rule.getStateNames())) {
      if (slots.size() <= s)
        slots.emplace_back();
      std::string n = cast<StringAttr>(name).getValue().str();
      if (!llvm::is_contained(slots[s], n))
        slots[s].push_back(n);
    }
  }
  // A slot is named by the states that use it (`m`, or `v/m` when groups
  // differ), so that names stay unique.
  for (const auto &names : slots)
    plan.stateNames.push_back(llvm::join(names, "/"));
  return plan;
}
