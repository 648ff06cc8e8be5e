//===- CheckCodegen.cpp - gd-check-codegen ---------------------------------===//
//
// The gd dialect carries every construct of the language; this pass is the
// one list of what the lowering passes after it do not handle yet. Each is
// reported at its own source location, so a user sees which line to change,
// and later passes may assume their input is in the supported subset.
//
//===----------------------------------------------------------------------===//
#include "passes/Passes.h"
#include "passes/lens/PerExampleRules.h"

namespace gdc {
#define GEN_PASS_DEF_GDCHECKCODEGEN
#include "passes/Passes.h.inc"
} // namespace gdc

using namespace mlir;
using namespace gdc;
using namespace gdc::gd;

namespace {

struct CheckCodegenPass : gdc::impl::GDCheckCodegenBase<CheckCodegenPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    bool ok = true;
    auto unsupported = [&](Operation *op, const Twine &what) {
      op->emitError() << what << " is not supported yet by code generation";
      ok = false;
    };
    // Chains gd-fold-update-rules left as they are. A per_example stage is
    // the reason (folded chains no longer refer to theirs), and is reported
    // at its own call below; a chain is blamed only if none of its stages
    // is.
    for (ChainOp chain : module.getOps<ChainOp>()) {
      bool perExampleStage = llvm::any_of(chain.getStages(), [&](Attribute stage) {
        auto transform = SymbolTable::lookupNearestSymbolFrom<TransformOp>(
            chain, cast<FlatSymbolRefAttr>(stage));
        return transform && transform.getPerExample();
      });
      if (!perExampleStage)
        unsupported(chain, "chain(...) of gradient transforms");
    }
    module.walk([&](Operation *op) {
      if (auto lens = dyn_cast<LensOp>(op)) {
        for (unsigned i = 0; i < lens.getNumParams(); ++i) {
          auto type = cast<RankedTensorType>(lens.getForward().front().getArgument(i).getType());
          if (!type.getElementType().isF32())
            unsupported(op, "the parameter '" +
                                cast<StringAttr>(lens.getParamNames()[i]).getValue() +
                                "' of type " + formatTensorType(type) + " (parameters are f32)");
        }
      } else if (auto transform = dyn_cast<TransformOp>(op);
                 transform && transform.getPerExample()) {
        // Those gd-fold-update-rules folded are gone; this one stopped it.
        std::optional<std::string> why = whyNotPerExample(transform);
        unsupported(op, "a per_example transform that " +
                            (why ? *why
                                 : std::string("follows a transform that is not per_example "
                                               "(per_example transforms open the chain: they "
                                               "act before the batch reduction)")));
      } else if (auto opt = dyn_cast<OptimizerOp>(op)) {
        if (opt.getSchedules())
          unsupported(op, "a hyperparameter driven by a schedule");
      }
    });
    if (!ok)
      signalPassFailure();
  }
};

} // namespace
