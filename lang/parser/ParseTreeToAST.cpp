//===- ParseTreeToAST.cpp - gdc::ast::parse: source text to AST -----------===//
//
// Runs the checks that need no parser (bytes, lexical errors, bracket
// nesting), the ANTLR parser generated from grammar/GD.g4 under a recursion
// guard, and turns each declaration's parse tree into the AST of lang/AST.h.
// A declaration that contains any error is left out of the module, so every
// node in the returned module is complete. Nothing throws out of parse().
//
//===----------------------------------------------------------------------===//
#include "lang/AST.h"
#include "lang/parser/ParserSupport.h"

#include "GDBaseVisitor.h"
#include "GDLexer.h"
#include "GDParser.h"

#include <mutex>
#include <unordered_set>

using namespace antlr4;
using gdc_parser::GDLexer;
using gdc_parser::GDParser;

namespace gdc::ast {
namespace {

using detail::ErrorLog;
using detail::kMaxParseDepth;
using detail::locOf;

//===----------------------------------------------------------------------===//
// The recursion guard
//===----------------------------------------------------------------------===//

/// Thrown by GuardedParser when rule invocations nest deeper than
/// kMaxParseDepth; not a RecognitionException, so it unwinds the whole parse.
struct DepthExceeded {
  ParserRuleContext *ctx;
  Token *token;
};

/// GDParser that refuses to recurse past kMaxParseDepth rule invocations
/// (ANTLR's recursive descent would otherwise overflow the stack on, say,
/// 100000 unary minuses), remembers the root context, which is needed when
/// the parse is abandoned, and predicts with a PredictionSimulator.
class GuardedParser : public GDParser {
public:
  explicit GuardedParser(TokenStream *input) : GDParser(input) {
    auto *standard = getInterpreter<atn::ParserATNSimulator>();
    auto *mine = new detail::PredictionSimulator(
        this, standard->atn, standard->decisionToDFA,
        standard->getSharedContextCache());
    delete standard;
    _interpreter = mine; // deleted by ~GDParser
  }

  ParserRuleContext *root = nullptr;

  void enterRule(ParserRuleContext *localctx, size_t state,
                 size_t ruleIndex) override {
    GDParser::enterRule(localctx, state, ruleIndex);
    check(localctx);
  }
  void enterRecursionRule(ParserRuleContext *localctx, size_t state,
                          size_t ruleIndex, int precedence) override {
    GDParser::enterRecursionRule(localctx, state, ruleIndex, precedence);
    check(localctx);
  }

private:
  void check(ParserRuleContext *ctx) {
    if (!ctx->parent && !root)
      root = ctx;
    // The parent chain is the stack of rule invocations; walking it is
    // cheaper than any bookkeeping at the depths real programs have.
    unsigned depth = 0;
    for (tree::ParseTree *n = ctx; n && depth <= kMaxParseDepth; n = n->parent)
      ++depth;
    if (depth > kMaxParseDepth)
      throw DepthExceeded{ctx, getCurrentToken()};
  }
};

//===----------------------------------------------------------------------===//
// Parse tree checks
//===----------------------------------------------------------------------===//

/// What a walk over one declaration's parse tree found.
struct TreeScan {
  bool hasRecoveredError = false; ///< ANTLR recovered from an error here
  Token *tooDeep = nullptr;       ///< where the tree gets too deep, if it does
};

/// Iterative, because long left-associative chains (`a + a + ... + a`) make
/// deep trees without deep recursion in the parser.
TreeScan scanTree(tree::ParseTree *root) {
  TreeScan scan;
  std::vector<std::pair<tree::ParseTree *, unsigned>> stack{{root, 1}};
  while (!stack.empty()) {
    auto [node, depth] = stack.back();
    stack.pop_back();
    if (dynamic_cast<tree::ErrorNode *>(node)) {
      scan.hasRecoveredError = true;
      continue;
    }
    auto *ctx = dynamic_cast<ParserRuleContext *>(node);
    if (!ctx)
      continue;
    if (ctx->exception)
      scan.hasRecoveredError = true;
    if (depth > kMaxParseDepth && !scan.tooDeep)
      scan.tooDeep = ctx->getStart();
    for (tree::ParseTree *child : ctx->children)
      stack.push_back({child, depth + 1});
  }
  return scan;
}

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

  antlrcpp::Any visitLetDecl(GDParser::LetDeclContext *c) override {
    Decl &decl = *takeDecl();
    decl.kind = DeclKind::Let;
    setName(decl, c->IDENT());
    decl.value = expr(c->expr());
    return done();
  }

