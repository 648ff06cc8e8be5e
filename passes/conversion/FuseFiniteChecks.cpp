//===- FuseFiniteChecks.cpp - gd-fuse-finite-checks -------------------------===//
//
// The step checks every updated parameter for a NaN or an infinity
// (gd.all_finite): a loop over the parameter's buffer that keeps the largest
// exponent seen. It ran after the loop that wrote the buffer, alone on one
// core and reading the whole buffer again from memory: for Adam on a large
// parameter a third of the update's time. When the loop right before wrote
// every element of that buffer once, the largest exponent is that of the
// values it stored, so the check becomes a reduction of that loop
// (scf.parallel with scf.reduce): no second pass, and on every thread once
// gd-outline-parallel-loops shares the loop out.
//
//===----------------------------------------------------------------------===//
#include "passes/Passes.h"
#include "passes/conversion/BufferRoots.h"

#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/IRMapping.h"

namespace gdc {
#define GEN_PASS_DEF_GDFUSEFINITECHECKS
#include "passes/Passes.h.inc"
} // namespace gdc

using namespace mlir;

namespace {

/// A check as AllFiniteLowering builds it, bufferized: over every element
/// of a buffer, the largest of (bits & mask). `buffer` is what it loads
/// from, `mask` the exponent mask.
struct ExponentCheck {
  scf::ForOp loop;
  Value buffer, mask;
};

std::optional<ExponentCheck> matchCheck(scf::ForOp loop) {
  if (loop.getNumRegionIterArgs() != 1 || !isConstantIntValue(loop.getLowerBound(), 0) ||
      !isConstantIntValue(loop.getStep(), 1))
    return std::nullopt;
  Block *body = loop.getBody();
  if (body->getOperations().size() != 5)
    return std::nullopt;
  auto it = body->begin();
  auto load = dyn_cast<memref::LoadOp>(*it++);
  auto cast = dyn_cast<arith::BitcastOp>(*it++);
  auto andOp = dyn_cast<arith::AndIOp>(*it++);
  auto max = dyn_cast<arith::MaxUIOp>(*it++);
  auto yield = dyn_cast<scf::YieldOp>(*it);
  if (!load || !cast || !andOp || !max || !yield || load.getIndices().size() != 1 ||
      load.getIndices()[0] != loop.getInductionVar() || cast.getIn() != load.getResult() ||
      andOp.getLhs() != cast.getResult() || max.getRhs() != andOp.getResult() ||
      max.getLhs() != loop.getRegionIterArgs()[0] || yield.getOperand(0) != max.getResult())
    return std::nullopt;
  auto type = dyn_cast<MemRefType>(load.getMemRef().getType());
  std::optional<int64_t> trips = getConstantIntValue(loop.getUpperBound());
  if (!type || !type.hasStaticShape() || !trips || *trips != type.getNumElements() ||
      !andOp.getRhs().getDefiningOp<arith::ConstantOp>())
    return std::nullopt;
  return ExponentCheck{loop, load.getMemRef(), andOp.getRhs()};
}

/// Whether `op` may write (or free) the buffer `root`: a write to an
/// unknown place counts, as does an operation whose effects are unknown.
bool mayWrite(Operation *op, Value root) {
  if (auto effects = dyn_cast<MemoryEffectOpInterface>(op)) {
    SmallVector<MemoryEffects::EffectInstance> list;
    effects.getEffects(list);
    for (const MemoryEffects::EffectInstance &effect : list) {
      if (!isa<MemoryEffects::Write, MemoryEffects::Free>(effect.getEffect()))
        continue;
      Value value = effect.getValue();
      if (!value || gdc::rootBuffer(value) == root)
        return true;
    }
    if (!op->hasTrait<OpTrait::HasRecursiveMemoryEffects>())
      return false;
  } else if (!op->hasTrait<OpTrait::HasRecursiveMemoryEffects>()) {
    return true;
  }
  for (Region &region : op->getRegions())
    for (Block &block : region)
      for (Operation &nested : block)
        if (mayWrite(&nested, root))
          return true;
  return false;
}

/// The store by which `loop` writes every element of `root` once: the only
/// store to it, in the loop's own block (so every iteration runs it), at
/// the loop's variables in order, over bounds that are the buffer's shape
/// (of `elements` elements, as many as the check reads through its view).
memref::StoreOp storeOfEveryElement(scf::ParallelOp loop, Value root, int64_t elements) {
  auto type = dyn_cast<MemRefType>(root.getType());
  if (!type || !type.hasStaticShape() || type.getNumElements() != elements ||
      !loop.getInitVals().empty() ||
      loop.getNumLoops() != static_cast<unsigned>(type.getRank()))
    return nullptr;
  for (auto [lo, hi, step, size] : llvm::zip(loop.getLowerBound(), loop.getUpperBound(),
                                             loop.getStep(), type.getShape()))
    if (!isConstantIntValue(lo, 0) || !isConstantIntValue(step, 1) ||
        !isConstantIntValue(hi, size))
      return nullptr;
  memref::StoreOp found;
  bool other = false;
  loop.getRegion().walk([&](memref::StoreOp store) {
    if (gdc::rootBuffer(store.getMemRef()) != root)
      return;
    if (found || store.getMemRef() != root || store->getBlock() != loop.getBody() ||
        store.getIndices() != ValueRange(loop.getInductionVars()))
      other = true;
    found = store;
  });
  return other ? nullptr : found;
}

/// `loop` rebuilt with a reduction: the largest (bits & mask) of the values
/// `store` writes. Returns the reduction's result.
Value addExponentReduction(scf::ParallelOp &loop, memref::StoreOp store, Value mask) {
  OpBuilder b(loop);
  Location loc = loop.getLoc();
  Type bits = mask.getType();
  Value none = arith::ConstantOp::create(b, loc, b.getIntegerAttr(bits, 0));
  auto fused = scf::ParallelOp::create(
      b, loc, loop.getLowerBound(), loop.getUpperBound(), loop.getStep(), ValueRange{none},
      [&](OpBuilder &nb, Location l, ValueRange ivs, ValueRange) {
        IRMapping mapping;
        mapping.map(loop.getInductionVars(), ivs);
        for (Operation &op : loop.getBody()->without_terminator())
          nb.clone(op, mapping);
        Value stored = mapping.lookupOrDefault(store.getValueToStore());
        Value asBits = arith::BitcastOp::create(nb, l, bits, stored);
        Value exponent =
            arith::AndIOp::create(nb, l, asBits, nb.clone(*mask.getDefiningOp())->getResult(0));
        auto reduce = scf::ReduceOp::create(nb, l, ValueRange{exponent});
        Block &combine = reduce.getReductions()[0].front(); // (lhs, rhs), empty
        OpBuilder cb = OpBuilder::atBlockEnd(&combine);
        scf::ReduceReturnOp::create(
            cb, l,
            arith::MaxUIOp::create(cb, l, combine.getArgument(0), combine.getArgument(1))
                .getResult());
      });
  loop.erase();
  loop = fused;
  return fused.getResult(0);
}

struct FuseFiniteChecksPass : gdc::impl::GDFuseFiniteChecksBase<FuseFiniteChecksPass> {
  void runOnOperation() override {
    getOperation().walk([](func::FuncOp function) {
      if (function->hasAttr(gdc::kDiagnoseAttr))
        return; // checks every operation on its own
      SmallVector<ExponentCheck> checks;
      function.walk([&](scf::ForOp loop) {
        if (auto check = matchCheck(loop))
          checks.push_back(*check);
      });
      for (ExponentCheck &check : checks) {
        Value root = gdc::rootBuffer(check.buffer);
        // The loop that last wrote the buffer, if nothing in between may.
        scf::ParallelOp writer;
        for (Operation *op = check.loop->getPrevNode(); op; op = op->getPrevNode()) {
          auto loop = dyn_cast<scf::ParallelOp>(op);
          if (loop && mayWrite(loop, root)) {
            writer = loop;
            break;
          }
          if (mayWrite(op, root))
            break;
        }
        if (!writer)
          continue;
        memref::StoreOp store = storeOfEveryElement(
            writer, root, cast<MemRefType>(check.buffer.getType()).getNumElements());
        if (!store)
          continue;
        Value largest = addExponentReduction(writer, store, check.mask);
        OpBuilder b(check.loop);
        Value result = arith::MaxUIOp::create(b, check.loop.getLoc(), check.loop.getInitArgs()[0],
                                              largest);
        check.loop.getResult(0).replaceAllUsesWith(result);
        check.loop.erase();
      }
    });
  }
};

} // namespace
