//===- EmitSliceTest.cpp - Elaborator::emitSlice, the entry point of x[a:b] -===//
//
// The elaborator's entry point for slices, called directly on a block
// argument (test/driver/slice.gd covers x[a:b] from source); checks the gd.slice it builds
// and the errors it reports.
//
//===----------------------------------------------------------------------===//
#include "lang/Elaborator.h"

#include "mlir/IR/Diagnostics.h"
#include "gtest/gtest.h"

using namespace mlir;
using namespace gdc;

namespace {

class EmitSlice : public testing::Test {
protected:
  EmitSlice() : el(ctx, program) {
    ctx.loadDialect<gd::GDDialect>();
    module = ModuleOp::create(UnknownLoc::get(&ctx));
    block = new Block();
    module->getBodyRegion().push_back(block);
    el.builder.setInsertionPointToEnd(block);
  }

  /// A per-example tensor of `shape` to slice.
  Value tensor(ArrayRef<int64_t> shape) {
    return block->addArgument(RankedTensorType::get(shape, Float32Type::get(&ctx)),
                              UnknownLoc::get(&ctx));
  }

  /// emitSlice, with the message of any error it reports.
  Value slice(Value x, int64_t lo, int64_t hi, std::string &message) {
    ScopedDiagnosticHandler handler(&ctx, [&](Diagnostic &d) {
      message = d.str();
      return success();
    });
    return el.emitSlice(x, lo, hi, ast::Loc{3, 7});
  }

  MLIRContext ctx;
  lang::Program program;
  lang::Elaborator el;
  OwningOpRef<ModuleOp> module;
  Block *block;
};

TEST_F(EmitSlice, SlicesTheFirstAxis) {
  std::string message;
  Value s = slice(tensor({5, 3}), 1, 3, message);
  ASSERT_TRUE(s) << message;
  auto op = s.getDefiningOp<gd::SliceOp>();
  ASSERT_TRUE(op);
  EXPECT_EQ(op.getAxis(), 0);
  EXPECT_EQ(op.getLo(), 1);
  EXPECT_EQ(op.getHi(), 3);
  EXPECT_EQ(s.getType(), RankedTensorType::get({2, 3}, Float32Type::get(&ctx)));
}

TEST_F(EmitSlice, NegativeBoundsCountFromTheEnd) {
  std::string message;
  Value s = slice(tensor({5}), -2, 5, message);
  ASSERT_TRUE(s) << message;
  auto op = s.getDefiningOp<gd::SliceOp>();
  EXPECT_EQ(op.getLo(), 3);
  EXPECT_EQ(op.getHi(), 5);
  Value t = slice(tensor({5}), 0, -1, message);
  ASSERT_TRUE(t) << message;
  EXPECT_EQ(t.getDefiningOp<gd::SliceOp>().getHi(), 4);
}

TEST_F(EmitSlice, ReportsBoundsOutsideTheAxis) {
  std::string message;
  EXPECT_FALSE(slice(tensor({5, 3}), 3, 2, message));
  EXPECT_EQ(message, "cannot slice f32[5, 3] from 3 to 2: expected 0 <= from < to <= 5 "
                     "(a negative bound counts from the end)");
  EXPECT_FALSE(slice(tensor({5}), 0, 6, message));
  EXPECT_NE(message.find("from 0 to 6"), std::string::npos) << message;
  EXPECT_FALSE(slice(tensor({5}), -6, 2, message));
  EXPECT_NE(message.find("from -6 to 2"), std::string::npos) << message;
}

TEST_F(EmitSlice, ReportsAScalar) {
  std::string message;
  EXPECT_FALSE(slice(tensor({}), 0, 1, message));
  EXPECT_EQ(message, "cannot slice f32: a scalar has no axis to slice");
}

} // namespace
