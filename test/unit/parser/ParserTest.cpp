//===- ParserTest.cpp - Tests of gdc::ast::parse --------------------------===//
//
// Links GDCParser and GTest::gtest_main.
//
//===----------------------------------------------------------------------===//
#include "lang/AST.h"

#include "gtest/gtest.h"

#include <cstdint>
#include <string>
#include <vector>

using namespace gdc::ast;

namespace {

struct Parsed {
  std::unique_ptr<Module> module;
  std::vector<SyntaxError> errors;
};

Parsed parseText(const std::string &source) {
  Parsed p;
  p.module = parse("test.gd", source, p.errors);
  return p;
}

std::string str(const Loc &loc) {
  return std::to_string(loc.line) + ":" + std::to_string(loc.col);
}

/// "line:col: message" for each error, one per line.
std::string str(const std::vector<SyntaxError> &errors) {
  std::string out;
  for (const SyntaxError &e : errors)
    out += str(e.loc) + ": " + e.message + "\n";
  return out;
}

/// An expression as an S-expression: (op a b), name(args), a[i], [a, b],
/// (let x v body), (if c a b).
std::string str(const Expr *e) {
  if (!e)
    return "<null>";
  auto list = [](const std::vector<ExprPtr> &xs) {
    std::string out;
    for (size_t i = 0; i < xs.size(); ++i)
      out += (i ? ", " : "") + str(xs[i].get());
    return out;
  };
  switch (e->kind) {
  case ExprKind::Number:
    return e->text;
  case ExprKind::String:
    return "\"" + e->text + "\"";
  case ExprKind::Bool:
    return e->boolValue ? "true" : "false";
  case ExprKind::Name:
    return e->name;
  case ExprKind::Unary:
    return "(" + e->op + " " + str(e->operands.at(0).get()) + ")";
  case ExprKind::Binary:
    return "(" + e->op + " " + str(e->operands.at(0).get()) + " " +
           str(e->operands.at(1).get()) + ")";
  case ExprKind::Call: {
    std::string out = e->name + "(";
    for (size_t i = 0; i < e->args.size(); ++i) {
      out += i ? ", " : "";
      if (!e->args[i].keyword.empty())
        out += e->args[i].keyword + "=";
      out += str(e->args[i].value.get());
    }
    return out + ")";
  }
  case ExprKind::Index:
    return str(e->operands.at(0).get()) + "[" + str(e->operands.at(1).get()) +
           "]";
  case ExprKind::List:
    return "[" + list(e->operands) + "]";
  case ExprKind::LetIn:
    return "(let " + e->name + " " + str(e->operands.at(0).get()) + " " +
           str(e->operands.at(1).get()) + ")";
  case ExprKind::IfThenElse:
    return "(if " + list(e->operands) + ")";
  case ExprKind::Tuple:
    return "(tuple " + list(e->operands) + ")";
  case ExprKind::Slice:
    return str(e->operands.at(0).get()) + "[" +
           (e->operands.at(1) ? str(e->operands[1].get()) : "") + ":" +
           (e->operands.at(2) ? str(e->operands[2].get()) : "") + "]";
  case ExprKind::Dict: {
    std::string out = "{";
    for (size_t i = 0; i < e->args.size(); ++i)
      out += (i ? ", " : "") + ("\"" + e->args[i].keyword + "\": ") +
             str(e->args[i].value.get());
    return out + "}";
  }
  }
  return "<?>";
}

std::string str(const TypeExpr *t) {
  if (!t)
    return "<none>";
  if (!t->parts.empty()) {
    std::string out = "(";
    for (size_t i = 0; i < t->parts.size(); ++i)
      out += (i ? ", " : "") + str(t->parts[i].get());
    return out + ")";
  }
  std::string out = t->element;
  if (!t->dims.empty()) {
    out += "[";
    for (size_t i = 0; i < t->dims.size(); ++i)
      out += (i ? ", " : "") + str(t->dims[i].get());
    out += "]";
  }
  return out;
}

/// Parses `let e = <text>` and returns the expression as an S-expression.
std::string expr(const std::string &text) {
  Parsed p = parseText("let e = " + text);
  if (!p.errors.empty())
    return "error: " + str(p.errors);
  if (p.module->decls.size() != 1)
    return "error: " + std::to_string(p.module->decls.size()) + " decls";
  return str(p.module->decls[0].value.get());
}

/// The 1-based line:col of the first `needle` on line `line` of `source`.
std::string where(const std::string &source, unsigned line,
                  const std::string &needle) {
  size_t pos = 0;
  for (unsigned l = 1; l < line; ++l)
    pos = source.find('\n', pos) + 1;
  size_t end = source.find('\n', pos);
  std::string text = source.substr(pos, end - pos);
  size_t col = text.find(needle);
  if (col == std::string::npos)
    return "not found";
  return std::to_string(line) + ":" + std::to_string(col + 1);
}

const char *const kLogreg = R"(// logreg
use std.nn
use std.losses
use std.optim

train fmnist {
  model     = dense(784, 10)
  loss      = cross_entropy
  optimizer = sgd(lr = 0.1)
  data      = idx("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", scale = 1/255)
  test      = idx("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", scale = 1/255)
  batch     = 256
  epochs    = 5
  seed      = 42
  metrics   = [loss, accuracy]
}
)";

const char *const kModels = R"(lens dense(n_in: int, n_out: int) {
  param W: f32[n_in, n_out] = glorot_uniform()
  param b: f32[n_out]       = zeros()
  fn (x: f32[n_in]) -> f32[n_out] = x @ W + b
}
fn relu(x) = max(x, 0)
fn logsumexp(x) = let m = max(x) in m + log(sum(exp(x - m)))
loss cross_entropy(logits: f32[k], label: i32) = logsumexp(logits) - logits[label]
optimizer sgd(lr: f32 = 0.01) = p - lr * g
optimizer adam(lr: f32 = 1e-3, b1: f32 = 0.9, b2: f32 = 0.999, eps: f32 = 1e-8) {
  state m = zeros_like(p)
  state v = zeros_like(p)
  m = b1 * m + (1 - b1) * g
  v = b2 * v + (1 - b2) * g^2
  p - lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
}
let mlp = dense(784, 256) >> relu >> dense(256, 128) >> relu >> dense(128, 10)
)";

