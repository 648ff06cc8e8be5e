//===- ParserSupport.cpp - Checks and diagnostics around the ANTLR parser -===//
//
// Everything here may use exceptions: the library is built with them, and
// gdc::ast::parse catches all of them.
//
//===----------------------------------------------------------------------===//
#include "lang/parser/ParserSupport.h"

#include "atn/ATNConfigSet.h"
#include "atn/Transition.h"

#include "GDLexer.h"
#include "GDParser.h"

#include <algorithm>
#include <cassert>
#include <charconv>
#include <system_error>

using namespace antlr4;
using gdc_parser::GDLexer;
using gdc_parser::GDParser;

namespace gdc::ast::detail {

//===----------------------------------------------------------------------===//
// ErrorLog
//===----------------------------------------------------------------------===//

// Enough to hold the first kMaxErrors of each source of errors even when
// they arrive a little out of order; the rest only count.
static constexpr size_t kMaxStoredErrors = 1000;

void ErrorLog::add(Loc loc, std::string message, size_t lexicalErrorToken) {
  if (lexicalErrorToken != kNoToken) {
    assert((tokenIndices.empty() || tokenIndices.back() < lexicalErrorToken) &&
           "lexical errors must be reported in token order");
    tokenIndices.push_back(lexicalErrorToken);
  }
  if (message.empty() || entries.size() >= kMaxStoredErrors)
    return;
  entries.push_back({{loc, std::move(message)}, entries.size()});
}

bool ErrorLog::anyTokenIn(size_t first, size_t last) const {
  // checkTokens reports in token order, so the indices are sorted.
  auto it = std::lower_bound(tokenIndices.begin(), tokenIndices.end(), first);
  return it != tokenIndices.end() && *it <= last;
}

std::vector<SyntaxError> ErrorLog::take() {
  std::sort(entries.begin(), entries.end(), [](const Entry &a, const Entry &b) {
    if (a.error.loc.line != b.error.loc.line)
      return a.error.loc.line < b.error.loc.line;
    if (a.error.loc.col != b.error.loc.col)
      return a.error.loc.col < b.error.loc.col;
    return a.seq < b.seq;
  });
  std::vector<SyntaxError> out;
  for (Entry &e : entries) {
    if (out.size() == kMaxErrors)
      break;
    // The same complaint twice at one place helps nobody.
    if (!out.empty() && out.back().loc.line == e.error.loc.line &&
        out.back().loc.col == e.error.loc.col &&
        out.back().message == e.error.message)
      continue;
    out.push_back(std::move(e.error));
  }
  entries.clear();
  tokenIndices.clear();
  return out;
}

//===----------------------------------------------------------------------===//
// Bytes
//===----------------------------------------------------------------------===//

static std::string hexByte(unsigned char b) {
  static const char digits[] = "0123456789ABCDEF";
  return std::string("0x") + digits[b >> 4] + digits[b & 15];
}

/// The length of the well-formed UTF-8 sequence at s[i], or 0.
static size_t utf8SequenceLength(const std::string &s, size_t i) {
  auto at = [&](size_t k) -> unsigned {
    return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0x100;
  };
  unsigned b0 = at(0);
  if (b0 < 0x80)
    return 1;
  auto cont = [](unsigned b) { return b >= 0x80 && b <= 0xBF; };
  if (b0 >= 0xC2 && b0 <= 0xDF)
    return cont(at(1)) ? 2 : 0;
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    unsigned lo = b0 == 0xE0 ? 0xA0 : 0x80; // no overlong forms
    unsigned hi = b0 == 0xED ? 0x9F : 0xBF; // no surrogates
    unsigned b1 = at(1);
    return b1 >= lo && b1 <= hi && cont(at(2)) ? 3 : 0;
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    unsigned lo = b0 == 0xF0 ? 0x90 : 0x80;
    unsigned hi = b0 == 0xF4 ? 0x8F : 0xBF; // nothing above U+10FFFF
    unsigned b1 = at(1);
    return b1 >= lo && b1 <= hi && cont(at(2)) && cont(at(3)) ? 4 : 0;
  }
  return 0;
}

