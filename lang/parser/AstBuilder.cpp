//===- AstBuilder.cpp - One declaration's parse tree to its AST -----------===//
#include "lang/parser/AstBuilder.h"

#include "GDBaseVisitor.h"

using namespace antlr4;
using gdc_parser::GDParser;

namespace gdc::ast {
namespace {

using detail::ErrorLog;
using detail::locOf;

//===----------------------------------------------------------------------===//
// The builder
//===----------------------------------------------------------------------===//

Loc locOfNode(tree::TerminalNode *node) {
  return node ? locOf(node->getSymbol()) : Loc{};
}

/// Builds the AST of one declaration whose parse tree has no syntax errors.
/// Problems the grammar does not catch (unknown element types, chained
/// comparisons) are reported, and make build() return false.
///
/// The visitor only dispatches on the kind of context (one virtual call,
/// where a chain of dynamic_casts costs more than the rest of the builder);
/// each visit stores its result in `declOut`, `stmtOut` or `exprOut`.
class Builder : public gdc_parser::GDBaseVisitor {
public:
  explicit Builder(ErrorLog &log) : log(log) {}

  bool build(GDParser::DeclContext *ctx, Decl &decl) {
    ok = true;
    decl.loc = locOf(ctx->getStart());
    declOut = &decl;
    ctx->accept(this);
    if (declOut)
      fail(); // not one of the kinds of declaration
    declOut = nullptr;
    return ok;
  }

  /// Contexts without a visit method of their own build nothing.
  antlrcpp::Any visitChildren(tree::ParseTree *) override { return {}; }

private:
  ErrorLog &log;
  bool ok = true;
  Decl *declOut = nullptr;
  Stmt *stmtOut = nullptr;
  ExprPtr exprOut;
  bool exprBuilt = false;

  /// Marks the declaration as unusable; returns null for convenience.
  std::nullptr_t fail() {
    ok = false;
    return nullptr;
  }
  void error(Token *at, std::string message) {
    log.add(locOf(at), std::move(message));
    ok = false;
  }
  static antlrcpp::Any done() { return {}; }

  /// Takes the declaration being built (visits of declarations are only
  /// made by build()).
  Decl *takeDecl() {
    Decl *d = declOut;
    declOut = nullptr;
    return d;
  }

  std::string text(tree::TerminalNode *node) {
    if (!node)
      return fail(), std::string();
    return node->getSymbol()->getText();
  }
  /// The text of a `name` or `fieldName` (one token).
  std::string text(ParserRuleContext *ctx) {
    if (!ctx || !ctx->getStart())
      return fail(), std::string();
    return ctx->getStart()->getText();
  }

  //===--------------------------------------------------------------------===//
  // Declarations
  //===--------------------------------------------------------------------===//

  void setName(Decl &decl, tree::TerminalNode *ident) {
    decl.name = text(ident);
    decl.nameLoc = locOfNode(ident);
  }
  void setName(Stmt &stmt, tree::TerminalNode *ident) {
    stmt.name = text(ident);
    stmt.nameLoc = locOfNode(ident);
  }

  antlrcpp::Any visitUseDecl(GDParser::UseDeclContext *c) override {
    Decl &decl = *takeDecl();
    decl.kind = DeclKind::Use;
    auto *path = c->modulePath();
    if (!path || path->name().empty())
      return fail(), done();
    decl.nameLoc = locOf(path->name(0)->getStart());
    for (auto *part : path->name()) {
      if (!decl.name.empty())
        decl.name += '.';
      decl.name += text(part);
    }
    return done();
  }

  /// `x` or `(a, b, ...)`; a name repeated in one pattern is an error.
  Binder binder(GDParser::BinderContext *ctx) {
    Binder b;
    if (!ctx || ctx->IDENT().empty())
      return fail(), b;
    for (auto *ident : ctx->IDENT()) {
      std::string name = text(ident);
      for (const std::string &seen : b.names)
        if (seen == name)
          error(ident->getSymbol(), "'" + name + "' is bound twice in this pattern");
      b.names.push_back(name);
      b.locs.push_back(locOfNode(ident));
    }
    return b;
  }

  antlrcpp::Any visitLetDecl(GDParser::LetDeclContext *c) override {
    Decl &decl = *takeDecl();
    decl.kind = DeclKind::Let;
    decl.binder = binder(c->binder());
    if (!decl.binder.names.empty()) {
      decl.name = decl.binder.names[0];
      decl.nameLoc = decl.binder.locs[0];
    }
    decl.value = expr(c->expr());
    return done();
  }

