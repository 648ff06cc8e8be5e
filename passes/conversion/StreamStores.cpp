//===- StreamStores.cpp - gd-stream-stores ---------------------------------===//
//
// The step writes its updated parameters and optimizer states into next
// buffers, apart from the ones it reads (so that a step that was not
// finite changes nothing). An ordinary store to a line that is not in the
// cache first reads it from memory: for Adam on a parameter far larger than
// the cache that is 12 bytes read for nothing per element, on top of the 28
// the update needs, and the hardware prefetchers then follow seven streams
// at once. Adam over 10M parameters ran at half the speed of an update in
// place. Non-temporal (streaming) stores write whole lines without reading
// them; x86 has them for aligned vectors only, and LLVM's loop vectoriser
// gives up on a loop whose stores are marked non-temporal with an element's
// alignment. So this pass vectorises those loops itself: an outlined
// parallel body (gd-outline-parallel-loops) whose innermost loop stores, at
// that loop's variable, into large buffers the step's caller owns
// (`gd.caller_buffer`), and otherwise computes elementwise, becomes a
// scalar loop up to the first line boundary of the written buffers, a
// vector loop of whole lines with non-temporal stores, and a scalar loop
// for the rest. When the written buffers do not start at the same offset
// within a line, the scalar loop does all of it. Values are the scalar
// loop's: the same operations, element by element. Streaming stores are
// weakly ordered: a fence after the loops makes them visible before the
// thread reports its share done, whatever the pool's barrier is made of.
//
//===----------------------------------------------------------------------===//
#include "passes/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/IRMapping.h"

namespace gdc {
#define GEN_PASS_DEF_GDSTREAMSTORES
#include "passes/Passes.h.inc"
} // namespace gdc

using namespace mlir;

namespace {

/// Elements of a vector: a 64-byte cache line of 32-bit elements.
constexpr int64_t kLanes = 16;
constexpr int64_t kLineBytes = 64;
/// Buffers smaller than this stay in the cache for the next step to read.
constexpr int64_t kMinStreamedBytes = 4 << 20;

bool isContiguous32(MemRefType type) {
  return type.getLayout().isIdentity() && type.getElementType().getIntOrFloatBitWidth() == 32;
}

std::optional<vector::CombiningKind> combiningKind(Operation &op) {
  if (isa<arith::MaxUIOp>(op))
    return vector::CombiningKind::MAXUI;
  if (isa<arith::OrIOp>(op))
    return vector::CombiningKind::OR;
  if (isa<arith::AndIOp>(op))
    return vector::CombiningKind::AND;
  return std::nullopt;
}

/// What the rewrite needs to know of a loop it can vectorise.
struct Plan {
  scf::ParallelOp loop;
  llvm::DenseSet<Operation *> perLane; ///< ops that depend on the innermost variable
  SmallVector<memref::StoreOp> streamed;
  SmallVector<Operation *> combiners; ///< each reduction's (one op)
};

class Vectoriser {
public:
  explicit Vectoriser(func::FuncOp function) : function(function) {}