bool checkBytes(const std::string &source, ErrorLog &log) {
  bool ok = true;
  unsigned line = 1, col = 1, count = 0;
  // A byte order mark takes no column (ANTLR's input stream drops it too).
  size_t start = source.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;
  for (size_t i = start; i < source.size() && count < kMaxErrors;) {
    unsigned char b = static_cast<unsigned char>(source[i]);
    if (b == 0) {
      log.add({line, col}, "unexpected NUL byte");
      ok = false;
      ++count;
      ++i;
      ++col;
      continue;
    }
    if (b == '\n') {
      ++line;
      col = 1;
      ++i;
      continue;
    }
    size_t len = utf8SequenceLength(source, i);
    if (len == 0) {
      log.add({line, col}, "invalid UTF-8 (byte " + hexByte(b) + ")");
      ok = false;
      ++count;
      // One error for the bad byte and the continuation bytes after it.
      for (len = 1;
           i + len < source.size() &&
           (static_cast<unsigned char>(source[i + len]) & 0xC0) == 0x80;
           ++len)
        ;
    }
    i += len;
    ++col;
  }
  return ok;
}

//===----------------------------------------------------------------------===//
// Tokens
//===----------------------------------------------------------------------===//

static unsigned codePoints(const std::string &s, size_t bytes) {
  unsigned n = 0;
  for (size_t i = 0; i < bytes && i < s.size(); ++i)
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80)
      ++n;
  return n;
}

static bool isDigit(char c) { return c >= '0' && c <= '9'; }

bool decodeString(const std::string &text, std::string &value,
                  unsigned &badOffset, std::string &message) {
  value.clear();
  size_t i = 1; // after the opening quote
  while (i < text.size()) {
    char c = text[i];
    if (c == '"')
      return true;
    if (c != '\\') {
      value += c;
      ++i;
      continue;
    }
    if (i + 1 >= text.size())
      break;
    switch (text[i + 1]) {
    case '"':
      value += '"';
      break;
    case '\\':
      value += '\\';
      break;
    case 'n':
      value += '\n';
      break;
    case 't':
      value += '\t';
      break;
    default: {
      size_t len = utf8SequenceLength(text, i + 1);
      badOffset = codePoints(text, i);
      message = "unknown escape sequence '\\" +
                text.substr(i + 1, len ? len : 1) +
                "' in string (known: \\\" \\\\ \\n \\t)";
      return false;
    }
    }
    i += 2;
  }
  badOffset = 0;
  message = "unterminated string (missing '\"' before the end of the line)";
  return false;
}

bool parseNumber(const std::string &text, double &value) {
  auto r = std::from_chars(text.data(), text.data() + text.size(), value,
                           std::chars_format::general);
  return r.ec == std::errc() && r.ptr == text.data() + text.size();
}

/// An empty string if `text` is a well-formed number, else what is wrong.
static std::string numberProblem(const std::string &text) {
  size_t i = 0, n = text.size();
  bool ok = true;
  std::string fixed;
  if (i < n && text[i] == '.') {
    ok = false;
    fixed += '0';
  }
  while (i < n && isDigit(text[i]))
    fixed += text[i++];
  if (i < n && text[i] == '.') {
    fixed += text[i++];
    if (i == n || !isDigit(text[i])) {
      ok = false;
      fixed += '0';
    }
    while (i < n && isDigit(text[i]))
      fixed += text[i++];
  }
  if (i < n && (text[i] == 'e' || text[i] == 'E')) {
    size_t start = i++;
    if (i < n && (text[i] == '+' || text[i] == '-'))
      ++i;
    if (i == n || !isDigit(text[i]))
      return "malformed number '" + text + "': the exponent '" +
             text.substr(start) + "' needs digits";
    fixed += text.substr(start);
  }
  if (ok)
    return "";
  return "malformed number '" + text + "': write '" + fixed + "'";
}

