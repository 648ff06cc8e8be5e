//===- Diagram.cpp - A model as a string diagram --------------------------===//
//
// The model is laid out as a tree: a composition `>>` is a row whose stages
// share one wire line, a parallel product `||` a column whose input wire
// fans out to each factor and whose outputs fan back in, a lens instance a
// box with its parameter wires above it. A composition that the front end
// emitted as one lens (one with `||`) is drawn from its `gd.structure`.
//
//===----------------------------------------------------------------------===//
#include "lang/Diagram.h"

#include "dialects/gd/ModelStructure.h"
#include "runtime/Plot.h"

#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cstdio>

using namespace mlir;

namespace gdc {
namespace {

constexpr double kBoxWidth = 150, kBoxHeight = 56, kGap = 110, kMargin = 40,
                 kParamSpace = 26, kFan = 60, kRowGap = 30, kTitleSpace = 40;

std::string num(double v) {
  char buffer[32];
  snprintf(buffer, sizeof(buffer), "%.1f", v);
  return buffer;
}

std::string escape(StringRef text) { return gdrt::xmlEscape(text.str()); }

/// `f32[784]`, without the batch dimension the step adds; a tuple as
/// `(f32[1], f32[2])`.
std::string typeText(Type type) {
  if (auto tuple = dyn_cast<TupleType>(type)) {
    std::string s = "(";
    for (auto [i, part] : llvm::enumerate(tuple.getTypes()))
      s += (i ? ", " : "") + typeText(part);
    return s + ")";
  }
  auto t = dyn_cast<RankedTensorType>(type);
  if (!t)
    return "";
  std::string s;
  llvm::raw_string_ostream os(s);
  os << t.getElementType();
  if (t.getRank() > 0) {
    os << "[";
    llvm::interleaveComma(t.getShape(), os);
    os << "]";
  }
  return s;
}

/// A piece of the picture: a box, a row (`>>`) or a column (`||`).
struct Node {
  enum Kind { Box, Row, Column } kind = Box;
  std::string title, subtitle;
  bool dashed = false;                                    ///< a shared instance
  std::vector<std::pair<std::string, std::string>> params; ///< name, type
  std::string out;                                        ///< the output wire's type
  std::vector<Node> children;                             ///< Row, Column

  double width() const {
    double w = 0;
    for (const Node &c : children)
      w = kind == Row ? w + c.width() : std::max(w, c.width());
    if (kind == Row)
      return w + kGap * double(children.size() - 1);
    return kind == Column ? w + 2 * kFan : kBoxWidth;
  }
  /// Height above the wire line, and below it.
  double above() const {
    if (kind == Box)
      return kBoxHeight / 2 + kParamSpace * double(params.size()) + (params.empty() ? 0 : 8);
    if (kind == Column)
      return columnHeight() / 2;
    double a = 0;
    for (const Node &c : children)
      a = std::max(a, c.above());
    return a;
  }
  double below() const {
    if (kind == Box)
      return kBoxHeight / 2;
    if (kind == Column)
      return columnHeight() / 2;
    double b = 0;
    for (const Node &c : children)
      b = std::max(b, c.below());
    return b;
  }
  double columnHeight() const {
    double h = kRowGap * double(children.size() - 1);
    for (const Node &c : children)
      h += c.above() + c.below();
    return h;
  }
};

class Painter {
public:
  explicit Painter(llvm::raw_ostream &os) : os(os) {}

  void line(double x0, double y0, double x1, double y1, StringRef color = "#333") {
    os << "<line x1=\"" << num(x0) << "\" y1=\"" << num(y0) << "\" x2=\"" << num(x1)
       << "\" y2=\"" << num(y1) << "\" stroke=\"" << color << "\" stroke-width=\"1.5\"/>\n";
  }
  void label(double x, double y, StringRef text, StringRef color, StringRef anchor = "middle",
             StringRef weight = "normal") {
    os << "<text x=\"" << num(x) << "\" y=\"" << num(y) << "\" text-anchor=\"" << anchor
       << "\" fill=\"" << color << "\" font-weight=\"" << weight << "\">" << escape(text)
       << "</text>\n";
  }
  /// A wire along the line at `y`, labelled with its type.
  void wire(double x0, double x1, double y, StringRef type) {
    line(x0, y, x1, y);
    label((x0 + x1) / 2, y - 6, type, "#1f4e99");
  }

  /// Draws `node` with its left edge at `x` and its wire line at `y`.
  void draw(const Node &node, double x, double y) {
    switch (node.kind) {
    case Node::Box:
      return drawBox(node, x, y);
    case Node::Row:
      for (auto [i, child] : llvm::enumerate(node.children)) {
        draw(child, x, y);
        x += child.width();
        if (i + 1 < node.children.size()) {
          wire(x, x + kGap, y, child.out);
          x += kGap;
        }
      }
      return;
    case Node::Column: {
      // The tuple's parts fan out from the wire to the factors and back.
      double right = x + node.width(), top = y - node.above();
      for (const Node &child : node.children) {
        double cy = top + child.above();
        line(x, y, x + kFan, cy);
        draw(child, x + kFan, cy);
        line(x + kFan + child.width(), cy, right - kFan, cy);
        line(right - kFan, cy, right, y);
        top += child.above() + child.below() + kRowGap;
      }
      return;
    }
    }
  }

private:
  void drawBox(const Node &box, double x, double y) {
    double top = y - kBoxHeight / 2;
    os << "<rect x=\"" << num(x) << "\" y=\"" << num(top) << "\" width=\"" << num(kBoxWidth)
       << "\" height=\"" << num(kBoxHeight) << "\" rx=\"6\" fill=\"#f4f7fb\" stroke=\"#333\""
       << (box.dashed ? " stroke-dasharray=\"5,4\"" : "") << "/>\n";
    label(x + kBoxWidth / 2, top + 24, box.title, "black", "middle", "bold");
    label(x + kBoxWidth / 2, top + 42, box.subtitle, "#555");
    // Parameters enter from above, one wire each (Para).
    size_t n = box.params.size();
    for (size_t p = 0; p < n; ++p) {
      double px = x + kBoxWidth * double(p + 1) / double(n + 1);
      double from = top - kParamSpace * double(n - p) - 8;
      line(px, from, px, top, "#b35900");
      label(px + 4, from + 4, box.params[p].first + " " + box.params[p].second, "#b35900",
            "start");
    }
  }

