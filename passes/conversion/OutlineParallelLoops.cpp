//===- OutlineParallelLoops.cpp - gd-outline-parallel-loops ----------------===//
//
// The step's own loops (the optimizer's update, activations and their
// gradients, pooling) ran on one core while oneDNN's GEMMs and convolutions
// used all of them. A large scf.parallel moves into a function of the range
// of its first dimension, so that the runtime can hand each thread of the
// pool a share of that range (gd-dispatch-parallel-bodies, then
// runtime/Parallel.h). Small loops stay inline: waking the pool costs as
// much as thousands of iterations. The runtime decides for loops over the
// batch, whose size is known only then.
//
//===----------------------------------------------------------------------===//
#include "passes/Passes.h"
#include "passes/conversion/BufferRoots.h"
#include "runtime/Parallel.h"

#include "mlir/IR/IRMapping.h"
#include "mlir/Transforms/RegionUtils.h"

namespace gdc {
#define GEN_PASS_DEF_GDOUTLINEPARALLELLOOPS
#include "passes/Passes.h.inc"
} // namespace gdc

using namespace mlir;

namespace {

/// Estimates what a loop costs, in innermost iterations (operations, for
/// straight-line code), as an index value computed before the loop: trip
/// counts known only at run time (the batch's) are computed from the
/// bounds, which the loop nests gdc generates define outside the loop.
/// Constant parts fold.
class WorkEstimate {
public:
  WorkEstimate(OpBuilder &builder, Location loc, scf::ParallelOp outer)
      : b(builder), loc(loc), outer(outer) {}

  /// What all of `loop` but its first dimension costs: one iteration of it.
  Value perIteration() {
    Value trips = constant(1);
    for (auto [lo, hi, by] : llvm::zip(outer.getLowerBound().drop_front(),
                                       outer.getUpperBound().drop_front(),
                                       outer.getStep().drop_front()))
      trips = mul(trips, tripCount(lo, hi, by));
    return mul(trips, of(outer.getRegion()));
  }

private:
  /// Trip counts whose bounds the loop itself computes count as this many.
  static constexpr int64_t kUnknownTrips = 256;

  Value constant(int64_t value) { return arith::ConstantIndexOp::create(b, loc, value); }
  Value mul(Value x, Value y) { return b.createOrFold<arith::MulIOp>(loc, x, y); }
  Value add(Value x, Value y) { return b.createOrFold<arith::AddIOp>(loc, x, y); }

  bool availableBefore(Value value) {
    return !outer->isAncestor(value.getParentRegion()->getParentOp());
  }

  Value tripCount(Value lower, Value upper, Value step) {
    if (!availableBefore(lower) || !availableBefore(upper) || !availableBefore(step))
      return constant(kUnknownTrips);
    Value span = b.createOrFold<arith::SubIOp>(loc, upper, lower);
    span = b.createOrFold<arith::MaxSIOp>(loc, span, constant(0));
    return b.createOrFold<arith::CeilDivSIOp>(loc, span, step);
  }

  Value of(Region &region) {
    int64_t straightLine = 0;
    Value work = constant(0);
    for (Block &block : region)
      for (Operation &op : block) {
        if (auto loop = dyn_cast<scf::ForOp>(op)) {
          work = add(work, mul(tripCount(loop.getLowerBound(), loop.getUpperBound(),
                                         loop.getStep()),
                               of(loop.getRegion())));
        } else if (auto loop = dyn_cast<scf::ParallelOp>(op)) {
          Value trips = constant(1);
          for (auto [lo, hi, by] :
               llvm::zip(loop.getLowerBound(), loop.getUpperBound(), loop.getStep()))
            trips = mul(trips, tripCount(lo, hi, by));
          work = add(work, mul(trips, of(loop.getRegion())));
        } else {
          ++straightLine;
          for (Region &nested : op.getRegions())
            work = add(work, of(nested));
        }
      }
    return add(work, constant(straightLine));
  }

