//===- Plot.h - A training run as an SVG picture ----------------*- C++ -*-===//
//
// The one drawing of a run, for `./train --plot FILE.svg` and `gdc plot
// run.jsonl -o FILE.svg`: the training loss against the step (each step's
// loss where known, and each epoch's mean), and below it the per-epoch
// metrics (accuracies, mean squared errors), each panel with axes, ticks,
// labels and a legend. Plain SVG text: no library draws this better for so
// little, and any browser or rsvg-convert shows it.
//
//===----------------------------------------------------------------------===//
#ifndef GDC_RUNTIME_PLOT_H
#define GDC_RUNTIME_PLOT_H

#include <string>
#include <utility>
#include <vector>

namespace gdrt {

/// One line of a panel: points (x, y) in order.
struct PlotSeries {
  std::string name;
  std::vector<std::pair<double, double>> points;
  bool markers = false; ///< dots at the points (few of them)
};

struct RunPlot {
  std::string title;
  std::vector<PlotSeries> losses;  ///< top panel, against the step
  std::vector<PlotSeries> metrics; ///< bottom panel, against the epoch
};

/// `text` with XML's special characters escaped, for SVG text.
std::string xmlEscape(const std::string &text);

/// Appends (x, y) to the series of `all` named `name`, created (with
/// markers) if there is none.
void addPoint(std::vector<PlotSeries> &all, const std::string &name, double x, double y);

/// The SVG document. Non-finite values are left out of their lines.
std::string plotSvg(const RunPlot &plot);

/// The plot of a run from its --log file's text (one JSON object per
/// epoch); false with `error` naming the line if it is not such a log.
bool plotFromLog(const std::string &text, const std::string &title, RunPlot &plot,
                 std::string &error);

} // namespace gdrt

#endif // GDC_RUNTIME_PLOT_H