  /// `fn` and `loss` have the same shape: name(params) [-> type] = expr.
  template <typename Context>
  antlrcpp::Any functionLike(Context *c, DeclKind kind) {
    Decl &decl = *takeDecl();
    decl.kind = kind;
    setName(decl, c->IDENT());
    decl.params = params(c->paramList());
    if (c->type())
      decl.result = type(c->type());
    decl.value = expr(c->expr());
    return done();
  }

  antlrcpp::Any visitFnDecl(GDParser::FnDeclContext *c) override {
    return functionLike(c, DeclKind::Fn);
  }

  antlrcpp::Any visitLossDecl(GDParser::LossDeclContext *c) override {
    return functionLike(c, DeclKind::Loss);
  }

  antlrcpp::Any visitLensDecl(GDParser::LensDeclContext *c) override {
    Decl &decl = *takeDecl();
    decl.kind = DeclKind::Lens;
    setName(decl, c->IDENT());
    decl.params = params(c->paramList());
    for (auto *s : c->lensStmt())
      decl.body.push_back(stmt(s));
    return done();
  }

  /// An update rule's parameters and body (`= expr` or `{ statements }`),
  /// the same for optimizers and transforms.
  template <typename Context> void ruleBody(Decl &decl, Context *c) {
    decl.params = params(c->paramList());
    if (c->ASSIGN())
      decl.value = expr(c->expr());
    for (auto *s : c->optStmt())
      decl.body.push_back(stmt(s));
  }

  antlrcpp::Any visitOptimizerDecl(GDParser::OptimizerDeclContext *c) override {
    Decl &decl = *takeDecl();
    decl.kind = DeclKind::Optimizer;
    setName(decl, c->IDENT());
    ruleBody(decl, c);
    return done();
  }

  antlrcpp::Any visitTransformDecl(GDParser::TransformDeclContext *c) override {
    Decl &decl = *takeDecl();
    decl.kind = DeclKind::Transform;
    if (c->modifier) {
      if (c->modifier->getText() != "per_example")
        error(c->modifier, "unknown transform modifier '" + c->modifier->getText() +
                               "' (the modifier is 'per_example')");
      decl.perExample = true;
    }
    auto idents = c->IDENT();
    if (idents.empty())
      return fail(), done();
    setName(decl, idents.back());
    ruleBody(decl, c);
    return done();
  }

  antlrcpp::Any visitScheduleDecl(GDParser::ScheduleDeclContext *c) override {
    Decl &decl = *takeDecl();
    decl.kind = DeclKind::Schedule;
    setName(decl, c->IDENT());
    decl.params = params(c->paramList());
    decl.value = expr(c->expr());
    return done();
  }

  antlrcpp::Any visitTrainDecl(GDParser::TrainDeclContext *c) override {
    Decl &decl = *takeDecl();
    decl.kind = DeclKind::Train;
    setName(decl, c->IDENT());
    for (auto *f : c->field()) {
      Field field;
      if (!f->fieldName())
        return fail(), done();
      field.loc = locOf(f->fieldName()->getStart());
      field.name = text(f->fieldName());
      field.value = expr(f->expr());
      decl.fields.push_back(std::move(field));
    }
    return done();
  }

  std::vector<Param> params(GDParser::ParamListContext *ctx) {
    std::vector<Param> out;
    if (!ctx)
      return out;
    for (auto *p : ctx->param()) {
      Param param;
      param.loc = locOfNode(p->IDENT());
      param.name = text(p->IDENT());
      if (p->type())
        param.type = type(p->type());
      if (p->expr())
        param.defaultValue = expr(p->expr());
      out.push_back(std::move(param));
    }
    return out;
  }

