//===- MatmulToBlas.cpp - gd-matmul-to-blas --------------------------------===//
//
// GEMM is where a training step spends its time; the runtime's gdrt_matmul
// and gdrt_batch_matmul (a stack of products) call oneDNN's sgemm. Transposed operands (from the reverse rules) arrive as
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
constexpr StringLiteral kBatchMatmulFn = "gdrt_batch_matmul";

/// A rank-`rank` f32 memref of any sizes and strides.
MemRefType stridedF32(MLIRContext *ctx, int64_t rank) {
  int64_t dyn = ShapedType::kDynamic;
  SmallVector<int64_t> dynamic(rank, dyn);
  return MemRefType::get(dynamic, Float32Type::get(ctx),
                         StridedLayoutAttr::get(ctx, dyn, dynamic));
}

func::FuncOp declareKernel(ModuleOp module, StringRef name, int64_t rank) {
  if (auto f = module.lookupSymbol<func::FuncOp>(name))
    return f;
  MLIRContext *ctx = module.getContext();
  OpBuilder b = OpBuilder::atBlockBegin(module.getBody());
  Type m = stridedF32(ctx, rank);
  Type i32 = IntegerType::get(ctx, 32);
  auto type = FunctionType::get(ctx, {m, m, m, i32, i32, Float32Type::get(ctx)}, {});
  auto f = func::FuncOp::create(b, module.getLoc(), name, type);
  f.setPrivate();
  f->setAttr("llvm.emit_c_interface", UnitAttr::get(ctx));
  return f;
}

/// Whether operand `i` of `mm` is read transposed (its map differs from the
/// op's default: (k, m) / (n, k), after any batch dimension).
template <typename ProductOp> bool isTransposed(ProductOp mm, unsigned i) {
  AffineMap map = mm.getIndexingMapsArray()[i];
  AffineMap standard = ProductOp::getDefaultIndexingMaps(mm.getContext())[i];
  return map != standard;
}

/// Replaces every f32 `ProductOp` on buffers by a call of `name`, a kernel
/// on memrefs of `rank`, folding a zero fill of the result into beta = 0.
template <typename ProductOp>
void replaceByKernel(ModuleOp module, StringRef name, int64_t rank) {
  SmallVector<ProductOp> products;
  module.walk([&](ProductOp mm) {
    if (mm.hasPureBufferSemantics() &&
        cast<MemRefType>(mm.getDpsInits()[0].getType()).getElementType().isF32())
      products.push_back(mm);
  });
  if (products.empty())
    return;
  func::FuncOp callee = declareKernel(module, name, rank);
  MemRefType strided = stridedF32(module.getContext(), rank);
  for (ProductOp mm : products) {
    OpBuilder b(mm);
    Location loc = mm.getLoc();
    Value c = mm.getDpsInits()[0];
    float beta = 1.0f;
    if (auto fill = dyn_cast_or_null<linalg::FillOp>(mm->getPrevNode())) {
      auto zero = fill.getInputs()[0].template getDefiningOp<arith::ConstantOp>();
      auto value = zero ? dyn_cast<FloatAttr>(zero.getValue()) : FloatAttr();
      if (fill.getOutputs()[0] == c && value && value.getValueAsDouble() == 0.0) {
        fill.erase();
        beta = 0.0f;
      }
    }
    auto cast = [&](Value v) -> Value { return memref::CastOp::create(b, loc, strided, v); };
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

struct MatmulToBlasPass : gdc::impl::GDMatmulToBlasBase<MatmulToBlasPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    replaceByKernel<linalg::MatmulOp>(module, kMatmulFn, 2);
    replaceByKernel<linalg::BatchMatmulOp>(module, kBatchMatmulFn, 3);
  }
};

} // namespace