//===----------------------------------------------------------------------===//
// The example programs
//===----------------------------------------------------------------------===//

TEST(ParserTest, LogregProgram) {
  Parsed p = parseText(kLogreg);
  ASSERT_EQ(str(p.errors), "");
  EXPECT_EQ(p.module->path, "test.gd");
  const auto &decls = p.module->decls;
  ASSERT_EQ(decls.size(), 4u);
  EXPECT_EQ(decls[0].kind, DeclKind::Use);
  EXPECT_EQ(decls[0].name, "std.nn");
  EXPECT_EQ(str(decls[0].loc), "2:1");
  EXPECT_EQ(str(decls[0].nameLoc), "2:5");
  EXPECT_EQ(decls[1].name, "std.losses");
  EXPECT_EQ(decls[2].name, "std.optim");

  const Decl &train = decls[3];
  EXPECT_EQ(train.kind, DeclKind::Train);
  EXPECT_EQ(train.name, "fmnist");
  EXPECT_EQ(str(train.loc), "6:1");
  EXPECT_EQ(str(train.nameLoc), "6:7");
  std::vector<std::string> fields;
  for (const Field &f : train.fields)
    fields.push_back(f.name + " = " + str(f.value.get()));
  std::vector<std::string> expected = {
      "model = dense(784, 10)",
      "loss = cross_entropy",
      "optimizer = sgd(lr=0.1)",
      "data = idx(\"train-images-idx3-ubyte.gz\", "
      "\"train-labels-idx1-ubyte.gz\", scale=(/ 1 255))",
      "test = idx(\"t10k-images-idx3-ubyte.gz\", "
      "\"t10k-labels-idx1-ubyte.gz\", scale=(/ 1 255))",
      "batch = 256",
      "epochs = 5",
      "seed = 42",
      "metrics = [loss, accuracy]",
  };
  EXPECT_EQ(fields, expected);
  EXPECT_EQ(str(train.fields[1].loc), "8:3");
  EXPECT_EQ(str(train.fields[8].value->loc), where(kLogreg, 15, "["));
  const Expr &batch = *train.fields[5].value;
  EXPECT_TRUE(batch.isInteger);
  EXPECT_EQ(batch.number, 256);
  const Expr &opt = *train.fields[2].value;
  EXPECT_EQ(str(opt.nameLoc), where(kLogreg, 9, "sgd"));
  EXPECT_EQ(str(opt.args[0].loc), where(kLogreg, 9, "lr"));
  EXPECT_FALSE(opt.args[0].value->isInteger);
  EXPECT_DOUBLE_EQ(opt.args[0].value->number, 0.1);
}

