//===- Progress.cpp - The live progress line of a training run ------------===//

#include "Progress.h"

#include <unistd.h>

namespace gdrt {

ProgressLine::ProgressLine(FILE *stream, bool enabled)
    : stream(stream), active(enabled && stream && isatty(fileno(stream))) {}

void ProgressLine::update(int64_t epoch, int64_t epochs, int64_t step,
                          int64_t steps, double loss) {
  if (!active)
    return;
  auto now = std::chrono::steady_clock::now();
  if (drawn && now - lastDraw < std::chrono::milliseconds(250))
    return;
  lastDraw = now;
  drawn = true;
  // "\x1b[K" erases what a longer previous line left to the right.
  fprintf(stream, "\repoch %lld/%lld  step %lld/%lld  loss %.4f\x1b[K",
          static_cast<long long>(epoch), static_cast<long long>(epochs),
          static_cast<long long>(step), static_cast<long long>(steps), loss);
  fflush(stream);
}

void ProgressLine::clear() {
  if (!drawn)
    return;
  fprintf(stream, "\r\x1b[K");
  fflush(stream);
  drawn = false;
}

} // namespace gdrt
