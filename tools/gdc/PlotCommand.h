//===- PlotCommand.h - gdc plot run.jsonl -o run.svg ------------*- C++ -*-===//
#ifndef GDC_TOOLS_GDC_PLOTCOMMAND_H
#define GDC_TOOLS_GDC_PLOTCOMMAND_H

namespace gdc {

/// `gdc plot RUN.jsonl -o FILE.svg`: argv[0] is "plot".
int runPlotCommand(int argc, char **argv);

} // namespace gdc

#endif // GDC_TOOLS_GDC_PLOTCOMMAND_H
