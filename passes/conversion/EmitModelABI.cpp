//===- EmitModelABI.cpp - gd-emit-model-abi --------------------------------===//
//
// The runtime calls gd_model_step(void **args, int64_t batch): one pointer
// per tensor, in the order of @gd_step's arguments (runtime/ModelABI.h).
// Each pointer becomes a memref descriptor (contiguous, row-major; a
// dynamic leading dimension is the batch size) that replaces the argument
// in @gd_step's body, which becomes gd_model_step's. The
// descriptor enters memref land through an unrealized cast that
// reconcile-unrealized-casts removes once memrefs are lowered to LLVM.
//
//===----------------------------------------------------------------------===//
#include "passes/Passes.h"

namespace gdc {
#define GEN_PASS_DEF_GDEMITMODELABI
#include "passes/Passes.h.inc"
} // namespace gdc

using namespace mlir;
using namespace gdc;

namespace {

/// The LLVM struct a memref of `rank` lowers to: allocated and aligned
/// pointers, offset, sizes, strides.
LLVM::LLVMStructType descriptorType(MLIRContext *ctx, int64_t rank) {
  Type ptr = LLVM::LLVMPointerType::get(ctx);
  Type i64 = IntegerType::get(ctx, 64);
  SmallVector<Type> fields{ptr, ptr, i64};
  if (rank > 0) {
    fields.push_back(LLVM::LLVMArrayType::get(i64, rank));
    fields.push_back(LLVM::LLVMArrayType::get(i64, rank));
  }
  return LLVM::LLVMStructType::getLiteral(ctx, fields);
}

Value memrefFromPointer(OpBuilder &b, Location loc, Value data, MemRefType type,
                        Value batch) {
  MLIRContext *ctx = b.getContext();
  Type i64 = b.getI64Type();
  auto descType = descriptorType(ctx, type.getRank());
  Value desc = LLVM::PoisonOp::create(b, loc, descType);
  desc = LLVM::InsertValueOp::create(b, loc, desc, data, ArrayRef<int64_t>{0});
  desc = LLVM::InsertValueOp::create(b, loc, desc, data, ArrayRef<int64_t>{1});
  auto constant = [&](int64_t v) -> Value {
    return LLVM::ConstantOp::create(b, loc, i64, b.getI64IntegerAttr(v));
  };
  desc = LLVM::InsertValueOp::create(b, loc, desc, constant(0), ArrayRef<int64_t>{2});
  // Row-major strides, from the innermost dimension out.
  Value stride = constant(1);
  for (int64_t i = type.getRank() - 1; i >= 0; --i) {
    Value size = type.isDynamicDim(i) ? batch : constant(type.getDimSize(i));
    desc = LLVM::InsertValueOp::create(b, loc, desc, size, ArrayRef<int64_t>{3, i});
    desc = LLVM::InsertValueOp::create(b, loc, desc, stride, ArrayRef<int64_t>{4, i});
    stride = LLVM::MulOp::create(b, loc, stride, size);
  }
  return UnrealizedConversionCastOp::create(b, loc, type, desc).getResult(0);
}

LogicalResult wrap(ModuleOp module, StringRef implName, StringRef abiName) {
  auto impl = module.lookupSymbol<func::FuncOp>(implName);
  if (!impl)
    return module.emitError("no @") << implName << " to export";
  if (!impl.getBody().hasOneBlock())
    return impl.emitOpError("must have one block to export");
  MLIRContext *ctx = module.getContext();
  Type ptr = LLVM::LLVMPointerType::get(ctx);
  OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
  Location loc = impl.getLoc();
  auto abi = func::FuncOp::create(b, loc, abiName,
                                  FunctionType::get(ctx, {ptr, b.getI64Type()}, {}));
  Block *entry = abi.addEntryBlock();
  b.setInsertionPointToStart(entry);
  Value argv = entry->getArgument(0), batch = entry->getArgument(1);
  SmallVector<Value> args;
  for (auto [i, type] : llvm::enumerate(impl.getArgumentTypes())) {
    auto memref = dyn_cast<MemRefType>(type);
    if (!memref)
      return impl.emitOpError("argument ") << i << " is not a memref";
    Value slot = LLVM::GEPOp::create(b, loc, ptr, ptr, argv,
                                     ArrayRef<LLVM::GEPArg>{(int32_t)i});
    Value data = LLVM::LoadOp::create(b, loc, ptr, slot);
    args.push_back(memrefFromPointer(b, loc, data, memref, batch));
  }
  // The body moves into the exported function rather than being called
  // with every descriptor as scalar arguments: a call with thousands of
  // arguments (a transformer's step has over a thousand) is one huge basic
  // block of stack stores, on which instruction selection is quadratic.
  Block &body = impl.getBody().front();
  for (auto [arg, value] : llvm::zip(body.getArguments(), args))
    arg.replaceAllUsesWith(value);
  entry->getOperations().splice(entry->end(), body.getOperations());
  impl.erase();
  return success();
}

struct EmitModelABIPass : gdc::impl::GDEmitModelABIBase<EmitModelABIPass> {
  void runOnOperation() override {
    if (failed(wrap(getOperation(), "gd_step", "gd_model_step")) ||
        failed(wrap(getOperation(), "gd_diagnose", "gd_model_diagnose")) ||
        failed(wrap(getOperation(), "gd_eval", "gd_model_eval")) ||
        failed(wrap(getOperation(), "gd_loss", "gd_model_loss")))
      return signalPassFailure();
    // Built only for an in-process host, and only for rules that can take
    // given gradients (gd-build-train-step's build-apply).
    if (getOperation().lookupSymbol("gd_apply") &&
        failed(wrap(getOperation(), "gd_apply", "gd_model_apply")))
      signalPassFailure();
  }
};

} // namespace
