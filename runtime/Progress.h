//===- Progress.h - The live progress line of a training run --------------===//
//
// On a terminal, one line is redrawn in place (`\r`) at most four times a
// second: `epoch 1/5  step 200/469  loss 0.5123`. Anywhere else (a pipe, a
// log file, a test) the line is never drawn, so output stays one clean line
// per epoch.
//
//===----------------------------------------------------------------------===//
#ifndef GDC_RUNTIME_PROGRESS_H
#define GDC_RUNTIME_PROGRESS_H

#include <chrono>
#include <cstdint>
#include <cstdio>

namespace gdrt {

/// A throttled, in-place status line.
class ProgressLine {
public:
  /// Draws on `stream` only if `enabled` and `stream` is a terminal.
  ProgressLine(FILE *stream, bool enabled);

  /// Redraws the line unless it was drawn less than 250 ms ago.
  void update(int64_t epoch, int64_t epochs, int64_t step, int64_t steps,
              double loss);

  /// Erases the line, if drawn, so the next output starts on a clean line.
  void clear();

private:
  FILE *stream;
  bool active;
  bool drawn = false;
  std::chrono::steady_clock::time_point lastDraw;
};

} // namespace gdrt

#endif // GDC_RUNTIME_PROGRESS_H
