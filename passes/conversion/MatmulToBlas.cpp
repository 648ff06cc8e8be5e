//===- MatmulToBlas.cpp - gd-matmul-to-blas --------------------------------===//
//
// GEMM is where a training step spends its time; the runtime's gdrt_matmul
// calls cblas_sgemm. Transposed operands (from the reverse rules) arrive as
// linalg.matmul indexing maps and become BLAS transpose flags, and a zero
// fill of the result just before the product becomes beta = 0.
//
//===----------------------------------------------------------------------===//
#include "passes/Passes.h"

namespace gdc {
#define GEN_PASS_DEF_GDMATMULTOBLAS
#include "passes/Passes.h.inc"
} // namespace gdc

using namespace mlir;
using namespace gdc;

namespace {

constexpr StringLiteral kMatmulFn = "gdrt_matmul";

MemRefType stridedMatrix(MLIRContext *ctx) {
  int64_t dyn = ShapedType::kDynamic;
  return MemRefType::get({dyn, dyn}, Float32Type::get(ctx),
                         StridedLayoutAttr::get(ctx, dyn, {dyn, dyn}));
}

func::FuncOp declareMatmul(ModuleOp module) {
  if (auto f = module.lookupSymbol<func::FuncOp>(kMatmulFn))
    return f;
  MLIRContext *ctx = module.getContext();
  OpBuilder b = OpBuilder::atBlockBegin(module.getBody());
  Type m = stridedMatrix(ctx);
  Type i32 = IntegerType::get(ctx, 32);
  auto type = FunctionType::get(ctx, {m, m, m, i32, i32, Float32Type::get(ctx)}, {});
  auto f = func::FuncOp::create(b, module.getLoc(), kMatmulFn, type);
  f.setPrivate();
  f->setAttr("llvm.emit_c_interface", UnitAttr::get(ctx));
  return f;
}

/// Whether operand `i` of `mm` is read transposed (its map is (k, m) / (n, k)).
bool isTransposed(linalg::MatmulOp mm, unsigned i) {
  AffineMap map = mm.getIndexingMapsArray()[i];
  AffineMap standard = linalg::MatmulOp::getDefaultIndexingMaps(mm.getContext())[i];
  return map != standard;
}

struct MatmulToBlasPass : gdc::impl::GDMatmulToBlasBase<MatmulToBlasPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<linalg::MatmulOp> matmuls;
    module.walk([&](linalg::MatmulOp mm) {
      if (mm.hasPureBufferSemantics() &&
          cast<MemRefType>(mm.getDpsInits()[0].getType()).getElementType().isF32())
        matmuls.push_back(mm);
    });
    if (matmuls.empty())
      return;
    func::FuncOp callee = declareMatmul(module);
    MemRefType strided = stridedMatrix(module.getContext());
    for (linalg::MatmulOp mm : matmuls) {
      OpBuilder b(mm);
      Location loc = mm.getLoc();
      Value c = mm.getDpsInits()[0];
      float beta = 1.0f;
      if (auto fill = dyn_cast_or_null<linalg::FillOp>(mm->getPrevNode())) {
        auto zero = fill.getInputs()[0].getDefiningOp<arith::ConstantOp>();
        auto value = zero ? dyn_cast<FloatAttr>(zero.getValue()) : FloatAttr();
        if (fill.getOutputs()[0] == c && value && value.getValueAsDouble() == 0.0) {
          fill.erase();
          beta = 0.0f;
        }
      }
      auto cast = [&](Value v) -> Value {
        return memref::CastOp::create(b, loc, strided, v);
      };
      auto flag = [&](bool t) -> Value {
        return arith::ConstantIntOp::create(b, loc, t ? 1 : 0, 32);
      };
      Value betaValue = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(beta));
      func::CallOp::create(b, loc, callee,
                           ValueRange{cast(mm.getDpsInputs()[0]), cast(mm.getDpsInputs()[1]),
                                      cast(c), flag(isTransposed(mm, 0)),
                                      flag(isTransposed(mm, 1)), betaValue});
      mm.erase();
    }
  }
};

} // namespace