TEST(ParserTest, ModelsProgram) {
  Parsed p = parseText(kModels);
  ASSERT_EQ(str(p.errors), "");
  const auto &decls = p.module->decls;
  ASSERT_EQ(decls.size(), 7u);

  // lens dense
  const Decl &dense = decls[0];
  EXPECT_EQ(dense.kind, DeclKind::Lens);
  EXPECT_EQ(dense.name, "dense");
  ASSERT_EQ(dense.params.size(), 2u);
  EXPECT_EQ(dense.params[0].name, "n_in");
  EXPECT_EQ(str(dense.params[0].type.get()), "int");
  EXPECT_EQ(str(dense.params[0].loc), "1:12");
  EXPECT_EQ(dense.params[0].defaultValue, nullptr);
  ASSERT_EQ(dense.body.size(), 3u);
  const Stmt &w = dense.body[0];
  EXPECT_EQ(w.kind, StmtKind::Param);
  EXPECT_EQ(w.name, "W");
  EXPECT_EQ(str(w.loc), "2:3");
  EXPECT_EQ(str(w.nameLoc), "2:9");
  EXPECT_EQ(str(w.type.get()), "f32[n_in, n_out]");
  EXPECT_EQ(str(w.type->loc), "2:12");
  EXPECT_EQ(str(w.value.get()), "glorot_uniform()");
  EXPECT_EQ(dense.body[1].kind, StmtKind::Param);
  EXPECT_EQ(str(dense.body[1].type.get()), "f32[n_out]");
  const Stmt &fwd = dense.body[2];
  EXPECT_EQ(fwd.kind, StmtKind::Forward);
  EXPECT_EQ(str(fwd.loc), "4:3");
  ASSERT_EQ(fwd.params.size(), 1u);
  EXPECT_EQ(fwd.params[0].name, "x");
  EXPECT_EQ(str(fwd.params[0].type.get()), "f32[n_in]");
  EXPECT_EQ(str(fwd.result.get()), "f32[n_out]");
  EXPECT_EQ(str(fwd.value.get()), "(+ (@ x W) b)");
  EXPECT_EQ(str(fwd.value->loc), where(kModels, 4, "+"));
  EXPECT_EQ(str(fwd.value->operands[0]->loc), where(kModels, 4, "@"));
  EXPECT_EQ(str(fwd.value->operands[0]->operands[0]->loc),
            where(kModels, 4, "x @"));

  // fn relu, fn logsumexp
  EXPECT_EQ(decls[1].kind, DeclKind::Fn);
  EXPECT_EQ(decls[1].name, "relu");
  EXPECT_EQ(decls[1].result, nullptr);
  EXPECT_EQ(decls[1].params[0].type, nullptr);
  EXPECT_EQ(str(decls[1].value.get()), "max(x, 0)");
  EXPECT_EQ(str(decls[1].value->loc), "6:14");
  EXPECT_EQ(str(decls[1].value->nameLoc), "6:14");
  const Expr &lse = *decls[2].value;
  EXPECT_EQ(str(&lse), "(let m max(x) (+ m log(sum(exp((- x m))))))");
  EXPECT_EQ(str(lse.loc), where(kModels, 7, "let"));
  EXPECT_EQ(str(lse.nameLoc), where(kModels, 7, "m ="));

  // loss
  const Decl &ce = decls[3];
  EXPECT_EQ(ce.kind, DeclKind::Loss);
  EXPECT_EQ(ce.name, "cross_entropy");
  EXPECT_EQ(str(ce.nameLoc), "8:6");
  EXPECT_EQ(str(ce.params[0].type.get()), "f32[k]");
  EXPECT_EQ(str(ce.params[1].type.get()), "i32");
  EXPECT_EQ(str(ce.value.get()), "(- logsumexp(logits) logits[label])");
  EXPECT_EQ(str(ce.value->operands[1]->loc), where(kModels, 8, "logits["));

  // optimizer sgd = expr
  const Decl &sgd = decls[4];
  EXPECT_EQ(sgd.kind, DeclKind::Optimizer);
  EXPECT_TRUE(sgd.body.empty());
  EXPECT_EQ(str(sgd.params[0].type.get()), "f32");
  EXPECT_EQ(str(sgd.params[0].defaultValue.get()), "0.01");
  EXPECT_EQ(str(sgd.value.get()), "(- p (* lr g))");

  // optimizer adam { ... }
  const Decl &adam = decls[5];
  EXPECT_EQ(adam.kind, DeclKind::Optimizer);
  EXPECT_EQ(adam.value, nullptr);
  ASSERT_EQ(adam.params.size(), 4u);
  EXPECT_EQ(adam.params[3].name, "eps");
  EXPECT_EQ(adam.params[3].defaultValue->text, "1e-8");
  EXPECT_FALSE(adam.params[3].defaultValue->isInteger);
  EXPECT_DOUBLE_EQ(adam.params[3].defaultValue->number, 1e-8);
  ASSERT_EQ(adam.body.size(), 5u);
  EXPECT_EQ(adam.body[0].kind, StmtKind::State);
  EXPECT_EQ(adam.body[0].name, "m");
  EXPECT_EQ(str(adam.body[0].nameLoc), "11:9");
  EXPECT_EQ(str(adam.body[0].value.get()), "zeros_like(p)");
  EXPECT_EQ(adam.body[1].kind, StmtKind::State);
  EXPECT_EQ(adam.body[2].kind, StmtKind::Assign);
  EXPECT_EQ(adam.body[2].name, "m");
  EXPECT_EQ(str(adam.body[2].loc), "13:3");
  EXPECT_EQ(str(adam.body[2].value.get()), "(+ (* b1 m) (* (- 1 b1) g))");
  EXPECT_EQ(adam.body[3].kind, StmtKind::Assign);
  EXPECT_EQ(str(adam.body[3].value.get()), "(+ (* b2 v) (* (- 1 b2) (^ g 2)))");
  EXPECT_EQ(adam.body[4].kind, StmtKind::Result);
  EXPECT_EQ(str(adam.body[4].loc), "15:3");
  EXPECT_EQ(str(adam.body[4].value.get()),
            "(- p (/ (* lr (/ m (- 1 (^ b1 t)))) (+ sqrt((/ v (- 1 (^ b2 t)))) "
            "eps)))");

  // let mlp: >> is left associative
  const Decl &mlp = decls[6];
  EXPECT_EQ(mlp.kind, DeclKind::Let);
  EXPECT_EQ(mlp.name, "mlp");
  EXPECT_EQ(str(mlp.value.get()),
            "(>> (>> (>> (>> dense(784, 256) relu) dense(256, 128)) relu) "
            "dense(128, 10))");
  EXPECT_EQ(str(mlp.value->loc), where(kModels, 17, ">> dense(128"));
}

//===----------------------------------------------------------------------===//
// Expressions
//===----------------------------------------------------------------------===//

TEST(ParserTest, PrecedenceAndAssociativity) {
  EXPECT_EQ(expr("a >> b >> c"), "(>> (>> a b) c)");
  EXPECT_EQ(expr("-x^2"), "(- (^ x 2))");
  EXPECT_EQ(expr("x @ W + b"), "(+ (@ x W) b)");
  EXPECT_EQ(expr("a ^ b ^ c"), "(^ a (^ b c))");
  EXPECT_EQ(expr("-x * y"), "(* (- x) y)");
  EXPECT_EQ(expr("- -x"), "(- (- x))");
  EXPECT_EQ(expr("2 ^ -x"), "(^ 2 (- x))");
  EXPECT_EQ(expr("-x[i]"), "(- x[i])");
  EXPECT_EQ(expr("a - b - c"), "(- (- a b) c)");
  EXPECT_EQ(expr("a / b * c % d"), "(% (* (/ a b) c) d)");
  EXPECT_EQ(expr("a + b * c"), "(+ a (* b c))");
  EXPECT_EQ(expr("(a + b) * c"), "(* (+ a b) c)");
  EXPECT_EQ(expr("a < b + 1"), "(< a (+ b 1))");
  EXPECT_EQ(expr("a <= b == c >= d"), "error: 1:16: comparisons cannot be "
                                      "chained; combine them with 'and'\n");
  EXPECT_EQ(expr("(a < b) == c"), "(== (< a b) c)");
  EXPECT_EQ(expr("not a == b and c"), "(and (not (== a b)) c)");
  EXPECT_EQ(expr("a or b and c"), "(or a (and b c))");
  EXPECT_EQ(expr("not not a"), "(not (not a))");
  EXPECT_EQ(expr("f || g >> h"), "(>> (|| f g) h)");
  EXPECT_EQ(expr("f || g || h"), "(|| (|| f g) h)");
  EXPECT_EQ(expr("a or b || c"), "(|| (or a b) c)");
  EXPECT_EQ(expr("if c then a else b + 1"), "(if c, a, (+ b 1))");
  EXPECT_EQ(expr("if a < b then if c then 1 else 2 else 3"),
            "(if (< a b), (if c, 1, 2), 3)");
  EXPECT_EQ(expr("1 + let x = 2 in x * 3"), "(+ 1 (let x 2 (* x 3)))");
  EXPECT_EQ(expr("let x = let y = 1 in y in x >> f"),
            "(let x (let y 1 y) (>> x f))");
  EXPECT_EQ(expr("p - lr * (if nesterov then g + mu * v else v)"),
            "(- p (* lr (if nesterov, (+ g (* mu v)), v)))");
  EXPECT_EQ(expr("x[i][j]"), "x[i][j]");
  EXPECT_EQ(expr("f(x)[0]"), "f(x)[0]");
  EXPECT_EQ(expr("[a, b + 1][0]"), "[a, (+ b 1)][0]");
  EXPECT_EQ(expr("[]"), "[]");
  EXPECT_EQ(expr("[1, 2,]"), "[1, 2]");
  EXPECT_EQ(expr("sum(x, axis = 0)"), "sum(x, axis=0)");
  EXPECT_EQ(expr("f()"), "f()");
  EXPECT_EQ(expr("f(a, b = c == d,)"), "f(a, b=(== c d))");
  EXPECT_EQ(expr("true and false"), "(and true false)");
  EXPECT_EQ(expr("loss * 2"), "(* loss 2)");
  EXPECT_EQ(expr("sum(cross_entropy)"), "sum(cross_entropy)");
}

