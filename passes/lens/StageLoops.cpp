//===- StageLoops.cpp - A repeated block of stages as one loop ------------===//
#include "passes/lens/StageLoops.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace gdc;
using namespace gdc::gd;

namespace {

/// The longest block looked for. A transformer block flattens into a few
/// dozen lens instances; the search is linear in this for each instance.
constexpr unsigned kMaxPeriod = 64;

RankedTensorType inputType(LensOp lens) {
  return dyn_cast<RankedTensorType>(
      lens.getForward().front().getArgument(lens.getNumParams()).getType());
}

RankedTensorType outputType(LensOp lens) {
  return dyn_cast<RankedTensorType>(
      lens.getForward().front().getTerminator()->getOperand(0).getType());
}

/// A wire the loops can stack: a ranked tensor dynamic at most in its
/// leading (batch) dimension, whose size the run's input gives.
bool stackable(RankedTensorType type) {
  if (!type)
    return false;
  for (int64_t d = 1; d < type.getRank(); ++d)
    if (type.isDynamicDim(d))
      return false;
  return true;
}

bool loopable(const ModelInstance &inst) {
  LensOp lens = inst.lens;
  if (inst.owner >= 0 || lens.getForward().empty() || lens.getBackward().empty() ||
      lens.getForward().front().getNumArguments() != lens.getNumParams() + 1)
    return false;
  if (!stackable(inputType(lens)) || !stackable(outputType(lens)))
    return false;
  for (unsigned i = 0; i < lens.getNumParams(); ++i)
    if (!paramType(lens, i).hasStaticShape())
      return false;
  return true;
}

/// Whether `lens` draws random numbers, whose streams hold the instance.
bool draws(LensOp lens) {
  return lens->walk([](RandomOp) { return WalkResult::interrupt(); }).wasInterrupted();
}

} // namespace

Value gdc::sliceAt(OpBuilder &b, Location loc, Value stack, OpFoldResult j) {
  auto type = cast<RankedTensorType>(stack.getType());
  auto slice = RankedTensorType::get(type.getShape().drop_front(), type.getElementType());
  SmallVector<OpFoldResult> offsets(type.getRank(), b.getIndexAttr(0));
  offsets[0] = j;
  SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, stack);
  sizes[0] = b.getIndexAttr(1);
  SmallVector<OpFoldResult> strides(type.getRank(), b.getIndexAttr(1));
  return tensor::ExtractSliceOp::create(b, loc, slice, stack, offsets, sizes, strides);
}

namespace {

/// `stack` with `value` at `j` of its leading dimension.
Value insertAt(OpBuilder &b, Location loc, Value value, Value stack, OpFoldResult j) {
  auto type = cast<RankedTensorType>(stack.getType());
  SmallVector<OpFoldResult> offsets(type.getRank(), b.getIndexAttr(0));
  offsets[0] = j;
  SmallVector<OpFoldResult> sizes{b.getIndexAttr(1)};
  llvm::append_range(sizes, tensor::getMixedSizes(b, loc, value));
  SmallVector<OpFoldResult> strides(type.getRank(), b.getIndexAttr(1));
  return tensor::InsertSliceOp::create(b, loc, value, stack, offsets, sizes, strides);
}

/// An empty tensor<count x type>; `batched` gives a dynamic batch size.
Value emptyStack(OpBuilder &b, Location loc, unsigned count, RankedTensorType type,
                 Value batched) {
  SmallVector<int64_t> shape{count};
  llvm::append_range(shape, type.getShape());
  SmallVector<Value> dynamic;
  if (type.getRank() > 0 && type.isDynamicDim(0))
    dynamic.push_back(tensor::DimOp::create(b, loc, batched, 0));
  return tensor::EmptyOp::create(b, loc, shape, type.getElementType(), dynamic);
}

} // namespace