  std::unique_ptr<TypeExpr> type(GDParser::TypeContext *ctx) {
    if (ctx && ctx->IDENT().empty() && ctx->type().size() >= 2) {
      auto t = std::make_unique<TypeExpr>();
      t->loc = locOf(ctx->getStart());
      for (auto *part : ctx->type()) {
        auto p = type(part);
        if (!p)
          return fail();
        t->parts.push_back(std::move(p));
      }
      return t;
    }
    if (!ctx || ctx->IDENT().empty())
      return fail();
    auto t = std::make_unique<TypeExpr>();
    t->loc = locOfNode(ctx->IDENT(0));
    t->element = text(ctx->IDENT(0));
    if (ctx->shape)
      t->shapeName = ctx->shape->getText();
    static const char *const known[] = {"f32", "f64", "bf16", "f16",
                                        "i32", "i64", "bool", "int"};
    bool isKnown = false;
    for (const char *k : known)
      isKnown = isKnown || t->element == k;
    if (!isKnown)
      error(ctx->IDENT(0)->getSymbol(),
            "unknown type '" + t->element +
                "' (expected f32, f64, bf16, f16, i32, i64, bool or int)");
    for (auto *d : ctx->expr())
      t->dims.push_back(expr(d));
    return t;
  }

  //===--------------------------------------------------------------------===//
  // Statements
  //===--------------------------------------------------------------------===//

  Stmt stmt(ParserRuleContext *ctx) {
    Stmt s;
    if (!ctx) {
      fail();
      return s;
    }
    s.loc = locOf(ctx->getStart());
    Stmt *saved = stmtOut;
    stmtOut = &s;
    ctx->accept(this);
    if (stmtOut)
      fail(); // not one of the kinds of statement
    stmtOut = saved;
    return s;
  }

  /// Takes the statement being built; null if there is none.
  Stmt *takeStmt() {
    Stmt *s = stmtOut;
    stmtOut = nullptr;
    return s;
  }

  antlrcpp::Any visitParamStmt(GDParser::ParamStmtContext *c) override {
    Stmt *s = takeStmt();
    if (!s)
      return fail(), done();
    s->kind = StmtKind::Param;
    setName(*s, c->IDENT());
    s->type = type(c->type());
    s->value = expr(c->expr());
    return done();
  }

  /// `state x = e`, `let x = e`: a named value.
  template <typename Context>
  antlrcpp::Any namedValue(Context *c, StmtKind kind) {
    Stmt *s = takeStmt();
    if (!s)
      return fail(), done();
    s->kind = kind;
    setName(*s, c->IDENT());
    s->value = expr(c->expr());
    return done();
  }

  /// `let x = e` or `let (a, b) = e` in a body.
  template <typename Context> antlrcpp::Any letStmt(Context *c) {
    Stmt *s = takeStmt();
    if (!s)
      return fail(), done();
    s->kind = StmtKind::Let;
    s->binder = binder(c->binder());
    if (!s->binder.names.empty()) {
      s->name = s->binder.names[0];
      s->nameLoc = s->binder.locs[0];
    }
    s->value = expr(c->expr());
    return done();
  }

  antlrcpp::Any visitLensLetStmt(GDParser::LensLetStmtContext *c) override {
    return letStmt(c);
  }

  antlrcpp::Any visitForwardStmt(GDParser::ForwardStmtContext *c) override {
    Stmt *s = takeStmt();
    if (!s)
      return fail(), done();
    s->kind = StmtKind::Forward;
    s->params = params(c->paramList());
    if (c->type())
      s->result = type(c->type());
    s->value = expr(c->expr());
    return done();
  }

  antlrcpp::Any visitBackwardStmt(GDParser::BackwardStmtContext *c) override {
    Stmt *s = takeStmt();
    if (!s)
      return fail(), done();
    s->kind = StmtKind::Backward;
    s->params = params(c->paramList());
    s->value = expr(c->expr());
    return done();
  }

  antlrcpp::Any visitStateStmt(GDParser::StateStmtContext *c) override {
    Stmt *s = takeStmt();
    if (!s)
      return fail(), done();
    s->kind = StmtKind::State;
    if (c->modifier) {
      if (c->modifier->getText() != "global")
        error(c->modifier, "unknown state modifier '" + c->modifier->getText() +
                               "' (write `state` or `global state`)");
      s->isGlobal = true;
    }
    if (c->IDENT().empty())
      return fail(), done();
    setName(*s, c->IDENT().back());
    if (c->type())
      s->type = type(c->type());
    s->value = expr(c->expr());
    return done();
  }

  antlrcpp::Any visitOptLetStmt(GDParser::OptLetStmtContext *c) override {
    return letStmt(c);
  }

  antlrcpp::Any visitAssignStmt(GDParser::AssignStmtContext *c) override {
    Stmt *s = takeStmt();
    if (!s)
      return fail(), done();
    s->kind = StmtKind::Assign;
    s->name = text(c->name());
    if (c->name())
      s->nameLoc = locOf(c->name()->getStart());
    s->value = expr(c->expr());
    return done();
  }