TEST(ParserTest, ExpressionLocations) {
  Parsed p = parseText("let e = -x^2\nlet f = if c then\n  [a, g(b)] else (c)");
  ASSERT_EQ(str(p.errors), "");
  const Expr &neg = *p.module->decls[0].value;
  EXPECT_EQ(neg.kind, ExprKind::Unary);
  EXPECT_EQ(neg.op, "-");
  EXPECT_EQ(str(neg.loc), "1:9");
  EXPECT_EQ(str(neg.operands[0]->loc), "1:11"); // the '^'
  EXPECT_EQ(str(neg.operands[0]->operands[0]->loc), "1:10");
  const Expr &ite = *p.module->decls[1].value;
  EXPECT_EQ(ite.kind, ExprKind::IfThenElse);
  EXPECT_EQ(str(ite.loc), "2:9");
  const Expr &list = *ite.operands[1];
  EXPECT_EQ(list.kind, ExprKind::List);
  EXPECT_EQ(str(list.loc), "3:3");
  EXPECT_EQ(str(list.operands[1]->loc), "3:7");
  EXPECT_EQ(str(list.operands[1]->nameLoc), "3:7");
  EXPECT_EQ(str(list.operands[1]->args[0].loc), "3:9");
  // Parentheses leave no node; the inner expression keeps its own location.
  EXPECT_EQ(str(ite.operands[2]->loc), "3:19");
}

TEST(ParserTest, Literals) {
  Parsed p =
      parseText("let a = 42\nlet b = 0.5\nlet c = 1e-3\nlet d = 2.5E+10\n"
                "let s = \"a\\\"b\\\\c\\nd\\te\"\nlet t = true\nlet f = false\n"
                "let u = \"h\xC3\xA9llo\"");
  ASSERT_EQ(str(p.errors), "");
  const auto &d = p.module->decls;
  ASSERT_EQ(d.size(), 8u);
  EXPECT_EQ(d[0].value->kind, ExprKind::Number);
  EXPECT_TRUE(d[0].value->isInteger);
  EXPECT_EQ(d[0].value->number, 42);
  EXPECT_EQ(d[0].value->text, "42");
  EXPECT_FALSE(d[1].value->isInteger);
  EXPECT_EQ(d[1].value->number, 0.5);
  EXPECT_FALSE(d[2].value->isInteger);
  EXPECT_DOUBLE_EQ(d[2].value->number, 1e-3);
  EXPECT_EQ(d[2].value->text, "1e-3");
  EXPECT_DOUBLE_EQ(d[3].value->number, 2.5e10);
  EXPECT_EQ(d[4].value->kind, ExprKind::String);
  EXPECT_EQ(d[4].value->text, "a\"b\\c\nd\te");
  EXPECT_EQ(d[5].value->kind, ExprKind::Bool);
  EXPECT_TRUE(d[5].value->boolValue);
  EXPECT_FALSE(d[6].value->boolValue);
  EXPECT_EQ(d[7].value->text, "h\xC3\xA9llo");
}

//===----------------------------------------------------------------------===//
// Declarations and statements
//===----------------------------------------------------------------------===//

TEST(ParserTest, LensStatements) {
  Parsed p = parseText(R"(lens residual_block(d: int) {
  let f = dense(d, d) >> relu >> dense(d, d)
  param s: f32 = ones()
  fn (x: f32[d]) -> f32[d] = relu(x + f(x))
}
lens nothing() {
  fn (x) = x
})");
  ASSERT_EQ(str(p.errors), "");
  ASSERT_EQ(p.module->decls.size(), 2u);
  const auto &body = p.module->decls[0].body;
  ASSERT_EQ(body.size(), 3u);
  EXPECT_EQ(body[0].kind, StmtKind::Let);
  EXPECT_EQ(body[0].name, "f");
  EXPECT_EQ(str(body[0].loc), "2:3");
  EXPECT_EQ(str(body[0].nameLoc), "2:7");
  EXPECT_EQ(str(body[0].value.get()), "(>> (>> dense(d, d) relu) dense(d, d))");
  EXPECT_EQ(body[1].kind, StmtKind::Param);
  EXPECT_EQ(str(body[1].type.get()), "f32");
  EXPECT_EQ(body[2].kind, StmtKind::Forward);
  EXPECT_EQ(body[2].name, "");
  EXPECT_EQ(str(body[2].value.get()), "relu((+ x f(x)))");
  const Decl &nothing = p.module->decls[1];
  EXPECT_TRUE(nothing.params.empty());
  ASSERT_EQ(nothing.body.size(), 1u);
  EXPECT_EQ(nothing.body[0].result, nullptr);
  EXPECT_EQ(nothing.body[0].params[0].type, nullptr);
}