  std::optional<Plan> analyse(scf::ParallelOp loop) {
    Plan plan{loop, {}, {}, {}};
    SmallVector<Value> ivs = loop.getInductionVars();
    Value j = ivs.back();
    ArrayRef<Value> outer = ArrayRef<Value>(ivs).drop_back();
    auto dependsOnJ = [&](Value v) {
      Operation *def = v.getDefiningOp();
      return def && plan.perLane.contains(def);
    };
    auto atJ = [&](ValueRange indices) {
      if (indices.empty() || indices.back() != j)
        return false;
      return llvm::all_of(indices.drop_back(), [&](Value index) {
        return index != j && !dependsOnJ(index) &&
               (llvm::is_contained(outer, index) ||
                !loop.getRegion().isAncestor(index.getParentRegion()));
      });
    };
    for (Operation &op : loop.getBody()->without_terminator()) {
      if (op.getNumRegions() != 0)
        return std::nullopt;
      if (auto load = dyn_cast<memref::LoadOp>(op)) {
        if (!llvm::is_contained(load.getIndices(), j) &&
            llvm::none_of(load.getIndices(), dependsOnJ)) {
          // The same for every element (a hyperparameter): computed once,
          // before the row, unless the loop writes that buffer.
          if (llvm::any_of(loop.getBody()->getOps<memref::StoreOp>(),
                           [&](memref::StoreOp store) {
                             return store.getMemRef() == load.getMemRef();
                           }))
            return std::nullopt;
          continue;
        }
        if (!isContiguous32(load.getMemRefType()) || !atJ(load.getIndices()))
          return std::nullopt;
        plan.perLane.insert(&op);
        continue;
      }
      if (auto store = dyn_cast<memref::StoreOp>(op)) {
        if (!isContiguous32(store.getMemRefType()) || !atJ(store.getIndices()))
          return std::nullopt;
        plan.perLane.insert(&op);
        if (streams(store))
          plan.streamed.push_back(store);
        continue;
      }
      bool perLane = llvm::any_of(op.getOperands(), [&](Value v) { return v == j || dependsOnJ(v); });
      if (!perLane)
        continue;
      if (llvm::is_contained(op.getOperands(), j) || !op.hasTrait<OpTrait::Vectorizable>() ||
          !isa<arith::ArithDialect, math::MathDialect>(op.getDialect()) ||
          llvm::any_of(op.getResultTypes(), [](Type t) { return !t.isIntOrFloat(); }))
        return std::nullopt;
      plan.perLane.insert(&op);
    }
    if (plan.streamed.empty())
      return std::nullopt;
    auto reduce = cast<scf::ReduceOp>(loop.getBody()->getTerminator());
    for (Region &region : reduce.getReductions()) {
      Block &combine = region.front();
      if (combine.getOperations().size() != 2 || !combiningKind(combine.front()))
        return std::nullopt;
      plan.combiners.push_back(&combine.front());
    }
    return plan;
  }

  void rewrite(Plan &plan) {
    scf::ParallelOp loop = plan.loop;
    OpBuilder b(loop);
    Location loc = loop.getLoc();
    {
      OpBuilder after(loop->getBlock(), std::next(loop->getIterator()));
      LLVM::FenceOp::create(after, loc, LLVM::AtomicOrdering::seq_cst);
    }
    unsigned outerDims = loop.getNumLoops() - 1;
    if (outerDims == 0) {
      SmallVector<Value> results = row(b, loc, plan, {}, loop.getInitVals());
      loop.replaceAllUsesWith(results);
      loop.erase();
      return;
    }
    auto rows = scf::ParallelOp::create(
        b, loc, loop.getLowerBound().drop_back(), loop.getUpperBound().drop_back(),
        loop.getStep().drop_back(), loop.getInitVals(),
        [&](OpBuilder &nb, Location l, ValueRange ivs, ValueRange) {
          SmallVector<Value> results = row(nb, l, plan, ivs, loop.getInitVals());
          auto reduce = scf::ReduceOp::create(nb, l, results);
          for (auto [region, combiner] : llvm::zip(reduce.getReductions(), plan.combiners)) {
            Block &block = region.front();
            OpBuilder cb = OpBuilder::atBlockEnd(&block);
            Operation *c = cb.clone(*combiner);
            c->setOperands(block.getArguments());
            scf::ReduceReturnOp::create(cb, l, c->getResult(0));
          }
        });
    loop.replaceAllUsesWith(rows.getResults());
    loop.erase();
  }

private:
  /// Whether `store` writes a buffer worth streaming: the caller's (not a
  /// temporary the step reads back soon) and larger than the cache.
  bool streams(memref::StoreOp store) {
    auto arg = dyn_cast<BlockArgument>(store.getMemRef());
    if (!arg || arg.getOwner() != &function.getBody().front() ||
        !function.getArgAttr(arg.getArgNumber(), gdc::kCallerBufferAttr))
      return false;
    MemRefType type = store.getMemRefType();
    return type.hasStaticShape() && type.getNumElements() * 4 >= kMinStreamedBytes;
  }

  Value index(OpBuilder &b, Location loc, int64_t v) {
    return arith::ConstantIndexOp::create(b, loc, v);
  }

  /// The byte address of element `indices` of `memref` (identity layout).
  Value address(OpBuilder &b, Location loc, Value memref, ValueRange indices) {
    auto type = cast<MemRefType>(memref.getType());
    Value linear = index(b, loc, 0);
    for (auto [i, size] : llvm::enumerate(type.getShape())) {
      linear = arith::MulIOp::create(b, loc, linear, index(b, loc, size));
      linear = arith::AddIOp::create(b, loc, linear, indices[i]);
    }
    Value base = memref::ExtractAlignedPointerAsIndexOp::create(b, loc, memref);
    auto offset = memref::ExtractStridedMetadataOp::create(b, loc, memref).getOffset();
    linear = arith::AddIOp::create(b, loc, linear, offset);
    return arith::AddIOp::create(b, loc, base,
                                 arith::MulIOp::create(b, loc, linear, index(b, loc, 4)));
  }