/// The message for a run of unknown characters.
static std::string unknownCharMessage(const std::string &text) {
  std::string shown;
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char b = static_cast<unsigned char>(text[i]);
    if (b < 0x20 || b == 0x7F) {
      static const char digits[] = "0123456789ABCDEF";
      shown += std::string("\\x") + digits[b >> 4] + digits[b & 15];
    } else {
      shown += text[i];
    }
  }
  bool single = codePoints(text, text.size()) == 1;
  std::string msg = single ? "unexpected character " : "unexpected characters ";
  msg += text.find('\'') == std::string::npos ? "'" + shown + "'"
                                              : "\"" + shown + "\"";
  char c = text[0];
  bool same = text.find_first_not_of(c) == std::string::npos;
  if (same && c == '&')
    msg += " (use 'and')";
  else if (same && c == '|')
    msg += " (use 'or'; '||' is the parallel product)";
  else if (text == "!")
    msg += " (use 'not')";
  else if (same && c == ';')
    msg += " (gd needs no ';')";
  else if (same && c == '\'')
    msg += " (strings use double quotes)";
  return msg;
}

bool checkTokens(BufferedTokenStream &tokens, ErrorLog &log) {
  unsigned depth = 0;
  for (Token *t : tokens.getTokens()) {
    switch (t->getType()) {
    case GDLexer::UNKNOWN_CHAR: {
      // One error for a run of unknown characters (`&&`).
      size_t index = t->getTokenIndex();
      bool continuesRun =
          index > 0 &&
          tokens.get(index - 1)->getType() == GDLexer::UNKNOWN_CHAR &&
          tokens.get(index - 1)->getStopIndex() + 1 == t->getStartIndex();
      if (continuesRun) {
        log.add(locOf(t), "", index); // marks the token only
        break;
      }
      std::string run = t->getText();
      for (size_t i = index + 1; i < tokens.size(); ++i) {
        Token *next = tokens.get(i);
        if (next->getType() != GDLexer::UNKNOWN_CHAR ||
            next->getStartIndex() != tokens.get(i - 1)->getStopIndex() + 1)
          break;
        run += next->getText();
      }
      log.add(locOf(t), unknownCharMessage(run), index);
      break;
    }
    case GDLexer::UNTERMINATED_COMMENT:
      log.add(locOf(t), "unterminated comment (missing '*/')",
              t->getTokenIndex());
      break;
    case GDLexer::NUMBER: {
      std::string text = t->getText();
      std::string problem = numberProblem(text);
      double value;
      if (problem.empty() && !parseNumber(text, value))
        problem = "number literal out of range";
      if (!problem.empty())
        log.add(locOf(t), problem, t->getTokenIndex());
      break;
    }
    case GDLexer::STRING: {
      std::string value, message;
      unsigned offset = 0;
      if (!decodeString(t->getText(), value, offset, message)) {
        Loc loc = locOf(t);
        loc.col += offset;
        log.add(loc, message, t->getTokenIndex());
      }
      break;
    }
    case GDLexer::LPAREN:
    case GDLexer::LINE_LPAREN:
    case GDLexer::LBRACK:
    case GDLexer::LBRACE:
      if (++depth > kMaxBracketDepth) {
        log.add(locOf(t),
                "nesting too deep (more than " +
                    std::to_string(kMaxBracketDepth) + " nested brackets)",
                t->getTokenIndex());
        return false;
      }
      break;
    case GDLexer::RPAREN:
    case GDLexer::RBRACK:
    case GDLexer::RBRACE:
      if (depth > 0)
        --depth;
      break;
    default:
      break;
    }
  }
  return true;
}

//===----------------------------------------------------------------------===//
// Syntax error messages
//===----------------------------------------------------------------------===//

/// How a token found in the input is shown: 'text' or "end of file".
static std::string tokenDisplay(const Token *t) {
  if (!t || t->getType() == Token::EOF)
    return "end of file";
  std::string text = t->getText();
  constexpr unsigned kMaxShown = 32;
  if (codePoints(text, text.size()) > kMaxShown) {
    size_t i = 0;
    for (unsigned n = 0; i < text.size(); ++i)
      if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80 &&
          ++n > kMaxShown)
        break;
    text = text.substr(0, i) + "...";
  }
  return "'" + text + "'";
}

