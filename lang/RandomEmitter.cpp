//===- RandomEmitter.cpp - Random draws and the `training` flag -----------===//
//
// `normal_like(x)`, `uniform_like(x)`, `normal()`, `uniform()` become
// gd.random, each call site its own stream; `training` becomes gd.training.
// Where the draws come from (the step's seed and t) is bound when the lens
// is inlined into the step (gd-inline-lenses).
//
//===----------------------------------------------------------------------===//
#include "lang/Elaborator.h"

using namespace mlir;
using namespace gdc;
using namespace gdc::lang;

bool gdc::lang::isRandomBuiltin(StringRef name) {
  return name == "normal_like" || name == "uniform_like" || name == "normal" ||
         name == "uniform";
}

Value Elaborator::emitRandom(const ast::Expr &e, StringRef name, ArrayRef<Value> args) {
  bool shaped = name.ends_with("_like");
  StringRef distribution = name.starts_with("normal") ? "normal" : "uniform";
  if (shaped && args.size() != 1) {
    error(e.loc) << "'" << name << "' takes 1 argument (the tensor whose shape to draw), got "
                 << args.size();
    return {};
  }
  if (!shaped && !args.empty()) {
    auto diag = error(e.loc);
    diag << "'" << name << "()' draws one number and takes no arguments, got " << args.size();
    if (distribution == "normal")
      diag << "; for mean m and standard deviation s write m + s * normal()";
    else
      diag << "; for a draw from [lo, hi) write lo + (hi - lo) * uniform()";
    return {};
  }
  Location l = loc(e.loc);
  Value like = shaped ? args[0] : scalar(0, builder.getF32Type(), e.loc);
  auto type = cast<RankedTensorType>(like.getType());
  if (!isa<FloatType>(type.getElementType())) {
    // Integers and booleans give their shape; the draws are f32.
    type = type.clone(builder.getF32Type());
    like = gd::ConvertOp::create(builder, l, type, like);
  }
  if (nextRandomStream >= (uint64_t(1) << 31)) {
    error(e.loc) << "too many random draw sites in one program";
    return {};
  }
  return gd::RandomOp::create(builder, l, type, like, builder.getStringAttr(distribution),
                              builder.getI64IntegerAttr(nextRandomStream++), ValueRange{});
}

Value Elaborator::emitTrainingFlag(ast::Loc at) {
  if (inOptimizerBody) {
    error(at) << "'training' is always true in an update rule; it is for lenses that "
                 "behave differently in evaluation (dropout)";
    return {};
  }
  auto type = RankedTensorType::get({}, builder.getI1Type());
  return gd::TrainingOp::create(builder, loc(at), type);
}