  antlrcpp::Any visitResultStmt(GDParser::ResultStmtContext *c) override {
    Stmt *s = takeStmt();
    if (!s)
      return fail(), done();
    s->kind = StmtKind::Result;
    s->value = expr(c->expr());
    return done();
  }

  //===--------------------------------------------------------------------===//
  // Expressions
  //===--------------------------------------------------------------------===//

  static ExprPtr node(ExprKind kind, Loc loc) {
    auto e = std::make_unique<Expr>();
    e->kind = kind;
    e->loc = loc;
    return e;
  }

  /// Builds an expression; null (and the declaration failed) if it cannot.
  ExprPtr expr(GDParser::ExprContext *ctx) {
    if (!ctx)
      return fail();
    exprOut.reset();
    exprBuilt = false;
    ctx->accept(this);
    if (!exprBuilt || !exprOut)
      return fail();
    exprBuilt = false;
    return std::move(exprOut);
  }

  /// Stores the result of a visit to an expression context.
  antlrcpp::Any result(ExprPtr e) {
    exprOut = std::move(e);
    exprBuilt = true;
    return done();
  }

  /// Appends the expressions `ctxs` to `operands`; false if one fails.
  bool operands(const std::vector<GDParser::ExprContext *> &ctxs,
                std::vector<ExprPtr> &operands) {
    for (auto *c : ctxs) {
      ExprPtr e = expr(c);
      if (!e)
        return false;
      operands.push_back(std::move(e));
    }
    return true;
  }

  antlrcpp::Any visitNumberExpr(GDParser::NumberExprContext *c) override {
    if (!c->NUMBER())
      return result(fail());
    ExprPtr e = node(ExprKind::Number, locOf(c->getStart()));
    e->text = text(c->NUMBER());
    e->isInteger = e->text.find_first_of(".eE") == std::string::npos;
    // Malformed and out-of-range literals were reported by checkTokens, and
    // a declaration holding one is never built.
    if (!detail::parseNumber(e->text, e->number))
      return result(fail());
    return result(std::move(e));
  }

  antlrcpp::Any visitStringExpr(GDParser::StringExprContext *c) override {
    if (!c->STRING())
      return result(fail());
    ExprPtr e = node(ExprKind::String, locOf(c->getStart()));
    std::string message;
    unsigned offset;
    if (!detail::decodeString(text(c->STRING()), e->text, offset, message))
      return result(fail());
    return result(std::move(e));
  }

  antlrcpp::Any visitBoolExpr(GDParser::BoolExprContext *c) override {
    ExprPtr e = node(ExprKind::Bool, locOf(c->getStart()));
    e->boolValue = c->KW_TRUE() != nullptr;
    return result(std::move(e));
  }

  antlrcpp::Any visitNameExpr(GDParser::NameExprContext *c) override {
    ExprPtr e = node(ExprKind::Name, locOf(c->getStart()));
    e->name = text(c->name());
    return result(std::move(e));
  }

  antlrcpp::Any visitCallExpr(GDParser::CallExprContext *c) override {
    if (!c->name())
      return result(fail());
    ExprPtr e = node(ExprKind::Call, locOf(c->getStart()));
    e->name = text(c->name());
    e->nameLoc = locOf(c->name()->getStart());
    if (auto *list = c->argList()) {
      for (auto *a : list->arg()) {
        Arg arg;
        arg.loc = locOf(a->getStart());
        if (a->name())
          arg.keyword = text(a->name());
        arg.value = expr(a->expr());
        if (!arg.value)
          return result(fail());
        e->args.push_back(std::move(arg));
      }
    }
    return result(std::move(e));
  }

  /// `(e)` makes no node; `(a, b)` and `(a,)` are tuples. One rule for both
  /// keeps the grammar LL(1) here, so a missing `)` is reported as such.
  antlrcpp::Any visitParenExpr(GDParser::ParenExprContext *c) override {
    if (c->expr().size() == 1 && !c->trailing)
      return result(expr(c->expr(0)));
    ExprPtr e = node(ExprKind::Tuple, locOf(c->getStart()));
    if (!operands(c->expr(), e->operands))
      return result(fail());
    return result(std::move(e));
  }

