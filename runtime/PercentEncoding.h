//===- PercentEncoding.h - Manifest fields that may hold any text -*- C++ -*-===//
//
// Paths, the CSV label column and site descriptions are percent-encoded in
// the manifest (a space, '%' and control characters as %XX) so that fields
// stay space-separated; a field that is exactly `-` means "none", so a text
// that is `-` is written %2D. The one home of the encoding, for the writer
// and the reader.
//
//===----------------------------------------------------------------------===//
#ifndef GDC_RUNTIME_PERCENTENCODING_H
#define GDC_RUNTIME_PERCENTENCODING_H

#include <string>
#include <string_view>

namespace gdrt {

std::string percentEncode(const std::string &text);

/// Returns false on a malformed escape.
bool percentDecode(std::string_view text, std::string &out);

} // namespace gdrt

#endif // GDC_RUNTIME_PERCENTENCODING_H
