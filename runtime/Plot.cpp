//===- Plot.cpp - A training run as an SVG picture ------------------------===//
#include "Plot.h"

#include "Json.h"
#include "ParseNumber.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace gdrt {
namespace {

constexpr double kWidth = 760, kPanelHeight = 260, kLeft = 70, kRight = 170, kTop = 40,
                 kGap = 60;
const char *const kColors[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
                               "#8c564b"};

std::string number(double v) {
  char buffer[32];
  snprintf(buffer, sizeof(buffer), "%.4g", v);
  return buffer;
}

/// About five round ticks covering [lo, hi].
std::vector<double> ticks(double lo, double hi) {
  double span = hi - lo;
  double step = std::pow(10.0, std::floor(std::log10(span / 5)));
  for (double factor : {1.0, 2.0, 5.0, 10.0})
    if (span / (step * factor) <= 6) {
      step *= factor;
      break;
    }
  std::vector<double> out;
  for (double t = std::ceil(lo / step) * step; t <= hi + step * 1e-9; t += step)
    out.push_back(std::abs(t) < step * 1e-9 ? 0 : t);
  return out;
}

/// One panel at vertical offset `top`: frame, ticks, lines and legend.
void drawPanel(std::string &svg, const std::vector<PlotSeries> &series, double top,
               const std::string &xLabel, const std::string &yLabel) {
  double xLo = std::numeric_limits<double>::infinity(), xHi = -xLo, yLo = xLo, yHi = -xLo;
  for (const PlotSeries &s : series)
    for (auto [x, y] : s.points)
      if (std::isfinite(x) && std::isfinite(y)) {
        xLo = std::min(xLo, x);
        xHi = std::max(xHi, x);
        yLo = std::min(yLo, y);
        yHi = std::max(yHi, y);
      }
  double plotW = kWidth - kLeft - kRight, plotH = kPanelHeight;
  svg += "<rect x=\"" + number(kLeft) + "\" y=\"" + number(top) + "\" width=\"" +
         number(plotW) + "\" height=\"" + number(plotH) +
         "\" fill=\"none\" stroke=\"#333\"/>\n";
  svg += "<text x=\"" + number(kLeft + plotW / 2) + "\" y=\"" + number(top + plotH + 40) +
         "\" text-anchor=\"middle\">" + xmlEscape(xLabel) + "</text>\n";
  svg += "<text transform=\"translate(18," + number(top + plotH / 2) +
         ") rotate(-90)\" text-anchor=\"middle\">" + xmlEscape(yLabel) + "</text>\n";
  if (!(xLo <= xHi)) {
    svg += "<text x=\"" + number(kLeft + plotW / 2) + "\" y=\"" + number(top + plotH / 2) +
           "\" text-anchor=\"middle\" fill=\"#777\">no data</text>\n";
    return;
  }
  if (xHi == xLo)
    xHi = xLo + 1;
  if (yHi == yLo) {
    yLo -= 0.5;
    yHi += 0.5;
  }
  double pad = (yHi - yLo) * 0.05;
  yLo -= pad;
  yHi += pad;
  auto px = [&](double x) { return kLeft + (x - xLo) / (xHi - xLo) * plotW; };
  auto py = [&](double y) { return top + plotH - (y - yLo) / (yHi - yLo) * plotH; };
  for (double t : ticks(xLo, xHi))
    svg += "<line x1=\"" + number(px(t)) + "\" y1=\"" + number(top + plotH) + "\" x2=\"" +
           number(px(t)) + "\" y2=\"" + number(top + plotH + 5) + "\" stroke=\"#333\"/>" +
           "<text x=\"" + number(px(t)) + "\" y=\"" + number(top + plotH + 18) +
           "\" text-anchor=\"middle\" font-size=\"11\">" + number(t) + "</text>\n";
  for (double t : ticks(yLo, yHi))
    svg += "<line x1=\"" + number(kLeft - 5) + "\" y1=\"" + number(py(t)) + "\" x2=\"" +
           number(kLeft + plotW) + "\" y2=\"" + number(py(t)) +
           "\" stroke=\"#ddd\"/><text x=\"" + number(kLeft - 8) + "\" y=\"" +
           number(py(t) + 4) + "\" text-anchor=\"end\" font-size=\"11\">" + number(t) +
           "</text>\n";
  for (size_t i = 0; i < series.size(); ++i) {
    const char *color = kColors[i % (sizeof(kColors) / sizeof(*kColors))];
    std::string path;
    for (auto [x, y] : series[i].points) {
      if (!std::isfinite(x) || !std::isfinite(y))
        continue;
      path += (path.empty() ? "M" : " L") + number(px(x)) + "," + number(py(y));
      if (series[i].markers)
        svg += "<circle cx=\"" + number(px(x)) + "\" cy=\"" + number(py(y)) +
               "\" r=\"3\" fill=\"" + color + "\"/>\n";
    }
    if (!path.empty())
      svg += "<path d=\"" + path + "\" fill=\"none\" stroke=\"" + color +
             "\" stroke-width=\"1.5\"/>\n";
    double ly = top + 16 + 20 * double(i);
    svg += "<line x1=\"" + number(kWidth - kRight + 12) + "\" y1=\"" + number(ly - 4) +
           "\" x2=\"" + number(kWidth - kRight + 32) + "\" y2=\"" + number(ly - 4) +
           "\" stroke=\"" + color + "\" stroke-width=\"2\"/><text x=\"" +
           number(kWidth - kRight + 38) + "\" y=\"" + number(ly) + "\" font-size=\"12\">" +
           xmlEscape(series[i].name) + "</text>\n";
  }
}

} // namespace

