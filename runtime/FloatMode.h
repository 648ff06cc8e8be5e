//===- FloatMode.h - The thread's floating-point mode -----------*- C++ -*-===//
//
// Compiled steps run with subnormal floats flushed to zero (FTZ) and
// subnormal inputs read as zero (DAZ), unless --keep-subnormals. The mode
// is per thread: the runtime enters it around each step, hands it to the
// pool's threads (Parallel.cpp), and the library restores the caller's
// after a step that was abandoned (library/Library.cpp). Plain calls
// rather than an RAII object: a host may leave a step by longjmp, which
// skips destructors.
//
//===----------------------------------------------------------------------===//
#ifndef GDC_RUNTIME_FLOATMODE_H
#define GDC_RUNTIME_FLOATMODE_H

#if defined(__x86_64__) || defined(__SSE__)
#include <xmmintrin.h>
#endif

namespace gdrt {

/// This thread's floating-point mode (MXCSR on x86; 0 elsewhere).
inline unsigned currentFloatMode() {
#if defined(__x86_64__) || defined(__SSE__)
  return _mm_getcsr();
#else
  return 0;
#endif
}

/// Sets this thread's floating-point mode to one currentFloatMode() gave.
inline void setFloatMode(unsigned mode) {
#if defined(__x86_64__) || defined(__SSE__)
  _mm_setcsr(mode);
#else
  (void)mode;
#endif
}

/// Flushes subnormals on this thread if asked to; returns the mode to
/// restore with setFloatMode().
inline unsigned enterDenormalMode(bool flush) {
  unsigned saved = currentFloatMode();
#if defined(__x86_64__) || defined(__SSE__)
  if (flush)
    setFloatMode(saved | 0x8040); // FTZ and DAZ
#else
  (void)flush;
#endif
  return saved;
}

} // namespace gdrt

#endif // GDC_RUNTIME_FLOATMODE_H
