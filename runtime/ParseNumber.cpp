//===- ParseNumber.cpp - Strict whole-string number parsing ---------------===//

#include "ParseNumber.h"

#include <cstdio>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <string>

namespace gdrt {

/// True if `text` is a plain decimal number: what strtod would accept minus
/// leading blanks, hex floats, `inf` and `nan`, which are no numbers a user
/// means to type for a learning rate.
static bool looksDecimal(std::string_view text, bool allowFraction) {
  size_t i = 0;
  if (i < text.size() && (text[i] == '-' || text[i] == '+'))
    ++i;
  size_t digits = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9')
    ++i, ++digits;
  if (!allowFraction)
    return digits > 0 && i == text.size();
  if (i < text.size() && text[i] == '.') {
    ++i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9')
      ++i, ++digits;
  }
  if (digits == 0)
    return false;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '-' || text[i] == '+'))
      ++i;
    size_t expDigits = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9')
      ++i, ++expDigits;
    if (expDigits == 0)
      return false;
  }
  return i == text.size();
}

bool parseInt64(std::string_view text, int64_t &value) {
  if (!looksDecimal(text, /*allowFraction=*/false))
    return false;
  std::string copy(text); // strtoll needs a NUL terminator
  errno = 0;
  char *end = nullptr;
  long long parsed = std::strtoll(copy.c_str(), &end, 10);
  if (errno == ERANGE || *end != '\0')
    return false;
  value = parsed;
  return true;
}

bool parseUint64(std::string_view text, uint64_t &value) {
  if (text.empty() || text[0] == '-' || text[0] == '+' ||
      !looksDecimal(text, /*allowFraction=*/false))
    return false;
  std::string copy(text);
  errno = 0;
  char *end = nullptr;
  unsigned long long parsed = std::strtoull(copy.c_str(), &end, 10);
  if (errno == ERANGE || *end != '\0')
    return false;
  value = parsed;
  return true;
}

bool parseFiniteDouble(std::string_view text, double &value) {
  if (!looksDecimal(text, /*allowFraction=*/true))
    return false;
  std::string copy(text);
  errno = 0;
  char *end = nullptr;
  double parsed = std::strtod(copy.c_str(), &end);
  // ERANGE on underflow is harmless (1e-400 is 0); on overflow it is not.
  if (*end != '\0' || !std::isfinite(parsed))
    return false;
  value = parsed;
  return true;
}

bool parseFiniteFloat(std::string_view text, float &value) {
  if (!looksDecimal(text, /*allowFraction=*/true))
    return false;
  std::string copy(text);
  char *end = nullptr;
  // strtof, not strtod and a cast: one rounding step, the nearest float.
  float parsed = std::strtof(copy.c_str(), &end);
  if (*end != '\0' || !std::isfinite(parsed))
    return false;
  value = parsed;
  return true;
}

std::string formatExactFloat(float value) {
  char buffer[64];
  snprintf(buffer, sizeof(buffer), "%.9g", double(value));
  return buffer;
}

std::string formatExactDouble(double value) {
  char buffer[64];
  snprintf(buffer, sizeof(buffer), "%.17g", value);
  return buffer;
}

} // namespace gdrt
