//===- DispatchParallelBodies.cpp - gd-dispatch-parallel-bodies ------------===//
//
// A loop body outlined by gd-outline-parallel-loops takes its range, its
// cost and its captures as typed arguments (memref descriptors, by now their scalars). The runtime's
// gdrt_parallel_for takes one signature for every loop, so each call site
// packs the captures into a record on the stack, and a task function per
// body unpacks them. Done on the LLVM dialect, where every capture is a
// scalar that a record can hold.
//
//===----------------------------------------------------------------------===//
#include "passes/Passes.h"

namespace gdc {
#define GEN_PASS_DEF_GDDISPATCHPARALLELBODIES
#include "passes/Passes.h.inc"
} // namespace gdc

using namespace mlir;

namespace {

constexpr llvm::StringLiteral kParallelFor = "gdrt_parallel_for";

struct DispatchParallelBodiesPass
    : gdc::impl::GDDispatchParallelBodiesBase<DispatchParallelBodiesPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<LLVM::LLVMFuncOp> bodies;
    for (auto function : module.getOps<LLVM::LLVMFuncOp>())
      if (function->hasAttr(gdc::kParallelBodyAttr) && !function.isExternal())
        bodies.push_back(function);
    if (bodies.empty())
      return;
    SymbolTable symbols(module);
    MLIRContext *context = &getContext();
    auto ptrType = LLVM::LLVMPointerType::get(context);
    auto i64Type = IntegerType::get(context, 64);
    LLVM::LLVMFuncOp parallelFor = symbols.lookup<LLVM::LLVMFuncOp>(kParallelFor);
    if (!parallelFor) {
      OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
      parallelFor = LLVM::LLVMFuncOp::create(
          b, module.getLoc(), kParallelFor,
          LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(context),
                                      {ptrType, ptrType, i64Type, i64Type, i64Type}));
    }

    // The calls to dispatch, found in one walk (a walk per body grows with
    // the square of the step's size) and before the tasks add their own.
    llvm::StringMap<SmallVector<LLVM::CallOp>> callsTo;
    for (LLVM::LLVMFuncOp body : bodies)
      callsTo[body.getSymName()];
    module.walk([&](LLVM::CallOp call) {
      if (std::optional<StringRef> callee = call.getCallee()) {
        auto calls = callsTo.find(*callee);
        if (calls != callsTo.end())
          calls->second.push_back(call);
      }
    });

    for (LLVM::LLVMFuncOp body : bodies) {
      ArrayRef<Type> params = body.getFunctionType().getParams();
      if (params.size() < 3 || params[0] != i64Type || params[1] != i64Type ||
          params[2] != i64Type) {
        body.emitError("a parallel body takes its range and its cost (i64, i64, i64) first");
        return signalPassFailure();
      }
      // Called only through its task, where it inlines.
      body.setLinkage(LLVM::Linkage::Internal);
      auto record = LLVM::LLVMStructType::getLiteral(context, params.drop_front(3));
      SmallVector<LLVM::CallOp> &calls = callsTo[body.getSymName()];
      LLVM::LLVMFuncOp task = createTask(body, record, symbols);
      for (LLVM::CallOp call : calls)
        dispatch(call, record, task, parallelFor);
    }
  }

  /// `@<body>.task(ptr record, i64 lo, i64 hi)`: calls the body with the
  /// range and the captures loaded from the record.
  LLVM::LLVMFuncOp createTask(LLVM::LLVMFuncOp body, LLVM::LLVMStructType record,
                              SymbolTable &symbols) {
    MLIRContext *context = body.getContext();
    Location loc = body.getLoc();
    auto ptrType = LLVM::LLVMPointerType::get(context);
    auto i64Type = IntegerType::get(context, 64);
    OpBuilder b(body);
    b.setInsertionPointAfter(body);
    auto task = LLVM::LLVMFuncOp::create(
        b, loc, (body.getSymName() + ".task").str(),
        LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(context),
                                    {ptrType, i64Type, i64Type}),
        LLVM::Linkage::Internal);
    symbols.insert(task);
    Block *entry = task.addEntryBlock(b);
    b.setInsertionPointToStart(entry);
    // The body ignores its cost argument.
    Value unused = LLVM::ConstantOp::create(b, loc, i64Type, b.getI64IntegerAttr(0));
    SmallVector<Value> args = {entry->getArgument(1), entry->getArgument(2), unused};
    for (auto [index, type] : llvm::enumerate(record.getBody())) {
      Value field = LLVM::GEPOp::create(b, loc, ptrType, record, entry->getArgument(0),
                                        ArrayRef<LLVM::GEPArg>{0, int32_t(index)});
      args.push_back(LLVM::LoadOp::create(b, loc, type, field));
    }
    LLVM::CallOp::create(b, loc, body, args);
    LLVM::ReturnOp::create(b, loc, ValueRange());
    return task;
  }

  /// Replaces `call` by gdrt_parallel_for(task, record, lo, hi, work), the
  /// record filled with the call's captures. The record lives in the
  /// caller's entry block, so that a call in a loop reuses one.
  void dispatch(LLVM::CallOp call, LLVM::LLVMStructType record, LLVM::LLVMFuncOp task,
                LLVM::LLVMFuncOp parallelFor) {
    MLIRContext *context = call.getContext();
    Location loc = call.getLoc();
    auto ptrType = LLVM::LLVMPointerType::get(context);
    auto caller = call->getParentOfType<LLVM::LLVMFuncOp>();
    OpBuilder b = OpBuilder::atBlockBegin(&caller.getBody().front());
    Value one = LLVM::ConstantOp::create(b, loc, b.getI64Type(), b.getI64IntegerAttr(1));
    Value storage = LLVM::AllocaOp::create(b, loc, ptrType, record, one);

    b.setInsertionPoint(call);
    ValueRange operands = call.getArgOperands();
    for (auto [index, capture] : llvm::enumerate(operands.drop_front(3))) {
      Value field = LLVM::GEPOp::create(b, loc, ptrType, record, storage,
                                        ArrayRef<LLVM::GEPArg>{0, int32_t(index)});
      LLVM::StoreOp::create(b, loc, capture, field);
    }
    Value taskAddress = LLVM::AddressOfOp::create(b, loc, task);
    LLVM::CallOp::create(b, loc, parallelFor,
                         ValueRange{taskAddress, storage, operands[0], operands[1], operands[2]});
    call.erase();
  }
};

} // namespace
