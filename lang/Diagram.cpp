//===- Diagram.cpp - A model as a string diagram --------------------------===//
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
                 kParamSpace = 26;

std::string num(double v) {
  char buffer[32];
  snprintf(buffer, sizeof(buffer), "%.1f", v);
  return buffer;
}

std::string escape(StringRef text) { return gdrt::xmlEscape(text.str()); }

/// `f32[784]`, without the batch dimension the step adds.
std::string typeText(Type type) {
  auto t = cast<RankedTensorType>(type);
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

  size_t maxParams = 0;
  for (const gd::ModelInstance &inst : model)
    if (inst.owner < 0)
      maxParams = std::max<size_t>(maxParams, inst.lens.getParamNames().size());
  const double boxTop = kMargin + 40 + kParamSpace * double(maxParams);
  const double wireY = boxTop + kBoxHeight / 2;
  const double width = 2 * kMargin + kGap + double(model.size()) * (kBoxWidth + kGap);
  const double height = boxTop + kBoxHeight + kMargin + 30;

  std::string svg;
  llvm::raw_string_ostream os(svg);
  os << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
     << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << num(width) << "\" height=\""
     << num(height) << "\" font-family=\"sans-serif\" font-size=\"12\">\n"
     << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
     << "<text x=\"" << num(kMargin) << "\" y=\"" << num(kMargin - 10)
     << "\" font-size=\"15\">" << escape(step.getModelName()) << " in train block "
     << escape(step.getSymName()) << "</text>\n";
  auto wire = [&](double x0, double x1, StringRef label) {
    os << "<line x1=\"" << num(x0) << "\" y1=\"" << num(wireY) << "\" x2=\"" << num(x1)
       << "\" y2=\"" << num(wireY) << "\" stroke=\"#333\" stroke-width=\"1.5\"/>\n"
       << "<text x=\"" << num((x0 + x1) / 2) << "\" y=\"" << num(wireY - 6)
       << "\" text-anchor=\"middle\" fill=\"#1f4e99\">" << escape(label) << "</text>\n";
  };
  double x = kMargin + kGap;
  for (size_t i = 0; i < model.size(); ++i) {
    gd::ModelInstance &inst = model[i];
    Block &body = inst.lens.getForward().front();
    unsigned numParams = inst.lens.getParamNames().size();
    wire(x - kGap, x, typeText(body.getArgument(numParams).getType()));
    bool shared = inst.owner >= 0;
    os << "<rect x=\"" << num(x) << "\" y=\"" << num(boxTop) << "\" width=\"" << num(kBoxWidth)
       << "\" height=\"" << num(kBoxHeight) << "\" rx=\"6\" fill=\"#f4f7fb\" stroke=\"#333\""
       << (shared ? " stroke-dasharray=\"5,4\"" : "") << "/>\n"
       << "<text x=\"" << num(x + kBoxWidth / 2) << "\" y=\"" << num(boxTop + 24)
       << "\" text-anchor=\"middle\" font-weight=\"bold\">" << escape(inst.lens.getSymName())
       << "</text>\n"
       << "<text x=\"" << num(x + kBoxWidth / 2) << "\" y=\"" << num(boxTop + 42)
       << "\" text-anchor=\"middle\" fill=\"#555\">"
       << escape(shared ? "shares " + model[inst.owner].path : inst.path) << "</text>\n";
    // Parameters enter from above, one wire each (Para).
    if (!shared)
      for (unsigned p = 0; p < numParams; ++p) {
        double px = x + kBoxWidth * double(p + 1) / double(numParams + 1);
        double top = boxTop - kParamSpace * double(numParams - p) - 8;
        os << "<line x1=\"" << num(px) << "\" y1=\"" << num(top) << "\" x2=\"" << num(px)
           << "\" y2=\"" << num(boxTop) << "\" stroke=\"#b35900\" stroke-width=\"1.5\"/>\n"
           << "<text x=\"" << num(px + 4) << "\" y=\"" << num(top + 4) << "\" fill=\"#b35900\">"
           << escape(cast<StringAttr>(inst.lens.getParamNames()[p]).getValue()) << " "
           << escape(typeText(body.getArgument(p).getType())) << "</text>\n";
      }
    x += kBoxWidth + kGap;
  }
  gd::ModelInstance &last = model.back();
  wire(x - kGap, x, typeText(last.lens.getForward().front().getTerminator()->getOperand(0).getType()));
  os << "</svg>\n";
  return svg;
}

} // namespace gdc
