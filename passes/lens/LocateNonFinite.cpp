//===- LocateNonFinite.cpp - gd-locate-non-finite --------------------------===//
//
// The train step checks its loss, gradients and updated parameters for NaN
// and infinity in one pass and writes nothing when one is not finite (see
// gd-build-train-step). To say where such a value came from, the runtime
// runs @gd_diagnose on the same state and batch: the same step, here given
// a check after every operation, writing only the index of the first
// operation whose results are not finite. Checking every operation in the
// step itself would cost the fusion of its elementwise chains on every
// step; this copy costs only when a step was not finite.
//
//===----------------------------------------------------------------------===//
#include "passes/Passes.h"

#include "runtime/Manifest.h"

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/PatternMatch.h"

namespace gdc {
#define GEN_PASS_DEF_GDLOCATENONFINITE
#include "passes/Passes.h.inc"
} // namespace gdc

using namespace mlir;
using namespace gdc;
using namespace gdc::gd;

namespace {

/// Whether `op` computes values a non-finite result of which is news:
/// operations with float tensor results, except what only brings values in
/// (the runtime's buffers, which hold finite values, and constants) and
/// what only moves, picks or compares values, which cannot make a finite
/// value non-finite. Leaving those out also leaves them to fusion: each
/// checked value must be materialised, and the diagnosis, compiled with
/// every executable, should cost little to compile.
bool isSite(Operation &op) {
  if (op.hasTrait<OpTrait::ConstantLike>() ||
      isa<bufferization::ToTensorOp, FullLikeOp, tensor::EmptyOp, TransposeOp, ExpandDimsOp,
          ReshapeOp, TakeOp, OneHotOp, ConcatOp, SliceOp, SelectOp, MaxOp, MinOp, NegOp, AbsOp,
          SignOp, FloorOp, CeilOp, StopGradientOp, ReduceMaxOp, ReduceMinOp, DimSizeOp, TupleOp,
          TupleGetOp, tensor::ExtractSliceOp, tensor::InsertSliceOp, tensor::ExpandShapeOp,
          tensor::CollapseShapeOp, tensor::ConcatOp>(op))
    return false;
  return llvm::any_of(op.getResultTypes(), [](Type type) {
    auto tensor = dyn_cast<RankedTensorType>(type);
    return tensor && isa<FloatType>(tensor.getElementType());
  });
}

/// The site's source location (the first file location in `loc`) and what
/// ran it (the first name in `loc`: gd-build-train-step names each lens
/// application and update).
gdrt::SiteSpec describe(Operation &op) {
  gdrt::SiteSpec site;
  site.op = op.getName().stripDialect().str();
  op.getLoc()->walk([&](Location loc) {
    if (auto file = dyn_cast<FileLineColLoc>(loc); file && site.location.empty())
      site.location = (file.getFilename().str() + ":" + std::to_string(file.getLine()) + ":" +
                       std::to_string(file.getColumn()));
    if (auto name = dyn_cast<NameLoc>(loc); name && site.context.empty())
      site.context = name.getName().str();
    return WalkResult::advance();
  });
  return site;
}

/// Adds `sites` to the manifest global that gd-build-train-step wrote.
LogicalResult recordSites(ModuleOp module, ArrayRef<gdrt::SiteSpec> sites) {
  auto global = module.lookupSymbol<LLVM::GlobalOp>("gd_model_manifest");
  auto text = global ? dyn_cast_or_null<StringAttr>(global.getValueOrNull()) : StringAttr();
  if (!text)
    return module.emitError("internal error, please report: no manifest to add sites to");
  gdrt::Manifest manifest;
  std::string error;
  if (!gdrt::parseManifest(text.getValue().rtrim('\0'), manifest, error))
    return module.emitError("internal error, please report: ") << error;
  manifest.sites.assign(sites.begin(), sites.end());
  std::string updated = gdrt::formatManifest(manifest);
  updated.push_back('\0');
  auto i8 = IntegerType::get(module.getContext(), 8);
  global.setGlobalTypeAttr(TypeAttr::get(LLVM::LLVMArrayType::get(i8, updated.size())));
  global.setValueAttr(StringAttr::get(module.getContext(), updated));
  return success();
}

/// Checks each site of `block` right after it: returns the first site
/// (in `sites`' numbering) whose results are not all finite, `first` when
/// that is not -1. A loop (the repeated stages of StageLoops.h) carries
/// the answer through its iterations; its sites are those of its body.
Value instrument(Block &block, OpBuilder &b, Location loc, Value first,
                 SmallVectorImpl<gdrt::SiteSpec> &sites) {
  auto i32 = [&](int32_t v) -> Value {
    return arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(v));
  };
  for (Operation &op : llvm::make_early_inc_range(block.without_terminator())) {
    if (auto loop = dyn_cast<scf::ForOp>(op)) {
      IRRewriter rewriter(b.getContext());
      rewriter.setInsertionPoint(loop);
      auto carried = loop.replaceWithAdditionalYields(
          rewriter, ValueRange{first}, /*replaceInitOperandUsesInLoop=*/false,
          [](OpBuilder &, Location, ArrayRef<BlockArgument> args) {
            return SmallVector<Value>{args.back()};
          });
      if (failed(carried))
        continue;
      auto wider = cast<scf::ForOp>(carried->getOperation());
      Block &inner = *wider.getBody();
      OpBuilder nb(inner.getTerminator());
      Value found = instrument(inner, nb, loc, inner.getArguments().back(), sites);
      inner.getTerminator()->setOperand(inner.getTerminator()->getNumOperands() - 1, found);
      first = wider.getResults().back();
      continue;
    }
    if (!isSite(op))
      continue;
    b.setInsertionPointAfter(&op);
    SmallVector<Value> floats;
    for (Value result : op.getResults())
      if (isa<FloatType>(cast<ShapedType>(result.getType()).getElementType()))
        floats.push_back(result);
    Value finite =
        tensor::ExtractOp::create(b, loc, AllFiniteOp::create(b, loc, floats), ValueRange{});
    Value found = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, first, i32(-1));
    Value here = arith::SelectOp::create(b, loc, finite, i32(-1), i32(sites.size()));
    first = arith::SelectOp::create(b, loc, found, first, here);
    sites.push_back(describe(op));
  }
  return first;
}

