//===- ConvToDnnl.cpp - gd.conv2d_kernel: bufferization and the call -------===//
//
// gd.conv2d_kernel is destination style: one-shot bufferization gives its
// result its init's buffer (the model below), and gd-conv-to-dnnl then
// calls the runtime's oneDNN kernel, gdrt_conv2d (runtime/Conv.h), with
// the three buffers as strided memrefs (MLIR's C interface).
//
//===----------------------------------------------------------------------===//
#include "passes/Passes.h"

#include "mlir/Dialect/Bufferization/IR/DstBufferizableOpInterfaceImpl.h"

namespace gdc {
#define GEN_PASS_DEF_GDCONVTODNNL
#include "passes/Passes.h.inc"
} // namespace gdc

using namespace mlir;
using namespace gdc;
using namespace gdc::gd;

namespace {

/// The kernel reads its two operands and overwrites its init.
struct Conv2DKernelBufferization
    : bufferization::DstBufferizableOpInterfaceExternalModel<Conv2DKernelBufferization,
                                                             Conv2DKernelOp> {
  bool bufferizesToMemoryRead(Operation *op, OpOperand &operand,
                              const bufferization::AnalysisState &) const {
    return cast<DestinationStyleOpInterface>(op).isDpsInput(&operand);
  }

  LogicalResult bufferize(Operation *op, RewriterBase &rewriter,
                          const bufferization::BufferizationOptions &options,
                          bufferization::BufferizationState &state) const {
    auto kernel = cast<Conv2DKernelOp>(op);
    FailureOr<Value> lhs = bufferization::getBuffer(rewriter, kernel.getLhs(), options, state);
    FailureOr<Value> rhs = bufferization::getBuffer(rewriter, kernel.getRhs(), options, state);
    FailureOr<Value> init = bufferization::getBuffer(rewriter, kernel.getInit(), options, state);
    if (failed(lhs) || failed(rhs) || failed(init))
      return failure();
    rewriter.setInsertionPoint(op);
    Conv2DKernelOp::create(rewriter, op->getLoc(), TypeRange{}, *lhs, *rhs, *init,
                           kernel.getKindAttr(), kernel.getPaddingAttr(),
                           kernel.getStrideAttr(), kernel.getDilationAttr());
    bufferization::replaceOpWithBufferizedValues(rewriter, op, *init);
    return success();
  }
};

constexpr StringLiteral kConvFn = "gdrt_conv2d";

MemRefType stridedF32x4(MLIRContext *ctx) {
  int64_t dyn = ShapedType::kDynamic;
  SmallVector<int64_t> dynamic(4, dyn);
  return MemRefType::get(dynamic, Float32Type::get(ctx),
                         StridedLayoutAttr::get(ctx, dyn, dynamic));
}

struct ConvToDnnlPass : gdc::impl::GDConvToDnnlBase<ConvToDnnlPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<Conv2DKernelOp> kernels;
    module.walk([&](Conv2DKernelOp op) { kernels.push_back(op); });
    if (kernels.empty())
      return;
    MLIRContext *ctx = module.getContext();
    MemRefType strided = stridedF32x4(ctx);
    func::FuncOp callee = module.lookupSymbol<func::FuncOp>(kConvFn);
    if (!callee) {
      OpBuilder b = OpBuilder::atBlockBegin(module.getBody());
      Type i32 = IntegerType::get(ctx, 32), i64 = IntegerType::get(ctx, 64);
      auto type = FunctionType::get(ctx, {i32, strided, strided, strided, i64, i64, i64}, {});
      callee = func::FuncOp::create(b, module.getLoc(), kConvFn, type);
      callee.setPrivate();
      callee->setAttr("llvm.emit_c_interface", UnitAttr::get(ctx));
    }
    for (Conv2DKernelOp op : kernels) {
      if (!isa<MemRefType>(op.getInit().getType())) {
        op.emitOpError("must be bufferized before gd-conv-to-dnnl");
        return signalPassFailure();
      }
      OpBuilder b(op);
      Location loc = op.getLoc();
      auto cast = [&](Value v) -> Value { return memref::CastOp::create(b, loc, strided, v); };
      auto integer = [&](int64_t v, unsigned width) -> Value {
        return arith::ConstantIntOp::create(b, loc, v, width);
      };
      func::CallOp::create(b, loc, callee,
                           ValueRange{integer(op.getKind(), 32), cast(op.getLhs()),
                                      cast(op.getRhs()), cast(op.getInit()),
                                      integer(op.getPadding(), 64), integer(op.getStride(), 64),
                                      integer(op.getDilation(), 64)});
      op.erase();
    }
  }
};

} // namespace

void gdc::registerBufferizationModels(DialectRegistry &registry) {
  registry.addExtension(+[](MLIRContext *ctx, GDDialect *) {
    Conv2DKernelOp::attachInterface<Conv2DKernelBufferization>(*ctx);
  });
}