static const std::vector<size_t> &exprStartTokens() {
  static const std::vector<size_t> set = {
      GDParser::NUMBER,   GDParser::STRING, GDParser::KW_TRUE,
      GDParser::KW_FALSE, GDParser::IDENT,  GDParser::KW_LOSS,
      GDParser::LPAREN,   GDParser::LINE_LPAREN, GDParser::LBRACK, GDParser::LBRACE,
      GDParser::MINUS,    GDParser::KW_NOT, GDParser::KW_IF,
      GDParser::KW_LET};
  return set;
}

static const std::vector<size_t> &declStartTokens() {
  static const std::vector<size_t> set = {
      GDParser::KW_USE,  GDParser::KW_LET,  GDParser::KW_FN,
      GDParser::KW_LENS, GDParser::KW_LOSS, GDParser::KW_OPTIMIZER,
      GDParser::KW_TRANSFORM, GDParser::KW_SCHEDULE, GDParser::KW_TRAIN};
  return set;
}

/// Tokens that continue an expression; noise in a list of expectations.
static bool isOperatorToken(size_t t) {
  switch (t) {
  case GDParser::LBRACK:
  case GDParser::LPAREN:
  case GDParser::CARET:
  case GDParser::STAR:
  case GDParser::SLASH:
  case GDParser::PERCENT:
  case GDParser::AT:
  case GDParser::PLUS:
  case GDParser::MINUS:
  case GDParser::EQ_EQ:
  case GDParser::NOT_EQ:
  case GDParser::LESS:
  case GDParser::LESS_EQ:
  case GDParser::GREATER:
  case GDParser::GREATER_EQ:
  case GDParser::KW_AND:
  case GDParser::KW_OR:
  case GDParser::PARALLEL:
  case GDParser::COMPOSE:
    return true;
  default:
    return false;
  }
}

/// "')'", "a name or ')'", "an expression"... or "" when the list of what
/// could come is too long to help.
static std::string describeExpected(Parser *parser,
                                    const misc::IntervalSet &set) {
  std::vector<size_t> tokens;
  for (ssize_t t : set.toList())
    if (static_cast<size_t>(t) != Token::EPSILON)
      tokens.push_back(static_cast<size_t>(t));
  auto has = [&](size_t t) {
    return std::find(tokens.begin(), tokens.end(), t) != tokens.end();
  };
  auto hasAll = [&](const std::vector<size_t> &group) {
    return std::all_of(group.begin(), group.end(), has);
  };
  auto removeIf = [&](auto pred) {
    tokens.erase(std::remove_if(tokens.begin(), tokens.end(), pred),
                 tokens.end());
  };
  auto inGroup = [](const std::vector<size_t> &group) {
    return [&group](size_t t) {
      return std::find(group.begin(), group.end(), t) != group.end();
    };
  };

  std::vector<std::string> items;
  if (hasAll(declStartTokens())) {
    items.push_back("a declaration");
    removeIf(inGroup(declStartTokens()));
    removeIf([](size_t t) { return t == Token::EOF; });
  }
  if (hasAll(exprStartTokens())) {
    items.push_back("an expression");
    removeIf(inGroup(exprStartTokens()));
  }
  // Where a name will do, `loss` and `optimizer` are names (train fields).
  if (has(GDParser::IDENT))
    removeIf([](size_t t) {
      return t == GDParser::KW_LOSS || t == GDParser::KW_OPTIMIZER;
    });
  bool onlyOperators =
      std::all_of(tokens.begin(), tokens.end(), isOperatorToken);
  if (!items.empty() || !onlyOperators)
    removeIf(isOperatorToken);

  // Kinds of token first, then particular tokens, then the end of the file.
  bool inType = dynamic_cast<GDParser::TypeContext *>(parser->getContext());
  const dfa::Vocabulary &vocab = parser->getVocabulary();
  std::vector<std::string> literals;
  bool eof = false;
  for (size_t t : tokens) {
    if (t == Token::EOF)
      eof = true;
    else if (t == GDParser::LINE_LPAREN)
      continue; // `open` accepts LPAREN too, which says '('
    else if (t == GDParser::IDENT)
      items.push_back(inType ? "a type" : "a name");
    else if (t == GDParser::NUMBER)
      items.push_back("a number");
    else if (t == GDParser::STRING)
      items.push_back("a string");
    else if (!vocab.getLiteralName(t).empty())
      literals.push_back(vocab.getLiteralName(t));
    else
      literals.push_back(vocab.getDisplayName(t));
  }
  items.insert(items.end(), literals.begin(), literals.end());
  if (eof)
    items.push_back("end of file");
  if (items.empty() || items.size() > 5)
    return "";
  std::string out = items[0];
  for (size_t i = 1; i < items.size(); ++i)
    out += (i + 1 == items.size() ? " or " : ", ") + items[i];
  return out;
}

