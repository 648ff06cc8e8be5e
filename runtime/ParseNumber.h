//===- ParseNumber.h - Strict whole-string number parsing -----------------===//
//
// The manifest and the command line both need numbers that parse completely:
// `12abc`, ` 12`, `` and out-of-range values are rejected rather than
// silently truncated, as strtol and friends would do.
//
//===----------------------------------------------------------------------===//
#ifndef GDC_RUNTIME_PARSENUMBER_H
#define GDC_RUNTIME_PARSENUMBER_H

#include <cstdint>
#include <string>
#include <string_view>

namespace gdrt {

/// Parses a decimal integer (optional leading '-') that fills all of `text`.
bool parseInt64(std::string_view text, int64_t &value);

/// Parses an unsigned decimal integer that fills all of `text`.
bool parseUint64(std::string_view text, uint64_t &value);

/// Parses a finite float (decimal or exponent form) that fills all of
/// `text`. `nan`, `inf` and values that overflow a float are rejected.
bool parseFiniteFloat(std::string_view text, float &value);

/// Same as parseFiniteFloat, at double precision.
bool parseFiniteDouble(std::string_view text, double &value);

/// `value` with the digits that read back to the same float (`%.9g`) or
/// double (`%.17g`): for files a run is continued from.
std::string formatExactFloat(float value);
std::string formatExactDouble(double value);

} // namespace gdrt

#endif // GDC_RUNTIME_PARSENUMBER_H
