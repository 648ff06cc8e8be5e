//===- Repl.cpp - gdc repl: declarations, programs and diagnostics --------===//
#include "Repl.h"

#include "dialects/gd/GDDialect.h"
#include "runtime/Init.h"
#include "runtime/Manifest.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <cctype>
#include <set>

using namespace mlir;
using llvm::StringRef;

namespace gdc::repl {
namespace {

const char *const kDeclarationKeywords[] = {"use",       "let",       "fn",
                                            "lens",      "loss",      "optimizer",
                                            "transform", "schedule",  "train"};

/// The identifier starting at `i`, if one does.
StringRef identifierAt(StringRef text, size_t i) {
  size_t end = i;
  while (end < text.size() && (std::isalnum((unsigned char)text[end]) || text[end] == '_'))
    ++end;
  return text.slice(i, end);
}

/// The words of `text` that could be names (outside comments and strings).
std::set<std::string> namesIn(StringRef text) {
  std::set<std::string> names;
  for (size_t i = 0; i < text.size();) {
    char c = text[i];
    if (c == '/' && i + 1 < text.size() && text[i + 1] == '/') {
      i = text.find('\n', i);
      if (i == StringRef::npos)
        break;
      continue;
    }
    if (c == '"') {
      i = text.find('"', i + 1);
      if (i == StringRef::npos)
        break;
      ++i;
      continue;
    }
    if (std::isalpha((unsigned char)c) || c == '_') {
      StringRef word = identifierAt(text, i);
      names.insert(word.str());
      i += word.size();
      continue;
    }
    ++i;
  }
  return names;
}

} // namespace

Repl::Repl(llvm::raw_ostream &out, llvm::raw_ostream &err)
    : out(out), err(err), context(Session::createContext()) {}

Repl::~Repl() = default;

bool Repl::needsContinuation(StringRef text) {
  int depth = 0;
  bool inString = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (inString) {
      inString = c != '"';
      continue;
    }
    if (c == '"')
      inString = true;
    else if (c == '/' && i + 1 < text.size() && text[i + 1] == '/')
      i = std::min(text.find('\n', i), text.size()) - 1;
    else if (c == '(' || c == '[' || c == '{')
      ++depth;
    else if (c == ')' || c == ']' || c == '}')
      --depth;
  }
  if (depth > 0)
    return true;
  // A last line that ends with an operator goes on.
  StringRef last = text.rtrim();
  size_t newline = last.rfind('\n');
  StringRef line = newline == StringRef::npos ? last : last.drop_front(newline + 1);
  if (size_t comment = line.find("//"); comment != StringRef::npos)
    line = line.take_front(comment).rtrim();
  if (line.empty() || line.starts_with(":"))
    return false;
  for (StringRef op : {">>", "||", "+", "-", "*", "/", "@", "^", "=", ",", "&&", "and", "or"})
    if (line.ends_with(op) && !line.ends_with("=>") && !line.ends_with("->"))
      return !(op == "=" && (line.ends_with("==") || line.ends_with("<=") || line.ends_with(">=") ||
                             line.ends_with("!=")));
  return false;
}

std::optional<Entry> Repl::parseDeclaration(StringRef input) {
  StringRef text = input.trim();
  StringRef keyword = identifierAt(text, 0);
  if (!llvm::is_contained(kDeclarationKeywords, keyword))
    return std::nullopt;
  Entry entry;
  entry.keyword = keyword.str();
  entry.text = text.str();
  StringRef rest = text.drop_front(keyword.size()).ltrim();
  if (keyword == "use") {
    entry.name = rest.take_while([](char c) { return !std::isspace((unsigned char)c); }).str();
  } else if (keyword == "transform" && identifierAt(rest, 0) == "per_example") {
    entry.name = identifierAt(rest.drop_front(11).ltrim(), 0).str();
  } else {
    entry.name = identifierAt(rest, 0).str();
  }
  if (keyword == "let") {
    size_t eq = text.find('=');
    if (eq != StringRef::npos)
      entry.value = text.drop_front(eq + 1).trim().str();
  }
  return entry;
}

std::string Repl::programText(const std::vector<Entry> &list, const std::string *train,
                              StringRef extra, unsigned &extraLine) const {
  std::string text;
  // Without a `use` of their own, the standard modules are there.
  bool usesNn = false, usesLosses = false, usesOptim = false;
  for (const Entry &e : list)
    if (e.keyword == "use") {
      usesNn |= e.name == "std.nn";
      usesLosses |= e.name == "std.losses";
      usesOptim |= e.name == "std.optim";
    }
  if (!usesNn)
    text += "use std.nn\n";
  if (!usesLosses)
    text += "use std.losses\n";
  if (!usesOptim)
    text += "use std.optim\n";
  for (const Entry &e : list) {
    if (e.keyword == "train" && (!train || e.name != *train))
      continue;
    text += e.text + "\n";
  }
  extraLine = 1 + std::count(text.begin(), text.end(), '\n');
  text += extra.str() + "\n";
  return text;
}