  /// One row (all of the innermost loop at outer variables `outer`): a
  /// scalar loop to the first line boundary, a vector loop, a scalar loop
  /// for the rest. Returns the reductions' values.
  SmallVector<Value> row(OpBuilder &b, Location loc, Plan &plan, ValueRange outer,
                         ValueRange inits) {
    scf::ParallelOp loop = plan.loop;
    IRMapping outerMap;
    SmallVector<Value> ivs = loop.getInductionVars();
    outerMap.map(ArrayRef<Value>(ivs).drop_back(), outer);
    // What is the same for every element, once: LLVM could not hoist a
    // hyperparameter's load (or pow of it) over the loop's stores, which
    // it cannot tell apart from the hyperparameter's buffer.
    for (Operation &op : loop.getBody()->without_terminator())
      if (!plan.perLane.contains(&op))
        b.clone(op, outerMap);
    Value lo = outerMap.lookupOrDefault(loop.getLowerBound().back());
    Value hi = outerMap.lookupOrDefault(loop.getUpperBound().back());
    // Where the first streamed buffer's row starts within a line, and
    // whether the others' start at the same place.
    auto indicesAt = [&](memref::StoreOp store, Value j) {
      SmallVector<Value> indices;
      for (Value i : store.getIndices().drop_back())
        indices.push_back(outerMap.lookupOrDefault(i));
      indices.push_back(j);
      return indices;
    };
    Value line = index(b, loc, kLineBytes);
    Value zero = index(b, loc, 0);
    Value first = address(b, loc, plan.streamed[0].getMemRef(),
                          indicesAt(plan.streamed[0], lo));
    Value within = arith::RemUIOp::create(b, loc, first, line);
    Value aligned = arith::CmpIOp::create(
        b, loc, arith::CmpIPredicate::eq,
        arith::RemUIOp::create(b, loc, within, index(b, loc, 4)), zero);
    for (memref::StoreOp store : ArrayRef(plan.streamed).drop_front()) {
      Value other = address(b, loc, store.getMemRef(), indicesAt(store, lo));
      Value same = arith::CmpIOp::create(
          b, loc, arith::CmpIPredicate::eq,
          arith::RemUIOp::create(b, loc, other, line), within);
      aligned = arith::AndIOp::create(b, loc, aligned, same);
    }
    Value peel = arith::DivUIOp::create(
        b, loc,
        arith::RemUIOp::create(b, loc, arith::SubIOp::create(b, loc, line, within), line),
        index(b, loc, 4));
    Value vectorStart = arith::SelectOp::create(
        b, loc, aligned, arith::MinSIOp::create(b, loc, arith::AddIOp::create(b, loc, lo, peel), hi),
        hi);
    Value lanes = index(b, loc, kLanes);
    Value span = arith::SubIOp::create(b, loc, hi, vectorStart);
    Value vectorEnd = arith::AddIOp::create(
        b, loc, vectorStart,
        arith::MulIOp::create(b, loc, arith::DivUIOp::create(b, loc, span, lanes), lanes));
    SmallVector<Value> acc(inits);
    acc = scalarLoop(b, loc, plan, outerMap, lo, vectorStart, acc);
    acc = vectorLoop(b, loc, plan, outerMap, vectorStart, vectorEnd, acc);
    return scalarLoop(b, loc, plan, outerMap, vectorEnd, hi, acc);
  }

  /// The loop's body, element by element, over [from, to).
  SmallVector<Value> scalarLoop(OpBuilder &b, Location loc, Plan &plan,
                                const IRMapping &outerMap, Value from, Value to,
                                ValueRange inits) {
    auto reduce = cast<scf::ReduceOp>(plan.loop.getBody()->getTerminator());
    auto loop = scf::ForOp::create(
        b, loc, from, to, index(b, loc, 1), inits,
        [&](OpBuilder &nb, Location l, Value j, ValueRange acc) {
          IRMapping map = outerMap;
          map.map(plan.loop.getInductionVars().back(), j);
          for (Operation &op : plan.loop.getBody()->without_terminator())
            if (plan.perLane.contains(&op))
              nb.clone(op, map);
          SmallVector<Value> next;
          for (auto [value, combiner, a] : llvm::zip(reduce.getOperands(), plan.combiners, acc)) {
            Operation *c = nb.clone(*combiner);
            c->setOperands({a, map.lookupOrDefault(value)});
            next.push_back(c->getResult(0));
          }
          scf::YieldOp::create(nb, l, next);
        });
    return loop.getResults();
  }