  llvm::raw_ostream &os;
};

/// A lens instance's box: its parameters are those of `lens` named under
/// `prefix` (all of them for an empty one).
Node instanceBox(gd::LensOp lens, StringRef title, StringRef subtitle, StringRef prefix) {
  Node box;
  box.title = title.str();
  box.subtitle = subtitle.str();
  Block &body = lens.getForward().front();
  for (auto [i, name] : llvm::enumerate(lens.getParamNames())) {
    StringRef path = cast<StringAttr>(name).getValue();
    if (!prefix.empty() && !path.consume_front((prefix + ".").str()))
      continue;
    box.params.push_back({path.str(), typeText(body.getArgument(i).getType())});
  }
  return box;
}

/// The node a `gd.structure` entry describes, inside lens instance
/// `lens` whose parameters are named under `instancePath`.
Node fromStructure(DictionaryAttr entry, gd::LensOp lens, StringRef instancePath) {
  StringRef kind = entry.getAs<StringAttr>("kind").getValue();
  StringRef path = entry.getAs<StringAttr>("path").getValue();
  Node node;
  if (kind == "seq" || kind == "par") {
    node.kind = kind == "seq" ? Node::Row : Node::Column;
    for (Attribute stage : entry.getAs<ArrayAttr>("stages"))
      node.children.push_back(fromStructure(cast<DictionaryAttr>(stage), lens, instancePath));
  } else {
    std::string where = instancePath.str() + (path.empty() ? "" : "." + path.str());
    node = kind == "lens" ? instanceBox(lens, entry.getAs<StringAttr>("name").getValue(), where,
                                        path.empty() ? "-" : path)
                          : instanceBox(lens, entry.getAs<StringAttr>("name").getValue(),
                                        where, "-");
  }
  if (auto out = entry.getAs<TypeAttr>("out"))
    node.out = typeText(out.getValue());
  return node;
}

} // namespace

FailureOr<std::string> drawModelDiagram(ModuleOp module) {
  auto steps = module.getOps<gd::TrainStepOp>();
  if (steps.empty())
    return failure();
  gd::TrainStepOp step = *steps.begin();
  SmallVector<gd::ModelInstance> model;
  Operation *root = SymbolTable::lookupSymbolIn(module, step.getModelAttr());
  if (failed(gd::flattenModel(module, root, step.getModelName(), model)) || model.empty())
    return failure();

  // The instances in composition order, each a box or, for a composition
  // emitted as one lens, the row or column it was written as.
  Node diagram;
  diagram.kind = Node::Row;
  for (gd::ModelInstance &inst : model) {
    Node node;
    if (auto structure = inst.lens->getAttrOfType<DictionaryAttr>("gd.structure")) {
      node = fromStructure(structure, inst.lens, inst.path);
    } else if (inst.owner >= 0) {
      node = instanceBox(inst.lens, inst.lens.getSymName(), "shares " + model[inst.owner].path,
                         "-");
      node.dashed = true;
    } else {
      node = instanceBox(inst.lens, inst.lens.getSymName(), inst.path, "");
    }
    node.out = typeText(inst.lens.getForward().front().getTerminator()->getOperand(0).getType());
    diagram.children.push_back(std::move(node));
  }
  gd::ModelInstance &first = model.front();
  Type input = first.lens.getForward().front().getArgument(first.lens.getNumParams()).getType();

  const double wireY = kMargin + kTitleSpace + diagram.above();
  const double width = 2 * kMargin + 2 * kGap + diagram.width();
  const double height = wireY + diagram.below() + kMargin + 30;
  std::string svg;
  llvm::raw_string_ostream os(svg);
  os << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
     << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << num(width) << "\" height=\""
     << num(height) << "\" font-family=\"sans-serif\" font-size=\"12\">\n"
     << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
     << "<text x=\"" << num(kMargin) << "\" y=\"" << num(kMargin - 10)
     << "\" font-size=\"15\">" << escape(step.getModelName()) << " in train block "
     << escape(step.getSymName()) << "</text>\n";
  Painter paint(os);
  double x = kMargin;
  paint.wire(x, x + kGap, wireY, typeText(input));
  paint.draw(diagram, x + kGap, wireY);
  x += kGap + diagram.width();
  paint.wire(x, x + kGap, wireY, diagram.children.back().out);
  os << "</svg>\n";
  return svg;
}

} // namespace gdc
