//===- ParserSupport.h - Checks and diagnostics around the ANTLR parser ---===//
//
// Internal to GDCParser (built with exceptions and RTTI): the checks done
// before ANTLR sees the text (bytes, lexical errors, bracket nesting) and the
// error strategy and listener that phrase ANTLR's syntax errors for people.
//
//===----------------------------------------------------------------------===//
#ifndef GDC_LANG_PARSER_PARSERSUPPORT_H
#define GDC_LANG_PARSER_PARSERSUPPORT_H

#include "lang/AST.h"

#include "antlr4-runtime.h"

#include <cstddef>
#include <string>
#include <vector>

namespace gdc::ast::detail {

/// More nested brackets than this is an error found before parsing.
constexpr unsigned kMaxBracketDepth = 256;
/// More nested rule invocations (ANTLR's recursion) or a deeper parse tree
/// (which long left-associative chains also make) is an error.
constexpr unsigned kMaxParseDepth = 1000;
/// At most this many errors are returned.
constexpr size_t kMaxErrors = 20;

/// The errors found so far. Lexical errors also record the index of their
/// token, so that a declaration spanning one can be left out even when the
/// parser saw nothing wrong (an unknown character inside it, a bad literal).
class ErrorLog {
public:
  static constexpr size_t kNoToken = static_cast<size_t>(-1);

  void add(Loc loc, std::string message, size_t lexicalErrorToken = kNoToken);
  /// True if a lexical error was reported about a token in [first, last].
  bool anyTokenIn(size_t first, size_t last) const;
  bool isLexicalErrorToken(size_t index) const {
    return anyTokenIn(index, index);
  }
  /// The errors in source order, at most kMaxErrors of them.
  std::vector<SyntaxError> take();

private:
  struct Entry {
    SyntaxError error;
    size_t seq;
  };
  std::vector<Entry> entries;
  std::vector<size_t> tokenIndices;
};

inline Loc locOf(const antlr4::Token *t) {
  return {static_cast<unsigned>(t->getLine()),
          static_cast<unsigned>(t->getCharPositionInLine() + 1)};
}

/// Reports NUL bytes and invalid UTF-8. Returns false if there were any.
bool checkBytes(const std::string &source, ErrorLog &log);

/// Reports lexical errors in the token stream (unknown characters,
/// unterminated comments and strings, malformed or out-of-range numbers,
/// unknown escapes) and bracket nesting deeper than kMaxBracketDepth.
/// Returns false if the nesting is too deep to parse.
bool checkTokens(antlr4::BufferedTokenStream &tokens, ErrorLog &log);

/// Decodes the text of a STRING token (quotes included). Returns false, with
/// the code-point offset of the problem and a message, for an unknown escape
/// or a missing closing quote.
bool decodeString(const std::string &text, std::string &value,
                  unsigned &badOffset, std::string &message);

/// Parses the text of a well-formed NUMBER token.
bool parseNumber(const std::string &text, double &value);

/// DefaultErrorStrategy with messages in plain English ("expected ')' but
/// found 'x'", "unexpected 'x'") and a resynchronisation at the start of a
/// loop (e.g. garbage before the first declaration) instead of giving up on
/// the enclosing rule.
class ErrorStrategy : public antlr4::DefaultErrorStrategy {
public:
  void sync(antlr4::Parser *recognizer) override;
  antlr4::Token *recoverInline(antlr4::Parser *recognizer) override;
  void recover(antlr4::Parser *recognizer, std::exception_ptr e) override;
  void reportError(antlr4::Parser *recognizer,
                   const antlr4::RecognitionException &e) override;

  /// The rule contexts in which the parser met an error, reported or not
  /// (ANTLR stays silent while recovering, and repairs some errors without
  /// leaving a trace in the parse tree).
  const std::vector<antlr4::ParserRuleContext *> &troubledContexts() const {
    return troubled;
  }

protected:
  void
  reportNoViableAlternative(antlr4::Parser *recognizer,
                            const antlr4::NoViableAltException &e) override;
  void reportInputMismatch(antlr4::Parser *recognizer,
                           const antlr4::InputMismatchException &e) override;
  void
  reportFailedPredicate(antlr4::Parser *recognizer,
                        const antlr4::FailedPredicateException &e) override;
  void reportUnwantedToken(antlr4::Parser *recognizer) override;
  void reportMissingToken(antlr4::Parser *recognizer) override;

private:
  std::vector<antlr4::ParserRuleContext *> troubled;
  void noteTrouble(antlr4::Parser *recognizer);
  void reportExpectedAtCurrent(antlr4::Parser *recognizer);
};

/// ParserATNSimulator that reports an error where prediction fails, when it
/// fails after looking more than one token ahead. ANTLR instead predicts an
/// alternative that ended the rule early, which for `max(x 0)` takes `max`
/// for the whole expression and reports the `(` after it; that would leave a
/// wrong but error-free declaration.
class PredictionSimulator : public antlr4::atn::ParserATNSimulator {
public:
  using ParserATNSimulator::ParserATNSimulator;
  size_t adaptivePredict(antlr4::TokenStream *input, size_t decision,
                         antlr4::ParserRuleContext *outerContext) override;

protected:
  antlr4::dfa::DFAState *
  getExistingTargetState(antlr4::dfa::DFAState *previousD, size_t t) override;
  std::unique_ptr<antlr4::atn::ATNConfigSet>
  computeReachSet(antlr4::atn::ATNConfigSet *closure, size_t t,
                  bool fullCtx) override;
  size_t getAltThatFinishedDecisionEntryRule(
      antlr4::atn::ATNConfigSet *configs) override;

private:
  unsigned sllSteps = 0; ///< tokens looked at by this prediction (SLL)
  unsigned llSteps = 0;  ///< tokens looked at with full context (LL)
};

/// Records what the lexer and parser report into an ErrorLog, leaving out
/// syntax errors that are consequences of a lexical error already reported
/// (at a malformed token, or right after an unknown character).
class ErrorListener : public antlr4::BaseErrorListener {
public:
  explicit ErrorListener(ErrorLog &log) : log(log) {}
  void syntaxError(antlr4::Recognizer *recognizer,
                   antlr4::Token *offendingSymbol, size_t line,
                   size_t charPositionInLine, const std::string &msg,
                   std::exception_ptr e) override;

private:
  ErrorLog &log;
};

} // namespace gdc::ast::detail

#endif // GDC_LANG_PARSER_PARSERSUPPORT_H