TEST(ParserTest, OptimizerStatements) {
  const char *src = R"(optimizer o(lr: f32 = 0.01, nesterov: bool = false) {
  state m = zeros_like(p)
  v = b2 * v + (1 - b2) * g^2
  let e = rho * g / global_norm(g)
  loss = loss
  p - lr * m * loss
})";
  Parsed p = parseText(src);
  ASSERT_EQ(str(p.errors), "");
  const Decl &o = p.module->decls.at(0);
  EXPECT_EQ(str(o.params[1].type.get()), "bool");
  EXPECT_EQ(str(o.params[1].defaultValue.get()), "false");
  ASSERT_EQ(o.body.size(), 5u);
  EXPECT_EQ(o.body[0].kind, StmtKind::State);
  EXPECT_EQ(str(o.body[0].loc), "2:3");
  EXPECT_EQ(o.body[1].kind, StmtKind::Assign);
  EXPECT_EQ(o.body[1].name, "v");
  EXPECT_EQ(str(o.body[1].nameLoc), "3:3");
  EXPECT_EQ(str(o.body[1].value.get()), "(+ (* b2 v) (* (- 1 b2) (^ g 2)))");
  EXPECT_EQ(o.body[2].kind, StmtKind::Let);
  EXPECT_EQ(o.body[2].name, "e");
  EXPECT_EQ(str(o.body[2].value.get()), "(/ (* rho g) global_norm(g))");
  EXPECT_EQ(o.body[3].kind, StmtKind::Assign); // the checker rejects this one
  EXPECT_EQ(o.body[3].name, "loss");
  EXPECT_EQ(o.body[4].kind, StmtKind::Result);
  EXPECT_EQ(str(o.body[4].loc), "6:3");
  EXPECT_EQ(str(o.body[4].value.get()), "(- p (* (* lr m) loss))");
}

TEST(ParserTest, OptimizerResultCanBeALetIn) {
  Parsed p = parseText("optimizer o() {\n  let a = 1 in p - a\n}\n"
                       "optimizer q() {\n  let a = 1\n  p - a\n}");
  ASSERT_EQ(str(p.errors), "");
  ASSERT_EQ(p.module->decls.size(), 2u);
  const auto &o = p.module->decls[0].body;
  ASSERT_EQ(o.size(), 1u);
  EXPECT_EQ(o[0].kind, StmtKind::Result);
  EXPECT_EQ(str(o[0].value.get()), "(let a 1 (- p a))");
  const auto &q = p.module->decls[1].body;
  ASSERT_EQ(q.size(), 2u);
  EXPECT_EQ(q[0].kind, StmtKind::Let);
  EXPECT_EQ(q[1].kind, StmtKind::Result);
}

TEST(ParserTest, FnAndLossWithResultTypes) {
  Parsed p = parseText("fn softplus(x: f32[n]) -> f32[n] = log(1 + exp(x))\n"
                       "loss mse(y: f32[k], target: f32[k]) -> f32 = "
                       "mean((y - target)^2)\n"
                       "fn twice(x: f32[2*d, d,]) = x");
  ASSERT_EQ(str(p.errors), "");
  const auto &d = p.module->decls;
  ASSERT_EQ(d.size(), 3u);
  EXPECT_EQ(str(d[0].result.get()), "f32[n]");
  EXPECT_EQ(str(d[0].result->loc), "1:27");
  EXPECT_EQ(d[1].kind, DeclKind::Loss);
  EXPECT_EQ(str(d[1].result.get()), "f32");
  EXPECT_EQ(str(d[1].value.get()), "mean((^ (- y target) 2))");
  EXPECT_EQ(str(d[2].params[0].type.get()), "f32[(* 2 d), d]");
}

TEST(ParserTest, TrainFieldsMayBeKeywords) {
  Parsed p = parseText("train t {\n  loss = sum(cross_entropy)\n"
                       "  optimizer = chain(clip_norm(1.0), adam(lr = "
                       "cosine(1e-3, steps = 4690)))\n  model = mlp\n}");
  ASSERT_EQ(str(p.errors), "");
  const auto &f = p.module->decls.at(0).fields;
  ASSERT_EQ(f.size(), 3u);
  EXPECT_EQ(f[0].name, "loss");
  EXPECT_EQ(str(f[0].loc), "2:3");
  EXPECT_EQ(f[1].name, "optimizer");
  EXPECT_EQ(str(f[1].value.get()),
            "chain(clip_norm(1.0), adam(lr=cosine(1e-3, steps=4690)))");
  EXPECT_EQ(f[2].name, "model");
}

TEST(ParserTest, LinesStartingWithAnOperatorContinue) {
  Parsed p = parseText("let mlp = dense(784, 256)\n  >> relu\n  >> "
                       "dense(256, 10)\nlet y = 1\n  - 2\n");
  ASSERT_EQ(str(p.errors), "");
  const auto &d = p.module->decls;
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(str(d[0].value.get()),
            "(>> (>> dense(784, 256) relu) dense(256, 10))");
  EXPECT_EQ(str(d[1].value.get()), "(- 1 2)");
}

TEST(ParserTest, ACallsParenIsOnTheLineOfItsName) {
  // Documented: a line starting with '(' starts a new statement; it is not
  // a call of the name that ends the line before.
  Parsed p = parseText("optimizer o(lr: f32 = 0.1) {\n  let a = g\n  (p - lr * a)\n}\n"
                       "fn f(x) = g(\n  x)\n");
  ASSERT_EQ(str(p.errors), "");
  const auto &body = p.module->decls.at(0).body;
  ASSERT_EQ(body.size(), 2u);
  EXPECT_EQ(str(body[0].value.get()), "g");
  EXPECT_EQ(body[1].kind, StmtKind::Result);
  EXPECT_EQ(str(body[1].value.get()), "(- p (* lr a))");
  // Arguments may still go on the next lines.
  EXPECT_EQ(str(p.module->decls.at(1).value.get()), "g(x)");
  // At the top level, such a line is not a declaration: an error there.
  Parsed top = parseText("fn f(x) = g\n(x)\n");
  EXPECT_EQ(str(top.errors), "2:1: expected a declaration but found '('\n");
}