  antlrcpp::Any visitDictExpr(GDParser::DictExprContext *c) override {
    ExprPtr e = node(ExprKind::Dict, locOf(c->getStart()));
    for (auto *entry : c->entry()) {
      if (!entry->STRING())
        return result(fail());
      Arg arg;
      arg.loc = locOf(entry->getStart());
      std::string message;
      unsigned offset;
      if (!detail::decodeString(text(entry->STRING()), arg.keyword, offset, message))
        return result(fail());
      arg.value = expr(entry->expr());
      if (!arg.value)
        return result(fail());
      e->args.push_back(std::move(arg));
    }
    return result(std::move(e));
  }

  antlrcpp::Any visitSliceExpr(GDParser::SliceExprContext *c) override {
    ExprPtr e = node(ExprKind::Slice, locOf(c->getStart()));
    ExprPtr base = expr(c->expr(0));
    if (!base)
      return result(fail());
    e->operands.push_back(std::move(base));
    for (auto *bound : {c->lo, c->hi}) {
      ExprPtr b;
      if (bound && !(b = expr(bound)))
        return result(fail());
      e->operands.push_back(std::move(b));
    }
    return result(std::move(e));
  }

  antlrcpp::Any visitListExpr(GDParser::ListExprContext *c) override {
    ExprPtr e = node(ExprKind::List, locOf(c->getStart()));
    if (!operands(c->expr(), e->operands))
      return result(fail());
    return result(std::move(e));
  }

  antlrcpp::Any visitIndexExpr(GDParser::IndexExprContext *c) override {
    ExprPtr e = node(ExprKind::Index, locOf(c->getStart()));
    if (c->expr().size() != 2 || !operands(c->expr(), e->operands))
      return result(fail());
    return result(std::move(e));
  }

  ExprPtr binary(Token *op, const std::vector<GDParser::ExprContext *> &ctxs) {
    if (!op || ctxs.size() != 2)
      return fail();
    ExprPtr e = node(ExprKind::Binary, locOf(op));
    e->op = op->getText();
    if (!operands(ctxs, e->operands))
      return fail();
    return e;
  }

  antlrcpp::Any visitBinaryExpr(GDParser::BinaryExprContext *c) override {
    return result(binary(c->op, c->expr()));
  }

  antlrcpp::Any visitCompareExpr(GDParser::CompareExprContext *c) override {
    // The grammar makes comparisons left associative; `a < b < c` is almost
    // certainly not what was meant. Point at the second comparison.
    auto isCompare = [](GDParser::ExprContext *e) {
      return e && dynamic_cast<GDParser::CompareExprContext *>(e);
    };
    if (c->op && isCompare(c->expr(0))) {
      auto *second = c;
      while (
          isCompare(second->expr(0)) &&
          isCompare(static_cast<GDParser::CompareExprContext *>(second->expr(0))
                        ->expr(0)))
        second = static_cast<GDParser::CompareExprContext *>(second->expr(0));
      if (second->op)
        error(second->op,
              "comparisons cannot be chained; combine them with 'and'");
      return result(fail());
    }
    return result(binary(c->op, c->expr()));
  }

  antlrcpp::Any visitUnaryExpr(GDParser::UnaryExprContext *c) override {
    if (!c->op)
      return result(fail());
    ExprPtr e = node(ExprKind::Unary, locOf(c->op));
    e->op = c->op->getText();
    if (!operands({c->expr()}, e->operands))
      return result(fail());
    return result(std::move(e));
  }

  antlrcpp::Any visitIfExpr(GDParser::IfExprContext *c) override {
    ExprPtr e = node(ExprKind::IfThenElse, locOf(c->getStart()));
    if (c->expr().size() != 3 || !operands(c->expr(), e->operands))
      return result(fail());
    return result(std::move(e));
  }

  antlrcpp::Any visitLetInExpr(GDParser::LetInExprContext *c) override {
    ExprPtr e = node(ExprKind::LetIn, locOf(c->getStart()));
    e->binder = binder(c->binder());
    if (e->binder.names.empty())
      return result(fail());
    e->name = e->binder.names[0];
    e->nameLoc = e->binder.locs[0];
    if (c->expr().size() != 2 || !operands(c->expr(), e->operands))
      return result(fail());
    return result(std::move(e));
  }
};

} // namespace

bool detail::buildDecl(GDParser::DeclContext *ctx, Decl &decl, ErrorLog &log) {
  Builder builder(log);
  return builder.build(ctx, decl);
}

} // namespace gdc::ast
