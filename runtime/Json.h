//===- Json.h - A small strict JSON reader and string escaper -------------===//
//
// Enough JSON for safetensors headers and for writing log lines: the full
// grammar (RFC 8259) is accepted, nothing beyond it. Numbers keep their
// source text so that 64-bit byte offsets survive exactly.
//
//===----------------------------------------------------------------------===//
#ifndef GDC_RUNTIME_JSON_H
#define GDC_RUNTIME_JSON_H

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gdrt {

/// A parsed JSON value. Objects keep their members in source order.
struct JsonValue {
  enum class Kind { Null, Bool, Number, String, Array, Object };
  Kind kind = Kind::Null;
  bool boolean = false;
  std::string text; ///< a string's value, or a number's source text
  std::vector<JsonValue> items;
  std::vector<std::pair<std::string, JsonValue>> members;

  /// The member named `key`, or null.
  const JsonValue *find(std::string_view key) const;
  /// True and `value` set if this is a non-negative integer that fits.
  bool asUint64(uint64_t &value) const;
};

/// Parses `text`, which must hold exactly one JSON value (surrounding
/// whitespace allowed). Duplicate object keys are an error. Nesting deeper
/// than `maxDepth` is rejected rather than risking the stack.
bool parseJson(std::string_view text, JsonValue &out, std::string &error,
               unsigned maxDepth = 64);

/// `text` as a quoted JSON string literal.
std::string jsonQuote(std::string_view text);

} // namespace gdrt

#endif // GDC_RUNTIME_JSON_H
