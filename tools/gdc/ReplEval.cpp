//===- ReplEval.cpp - gdc repl: expressions and gradients, JIT-compiled ---===//
//
// An expression `e` is evaluated as the forward map of a lens written for
// it, which declares the models `e` names (so that it may apply them) and
// takes one unused input:
//
//   lens __gd_repl() {
//     let f = <f's definition>
//     fn (__gd_unit: f32[1]) = e
//   }
//
// Its parameters are the models' own (`f.0.W`), given their current values.
// `grad(x => e)(v)` writes `fn (x: T) = e` instead, with T the type of v,
// and runs the backward map from a cotangent of 1.
//
//===----------------------------------------------------------------------===//
#include "Repl.h"

#include "dialects/gd/GDDialect.h"

#include <cstdio>

#include <cctype>
#include <cmath>

using namespace mlir;
using llvm::StringRef;

namespace gdc::repl {
namespace {

constexpr const char *kEvalLens = "__gd_repl";
/// An input's code runs once, on one example: compiling it fast matters
/// more than the last speed (-O1 compiles a gradient twice as fast as -O3).
constexpr unsigned kOptLevel = 1;

/// The index just past the bracket that closes the one at `open`, or npos.
size_t closingBracket(StringRef text, size_t open) {
  int depth = 0;
  for (size_t i = open; i < text.size(); ++i) {
    if (text[i] == '(' || text[i] == '[' || text[i] == '{')
      ++depth;
    else if (text[i] == ')' || text[i] == ']' || text[i] == '}')
      if (--depth == 0)
        return i + 1;
  }
  return StringRef::npos;
}

/// The per-example type of the forward map's result of lens `name`.
std::optional<RankedTensorType> resultType(ModuleOp module, StringRef name) {
  auto lens = module.lookupSymbol<gd::LensOp>(name);
  if (!lens)
    return std::nullopt;
  auto yield = cast<gd::YieldOp>(lens.getForward().front().getTerminator());
  if (yield.getValues().size() != 1)
    return std::nullopt;
  auto type = dyn_cast<RankedTensorType>(yield.getValues()[0].getType());
  if (!type)
    return std::nullopt;
  return type;
}

std::string elementName(Type t) {
  // The language's spelling: a comparison gives `bool`, not MLIR's i1.
  if (t.isInteger(1))
    return "bool";
  std::string s;
  llvm::raw_string_ostream os(s);
  t.print(os);
  return s;
}

std::string formatNumber(double v, bool integer) {
  if (integer)
    return std::to_string(static_cast<long long>(v));
  if (std::isnan(v))
    return "nan";
  if (std::isinf(v))
    return v > 0 ? "inf" : "-inf";
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.4g", v);
  return std::string(buffer) == "-0" ? "0" : buffer;
}

/// Prints the entries of `t` from `offset` over dimensions from `dim`,
/// numpy-like: rows of a matrix on lines of their own, more than 6 entries
/// along a dimension elided to the first and last 3.
void printEntries(const HostTensor &t, bool integer, size_t dim, int64_t offset,
                  int64_t stride, unsigned indent, llvm::raw_ostream &os) {
  int64_t size = t.shape[dim];
  int64_t inner = stride / size;
  bool elide = size > 6;
  os << "[";
  for (int64_t i = 0; i < size; ++i) {
    if (elide && i == 3) {
      os << (dim + 1 == t.shape.size() ? "..., " : "...,\n" + std::string(indent + 1, ' '));
      i = size - 3;
    }
    if (dim + 1 == t.shape.size())
      os << formatNumber(t.data[offset + i], integer);
    else
      printEntries(t, integer, dim + 1, offset + i * inner, inner, indent + 1, os);
    if (i + 1 < size)
      os << (dim + 1 == t.shape.size() ? ", " : ",\n" + std::string(indent + 1, ' '));
  }
  os << "]";
}

/// Parses a (nested) list of number literals at `text[i]`, appending its
/// entries to `t.data` and checking its shape against `t.shape` from `dim`
/// on (setting it where first seen). False for anything else or a ragged list.
bool parseLiteralList(StringRef text, size_t &i, size_t dim, HostTensor &t, int &leafDim) {
  auto skipSpace = [&] {
    while (i < text.size() && std::isspace((unsigned char)text[i]))
      ++i;
  };
  skipSpace();
  if (i >= text.size() || text[i] != '[')
    return false;
  ++i;
  int64_t count = 0;
  while (true) {
    skipSpace();
    if (i < text.size() && text[i] == '[') {
      if (!parseLiteralList(text, i, dim + 1, t, leafDim))
        return false;
    } else {
      size_t end = i;
      while (end < text.size() && !std::isspace((unsigned char)text[end]) &&
             text[end] != ',' && text[end] != ']')
        ++end;
      double v;
      // A number belongs at the innermost dimension, the same for all.
      if (end == i || text.slice(i, end).getAsDouble(v))
        return false;
      if (leafDim == -1)
        leafDim = int(dim);
      if (leafDim != int(dim))
        return false; // numbers and lists side by side
      t.data.push_back(v);
      i = end;
    }
    ++count;
    skipSpace();
    if (i < text.size() && text[i] == ',') {
      ++i;
      continue;
    }
    if (i < text.size() && text[i] == ']') {
      ++i;
      break;
    }
    return false;
  }
  if (t.shape.size() <= dim)
    t.shape.resize(dim + 1, -1);
  if (t.shape[dim] == -1)
    t.shape[dim] = count;
  return t.shape[dim] == count;
}

/// The value of a list of number literals, `[0.5, -1]` or nested, without
/// compiling it; nothing for any other text.
std::optional<HostTensor> literalTensor(StringRef text) {
  HostTensor t;
  size_t i = 0;
  int leafDim = -1;
  if (!parseLiteralList(text, i, 0, t, leafDim) || leafDim + 1 != int(t.shape.size()) || !text.drop_front(i).trim().empty() ||
      t.numElements() != int64_t(t.data.size()))
    return std::nullopt;
  return t;
}

} // namespace

std::string typeText(StringRef element, const std::vector<int64_t> &shape) {
  std::string s = element.str();
  if (shape.empty())
    return s;
  s += "[";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

void printValue(const Value &value, llvm::raw_ostream &os) {
  const HostTensor &t = value.tensor;
  // Integers and bools (1 for true, 0 for false) print without a fraction.
  bool integer = value.elementType[0] == 'i' || value.elementType == "bool";
  os << typeText(value.elementType, t.shape);
  if (t.shape.empty()) {
    os << " " << formatNumber(t.data.at(0), integer) << "\n";
    return;
  }
  if (t.numElements() == 0) {
    os << " []\n";
    return;
  }
  os << (t.shape.size() > 1 ? "\n" : " ");
  printEntries(t, integer, 0, 0, t.numElements(), 0, os);
  os << "\n";
}

std::string Repl::evalLens(StringRef body, StringRef input,
                           const std::vector<std::string> &models, unsigned &bodyColumn) const {
  std::string text = std::string("lens ") + kEvalLens + "() {\n";
  for (const std::string &name : models)
    for (const Entry &e : entries)
      if (e.keyword == "let" && e.name == name)
        text += "  let " + name + " = " + e.value + "\n";
  std::string head = "  fn (" + input.str() + ") = ";
  bodyColumn = head.size();
  return text + head + body.str() + "\n}";
}

std::optional<std::string> Repl::typeOf(StringRef expr, StringRef userText,
                                        unsigned userColumn) {
  std::vector<std::string> models = referencedModels(expr);
  unsigned column = 0;
  std::string lens = evalLens(expr, "__gd_unit: f32[1]", models, column);
  unsigned bodyLine = 1 + models.size() + 1;
  auto compiled = compile(entries, nullptr, lens, userText, bodyLine - 1,
                          int(column) - int(userColumn), {kEvalLens});
  if (!compiled)
    return std::nullopt;
  auto type = resultType(compiled->module.get(), kEvalLens);
  if (!type) {
    err << "error: the expression has no single tensor value\n";
    return std::nullopt;
  }
  return typeText(elementName(type->getElementType()),
                  std::vector<int64_t>(type->getShape().begin(), type->getShape().end()));
}

std::optional<Value> Repl::evaluate(StringRef expr, StringRef userText, unsigned userColumn) {
  std::vector<std::string> models = referencedModels(expr);
  unsigned column = 0;
  std::string lens = evalLens(expr, "__gd_unit: f32[1]", models, column);
  unsigned bodyLine = 1 + models.size() + 1;
  auto compiled = compile(entries, nullptr, lens, userText, bodyLine - 1,
                          int(column) - int(userColumn), {kEvalLens});
  if (!compiled)
    return std::nullopt;
  ModuleOp module = compiled->module.get();
  if (!bindParameters(module, kEvalLens))
    return std::nullopt;
  auto type = resultType(module, kEvalLens);
  if (!type) {
    err << "error: the expression has no single tensor value\n";
    return std::nullopt;
  }
  // Per example, unbatched: the expression need not use the unit input.
  LensJit::Options options;
  options.batch = false;
  options.optLevel = kOptLevel;
  auto jit = LensJit::compile(module, kEvalLens, options);
  if (!jit) {
    err << "error: internal error, please report: " << llvm::toString(jit.takeError()) << "\n";
    return std::nullopt;
  }
  std::vector<HostTensor> args = parameterArguments(**jit);
  if (args.size() != (*jit)->numParams())
    return std::nullopt;
  HostTensor unit;
  unit.shape = {1};
  unit.data = {0};
  args.push_back(unit);
  Value value;
  value.elementType = elementName(type->getElementType());
  if (llvm::Error e = (*jit)->forward(args, value.tensor)) {
    err << "error: internal error, please report: " << llvm::toString(std::move(e)) << "\n";
    return std::nullopt;
  }
  return value;
}

bool Repl::evaluateGrad(StringRef input) {
  // grad(F)(POINT), F either `x => body` or a function or model's name.
  StringRef text = input.trim();
  size_t open = text.find('(');
  size_t close = closingBracket(text, open);
  if (close == StringRef::npos || close >= text.size() || text[close] != '(' ||
      closingBracket(text, close) != text.size()) {
    err << "error: write a gradient as grad(x => expression)(point) or grad(f)(point)\n";
    return false;
  }
  StringRef function = text.slice(open + 1, close - 1).trim();
  StringRef point = text.slice(close + 1, text.size() - 1).trim();
  unsigned pointColumn = close + 1;
  unsigned functionColumn = open + 1 + (text.slice(open + 1, close - 1).size() -
                                        text.slice(open + 1, close - 1).ltrim().size());
  // A literal point needs no compiling; anything else is evaluated.
  std::optional<Value> at;
  if (std::optional<HostTensor> literal = literalTensor(point))
    at = Value{"f32", *literal};
  else
    at = evaluate(point, input, pointColumn);
  if (!at)
    return false;
  if (at->elementType[0] != 'f') {
    err << "error: grad needs a point of floats, not " << typeText(at->elementType, at->tensor.shape)
        << " (write 1.0 for 1)\n";
    return false;
  }
  std::string variable = "__gd_x", body;
  unsigned bodyOffset = functionColumn;
  if (size_t arrow = function.find("=>"); arrow != StringRef::npos) {
    variable = function.take_front(arrow).trim().str();
    StringRef rest = function.drop_front(arrow + 2);
    body = rest.ltrim().str();
    bodyOffset += arrow + 2 + (rest.size() - rest.ltrim().size());
  } else {
    body = function.str() + "(" + variable + ")";
  }
  std::vector<std::string> models = referencedModels(body);
  unsigned column = 0;
  std::string lens = evalLens(body, variable + ": " + typeText(at->elementType, at->tensor.shape),
                              models, column);
  unsigned bodyLine = 1 + models.size() + 1;
  auto compiled = compile(entries, nullptr, lens, input, bodyLine - 1,
                          int(column) - int(bodyOffset), {kEvalLens});
  if (!compiled)
    return false;
  ModuleOp module = compiled->module.get();
  auto type = resultType(module, kEvalLens);
  if (!type || type->getRank() != 0) {
    err << "error: grad needs a function with a scalar result; this one gives "
        << (type ? typeText(elementName(type->getElementType()),
                            std::vector<int64_t>(type->getShape().begin(), type->getShape().end()))
                 : std::string("no single tensor"))
        << " (reduce it, e.g. grad(x => sum(...)))\n";
    return false;
  }
  if (!bindParameters(module, kEvalLens))
    return false;
  LensJit::Options options;
  options.optLevel = kOptLevel;
  auto jit = LensJit::compile(module, kEvalLens, options);
  if (!jit) {
    err << "error: internal error, please report: " << llvm::toString(jit.takeError()) << "\n";
    return false;
  }
  std::vector<HostTensor> args = parameterArguments(**jit);
  if (args.size() != (*jit)->numParams())
    return false;
  HostTensor x = at->tensor;
  x.shape.insert(x.shape.begin(), 1);
  args.push_back(x);
  HostTensor seed;
  seed.shape = {1};
  seed.data = {1.0};
  std::vector<HostTensor> grads;
  if (llvm::Error e = (*jit)->backward(args, seed, grads)) {
    err << "error: internal error, please report: " << llvm::toString(std::move(e)) << "\n";
    return false;
  }
  Value gradient;
  gradient.elementType = at->elementType;
  gradient.tensor = grads.at((*jit)->numParams());
  gradient.tensor.shape.erase(gradient.tensor.shape.begin());
  printValue(gradient, out);
  return true;
}

} // namespace gdc::repl