  antlrcpp::Any visitFnDecl(GDParser::FnDeclContext *c) override {
    Decl &decl = *takeDecl();
    decl.kind = DeclKind::Fn;
    setName(decl, c->IDENT());
    decl.params = params(c->paramList());
    if (c->type())
      decl.result = type(c->type());
    decl.value = expr(c->expr());
    return done();
  }

  antlrcpp::Any visitLossDecl(GDParser::LossDeclContext *c) override {
    Decl &decl = *takeDecl();
    decl.kind = DeclKind::Loss;
    setName(decl, c->IDENT());
    decl.params = params(c->paramList());
    if (c->type())
      decl.result = type(c->type());
    decl.value = expr(c->expr());
    return done();
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

  antlrcpp::Any visitOptimizerDecl(GDParser::OptimizerDeclContext *c) override {
    Decl &decl = *takeDecl();
    decl.kind = DeclKind::Optimizer;
    setName(decl, c->IDENT());
    decl.params = params(c->paramList());
    if (c->ASSIGN())
      decl.value = expr(c->expr());
    for (auto *s : c->optStmt())
      decl.body.push_back(stmt(s));
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
    if (!ctx || !ctx->IDENT())
      return fail();
    auto t = std::make_unique<TypeExpr>();
    t->loc = locOfNode(ctx->IDENT());
    t->element = text(ctx->IDENT());
    static const char *const known[] = {"f32", "f64", "bf16", "f16",
                                        "i32", "i64", "bool", "int"};
    bool isKnown = false;
    for (const char *k : known)
      isKnown = isKnown || t->element == k;
    if (!isKnown)
      error(ctx->IDENT()->getSymbol(),
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

  antlrcpp::Any visitLensLetStmt(GDParser::LensLetStmtContext *c) override {
    Stmt *s = takeStmt();
    if (!s)
      return fail(), done();
    s->kind = StmtKind::Let;
    setName(*s, c->IDENT());
    s->value = expr(c->expr());
    return done();
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

  antlrcpp::Any visitStateStmt(GDParser::StateStmtContext *c) override {
    Stmt *s = takeStmt();
    if (!s)
      return fail(), done();
    s->kind = StmtKind::State;
    setName(*s, c->IDENT());
    s->value = expr(c->expr());
    return done();
  }

  antlrcpp::Any visitOptLetStmt(GDParser::OptLetStmtContext *c) override {
    Stmt *s = takeStmt();
    if (!s)
      return fail(), done();
    s->kind = StmtKind::Let;
    setName(*s, c->IDENT());
    s->value = expr(c->expr());
    return done();
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

  antlrcpp::Any visitParenExpr(GDParser::ParenExprContext *c) override {
    // Parentheses make no node.
    return result(expr(c->expr()));
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
    e->name = text(c->IDENT());
    e->nameLoc = locOfNode(c->IDENT());
    if (c->expr().size() != 2 || !operands(c->expr(), e->operands))
      return result(fail());
    return result(std::move(e));
  }
};

/// The declaration (a child of the root) that `ctx` lies in, or null.
tree::ParseTree *enclosingDecl(tree::ParseTree *ctx, tree::ParseTree *root) {
  for (; ctx && ctx->parent; ctx = ctx->parent)
    if (ctx->parent == root)
      return ctx;
  return nullptr;
}

/// True if the first token the parser sees after token `last` starts a
/// declaration or is the end of the file.
bool startsDeclOrEnds(BufferedTokenStream &tokens, size_t last) {
  for (size_t i = last + 1; i < tokens.size(); ++i) {
    Token *t = tokens.get(i);
    if (t->getChannel() != Token::DEFAULT_CHANNEL)
      continue;
    switch (t->getType()) {
    case Token::EOF:
    case GDParser::KW_USE:
    case GDParser::KW_LET:
    case GDParser::KW_FN:
    case GDParser::KW_LENS:
    case GDParser::KW_LOSS:
    case GDParser::KW_OPTIMIZER:
    case GDParser::KW_TRAIN:
      return true;
    default:
      return false;
    }
  }
  return true;
}

/// Builds the declarations of a parse in which nothing in `broken` went
/// wrong, appending them to `module`.
void buildModule(tree::ParseTree *root, BufferedTokenStream &tokens,
                 const std::unordered_set<tree::ParseTree *> &broken,
                 ErrorLog &log, Module &module) {
  auto *program = dynamic_cast<GDParser::ProgramContext *>(root);
  if (!program)
    return;
  Builder builder(log);
  for (GDParser::DeclContext *ctx : program->decl()) {
    if (!ctx || broken.count(ctx))
      continue;
    // A declaration ends where the next one starts. If something else comes
    // after it, the parser stopped it short of what was meant (`f(a)(b)`),
    // and the error reported there is about it.
    Token *first = ctx->getStart(), *last = ctx->getStop();
    if (!first || !last || last->getTokenIndex() < first->getTokenIndex())
      continue;
    if (!startsDeclOrEnds(tokens, last->getTokenIndex()))
      continue;
    TreeScan scan = scanTree(ctx);
    if (scan.hasRecoveredError)
      continue;
    if (scan.tooDeep) {
      log.add(locOf(scan.tooDeep), "expression nested too deeply (more than " +
                                       std::to_string(kMaxParseDepth) +
                                       " levels)");
      continue;
    }
    if (log.anyTokenIn(first->getTokenIndex(), last->getTokenIndex()))
      continue;
    Decl decl;
    if (builder.build(ctx, decl))
      module.decls.push_back(std::move(decl));
  }
}

/// The fast path: SLL prediction, giving up at the first syntax error.
/// Builds the module and returns true if there was none. For this grammar
/// SLL finds the same parse as full LL whenever it finds one.
bool parseFast(CommonTokenStream &tokens, ErrorLog &log, Module &module) {
  GuardedParser parser(&tokens);
  parser.removeErrorListeners();
  parser.setErrorHandler(std::make_shared<BailErrorStrategy>());
  parser.getInterpreter<atn::ParserATNSimulator>()->setPredictionMode(
      atn::PredictionMode::SLL);
  try {
    parser.program();
  } catch (const ParseCancellationException &) {
    return false;
  } catch (const DepthExceeded &) {
    return false;
  }
  buildModule(parser.root, tokens, {}, log, module);
  return true;
}

/// The full parse: LL prediction and error recovery, reporting every syntax
/// error and building the declarations without one.
void parseWithRecovery(CommonTokenStream &tokens, ErrorLog &log,
                       Module &module) {
  detail::ErrorListener listener(log);
  GuardedParser parser(&tokens);
  parser.removeErrorListeners();
  parser.addErrorListener(&listener);
  auto strategy = std::make_shared<detail::ErrorStrategy>();
  parser.setErrorHandler(strategy);

  // Declarations the parser met an error in.
  std::unordered_set<tree::ParseTree *> broken;
  try {
    parser.program();
  } catch (const DepthExceeded &e) {
    log.add(locOf(e.token), "expression nested too deeply (more than " +
                                std::to_string(kMaxParseDepth) + " levels)");
    broken.insert(enclosingDecl(e.ctx, parser.root));
  }
  for (ParserRuleContext *ctx : strategy->troubledContexts())
    broken.insert(enclosingDecl(ctx, parser.root));
  buildModule(parser.root, tokens, broken, log, module);
}

} // namespace

std::unique_ptr<Module> parse(const std::string &path,
                              const std::string &source,
                              std::vector<SyntaxError> &errors) {
  errors.clear();
  auto module = std::make_unique<Module>();
  module->path = path;
  ErrorLog log;
  try {
    // ANTLR's generated parsers share their DFA caches between instances;
    // parse one file at a time.
    static std::mutex parserMutex;
    std::lock_guard<std::mutex> lock(parserMutex);

    if (detail::checkBytes(source, log)) {
      ANTLRInputStream input(source);
      GDLexer lexer(&input);
      detail::ErrorListener listener(log);
      lexer.removeErrorListeners();
      lexer.addErrorListener(&listener);
      CommonTokenStream tokens(&lexer);
      tokens.fill();
      if (detail::checkTokens(tokens, log) &&
          !parseFast(tokens, log, *module)) {
        tokens.seek(0);
        parseWithRecovery(tokens, log, *module);
      }
    }
  } catch (const std::exception &e) {
    log.add({1, 1}, std::string("internal parser error: ") + e.what());
  } catch (...) {
    log.add({1, 1}, "internal parser error");
  }
  try {
    errors = log.take();
  } catch (...) {
    errors.clear();
    errors.push_back({{1, 1}, "internal parser error"});
  }
  return module;
}

} // namespace gdc::ast