TEST(ParserTest, LinesContinueInOptimizerBodiesToo) {
  // Inside a body a new line could also start a result; the expression goes
  // on instead, as everywhere else.
  Parsed p = parseText("optimizer o() {\n  v = a\n  - b\n"
                       "  w = x\n  [0]\n  state s = zeros_like(p)\n"
                       "  (p - s) * 2\n}");
  ASSERT_EQ(str(p.errors), "");
  const auto &body = p.module->decls.at(0).body;
  ASSERT_EQ(body.size(), 4u);
  EXPECT_EQ(str(body[0].value.get()), "(- a b)");
  EXPECT_EQ(str(body[1].value.get()), "x[0]");
  EXPECT_EQ(body[2].kind, StmtKind::State);
  // A line starting with `(` starts the result.
  EXPECT_EQ(body[3].kind, StmtKind::Result);
  EXPECT_EQ(str(body[3].value.get()), "(* (- p s) 2)");
}

TEST(ParserTest, TuplesAndDestructuring) {
  Parsed p = parseText("let (a, b) = (1, x + 2)\n"
                       "fn swap(t: (f32[3], i32)) = let (x, y) = t in (y, x,)\n"
                       "let one = (7,)\nlet paren = (7)");
  ASSERT_EQ(str(p.errors), "");
  ASSERT_EQ(p.module->decls.size(), 4u);
  const Decl &let = p.module->decls[0];
  ASSERT_EQ(let.binder.names.size(), 2u);
  EXPECT_EQ(let.binder.names[1], "b");
  EXPECT_EQ(str(let.binder.locs[1]), "1:9");
  EXPECT_EQ(str(let.value.get()), "(tuple 1, (+ x 2))");
  const Decl &swap = p.module->decls[1];
  EXPECT_EQ(str(swap.params[0].type.get()), "(f32[3], i32)");
  EXPECT_EQ(swap.value->binder.names.size(), 2u);
  EXPECT_EQ(str(swap.value->operands[1].get()), "(tuple y, x)");
  EXPECT_EQ(str(p.module->decls[2].value.get()), "(tuple 7)");
  EXPECT_EQ(str(p.module->decls[3].value.get()), "7");
  EXPECT_EQ(str(parseText("let (a, a) = (1, 2)").errors),
            "1:9: 'a' is bound twice in this pattern\n");
}

TEST(ParserTest, SlicesAndMaps) {
  Parsed p = parseText("let s = x[1:3] + x[:n] + x[2:]\n"
                       "let m = { \"*.W\": adam(1e-3), \"*\": frozen, }");
  ASSERT_EQ(str(p.errors), "");
  EXPECT_EQ(str(p.module->decls[0].value.get()), "(+ (+ x[1:3] x[:n]) x[2:])");
  EXPECT_EQ(str(p.module->decls[1].value.get()),
            "{\"*.W\": adam(1e-3), \"*\": frozen}");
  EXPECT_EQ(str(parseText("let m = {x: 1}").errors),
            "1:10: expected a string or '}' but found 'x'\n");
}

TEST(ParserTest, TransformsSchedulesAndGlobalState) {
  Parsed p = parseText(
      "transform clip(c: f32) = g * min(1, c / global_norm(g))\n"
      "transform per_example each(c: f32) { let n = norm(g)\n g * min(1, c / n) }\n"
      "schedule warmup(lr0: f32, warm: int) = lr0 * min(1, t / warm)\n"
      "optimizer autoclip(lr: f32 = 0.1) {\n"
      "  global state h: f32[100] = zeros()\n  state v = zeros_like(p)\n  p - lr * g\n}");
  ASSERT_EQ(str(p.errors), "");
  ASSERT_EQ(p.module->decls.size(), 4u);
  EXPECT_EQ(p.module->decls[0].kind, DeclKind::Transform);
  EXPECT_FALSE(p.module->decls[0].perExample);
  EXPECT_TRUE(p.module->decls[1].perExample);
  EXPECT_EQ(p.module->decls[1].name, "each");
  EXPECT_EQ(p.module->decls[1].body.size(), 2u);
  EXPECT_EQ(p.module->decls[2].kind, DeclKind::Schedule);
  const Decl &opt = p.module->decls[3];
  ASSERT_EQ(opt.body.size(), 3u);
  EXPECT_TRUE(opt.body[0].isGlobal);
  EXPECT_EQ(str(opt.body[0].type.get()), "f32[100]");
  EXPECT_FALSE(opt.body[1].isGlobal);
  EXPECT_EQ(str(parseText("transform every x(c) = g").errors),
            "1:11: unknown transform modifier 'every' (the modifier is 'per_example')\n");
  EXPECT_EQ(str(parseText("optimizer o() { shared state v = p\n p }").errors),
            "1:17: unknown state modifier 'shared' (write `state` or `global state`)\n");
}

TEST(ParserTest, Comments) {
  Parsed p = parseText("// a comment\nlet /* inline */ x = 1 // trailing\n"
                       "/* multi\n   line ** / */ let y = x /**/\n");
  ASSERT_EQ(str(p.errors), "");
  ASSERT_EQ(p.module->decls.size(), 2u);
  EXPECT_EQ(str(p.module->decls[1].loc), "4:17");
}

TEST(ParserTest, EmptyInputs) {
  for (const char *src :
       {"", "\n\n", "// only a comment", "/* */", "\xEF\xBB\xBF"}) {
    Parsed p = parseText(src);
    EXPECT_EQ(str(p.errors), "") << src;
    EXPECT_TRUE(p.module->decls.empty()) << src;
  }
}

//===----------------------------------------------------------------------===//
// Syntax errors
//===----------------------------------------------------------------------===//

TEST(ParserTest, MissingCloseParen) {
  Parsed p = parseText("let x = f(1, 2\nlet y = 3");
  EXPECT_EQ(str(p.errors), "2:1: expected ',' or ')' but found 'let'\n");
  // The broken declaration is left out; the next one survives.
  ASSERT_EQ(p.module->decls.size(), 1u);
  EXPECT_EQ(p.module->decls[0].name, "y");

  p = parseText("let x = (1 + 2\nlet y = 3");
  EXPECT_EQ(str(p.errors), "2:1: expected ',' or ')' but found 'let'\n");

  p = parseText("let x = (1");
  EXPECT_EQ(str(p.errors), "1:11: expected ',' or ')' but found end of file\n");
  EXPECT_TRUE(p.module->decls.empty());
}

