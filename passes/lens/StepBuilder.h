//===- StepBuilder.h - Applying the model's lenses in a step function -*- C++ -*-===//
//
// What gd-build-train-step's functions (@gd_step, @gd_apply, @gd_diagnose,
// @gd_eval, @gd_loss) share: reading the runtime's buffers as tensors,
// writing results into them, and applying the model's forward maps (runs
// of repeated stages as one loop, StageLoops.h) in a context of (seed, t,
// training).
//
//===----------------------------------------------------------------------===//
#ifndef GDC_PASSES_LENS_STEPBUILDER_H
#define GDC_PASSES_LENS_STEPBUILDER_H

#include "passes/Passes.h"
#include "passes/lens/PerExampleRules.h"
#include "passes/lens/StageLoops.h"

#include "dialects/gd/ModelStructure.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"

namespace gdc {
/// Helpers of gd-build-train-step only: the names of MLIR and gd are in
/// scope here, not in namespace gdc.
namespace stepbuild {
using namespace mlir;
using namespace gdc::gd;

Value i32Constant(OpBuilder &b, Location loc, int32_t value) {
  return arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(value));
}

inline MemRefType bufferType(Type tensor) {
  auto t = cast<RankedTensorType>(tensor);
  return MemRefType::get(t.getShape(), t.getElementType());
}

/// Each instance's parameters, from the owned ones in the step's flat order
/// (`owned`); a use of a shared instance gets its owner's.
inline SmallVector<SmallVector<Value>> perInstance(ArrayRef<ModelInstance> model, ArrayRef<Value> owned) {
  SmallVector<SmallVector<Value>> params;
  unsigned next = 0;
  for (const ModelInstance &inst : model) {
    if (inst.owner >= 0) {
      SmallVector<Value> shared = params[inst.owner];
      params.push_back(std::move(shared));
      continue;
    }
    params.emplace_back(owned.slice(next, inst.lens.getNumParams()));
    next += inst.lens.getNumParams();
  }
  return params;
}

/// Builds the step's tensor program and writes its results into `outputs`.
class StepBuilder {
public:
  StepBuilder(OpBuilder &b, Location loc) : b(b), loc(loc) {}

  Value load(Value buffer) {
    auto m = cast<MemRefType>(buffer.getType());
    auto t = RankedTensorType::get(m.getShape(), m.getElementType());
    return bufferization::ToTensorOp::create(b, loc, t, buffer, /*restrict=*/true);
  }

  /// Writes `tensor` into `buffer`, a buffer the step does not read
  /// (`restrict`): gd-compute-in-destination may then compute `tensor` in it.
  void write(Value tensor, Value buffer) {
    auto op = bufferization::MaterializeInDestinationOp::create(b, loc, tensor, buffer);
    op.setRestrict(true);
    op.setWritable(true);
  }

  /// Each instance's parameters, read from the leading `buffers`.
  SmallVector<SmallVector<Value>> loadParams(ArrayRef<ModelInstance> model, ValueRange buffers) {
    SmallVector<Value> owned;
    for (const ModelInstance &inst : model)
      if (inst.owner < 0)
        for (unsigned i = 0; i < inst.lens.getNumParams(); ++i)
          owned.push_back(load(buffers[owned.size()]));
    return perInstance(model, owned);
  }

  /// `params`, or with `perExample` each repeated along the batch of `x`:
  /// the lenses then take one copy per example (kPerExampleParamsAttr).
  SmallVector<SmallVector<Value>> perExampleCopies(ArrayRef<SmallVector<Value>> params, Value x,
                                                   bool perExample) {
    SmallVector<SmallVector<Value>> copies(params.begin(), params.end());
    if (perExample)
      for (SmallVector<Value> &instance : copies)
        for (Value &p : instance)
          p = broadcastToBatch(b, loc, p, x);
    return copies;
  }

  /// The model's forward maps applied to `x`: every stage's input (null
  /// inside a loop's run) and the output, and the loops that ran the runs
  /// of repeated stages (StageLoops.h), for the backward maps.
  struct ForwardPass {
    SmallVector<Value> wires;
    SmallVector<std::unique_ptr<StageLoop>> loops; ///< one per run
  };

  /// Runs the model's forward maps, each run of `runs` as one loop (saving
  /// its stages' inputs when `saveInputs`, as a step's backward needs).
  ForwardPass forward(ArrayRef<ModelInstance> model, ArrayRef<RepeatedStages> runs,
                      ArrayRef<SmallVector<Value>> params, Value x, bool saveInputs) {
    ForwardPass pass;
    pass.wires.push_back(x);
    const RepeatedStages *run = runs.begin();
    for (size_t i = 0; i < model.size(); ++i) {
      if (run != runs.end() && run->first == i) {
        auto loop = std::make_unique<StageLoop>(
            b, loc, *run, model, context,
            [this](const std::string &what) { return mapLoc(what); });
        loop->stackParams(params);
        Value out = loop->forward(pass.wires.back(), saveInputs);
        pass.wires.resize(run->end(), Value());
        pass.wires.push_back(out);
        pass.loops.push_back(std::move(loop));
        i = run->end() - 1;
        ++run;
        continue;
      }
      const ModelInstance &inst = model[i];
      SmallVector<Value> args(params[i].begin(), params[i].end());
      args.push_back(pass.wires.back());
      Type out = inst.lens.getForward().front().getTerminator()->getOperand(0).getType();
      pass.wires.push_back(ApplyForwardOp::create(
          b, mapLoc("the forward map of " + inst.path), out,
          FlatSymbolRefAttr::get(inst.lens.getSymNameAttr()), args, context,
          b.getI64IntegerAttr(i)));
    }
    return pass;
  }

  /// The location of a lens application: the step's, named for what the
  /// application computes. gd-inline-lenses keeps it with every operation
  /// it copies, so that the diagnosis of a non-finite step can say where an
  /// operation of a lens body ran.
  Location mapLoc(const std::string &what) { return NameLoc::get(b.getStringAttr(what), loc); }

  /// The (seed, t, training) every lens of the function runs in.
  void setContext(Value seed, Value t, bool training) {
    auto flag = RankedTensorType::get({}, b.getI1Type());
    context = {seed, t,
               ConstantOp::create(b, loc, DenseElementsAttr::get(flag, training))};
  }

  OpBuilder &b;
  Location loc;
  SmallVector<Value, 3> context;
};

} // namespace stepbuild
} // namespace gdc

#endif // GDC_PASSES_LENS_STEPBUILDER_H