  /// The loop's body a line at a time over [from, to), a multiple of
  /// kLanes elements from a line boundary of every streamed buffer.
  SmallVector<Value> vectorLoop(OpBuilder &b, Location loc, Plan &plan,
                                const IRMapping &outerMap, Value from, Value to,
                                ValueRange inits) {
    auto reduce = cast<scf::ReduceOp>(plan.loop.getBody()->getTerminator());
    auto vectorOf = [](Type t) { return VectorType::get({kLanes}, t); };
    SmallVector<Value> vectorInits;
    for (Value init : inits)
      vectorInits.push_back(vector::BroadcastOp::create(b, loc, vectorOf(init.getType()), init));
    llvm::DenseSet<Operation *> streamed;
    for (memref::StoreOp store : plan.streamed)
      streamed.insert(store);
    auto loop = scf::ForOp::create(
        b, loc, from, to, index(b, loc, kLanes), vectorInits,
        [&](OpBuilder &nb, Location l, Value j, ValueRange acc) {
          IRMapping map = outerMap;
          map.map(plan.loop.getInductionVars().back(), j);
          // A scalar operand of a vector operation, broadcast.
          auto lanesOf = [&](Value v) -> Value {
            Value mapped = map.lookupOrDefault(v);
            if (isa<VectorType>(mapped.getType()))
              return mapped;
            return vector::BroadcastOp::create(nb, l, vectorOf(mapped.getType()), mapped);
          };
          for (Operation &op : plan.loop.getBody()->without_terminator()) {
            if (!plan.perLane.contains(&op))
              continue; // computed before the row
            if (auto load = dyn_cast<memref::LoadOp>(op)) {
              SmallVector<Value> indices;
              for (Value i : load.getIndices())
                indices.push_back(map.lookupOrDefault(i));
              map.map(load.getResult(),
                      vector::LoadOp::create(nb, l, vectorOf(load.getType()), load.getMemRef(),
                                             indices)
                          .getResult());
              continue;
            }
            if (auto store = dyn_cast<memref::StoreOp>(op)) {
              SmallVector<Value> indices;
              for (Value i : store.getIndices())
                indices.push_back(map.lookupOrDefault(i));
              bool stream = streamed.contains(store);
              vector::StoreOp::create(nb, l, lanesOf(store.getValueToStore()),
                                      store.getMemRef(), indices, /*nontemporal=*/stream,
                                      stream ? llvm::MaybeAlign(kLineBytes)
                                             : llvm::MaybeAlign());
              continue;
            }
            SmallVector<Value> operands;
            for (Value v : op.getOperands())
              operands.push_back(lanesOf(v));
            SmallVector<Type> types;
            for (Type t : op.getResultTypes())
              types.push_back(vectorOf(t));
            OperationState state(l, op.getName(), operands, types, op.getAttrs());
            Operation *vectorOp = nb.create(state);
            map.map(op.getResults(), vectorOp->getResults());
          }
          SmallVector<Value> next;
          for (auto [value, combiner, a] : llvm::zip(reduce.getOperands(), plan.combiners, acc)) {
            Operation *c = nb.clone(*combiner);
            c->setOperands({a, lanesOf(value)});
            c->getResult(0).setType(a.getType());
            next.push_back(c->getResult(0));
          }
          scf::YieldOp::create(nb, l, next);
        });
    SmallVector<Value> results;
    for (auto [value, init, combiner] : llvm::zip(loop.getResults(), inits, plan.combiners))
      results.push_back(vector::ReductionOp::create(b, loc, *combiningKind(*combiner), value, init));
    return results;
  }

  func::FuncOp function;
};

struct StreamStoresPass : gdc::impl::GDStreamStoresBase<StreamStoresPass> {
  void runOnOperation() override {
    for (auto function : getOperation().getOps<func::FuncOp>()) {
      if (!function->hasAttr(gdc::kParallelBodyAttr) || function.isExternal())
        continue;
      Vectoriser vectoriser(function);
      for (auto loop : llvm::to_vector(function.getBody().front().getOps<scf::ParallelOp>()))
        if (std::optional<Plan> plan = vectoriser.analyse(loop))
          vectoriser.rewrite(*plan);
    }
  }
};

} // namespace