TEST(ParserTest, UnexpectedToken) {
  Parsed p = parseText("let x = 1 + * 2");
  EXPECT_EQ(str(p.errors), "1:13: expected an expression but found '*'\n");
  EXPECT_TRUE(p.module->decls.empty());

  p = parseText("fn f(x) = x\nfn g(x: [3]) = x");
  EXPECT_EQ(str(p.errors), "2:9: expected a type but found '['\n");
  ASSERT_EQ(p.module->decls.size(), 1u);

  p = parseText("lens l() {\n  x = 1\n}");
  EXPECT_EQ(str(p.errors),
            "2:3: expected 'let', 'fn', 'param', 'backward' or '}' but found 'x'\n");

  p = parseText("train t {\n  model = m\n  let x = 1\n}");
  // ANTLR's recovery takes `let x = 1` for a declaration; the `}` after it
  // is a second error.
  EXPECT_EQ(str(p.errors), "3:3: expected a name or '}' but found 'let'\n"
                           "4:1: expected a declaration but found '}'\n");

  p = parseText("fn f(x) x");
  EXPECT_EQ(str(p.errors), "1:9: expected '->' or '=' but found 'x'\n");
}

TEST(ParserTest, ErrorsInsideCallsAreNotMistakenForTheirEnd) {
  // ANTLR alone would take `max` for the whole expression and complain about
  // the `(`, leaving `fn relu(x) = max` without an error.
  Parsed p = parseText("fn relu(x) = max(x 0)\nfn id(x) = x");
  EXPECT_EQ(str(p.errors), "1:20: expected '=', ',' or ')' but found '0'\n");
  ASSERT_EQ(p.module->decls.size(), 1u);
  EXPECT_EQ(p.module->decls[0].name, "id");
  EXPECT_EQ(str(parseText("let x = f(,)").errors),
            "1:11: expected an expression or ')' but found ','\n");
  // Only names are called; the declaration is not kept as `f(a)`.
  p = parseText("let x = f(a)(b)");
  EXPECT_EQ(str(p.errors), "1:13: expected a declaration but found '('\n");
  EXPECT_TRUE(p.module->decls.empty());
  p = parseText("use std.");
  EXPECT_EQ(str(p.errors), "1:9: expected a name but found end of file\n");
  EXPECT_TRUE(p.module->decls.empty());
}

TEST(ParserTest, GarbageIsReportedAndSkipped) {
  Parsed p = parseText("@@ garbage\nlet a = 1\nlet b = f($x)\n"
                       "let c = 1 $ 2\nlet d = 4\n) ) )\nlet e = 5");
  EXPECT_EQ(str(p.errors), "1:1: expected a declaration but found '@'\n"
                           "3:11: unexpected character '$'\n"
                           "4:11: unexpected character '$'\n"
                           "6:1: expected a declaration but found ')'\n");
  // `b` contains a lexical error; `c` and `d` are followed by garbage, which
  // is taken to be part of them.
  ASSERT_EQ(p.module->decls.size(), 2u);
  EXPECT_EQ(p.module->decls[0].name, "a");
  EXPECT_EQ(p.module->decls[1].name, "e");
}

TEST(ParserTest, LexicalErrors) {
  EXPECT_EQ(str(parseText("let x = 1 & 2").errors),
            "1:11: unexpected character '&' (use 'and')\n");
  EXPECT_EQ(str(parseText("let x = a && b").errors),
            "1:11: unexpected characters '&&' (use 'and')\n");
  EXPECT_EQ(str(parseText("let x = 'a'").errors),
            "1:9: unexpected character \"'\" (strings use double quotes)\n"
            "1:11: unexpected character \"'\" (strings use double quotes)\n");
  EXPECT_EQ(str(parseText("let x = 1.5.2").errors),
            "1:12: malformed number '.2': write '0.2'\n");
  EXPECT_EQ(str(parseText("let x = \"abc\nlet y = 1").errors),
            "1:9: unterminated string (missing '\"' before the end of the "
            "line)\n");
  EXPECT_EQ(str(parseText("let x = \"a\\qb\"").errors),
            "1:11: unknown escape sequence '\\q' in string (known: \\\" \\\\ "
            "\\n \\t)\n");
  EXPECT_EQ(str(parseText("let x = 1\n/* never closed\n").errors),
            "2:1: unterminated comment (missing '*/')\n");
  EXPECT_EQ(str(parseText("let x = .5").errors),
            "1:9: malformed number '.5': write '0.5'\n");
  EXPECT_EQ(str(parseText("let x = 5.").errors),
            "1:9: malformed number '5.': write '5.0'\n");
  EXPECT_EQ(str(parseText("let x = 1e+").errors),
            "1:9: malformed number '1e+': the exponent 'e+' needs digits\n");
  EXPECT_EQ(str(parseText("fn f(x: float) = x").errors),
            "1:9: unknown type 'float' (expected f32, f64, bf16, f16, i32, "
            "i64, bool or int)\n");
}

TEST(ParserTest, NumberOutOfRange) {
  Parsed p = parseText("let a = 1\nlet x = 2 * 1e999\nlet y = 1e-999");
  EXPECT_EQ(str(p.errors), "2:13: number literal out of range\n"
                           "3:9: number literal out of range\n");
  ASSERT_EQ(p.module->decls.size(), 1u);
  EXPECT_EQ(parseText("let x = 1e308").errors.size(), 0u);
}

TEST(ParserTest, ErrorsAreCapped) {
  std::string src;
  for (int i = 0; i < 100; ++i)
    src += "let = 1\n";
  Parsed p = parseText(src);
  ASSERT_EQ(p.errors.size(), 20u);
  EXPECT_EQ(str(p.errors[0].loc), "1:5");
  EXPECT_EQ(p.errors[0].message, "expected a name but found '='");
  for (size_t i = 1; i < p.errors.size(); ++i)
    EXPECT_LT(p.errors[i - 1].loc.line, p.errors[i].loc.line);
}