static std::string expectedButFound(Parser *parser,
                                    const misc::IntervalSet &expected,
                                    const Token *found) {
  std::string what = describeExpected(parser, expected);
  if (what.empty())
    return "unexpected " + tokenDisplay(found);
  return "expected " + what + " but found " + tokenDisplay(found);
}

void ErrorStrategy::noteTrouble(Parser *recognizer) {
  if (ParserRuleContext *ctx = recognizer->getContext())
    if (troubled.empty() || troubled.back() != ctx)
      troubled.push_back(ctx);
}

Token *ErrorStrategy::recoverInline(Parser *recognizer) {
  noteTrouble(recognizer);
  return DefaultErrorStrategy::recoverInline(recognizer);
}

void ErrorStrategy::recover(Parser *recognizer, std::exception_ptr e) {
  noteTrouble(recognizer);
  DefaultErrorStrategy::recover(recognizer, e);
}

void ErrorStrategy::reportError(Parser *recognizer,
                                const RecognitionException &e) {
  noteTrouble(recognizer);
  DefaultErrorStrategy::reportError(recognizer, e);
}

void ErrorStrategy::sync(Parser *recognizer) {
  if (inErrorRecoveryMode(recognizer))
    return;
  const atn::ATN &atn = recognizer->getATN();
  atn::ATNState *s = atn.states[recognizer->getState()];
  if (s->getStateType() != atn::ATNState::STAR_LOOP_ENTRY)
    return DefaultErrorStrategy::sync(recognizer);
  size_t la = recognizer->getTokenStream()->LA(1);
  const misc::IntervalSet &next = atn.nextTokens(s);
  if (next.contains(la) || next.contains(Token::EPSILON))
    return DefaultErrorStrategy::sync(recognizer);
  // Where ANTLR would give up on the whole enclosing rule (for `decl*`, the
  // rest of the file), skip to something that can start an element of the
  // loop or follow it, as it does at the end of an iteration.
  if (singleTokenDeletion(recognizer) != nullptr)
    return;
  reportUnwantedToken(recognizer);
  misc::IntervalSet expecting = recognizer->getExpectedTokens();
  consumeUntil(recognizer, expecting.Or(getErrorRecoverySet(recognizer)));
}

void ErrorStrategy::reportNoViableAlternative(Parser *recognizer,
                                              const NoViableAltException &e) {
  Token *found = e.getOffendingToken();
  std::string msg;
  if (e.getStartToken() == found) {
    msg = expectedButFound(recognizer, e.getExpectedTokens(), found);
  } else if (atn::ATNConfigSet *configs = e.getDeadEndConfigs()) {
    // The decision looked ahead past its start (`f(1, 2` may be a call or a
    // name followed by a tuple); what every path still alive before the
    // offending token could have matched is what was expected there.
    misc::IntervalSet expected;
    for (const Ref<atn::ATNConfig> &config : configs->configs)
      for (size_t i = 0; i < config->state->transitions.size(); ++i) {
        atn::Transition *t = config->state->transitions[i];
        if (!t->isEpsilon())
          expected.addAll(t->label());
      }
    msg = expectedButFound(recognizer, expected, found);
  } else {
    msg = "unexpected " + tokenDisplay(found);
  }
  recognizer->notifyErrorListeners(found, msg, nullptr);
}

void ErrorStrategy::reportInputMismatch(Parser *recognizer,
                                        const InputMismatchException &e) {
  Token *found = e.getOffendingToken();
  recognizer->notifyErrorListeners(
      found, expectedButFound(recognizer, e.getExpectedTokens(), found),
      nullptr);
}