  OpBuilder &b;
  Location loc;
  scf::ParallelOp outer;
};

/// Whether shares of `loop` can run on other threads at once: nothing in
/// it allocates (a failed allocation unwinds the step from its own thread)
/// or calls out, and every store indexes its buffer by the first
/// dimension's variable, so that two shares never write one element.
bool runsAnywhere(scf::ParallelOp loop) {
  Value first = loop.getInductionVars()[0];
  WalkResult result = loop.getRegion().walk([&](Operation *op) {
    if (isa<CallOpInterface>(op) || hasEffect<MemoryEffects::Allocate>(op) ||
        hasEffect<MemoryEffects::Free>(op))
      return WalkResult::interrupt();
    if (auto store = dyn_cast<memref::StoreOp>(op))
      return llvm::is_contained(store.getIndices(), first) ? WalkResult::advance()
                                                           : WalkResult::interrupt();
    if (hasEffect<MemoryEffects::Write>(op))
      return WalkResult::interrupt();
    return WalkResult::advance();
  });
  return !result.wasInterrupted();
}

/// How the threads' shares of reduction `index` of `loop` combine: the
/// atomic update of a shared cell that its combining operation is. Only
/// idempotent operations, so that each share may start from the loop's
/// initial value as the cell does.
std::optional<arith::AtomicRMWKind> sharedCombine(scf::ParallelOp loop, unsigned index) {
  auto reduce = cast<scf::ReduceOp>(loop.getBody()->getTerminator());
  Block &combine = reduce.getReductions()[index].front();
  if (combine.getOperations().size() != 2)
    return std::nullopt;
  Operation &op = combine.front();
  if (op.getNumOperands() != 2 || op.getOperand(0) != combine.getArgument(0) ||
      op.getOperand(1) != combine.getArgument(1) ||
      combine.getTerminator()->getOperand(0) != op.getResult(0))
    return std::nullopt;
  if (isa<arith::MaxUIOp>(op))
    return arith::AtomicRMWKind::maxu;
  if (isa<arith::OrIOp>(op))
    return arith::AtomicRMWKind::ori;
  if (isa<arith::AndIOp>(op))
    return arith::AtomicRMWKind::andi;
  return std::nullopt;
}

/// Whether each reduction of `loop` can combine its shares (sharedCombine).
bool sharesCombine(scf::ParallelOp loop) {
  for (unsigned i = 0; i < loop.getNumResults(); ++i)
    if (!sharedCombine(loop, i))
      return false;
  return true;
}

/// Whether `loop` runs inside a loop other than scf.for: a loop nested in
/// a parallel one is shared with it, and a sequential scf.for (the
/// repetitions of a repeated block, a reduction over the batch) runs one
/// iteration after the other, each of which may share its parallel loops.
bool insideParallelLoop(scf::ParallelOp loop) {
  for (Operation *op = loop->getParentOp(); op; op = op->getParentOp())
    if (isa<LoopLikeOpInterface>(op) && !isa<scf::ForOp>(op))
      return true;
  return false;
}

struct OutlineParallelLoopsPass
    : gdc::impl::GDOutlineParallelLoopsBase<OutlineParallelLoopsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SymbolTable symbols(module);
    for (auto function : llvm::to_vector(module.getOps<func::FuncOp>())) {
      // The diagnosis runs once, after a step that was not finite, and is
      // compiled without optimisation (lang/ObjectFiles.h): its loops
      // outlined would be compiled at -O3 with the step's, doubling that.
      if (function->hasAttr(gdc::kDiagnoseAttr))
        continue;
      SmallVector<scf::ParallelOp> loops;
      function.walk([&](scf::ParallelOp loop) {
        // A share starts anywhere in the range: only a unit step keeps it
        // on the loop's iterations.
        std::optional<int64_t> step = getConstantIntValue(loop.getStep()[0]);
        if (!insideParallelLoop(loop) && step == 1 && runsAnywhere(loop) && sharesCombine(loop))
          loops.push_back(loop);
      });
      unsigned index = 0;
      for (scf::ParallelOp loop : loops) {
        OpBuilder builder(loop);
        CreatedOps created;
        builder.setListener(&created);
        Value perIteration = WorkEstimate(builder, loop.getLoc(), loop).perIteration();
        Value trips = builder.createOrFold<arith::SubIOp>(loop.getLoc(), loop.getUpperBound()[0],
                                                          loop.getLowerBound()[0]);
        Value work = builder.createOrFold<arith::MulIOp>(loop.getLoc(), trips, perIteration);
        // Known to be too small to share: stays where it is.
        std::optional<int64_t> known = getConstantIntValue(work);
        if (!known || *known >= gdrt::kMinParallelWork)
          outline(loop, work, function, symbols, index++);
        // What the estimate made and does not use (constants folded away).
        for (Operation *op : llvm::reverse(created.ops))
          if (op->use_empty())
            op->erase();
      }
    }
  }

  /// The operations a builder inserts.
  struct CreatedOps : OpBuilder::Listener {
    void notifyOperationInserted(Operation *op, OpBuilder::InsertPoint) override {
      ops.push_back(op);
    }
    SmallVector<Operation *> ops;
  };

  /// Marks `llvm.noalias` the captured buffers that the function allocated
  /// itself and that no other capture views: the body then vectorises
  /// without checking at run time for overlaps that cannot happen (in the
  /// step, those checks doubled the loops' code and a third of the time to
  /// compile it).
  static void markDistinctBuffers(func::FuncOp body, ArrayRef<Value> captures) {
    DenseMap<Value, unsigned> uses;
    for (Value capture : captures)
      if (isa<MemRefType>(capture.getType()))
        ++uses[gdc::rootBuffer(capture)];
    for (auto [index, capture] : llvm::enumerate(captures)) {
      if (!isa<MemRefType>(capture.getType()))
        continue;
      Value root = gdc::rootBuffer(capture);
      if (uses[root] == 1 && root.getDefiningOp<memref::AllocOp>())
        body.setArgAttr(index + 3, LLVM::LLVMDialect::getNoAliasAttrName(),
                        UnitAttr::get(body.getContext()));
    }
  }

  /// Moves `loop` into `@<function>_par<index>(lo, hi, work, captures...)`
  /// and calls it over the loop's whole first dimension. The body ignores
  /// `work`, what the whole call costs; gd-dispatch-parallel-bodies passes
  /// it on to the runtime. Each reduction's result goes through a cell on
  /// the caller's stack, holding the initial value, into which each share
  /// combines its own atomically.
  void outline(scf::ParallelOp loop, Value work, func::FuncOp function, SymbolTable &symbols,
               unsigned index) {
    OpBuilder callBuilder(loop);
    SmallVector<Value> cells;
    for (Value init : loop.getInitVals()) {
      auto cell = memref::AllocaOp::create(callBuilder, loop.getLoc(),
                                           MemRefType::get({}, init.getType()));
      memref::StoreOp::create(callBuilder, loop.getLoc(), init, cell, ValueRange{});
      cells.push_back(cell);
    }
    // What the loop uses from outside, constants excepted: those are
    // cloned into the body, where they keep folding.
    SetVector<Value> used;
    getUsedValuesDefinedAbove(loop.getRegion(), used);
    for (Value operand : loop->getOperands())
      used.insert(operand);
    SmallVector<Value> captures;
    SmallVector<Operation *> constants;
    for (Value value : used) {
      Operation *def = value.getDefiningOp();
      if (def && def->hasTrait<OpTrait::ConstantLike>())
        constants.push_back(def);
      else
        captures.push_back(value);
    }
    unsigned firstCell = captures.size();
    captures.append(cells);

    MLIRContext *context = loop.getContext();
    Location loc = loop.getLoc();
    Type indexType = IndexType::get(context);
    SmallVector<Type> argTypes = {indexType, indexType, indexType};
    for (Value capture : captures)
      argTypes.push_back(capture.getType());

    auto moduleBuilder = OpBuilder::atBlockEnd(function->getBlock());
    auto body = func::FuncOp::create(
        moduleBuilder, loc, (function.getSymName() + "_par" + Twine(index)).str(),
        FunctionType::get(context, argTypes, {}));
    body.setPrivate();
    body->setAttr(gdc::kParallelBodyAttr, UnitAttr::get(context));
    symbols.insert(body); // renames it if the name is taken

    markDistinctBuffers(body, captures);
    Block &callerEntry = function.getBody().front();
    for (auto [i, capture] : llvm::enumerate(captures)) {
      auto arg = dyn_cast<BlockArgument>(gdc::rootBuffer(capture));
      if (isa<MemRefType>(capture.getType()) && arg && arg.getOwner() == &callerEntry)
        body.setArgAttr(i + 3, gdc::kCallerBufferAttr, UnitAttr::get(context));
    }
    Block *entry = body.addEntryBlock();
    OpBuilder builder = OpBuilder::atBlockBegin(entry);
    IRMapping mapping;
    for (Operation *constant : constants)
      builder.clone(*constant, mapping);
    for (auto [capture, arg] : llvm::zip(captures, entry->getArguments().drop_front(3)))
      mapping.map(capture, arg);
    auto copy = cast<scf::ParallelOp>(builder.clone(*loop, mapping));
    copy.getLowerBoundMutable()[0].set(entry->getArgument(0));
    copy.getUpperBoundMutable()[0].set(entry->getArgument(1));
    for (unsigned i = 0; i < copy.getNumResults(); ++i)
      memref::AtomicRMWOp::create(builder, loc, *sharedCombine(copy, i), copy.getResult(i),
                                  entry->getArgument(3 + firstCell + i), ValueRange{});
    func::ReturnOp::create(builder, loc);

    SmallVector<Value> callArgs = {loop.getLowerBound()[0], loop.getUpperBound()[0], work};
    callArgs.append(captures);
    func::CallOp::create(callBuilder, loc, body, callArgs);
    for (auto [result, cell] : llvm::zip(loop.getResults(), cells))
      result.replaceAllUsesWith(memref::LoadOp::create(callBuilder, loc, cell, ValueRange{}));
    loop.erase();
  }
};

} // namespace
