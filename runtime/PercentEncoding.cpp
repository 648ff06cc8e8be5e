//===- PercentEncoding.cpp - Manifest fields that may hold any text --------===//

#include "PercentEncoding.h"

#include <cstdio>

namespace gdrt {

std::string percentEncode(const std::string &text) {
  // A lone `-` is the records' "none" (no labels file, an unknown site).
  if (text == "-")
    return "%2D";
  std::string out;
  for (unsigned char c : text) {
    if (c == ' ' || c == '%' || c < 0x20 || c == 0x7f) {
      char buffer[4];
      snprintf(buffer, sizeof(buffer), "%%%02X", c);
      out += buffer;
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

bool percentDecode(std::string_view text, std::string &out) {
  out.clear();
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    auto hex = [](char c) -> int {
      if (c >= '0' && c <= '9')
        return c - '0';
      if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
      if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
      return -1;
    };
    if (i + 2 >= text.size())
      return false;
    int hi = hex(text[i + 1]), lo = hex(text[i + 2]);
    if (hi < 0 || lo < 0)
      return false;
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return true;
}

} // namespace gdrt