struct LocateNonFinitePass : gdc::impl::GDLocateNonFiniteBase<LocateNonFinitePass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    func::FuncOp diagnose;
    for (auto fn : module.getOps<func::FuncOp>())
      if (fn->hasAttr(kDiagnoseAttr))
        diagnose = fn;
    if (!diagnose)
      return;
    Block &body = diagnose.getBody().front();
    Operation *end = body.getTerminator();
    OpBuilder b = OpBuilder::atBlockBegin(&body);
    Location loc = diagnose.getLoc();
    SmallVector<gdrt::SiteSpec> sites;
    Value none = arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(-1));
    Value first = instrument(body, b, loc, none, sites);
    b.setInsertionPoint(end);
    Value site = tensor::FromElementsOp::create(b, loc, RankedTensorType::get({}, b.getI32Type()),
                                                ValueRange{first});
    auto write = bufferization::MaterializeInDestinationOp::create(
        b, loc, site, body.getArguments().back());
    write.setRestrict(true);
    write.setWritable(true);
    // Run once per diverged run, it is not worth LLVM's optimisation: at
    // -O3 this copy of the step, checks and all, tripled the compile time
    // of an MLP. (func-to-llvm hands the attribute on to the llvm.func.)
    diagnose->setAttr("passthrough", b.getArrayAttr({b.getStringAttr("noinline"),
                                                     b.getStringAttr("optnone")}));
    if (failed(recordSites(module, sites)))
      signalPassFailure();
  }
};

} // namespace
