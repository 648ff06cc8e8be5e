//===- Parse.cpp - gdc::ast::parse: source text to AST --------------------===//
//
// Runs the checks that need no parser (bytes, lexical errors, bracket
// nesting), the ANTLR parser generated from grammar/GD.g4 under a recursion
// guard, and has AstBuilder turn each declaration's parse tree into the AST.
// A declaration that contains any error is left out of the module, so every
// node in the returned module is complete. Nothing throws out of parse().
//
//===----------------------------------------------------------------------===//
#include "lang/AST.h"
#include "lang/parser/AstBuilder.h"
#include "lang/parser/ParserSupport.h"

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
    case GDParser::KW_TRANSFORM:
    case GDParser::KW_SCHEDULE:
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
    if (detail::buildDecl(ctx, decl, log))
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