SmallVector<RepeatedStages> gdc::findRepeatedStages(ArrayRef<ModelInstance> model,
                                                    unsigned minRepeats, bool perExampleParams) {
  SmallVector<RepeatedStages> runs;
  if (minRepeats == 0 || perExampleParams)
    return runs;
  unsigned n = model.size();
  SmallVector<bool> ok;
  for (const ModelInstance &inst : model)
    ok.push_back(loopable(inst));
  // An instance whose parameters a later one shares gets that use's
  // gradient added to its own, which the loop's stacked gradients lack.
  for (const ModelInstance &inst : model)
    if (inst.owner >= 0)
      ok[inst.owner] = false;
  auto same = [&](unsigned a, unsigned b) {
    return ok[a] && ok[b] && model[a].lens == model[b].lens;
  };
  for (unsigned i = 0; i < n;) {
    RepeatedStages best;
    for (unsigned period = 1; period <= kMaxPeriod && i + period * minRepeats <= n; ++period) {
      if (!ok[i + period - 1])
        break; // every longer block holds it too
      unsigned count = 1;
      while (i + (count + 1) * period <= n &&
             llvm::all_of(llvm::seq(0u, period),
                          [&](unsigned q) { return same(i + q, i + count * period + q); }))
        ++count;
      if (count >= minRepeats && count * period > best.count * best.period)
        best = {i, period, count};
    }
    if (best.count == 0) {
      ++i;
      continue;
    }
    runs.push_back(best);
    i = best.end();
  }
  return runs;
}

Value gdc::stackValues(OpBuilder &b, Location loc, ValueRange values) {
  // One concatenation, not a chain of insertions into one tensor: the
  // bufferization's analysis of such a chain is quadratic in its length.
  auto type = cast<RankedTensorType>(values.front().getType());
  SmallVector<int64_t> shape{1};
  llvm::append_range(shape, type.getShape());
  auto unit = RankedTensorType::get(shape, type.getElementType());
  SmallVector<ReassociationIndices> merged;
  if (type.getRank() > 0) {
    merged.push_back({0, 1});
    for (int64_t d = 1; d < type.getRank(); ++d)
      merged.push_back({d + 1});
  }
  SmallVector<Value> units;
  for (Value v : values)
    units.push_back(tensor::ExpandShapeOp::create(b, loc, unit, v, merged));
  return tensor::ConcatOp::create(b, loc, /*dim=*/0, units);
}

std::string gdc::oneOf(StringRef first, StringRef last) {
  return ("one of " + first + " … " + last).str();
}

StageLoop::StageLoop(OpBuilder &b, Location loc, const RepeatedStages &run,
                     ArrayRef<ModelInstance> model, ValueRange context,
                     std::function<Location(const std::string &)> mapLoc)
    : b(b), loc(loc), run(run), model(model), context(context.begin(), context.end()),
      mapLoc(std::move(mapLoc)) {}

ValueRange StageLoop::contextAt(OpBuilder &nb, Location nloc, Value j, unsigned position,
                                SmallVectorImpl<Value> &storage) const {
  if (!draws(model[run.first + position].lens))
    return context;
  // The instance of repetition j at this position, as the unrolled step
  // numbers it: its draws are the same.
  auto i64 = nb.getI64Type();
  Value index = arith::IndexCastOp::create(nb, nloc, i64, j);
  Value instance = arith::AddIOp::create(
      nb, nloc, arith::MulIOp::create(nb, nloc, index, arith::ConstantIntOp::create(nb, nloc, i64, run.period)),
      arith::ConstantIntOp::create(nb, nloc, i64, run.first + position));
  storage.assign(context.begin(), context.end());
  storage.push_back(tensor::FromElementsOp::create(nb, nloc, RankedTensorType::get({}, i64),
                                                   ValueRange{instance}));
  return storage;
}

Location StageLoop::stageLoc(StringRef map, unsigned position) const {
  const ModelInstance &first = model[run.first + position];
  const ModelInstance &last = model[run.first + (run.count - 1) * run.period + position];
  return mapLoc(("the " + map + " map of " + oneOf(first.path, last.path)).str());
}

void StageLoop::stackParams(ArrayRef<SmallVector<Value>> params) {
  stackedParams.assign(run.period, {});
  for (unsigned q = 0; q < run.period; ++q) {
    LensOp lens = model[run.first + q].lens;
    for (unsigned r = 0; r < lens.getNumParams(); ++r) {
      SmallVector<Value> repetitions;
      for (unsigned j = 0; j < run.count; ++j)
        repetitions.push_back(params[run.first + j * run.period + q][r]);
      stackedParams[q].push_back(stackValues(b, loc, repetitions));
    }
  }
}