std::string xmlEscape(const std::string &text) {
  std::string out;
  for (char c : text) {
    if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else if (c == '&')
      out += "&amp;";
    else
      out.push_back(c);
  }
  return out;
}

void addPoint(std::vector<PlotSeries> &all, const std::string &name, double x, double y) {
  auto it = std::find_if(all.begin(), all.end(),
                         [&](const PlotSeries &s) { return s.name == name; });
  if (it == all.end()) {
    all.push_back({name, {}, true});
    it = all.end() - 1;
  }
  it->points.push_back({x, y});
}

std::string plotSvg(const RunPlot &plot) {
  double height = kTop + 2 * kPanelHeight + kGap + 60;
  std::string svg = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" +
                    number(kWidth) + "\" height=\"" + number(height) +
                    "\" font-family=\"sans-serif\" font-size=\"13\">\n"
                    "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  svg += "<text x=\"" + number(kWidth / 2) + "\" y=\"24\" text-anchor=\"middle\" " +
         "font-size=\"15\">" + xmlEscape(plot.title) + "</text>\n";
  drawPanel(svg, plot.losses, kTop, "step", "training loss");
  drawPanel(svg, plot.metrics, kTop + kPanelHeight + kGap, "epoch", "metric");
  return svg + "</svg>\n";
}

bool plotFromLog(const std::string &text, const std::string &title, RunPlot &plot,
                 std::string &error) {
  plot = RunPlot();
  plot.title = title;
  PlotSeries epochLoss{"mean per epoch", {}, true};
  std::vector<PlotSeries> metrics;
  size_t lineNumber = 0, start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    std::string line = text.substr(start, end == std::string::npos ? std::string::npos
                                                                    : end - start);
    start = end == std::string::npos ? text.size() : end + 1;
    ++lineNumber;
    if (line.find_first_not_of(" \t\r") == std::string::npos)
      continue;
    JsonValue record;
    if (!parseJson(line, record, error) || record.kind != JsonValue::Kind::Object) {
      error = "line " + std::to_string(lineNumber) + ": not a log record" +
              (error.empty() ? "" : ": " + error);
      return false;
    }
    auto numberOf = [&](const char *key, double &value) {
      const JsonValue *v = record.find(key);
      if (!v)
        return false;
      if (v->kind == JsonValue::Kind::Null) {
        value = std::numeric_limits<double>::quiet_NaN();
        return true;
      }
      return v->kind == JsonValue::Kind::Number && parseFiniteDouble(v->text, value);
    };
    double epoch, step, loss;
    if (!numberOf("epoch", epoch) || !numberOf("step", step) || !numberOf("train_loss", loss)) {
      error = "line " + std::to_string(lineNumber) +
              ": a log record has epoch, step and train_loss";
      return false;
    }
    epochLoss.points.push_back({step, loss});
    for (const char *key : {"test_accuracy", "valid_accuracy", "test_mse", "valid_mse"}) {
      double value;
      if (numberOf(key, value) && !std::isnan(value))
        addPoint(metrics, key, epoch, value);
    }
  }
  plot.losses.push_back(epochLoss);
  plot.metrics = metrics;
  return true;
}

} // namespace gdrt