void Repl::report(const DiagnosticCapture &diagnostics, StringRef userText, unsigned userLine,
                  int userColumn) {
  llvm::SmallVector<StringRef> lines;
  userText.split(lines, '\n');
  for (const DiagnosticRecord &d : diagnostics.records()) {
    const char *severity = d.severity == DiagnosticSeverity::Error     ? "error"
                           : d.severity == DiagnosticSeverity::Warning ? "warning"
                                                                       : "note";
    bool inInput = d.file == "<repl>" && d.line >= userLine &&
                   d.line < int64_t(userLine + lines.size());
    if (inInput) {
      // At the user's own input: quote it with a caret.
      int64_t line = d.line - userLine;
      int64_t column = d.column - (line == 0 ? userColumn : 0);
      if (column < 1)
        column = 1;
      err << "<input>:" << line + 1 << ":" << column << ": " << severity << ": " << d.message
          << "\n";
      err << lines[line] << "\n" << std::string(column - 1, ' ') << "^\n";
    } else if (StringRef(d.message).contains("'__gd_repl'")) {
      // A note about the lens the REPL wrote around the input: the input is
      // what the user knows.
      err << "note: in the input\n" << lines.front() << "\n";
    } else if (!d.file.empty() && d.file != "<repl>") {
      err << d.file << ":" << d.line << ":" << d.column << ": " << severity << ": "
          << d.message << "\n";
    } else {
      err << severity << ": " << d.message << "\n";
    }
  }
}

std::optional<Repl::Compiled> Repl::compile(const std::vector<Entry> &list,
                                            const std::string *train, StringRef extra,
                                            StringRef userText, unsigned userLine,
                                            int userColumn, std::vector<std::string> emit) {
  unsigned extraLine = 0;
  std::string text = programText(list, train, extra, extraLine);
  Compiled compiled;
  compiled.session = std::make_unique<Session>(*context);
  compiled.session->setEmitDefinitions(std::move(emit));
  DiagnosticCapture diagnostics(compiled.session->context(),
                                compiled.session->sourceManager());
  bool ok = compiled.session->loadSource("<repl>", text);
  if (ok) {
    compiled.module = compiled.session->elaborate();
    ok = compiled.module && !diagnostics.hasErrors();
  }
  if (!ok) {
    report(diagnostics, userText, extraLine + userLine, userColumn);
    if (diagnostics.records().empty())
      err << "error: the input did not compile\n";
    return std::nullopt;
  }
  return compiled;
}

void Repl::declare(Entry entry) {
  std::vector<Entry> next = entries;
  auto same = llvm::find_if(next, [&](const Entry &e) {
    return e.name == entry.name && (e.keyword == "use") == (entry.keyword == "use") &&
           (e.keyword == "train") == (entry.keyword == "train");
  });
  bool replaces = same != next.end();
  if (replaces)
    *same = entry;
  else
    next.push_back(entry);
  const std::string *train = entry.keyword == "train" ? &entry.name : nullptr;
  // The new declaration is checked where it stands among the others.
  std::vector<Entry> before;
  for (const Entry &e : next) {
    if (e.name == entry.name && e.keyword == entry.keyword)
      break;
    before.push_back(e);
  }
  std::vector<Entry> after(next.begin() + before.size() + 1, next.end());
  std::string tail;
  for (const Entry &e : after)
    if (e.keyword != "train")
      tail += "\n" + e.text;
  if (!compile(before, train, entry.text + tail, entry.text, 0, 0))
    return;
  if (replaces) {
    out << "note: '" << entry.name << "' is redefined; the new definition replaces the old\n";
    if (entry.keyword == "let") {
      // The old instance's parameters go with it.
      std::string prefix = entry.name + ".";
      for (auto it = params.begin(); it != params.end();)
        it = StringRef(it->first).starts_with(prefix) || it->first == entry.name
                 ? params.erase(it)
                 : std::next(it);
      llvm::erase_if(paramOrder, [&](const std::string &p) { return !params.count(p); });
    }
  }
  entries = std::move(next);
}

