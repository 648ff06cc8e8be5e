//===- CustomBackwardEmitter.cpp - Lenses with a backward map of their own ===//
//
// `backward (x, dy) = e` in a lens body replaces the derived backward map:
// `e` is the cotangent of the input, or, for a lens with parameters, the
// tuple of the input's cotangent and each parameter's (in declaration
// order), all for one example; gdc sums the parameters' over the batch.
// Both maps become the regions of one gd.custom_backward, so that the lens
// composes, batches and inlines like any other.
//
//===----------------------------------------------------------------------===//
#include "lang/Elaborator.h"

using namespace mlir;
using namespace gdc;
using namespace gdc::lang;

namespace {

/// Binds the lens's parameters to `block`'s arguments after the first.
void bindParameters(const ast::Decl &lens, Block *block, Scope &scope) {
  unsigned next = 1;
  for (const ast::Stmt &stmt : lens.body)
    if (stmt.kind == ast::StmtKind::Param) {
      Binding b;
      b.value = block->getArgument(next++);
      scope.bind(stmt.name, b);
    }
}

} // namespace

Value Elaborator::applyCustomBackward(const ast::Decl &lens, const ast::Stmt &forward,
                                      const ast::Stmt &backward, Value input,
                                      ArrayRef<Value> params, Scope &body) {
  if (!isa<RankedTensorType>(input.getType())) {
    error(forward.loc) << "lens '" << lens.name
                       << "' has its own backward map, so it takes one tensor, but its "
                          "input is the tuple "
                       << typeString(input.getType());
    return {};
  }
  if (backward.params.size() != 2) {
    error(backward.loc) << "the backward map takes the input and the output's cotangent, "
                           "`backward (x, dy) = ...`, not "
                        << backward.params.size() << " values";
    return {};
  }
  SmallVector<Value> operands{input};
  llvm::append_range(operands, params);
  Location l = loc(forward.loc);
  auto op = gd::CustomBackwardOp::create(builder, l, cast<RankedTensorType>(input.getType()),
                                         operands);
  OpBuilder::InsertionGuard guard(builder);

  // The forward map, over the region's own copies of the input and the
  // parameters (the op is isolated from above).
  Block *forwardBlock = new Block();
  op.getForward().push_back(forwardBlock);
  for (Value v : operands)
    forwardBlock->addArgument(v.getType(), l);
  Scope forwardScope(&body);
  bindParameters(lens, forwardBlock, forwardScope);
  Binding x;
  x.value = forwardBlock->getArgument(0);
  forwardScope.bind(forward.params[0].name, x);
  builder.setInsertionPointToEnd(forwardBlock);
  Value output = emitAny(*forward.value, forwardScope);
  if (!output)
    return op.erase(), Value();
  if (!isa<RankedTensorType>(output.getType())) {
    error(forward.loc) << "lens '" << lens.name
                       << "' has its own backward map, so its output is one tensor, not "
                          "the tuple "
                       << typeString(output.getType());
    return op.erase(), Value();
  }
  if (forward.result &&
      !unify(*forward.result, output.getType(), forwardScope, "the output of '" + lens.name + "'"))
    return op.erase(), Value();
  gd::YieldOp::create(builder, l, output);
  op.getResult().setType(cast<RankedTensorType>(output.getType()));

  // The backward map, over the input, the parameters and the cotangent.
  Block *backwardBlock = new Block();
  op.getBackward().push_back(backwardBlock);
  for (Value v : operands)
    backwardBlock->addArgument(v.getType(), loc(backward.loc));
  backwardBlock->addArgument(output.getType(), loc(backward.loc));
  Scope backwardScope(&body);
  bindParameters(lens, backwardBlock, backwardScope);
  const std::string roles[] = {"the input of the backward map of '" + lens.name + "'",
                               "the cotangent of the output of '" + lens.name + "'"};
  for (unsigned i = 0; i < 2; ++i) {
    const ast::Param &p = backward.params[i];
    Value arg = backwardBlock->getArgument(i == 0 ? 0 : operands.size());
    if (p.type && !unify(*p.type, arg.getType(), backwardScope, roles[i]))
      return op.erase(), Value();
    Binding b;
    b.value = arg;
    backwardScope.bind(p.name, b);
  }
  builder.setInsertionPointToEnd(backwardBlock);
  Value given = emitAny(*backward.value, backwardScope);
  if (!given)
    return op.erase(), Value();

  // What the backward map must give: the input's cotangent, then each
  // parameter's, each of its primal's type.
  SmallVector<std::string> names{"the input " + forward.params[0].name};
  for (const ast::Stmt &stmt : lens.body)
    if (stmt.kind == ast::StmtKind::Param)
      names.push_back("the parameter " + stmt.name);
  SmallVector<Value> cotangents;
  if (operands.size() == 1) {
    cotangents.push_back(given);
  } else {
    auto tuple = dyn_cast<TupleType>(given.getType());
    if (!tuple || tuple.size() != operands.size()) {
      std::string expected = "(d" + forward.params[0].name;
      for (const ast::Stmt &stmt : lens.body)
        if (stmt.kind == ast::StmtKind::Param)
          expected += ", d" + stmt.name;
      error(backward.value->loc)
          << "the backward map of '" << lens.name << "' must give " << operands.size()
          << " cotangents, the input's and each parameter's, as the tuple " << expected
          << "), but it gives " << typeString(given.getType());
      return op.erase(), Value();
    }
    for (unsigned i = 0; i < operands.size(); ++i)
      cotangents.push_back(tuplePart(given, i, backward.value->loc));
    if (auto built = given.getDefiningOp<gd::TupleOp>(); built && built->use_empty())
      built.erase();
  }
  for (auto [i, d] : llvm::enumerate(cotangents))
    if (d.getType() != operands[i].getType()) {
      error(backward.value->loc) << "the backward map of '" << lens.name << "' gives "
                                 << typeString(d.getType()) << " as the cotangent of "
                                 << names[i] << ", which is "
                                 << typeString(operands[i].getType())
                                 << "; a cotangent has its value's type";
      return op.erase(), Value();
    }
  gd::YieldOp::create(builder, loc(backward.loc), cotangents);
  return op.getResult();
}
