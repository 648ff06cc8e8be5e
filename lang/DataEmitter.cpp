//===- DataEmitter.cpp - Data specs: idx, csv, npy, synthetic -------------===//
//
// A data spec fixes what one example and its label are. Some specs fix the
// example's size (idx's shape, synthetic's features); csv and npy fix only
// that it is a vector of f32, and the model's declared input gives the
// size. Class labels are i32; a regression target (csv or npy with
// `label_type = f32`, synthetic with `classes = 0`) takes the model's
// output type, and an example that is its own label (idx or npy with
// `label = input`, for autoencoders) the model's input type. The runtime validates the files against the result.
//
//===----------------------------------------------------------------------===//
#include "lang/Elaborator.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/StringExtras.h"

#include <cmath>

using namespace mlir;
using namespace gdc;
using namespace gdc::lang;

namespace gdc::lang {

namespace {

/// The arguments each format takes, positional ones first.
struct Format {
  const char *name;
  std::vector<const char *> positional; ///< file names (strings)
  std::vector<const char *> keywords;
};

const Format kFormats[] = {
    {"idx", {"images", "labels"}, {"label", "scale", "shape"}},
    {"csv", {"path"}, {"label", "label_type", "scale", "features"}},
    {"npy", {"x", "y"}, {"label", "label_type", "scale", "shape"}},
    {"synthetic", {}, {"n", "features", "classes", "seed"}},
    {"text", {"path"}, {"context"}},
};

bool allNamesBound(const ast::Expr &e, const Scope &scope) {
  if (e.kind == ast::ExprKind::Name) {
    const Binding *b = scope.lookup(e.name);
    return b && b->kind == Binding::Int;
  }
  return llvm::all_of(e.operands, [&](const ast::ExprPtr &o) { return allNamesBound(*o, scope); });
}

} // namespace

std::optional<Type> Elaborator::declaredInput(const ModelNode &node, bool leadingAxesNone,
                                              Type wire) {
  if (node.kind == ModelNode::Sequence)
    return node.stages.empty() ? std::nullopt
                               : declaredInput(*node.stages.front(), leadingAxesNone, wire);
  const ast::TypeExpr *annotation = nullptr;
  Scope scope(&scopeOf(node.module));
  if (node.kind == ModelNode::Lens) {
    for (auto [param, value] : llvm::zip(node.decl->params, node.args))
      scope.bind(param.name, Binding::of(value));
    for (const ast::Stmt &stmt : node.decl->body)
      if (stmt.kind == ast::StmtKind::Forward && stmt.params.size() == 1)
        annotation = stmt.params[0].type.get();
  } else if (node.kind == ModelNode::Fn && node.decl && !node.decl->params.empty()) {
    annotation = node.decl->params[0].type.get();
  }
  if (annotation && !annotation->shapeName.empty() && !scope.lookup(annotation->shapeName)) {
    auto given = dyn_cast_if_present<RankedTensorType>(wire);
    int64_t trailing = annotation->dims.size();
    Binding leading;
    leading.kind = Binding::Shape;
    if (given && given.getRank() >= trailing)
      leading.shape.assign(given.getShape().begin(), given.getShape().end() - trailing);
    else if (!leadingAxesNone)
      return std::nullopt;
    scope.bind(annotation->shapeName, leading);
  }
  if (!annotation || !annotation->parts.empty() ||
      !llvm::all_of(annotation->dims,
                    [&](const ast::ExprPtr &d) { return allNamesBound(*d, scope); }))
    return std::nullopt;
  const ast::Module *saved = current;
  current = node.module;
  auto type = resolveType(*annotation, scope);
  current = saved;
  return type ? std::optional<Type>(*type) : std::nullopt;
}

std::optional<DataSpec> Elaborator::evalDataSpec(const ast::Expr &spec) {
  const Format *format = nullptr;
  if (spec.kind == ast::ExprKind::Call)
    for (const Format &f : kFormats)
      if (spec.name == f.name)
        format = &f;
  if (!format) {
    error(spec.loc) << "expected a data spec: idx(images, labels), csv(path, label = \"...\"), "
                       "npy(x, y), synthetic(...) or text(path, context = n)";
    return std::nullopt;
  }
  Builder b(&ctx);
  DataSpec out;
  SmallVector<NamedAttribute> attrs{b.getNamedAttr("format", b.getStringAttr(format->name))};
  double scale = 1;
  bool floatLabels = false;
  std::optional<std::string> labelColumn;
  int64_t features = ShapedType::kDynamic, n = 1024, classes = 0, seed = 0;
  std::optional<SmallVector<int64_t>> shape;
  unsigned positional = 0;
  auto dimension = [&](const ast::Expr &e, int64_t &dim) {
    auto v = evalInt(e, globals);
    if (!v)
      return false;
    if (*v < 1 || *v > (int64_t(1) << 30)) {
      error(e.loc) << "example dimension " << *v << " is out of range (1 to 2^30)";
      return false;
    }
    dim = *v;
    return true;
  };
  for (const ast::Arg &arg : spec.args) {
    if (arg.keyword.empty()) {
      if (positional >= format->positional.size() || arg.value->kind != ast::ExprKind::String) {
        error(arg.loc) << format->name << " takes " << format->positional.size()
                       << " file name" << (format->positional.size() == 1 ? "" : "s")
                       << " (strings) before its keyword arguments";
        return std::nullopt;
      }
      attrs.push_back(b.getNamedAttr(format->positional[positional++],
                                     b.getStringAttr(arg.value->text)));
      continue;
    }
    if (!llvm::is_contained(format->keywords, arg.keyword)) {
      auto diag = error(arg.loc);
      diag << format->name << " has no argument '" << arg.keyword << "'; its arguments are:";
      for (const char *p : format->positional)
        diag << " " << p;
      for (const char *k : format->keywords)
        diag << " " << k;
      return std::nullopt;
    }
    const ast::Expr &value = *arg.value;
    if (arg.keyword == "scale") {
      auto v = evalNumber(value, globals);
      if (!v)
        return std::nullopt;
      if (!std::isfinite(*v) || std::fabs(*v) > 3.4028234663852886e38) {
        error(arg.loc) << "scale " << formatNumber(*v) << " does not fit in f32";
        return std::nullopt;
      }
      scale = *v;
    } else if (arg.keyword == "label" && format->positional.size() == 2) {
      if (value.kind != ast::ExprKind::Name || value.name != "input") {
        error(arg.loc) << "label = input makes each example its own label (an "
                          "autoencoder's target); otherwise " << format->name
                       << " reads the labels from its second file";
        return std::nullopt;
      }
      out.labelIsInput = true;
    } else if (arg.keyword == "label") {
      if (value.kind != ast::ExprKind::String) {
        error(arg.loc) << "label names the label's column: label = \"class\" (csv has no "
                          "label = input; give idx or npy data for an autoencoder)";
        return std::nullopt;
      }
      labelColumn = value.text;
    } else if (arg.keyword == "label_type") {
      if (value.kind != ast::ExprKind::Name || (value.name != "i32" && value.name != "f32")) {
        error(arg.loc) << "label_type is i32 (class labels) or f32 (regression targets)";
        return std::nullopt;
      }
      floatLabels = value.name == "f32";
    } else if (arg.keyword == "shape") {
      if (value.kind != ast::ExprKind::List || value.operands.empty()) {
        error(arg.loc) << "shape takes a list of dimensions, e.g. shape = [1, 28, 28]";
        return std::nullopt;
      }
      shape.emplace();
      int64_t elements = 1;
      for (const ast::ExprPtr &d : value.operands) {
        int64_t dim;
        if (!dimension(*d, dim))
          return std::nullopt;
        if (__builtin_mul_overflow(elements, dim, &elements) || elements > (int64_t(1) << 32)) {
          error(d->loc) << "an example of more than 2^32 elements is too large";
          return std::nullopt;
        }
        shape->push_back(dim);
      }
    } else if (arg.keyword == "features" || arg.keyword == "context") {
      if (!dimension(value, features))
        return std::nullopt;
    } else {
      // synthetic's counts.
      auto v = evalInt(value, globals);
      if (!v)
        return std::nullopt;
      int64_t lo = arg.keyword == "n" ? 1 : 0;
      int64_t hi = arg.keyword == "n" ? (int64_t(1) << 26) : (int64_t(1) << 30);
      if (arg.keyword == "seed")
        hi = INT64_MAX;
      if (*v < lo || *v > hi) {
        error(arg.loc) << "'" << arg.keyword << "' must lie in [" << lo << ", " << hi
                       << "], got " << *v;
        return std::nullopt;
      }
      (arg.keyword == "n" ? n : arg.keyword == "classes" ? classes : seed) = *v;
    }
  }
  // With label = input there is no labels file.
  if (out.labelIsInput && positional == format->positional.size()) {
    error(spec.loc) << format->name << " with label = input takes only the examples' file ("
                    << format->positional[0] << "); the examples are the labels";
    return std::nullopt;
  }
  if (out.labelIsInput) {
    attrs.push_back(b.getNamedAttr(format->positional[1], b.getStringAttr("")));
    ++positional;
  }
  if (positional != format->positional.size()) {
    error(spec.loc) << format->name << " takes " << format->positional.size() << " file name"
                    << (format->positional.size() == 1 ? "" : "s") << " ("
                    << llvm::join(format->positional, ", ") << "), got " << positional;
    return std::nullopt;
  }
  StringRef name = format->name;
  if (name == "csv" && !labelColumn) {
    error(spec.loc) << "csv needs the label's column: csv(path, label = \"class\")";
    return std::nullopt;
  }
  if (name == "text" && features == ShapedType::kDynamic)
    features = 64;
  if (name == "synthetic" && features == ShapedType::kDynamic) {
    error(spec.loc) << "synthetic needs the number of features: synthetic(features = 8)";
    return std::nullopt;
  }
  // The example: a shape given, a vector of `features`, or (csv, npy) a
  // vector whose size the model's input fixes.
  if (shape)
    out.example = RankedTensorType::get(*shape, b.getF32Type());
  else if (name == "idx")
    out.example = RankedTensorType::get({784}, b.getF32Type());
  else
    out.example = RankedTensorType::get({features}, b.getF32Type());
  if (out.labelIsInput && floatLabels == false && llvm::any_of(spec.args, [](const ast::Arg &a) {
        return a.keyword == "label_type";
      })) {
    error(spec.loc) << "with label = input the labels are the examples, f32; label_type "
                       "cannot be i32";
    return std::nullopt;
  }
  out.floatLabels = floatLabels || out.labelIsInput || (name == "synthetic" && classes == 0);
  out.classes = classes;
  if (name == "text") {
    // Bytes as tokens: a class of 256 per position, the byte after it.
    out.classes = 256;
    out.labelsPerPosition = true;
    attrs.push_back(b.getNamedAttr("context", b.getI64IntegerAttr(features)));
  }
  attrs.push_back(b.getNamedAttr("scale", b.getF64FloatAttr(scale)));
  if (labelColumn)
    attrs.push_back(b.getNamedAttr("label", b.getStringAttr(*labelColumn)));
  if (name == "synthetic") {
    attrs.push_back(b.getNamedAttr("n", b.getI64IntegerAttr(n)));
    attrs.push_back(b.getNamedAttr("features", b.getI64IntegerAttr(features)));
    attrs.push_back(b.getNamedAttr("classes", b.getI64IntegerAttr(classes)));
    attrs.push_back(b.getNamedAttr("seed", b.getI64IntegerAttr(seed)));
  }
  out.loc = spec.loc;
  out.attrs = attrs;
  return out;
}

bool Elaborator::unifyExample(DataSpec &data, const ModelNode &model, ast::Loc modelLoc) {
  auto example = cast<RankedTensorType>(data.example);
  if (example.hasStaticShape())
    return true;
  std::optional<Type> declared = declaredInput(model, /*leadingAxesNone=*/true);
  auto input = declared ? dyn_cast<RankedTensorType>(*declared) : RankedTensorType();
  if (!input) {
    error(data.loc) << "this data gives vectors of f32 whose size the model must declare; "
                       "its first stage does not (give `features = n`, or annotate its input)";
    return false;
  }
  if (input.getRank() != 1 || !input.getElementType().isF32()) {
    auto diag = error(data.loc);
    diag << "this data gives vectors of f32, but the model's input is " << typeString(input);
    diag.attachNote(loc(modelLoc)) << "the model is here";
    return false;
  }
  data.example = input;
  return true;
}

} // namespace gdc::lang