bool Repl::useFile(StringRef path) {
  std::string error;
  if (!Session::checkSourceFile(path, error)) {
    err << "error: " << error << "\n";
    return false;
  }
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!buffer) {
    err << "error: cannot read '" << path << "': " << buffer.getError().message() << "\n";
    return false;
  }
  // Checked whole first, with its own locations.
  {
    Session session(*context);
    DiagnosticCapture diagnostics(session.context(), session.sourceManager());
    if (!session.loadSource(path, (*buffer)->getBuffer()) || !session.elaborate() ||
        diagnostics.hasErrors()) {
      err << diagnostics.text();
      return false;
    }
    // Then split into its declarations, each starting where the parser
    // says it does.
    const ast::Module *main = session.mainModule();
    llvm::SmallVector<StringRef> lines;
    (*buffer)->getBuffer().split(lines, '\n');
    auto offsetOf = [&](ast::Loc l) {
      size_t offset = 0;
      for (unsigned i = 1; i < l.line && i <= lines.size(); ++i)
        offset += lines[i - 1].size() + 1;
      return offset + (l.col > 0 ? l.col - 1 : 0);
    };
    StringRef text = (*buffer)->getBuffer();
    for (size_t i = 0; i < main->decls.size(); ++i) {
      size_t begin = offsetOf(main->decls[i].loc);
      size_t end = i + 1 < main->decls.size() ? offsetOf(main->decls[i + 1].loc) : text.size();
      StringRef declText = text.slice(begin, end).trim();
      // Comments that precede the next declaration stay out.
      std::optional<Entry> entry = parseDeclaration(declText);
      if (!entry)
        continue;
      SmallString<256> directory(path);
      llvm::sys::fs::make_absolute(directory);
      llvm::sys::path::remove_filename(directory);
      entry->directory = directory.str().str();
      auto same = llvm::find_if(entries, [&](const Entry &e) {
        return e.name == entry->name && e.keyword == entry->keyword;
      });
      if (same != entries.end())
        *same = *entry;
      else
        entries.push_back(*entry);
    }
  }
  return true;
}

//===----------------------------------------------------------------------===//
// Parameters
//===----------------------------------------------------------------------===//

std::vector<std::string> Repl::referencedModels(StringRef text) const {
  // The `let` models named in `text`, with those their definitions name,
  // in the order they were declared.
  std::set<std::string> wanted;
  std::vector<std::string> pending;
  for (const std::string &name : namesIn(text))
    pending.push_back(name);
  while (!pending.empty()) {
    std::string name = pending.back();
    pending.pop_back();
    for (const Entry &e : entries)
      if (e.keyword == "let" && e.name == name && wanted.insert(name).second)
        for (const std::string &inner : namesIn(e.value))
          pending.push_back(inner);
  }
  std::vector<std::string> ordered;
  for (const Entry &e : entries)
    if (e.keyword == "let" && wanted.count(e.name))
      ordered.push_back(e.name);
  return ordered;
}

bool Repl::bindParameters(ModuleOp module, StringRef lensName) {
  // The lens that declares a model names the model's parameters by the
  // paths a train block of that model would (`f.0.W`), and gives their
  // initialisers: each one the REPL does not hold yet is created.
  auto lens = module.lookupSymbol<gd::LensOp>(lensName);
  if (!lens)
    return false;
  Block &body = lens.getForward().front();
  for (auto [index, name] : llvm::enumerate(lens.getParamNames())) {
    std::string path = cast<StringAttr>(name).str();
    auto type = cast<RankedTensorType>(body.getArgument(index).getType());
    std::vector<int64_t> shape(type.getShape().begin(), type.getShape().end());
    auto it = params.find(path);
    if (it != params.end() && it->second.shape == shape)
      continue;
    // New (or reshaped by a redefinition): initialised as `./train --seed`
    // would, from the REPL's seed and the parameter's index.
    gdrt::ParamInit init;
    std::string error;
    if (!gdrt::parseInit(cast<StringAttr>(lens.getParamInits()[index]).str(), init, error)) {
      err << "error: internal error, please report: parameter '" << path << "': " << error
          << "\n";
      return false;
    }
    StoredParam stored;
    stored.shape = shape;
    stored.values.resize(gdrt::shapeElementCount(shape));
    if (it == params.end())
      paramOrder.push_back(path);
    size_t position = llvm::find(paramOrder, path) - paramOrder.begin();
    gdrt::initializeParam(init, stored.values.data(), int64_t(stored.values.size()), seed,
                          position);
    params[path] = std::move(stored);
  }
  return true;
}

std::vector<HostTensor> Repl::parameterArguments(const LensJit &lens) {
  std::vector<HostTensor> args;
  for (unsigned i = 0; i < lens.numParams(); ++i) {
    const std::string &path = lens.paramNames()[i];
    HostTensor t;
    t.shape = lens.argShape(i);
    auto it = params.find(path);
    if (it == params.end() || it->second.shape != t.shape) {
      err << "error: internal error, please report: no value for parameter '" << path
          << "'\n";
      return {};
    }
    t.data.assign(it->second.values.begin(), it->second.values.end());
    args.push_back(std::move(t));
  }
  return args;
}

} // namespace gdc::repl
