//===- PlotCommand.cpp - gdc plot run.jsonl -o run.svg --------------------===//
//
// Draws a run from its --log file with the runtime's own drawing
// (runtime/Plot.h), the picture `./train --plot` draws, less the per-step
// losses the log does not hold.
//
//===----------------------------------------------------------------------===//
#include "PlotCommand.h"

#include "runtime/FileIO.h"
#include "runtime/Plot.h"

#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <string>
#include <vector>

namespace gdc {

int runPlotCommand(int argc, char **argv) {
  std::string input, output;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      llvm::outs() << "usage: gdc plot RUN.jsonl -o FILE.svg\n"
                      "Draws the loss and the metrics per epoch of a run's --log file.\n";
      return 0;
    }
    if (arg == "-o" && i + 1 < argc) {
      output = argv[++i];
    } else if (!arg.empty() && arg[0] != '-' && input.empty()) {
      input = arg;
    } else {
      llvm::errs() << "gdc plot: error: unexpected argument '" << arg
                   << "' (usage: gdc plot RUN.jsonl -o FILE.svg)\n";
      return 1;
    }
  }
  if (input.empty() || output.empty()) {
    llvm::errs() << "gdc plot: error: usage: gdc plot RUN.jsonl -o FILE.svg\n";
    return 1;
  }
  std::vector<uint8_t> bytes;
  std::string error;
  if (!gdrt::readWholeFile(input, bytes, error)) {
    llvm::errs() << "gdc plot: error: " << error << "\n";
    return 1;
  }
  gdrt::RunPlot plot;
  std::string title = "training run: " + llvm::sys::path::filename(input).str();
  if (!gdrt::plotFromLog(std::string(bytes.begin(), bytes.end()), title, plot, error)) {
    llvm::errs() << "gdc plot: error: " << input << ": " << error << "\n";
    return 1;
  }
  if (!gdrt::writeFileAtomically(output, gdrt::plotSvg(plot), error)) {
    llvm::errs() << "gdc plot: error: " << error << "\n";
    return 1;
  }
  return 0;
}

} // namespace gdc