void ErrorStrategy::reportFailedPredicate(Parser *recognizer,
                                          const FailedPredicateException &e) {
  Token *found = e.getOffendingToken();
  recognizer->notifyErrorListeners(found, "unexpected " + tokenDisplay(found),
                                   nullptr);
}

/// ANTLR distinguishes an extra token from a missing one; both read best as
/// "expected X but found Y" at the current token.
void ErrorStrategy::reportExpectedAtCurrent(Parser *recognizer) {
  noteTrouble(recognizer);
  if (inErrorRecoveryMode(recognizer))
    return;
  beginErrorCondition(recognizer);
  Token *found = recognizer->getCurrentToken();
  recognizer->notifyErrorListeners(
      found, expectedButFound(recognizer, getExpectedTokens(recognizer), found),
      nullptr);
}

void ErrorStrategy::reportUnwantedToken(Parser *recognizer) {
  reportExpectedAtCurrent(recognizer);
}

void ErrorStrategy::reportMissingToken(Parser *recognizer) {
  reportExpectedAtCurrent(recognizer);
}

void ErrorListener::syntaxError(Recognizer *recognizer, Token *offendingSymbol,
                                size_t line, size_t charPositionInLine,
                                const std::string &msg, std::exception_ptr) {
  // A malformed token, or an unknown character (hidden from the parser)
  // right before the offending token, was reported by checkTokens and is
  // the likely cause.
  auto *parser = dynamic_cast<Parser *>(recognizer);
  if (parser && offendingSymbol) {
    size_t index = offendingSymbol->getTokenIndex();
    TokenStream *tokens = parser->getTokenStream();
    if (index != INVALID_INDEX && index < tokens->size() &&
        (log.isLexicalErrorToken(index) ||
         (index > 0 &&
          tokens->get(index - 1)->getType() == GDLexer::UNKNOWN_CHAR)))
      return;
  }
  std::string message = msg;
  // The lexer has a catch-all token, so this is not expected; phrase it
  // anyway.
  static const std::string lexerPrefix = "token recognition error at: ";
  if (message.compare(0, lexerPrefix.size(), lexerPrefix) == 0)
    message = "unexpected character " + message.substr(lexerPrefix.size());
  // Not recorded as a lexical error: the offending token is often the first
  // of the next declaration, which is fine. The parse tree of a declaration
  // ANTLR recovered in shows it (error nodes, exceptions).
  log.add({static_cast<unsigned>(line),
           static_cast<unsigned>(charPositionInLine + 1)},
          std::move(message));
}

} // namespace gdc::ast::detail

namespace gdc::ast::detail {

//===----------------------------------------------------------------------===//
// PredictionSimulator
//===----------------------------------------------------------------------===//

size_t PredictionSimulator::adaptivePredict(TokenStream *input, size_t decision,
                                            ParserRuleContext *outerContext) {
  sllSteps = llSteps = 0;
  return ParserATNSimulator::adaptivePredict(input, decision, outerContext);
}

dfa::DFAState *
PredictionSimulator::getExistingTargetState(dfa::DFAState *previousD,
                                            size_t t) {
  ++sllSteps; // called once for every token SLL prediction looks at
  return ParserATNSimulator::getExistingTargetState(previousD, t);
}

std::unique_ptr<atn::ATNConfigSet>
PredictionSimulator::computeReachSet(atn::ATNConfigSet *closure, size_t t,
                                     bool fullCtx) {
  if (fullCtx)
    ++llSteps;
  return ParserATNSimulator::computeReachSet(closure, t, fullCtx);
}

size_t PredictionSimulator::getAltThatFinishedDecisionEntryRule(
    atn::ATNConfigSet *configs) {
  // The configurations are those from before the token where every
  // alternative failed. If that is the first token, keep ANTLR's choice: it
  // leads to the usual "expected X" at the right place.
  unsigned steps = configs->fullCtx ? llSteps : sllSteps;
  if (steps > 1)
    return atn::ATN::INVALID_ALT_NUMBER;
  return ParserATNSimulator::getAltThatFinishedDecisionEntryRule(configs);
}

} // namespace gdc::ast::detail