Value StageLoop::forward(Value x, bool saveInputs) {
  SmallVector<Value> inits{x};
  if (saveInputs)
    for (unsigned q = 0; q < run.period; ++q)
      inits.push_back(emptyStack(b, loc, run.count, inputType(model[run.first + q].lens), x));
  auto index = [&](int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); };
  auto loop = scf::ForOp::create(
      b, loc, index(0), index(run.count), index(1), inits,
      [&](OpBuilder &nb, Location nloc, Value j, ValueRange args) {
        Value wire = args[0];
        SmallVector<Value> saved(args.drop_front());
        for (unsigned q = 0; q < run.period; ++q) {
          LensOp lens = model[run.first + q].lens;
          if (saveInputs)
            saved[q] = insertAt(nb, nloc, wire, saved[q], j);
          SmallVector<Value> operands;
          for (Value stack : stackedParams[q])
            operands.push_back(sliceAt(nb, nloc, stack, j));
          operands.push_back(wire);
          SmallVector<Value> storage;
          wire = ApplyForwardOp::create(nb, stageLoc("forward", q), outputType(lens),
                                        FlatSymbolRefAttr::get(lens.getSymNameAttr()), operands,
                                        contextAt(nb, nloc, j, q, storage),
                                        nb.getI64IntegerAttr(run.first + q));
        }
        SmallVector<Value> yields{wire};
        llvm::append_range(yields, saved);
        scf::YieldOp::create(nb, nloc, yields);
      });
  savedInputs.assign(loop.getResults().begin() + 1, loop.getResults().end());
  return loop.getResult(0);
}

Value StageLoop::backward(Value cotangent, MutableArrayRef<SmallVector<Value>> grads) {
  // Each position's parameter gradients, stacked: inits[1 + slot[q] + r].
  SmallVector<Value> inits{cotangent};
  SmallVector<unsigned> slot;
  for (unsigned q = 0; q < run.period; ++q) {
    slot.push_back(inits.size() - 1);
    LensOp lens = model[run.first + q].lens;
    for (unsigned r = 0; r < lens.getNumParams(); ++r)
      inits.push_back(emptyStack(b, loc, run.count, paramType(lens, r), Value()));
  }
  auto index = [&](int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); };
  Value lastIndex = index(run.count - 1);
  auto loop = scf::ForOp::create(
      b, loc, index(0), index(run.count), index(1), inits,
      [&](OpBuilder &nb, Location nloc, Value reversed, ValueRange args) {
        // Repetitions last to first: the chain rule's order.
        Value j = arith::SubIOp::create(nb, nloc, lastIndex, reversed);
        Value cot = args[0];
        SmallVector<Value> stacks(args.drop_front());
        for (int q = run.period - 1; q >= 0; --q) {
          LensOp lens = model[run.first + q].lens;
          SmallVector<Value> operands;
          SmallVector<Type> results;
          for (Value stack : stackedParams[q]) {
            operands.push_back(sliceAt(nb, nloc, stack, j));
            results.push_back(operands.back().getType());
          }
          operands.push_back(sliceAt(nb, nloc, savedInputs[q], j));
          results.push_back(operands.back().getType());
          operands.push_back(cot);
          SmallVector<Value> storage;
          auto back = ApplyBackwardOp::create(nb, stageLoc("backward", q), results,
                                              FlatSymbolRefAttr::get(lens.getSymNameAttr()),
                                              operands, contextAt(nb, nloc, j, q, storage),
                                              nb.getI64IntegerAttr(run.first + q));
          for (unsigned r = 0; r < lens.getNumParams(); ++r)
            stacks[slot[q] + r] = insertAt(nb, nloc, back.getResult(r), stacks[slot[q] + r], j);
          cot = back.getResults().back();
        }
        SmallVector<Value> yields{cot};
        llvm::append_range(yields, stacks);
        scf::YieldOp::create(nb, nloc, yields);
      });
  stackedGrads.assign(run.period, {});
  for (unsigned q = 0; q < run.period; ++q)
    for (unsigned r = 0; r < model[run.first + q].lens.getNumParams(); ++r)
      stackedGrads[q].push_back(loop.getResult(1 + slot[q] + r));
  for (unsigned j = 0; j < run.count; ++j)
    for (unsigned q = 0; q < run.period; ++q) {
      SmallVector<Value> &instance = grads[run.first + j * run.period + q];
      instance.clear();
      LensOp lens = model[run.first + q].lens;
      for (unsigned r = 0; r < lens.getNumParams(); ++r)
        instance.push_back(sliceAt(b, loc, loop.getResult(1 + slot[q] + r), b.getIndexAttr(j)));
    }
  return loop.getResult(0);
}