//===----------------------------------------------------------------------===//
// Hostile input
//===----------------------------------------------------------------------===//

TEST(ParserTest, NulByte) {
  Parsed p = parseText(std::string("let x = 1\nlet y = \0 2", 21));
  EXPECT_EQ(str(p.errors), "2:9: unexpected NUL byte\n");
  EXPECT_TRUE(p.module->decls.empty());
}

TEST(ParserTest, InvalidUtf8) {
  Parsed p = parseText("let s = \"\xC3\xA9\" + \"\xFF\"");
  EXPECT_EQ(str(p.errors), "1:16: invalid UTF-8 (byte 0xFF)\n");
  EXPECT_TRUE(p.module->decls.empty());
  // Overlong forms and surrogates are invalid too.
  EXPECT_EQ(str(parseText("// \xC0\xAF").errors),
            "1:4: invalid UTF-8 (byte 0xC0)\n");
  EXPECT_EQ(str(parseText("// \xED\xA0\x80").errors.front().loc), "1:4");
  // Columns count code points.
  p = parseText("let s = \"\xC3\xA9\xE2\x82\xAC\" +");
  EXPECT_EQ(str(p.errors), "1:15: expected an expression but found end of "
                           "file\n");
  // A byte order mark takes no column.
  EXPECT_EQ(str(parseText("\xEF\xBB\xBFlet x = \xFF").errors),
            "1:9: invalid UTF-8 (byte 0xFF)\n");
  EXPECT_EQ(str(parseText("\xEF\xBB\xBFlet x = $").errors),
            "1:9: unexpected character '$'\n");
  EXPECT_EQ(str(parseText("let s = \xC3\xA9").errors),
            "1:9: unexpected character '\xC3\xA9'\n");
}

TEST(ParserTest, DeepBracketNesting) {
  Parsed p = parseText("let x = " + std::string(10000, '(') + "1" +
                       std::string(10000, ')'));
  EXPECT_EQ(str(p.errors),
            "1:265: nesting too deep (more than 256 nested brackets)\n");
  EXPECT_TRUE(p.module->decls.empty());
  p = parseText("let x = " + std::string(10000, '['));
  EXPECT_EQ(p.errors.size(), 1u);
}

TEST(ParserTest, ModerateNestingIsFine) {
  std::string calls;
  for (int i = 0; i < 200; ++i)
    calls += "f(";
  calls += "1";
  for (int i = 0; i < 200; ++i)
    calls += ")";
  Parsed p = parseText("let x = " + calls);
  EXPECT_EQ(str(p.errors), "");
  EXPECT_EQ(p.module->decls.size(), 1u);

  std::string sum = "1";
  for (int i = 0; i < 500; ++i)
    sum += " + 1";
  p = parseText("let x = " + sum);
  EXPECT_EQ(str(p.errors), "");
}

TEST(ParserTest, DeepExpressionsWithoutBrackets) {
  const std::string tooDeep =
      "expression nested too deeply (more than 1000 levels)";
  auto check = [&](const std::string &body) {
    Parsed p = parseText("let a = 1\nlet x = " + body + "\nlet b = 2");
    ASSERT_EQ(p.errors.size(), 1u) << str(p.errors);
    EXPECT_EQ(p.errors[0].message, tooDeep);
    EXPECT_EQ(p.errors[0].loc.line, 2u);
    // Declarations before the deep one survive.
    ASSERT_GE(p.module->decls.size(), 1u);
    EXPECT_EQ(p.module->decls[0].name, "a");
  };
  check(std::string(100000, '-') + "1");
  std::string s;
  for (int i = 0; i < 20000; ++i)
    s += "not ";
  check(s + "a");
  s = "a";
  for (int i = 0; i < 20000; ++i)
    s += "^a";
  check(s);
  s = "a";
  for (int i = 0; i < 20000; ++i)
    s += " >> a";
  check(s);
  s.clear();
  for (int i = 0; i < 5000; ++i)
    s += "let v = 1 in ";
  check(s + "v");
  s.clear();
  for (int i = 0; i < 5000; ++i)
    s += "if c then 1 else ";
  check(s + "2");
}

/// Every prefix of the example programs, and some deterministic byte soup,
/// parses without crashing and with a bounded number of errors.
TEST(ParserTest, NeverCrashes) {
  for (const char *program : {kLogreg, kModels}) {
    std::string src = program;
    for (size_t n = 0; n <= src.size(); ++n) {
      Parsed p = parseText(src.substr(0, n));
      EXPECT_LE(p.errors.size(), 20u);
      for (const SyntaxError &e : p.errors) {
        EXPECT_GE(e.loc.line, 1u);
        EXPECT_GE(e.loc.col, 1u);
      }
    }
  }
  const std::vector<std::string> pieces = {
      "let",   "in",    "fn",  "lens",  "loss", "optimizer", "train", "use",
      "param", "state", "if",  "then",  "else", "true",      "and",   "not",
      "x",     "1",     "1e5", "\"s\"", "(",    ")",         "[",     "]",
      "{",     "}",     ",",   ":",     ".",    "=",         "==",    ">>",
      "||",    "->",    "+",   "-",     "*",    "^",         "@",     "\n",
      "//c\n", "/*",    "\"",  "$",     "\xFF", "f32",       "<",     "!="};
  uint64_t state = 12345;
  auto next = [&]() {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<size_t>(state >> 33);
  };
  for (int round = 0; round < 300; ++round) {
    std::string src;
    size_t len = next() % 60;
    for (size_t i = 0; i < len; ++i)
      src += pieces[next() % pieces.size()] + " ";
    Parsed p = parseText(src);
    EXPECT_LE(p.errors.size(), 20u);
  }
  for (int round = 0; round < 100; ++round) {
    std::string src;
    size_t len = next() % 200;
    for (size_t i = 0; i < len; ++i)
      src += static_cast<char>(next() % 256);
    Parsed p = parseText(src);
    EXPECT_LE(p.errors.size(), 20u);
  }
}

} // namespace
