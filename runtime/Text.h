//===- Text.h - A text file as next-byte prediction examples -----*- C++ -*-===//
//
// `text(path, context = n)` data: the file's bytes (gzip is inflated) cut
// into consecutive windows of n bytes. Each example is a window, its bytes
// as numbers 0 to 255 (the model's token ids); its labels are the bytes
// that follow each position, one class of 256 per position.
//
//===----------------------------------------------------------------------===//
#ifndef GDC_RUNTIME_TEXT_H
#define GDC_RUNTIME_TEXT_H

#include "Dataset.h"

#include <cstdint>
#include <string>

namespace gdrt {

/// The classes of text data: one per byte value.
constexpr int64_t kTextClasses = 256;

/// Loads `path` as floor((size - 1) / context) windows of `context` bytes
/// with their next bytes as labels. Errors begin with the path: a file too
/// short for one window, or labels that are not a class per position of
/// 256 classes.
bool loadTextDataset(const std::string &path, int64_t context, const LabelFormat &labels,
                     Dataset &out, std::string &error);

} // namespace gdrt

#endif // GDC_RUNTIME_TEXT_H
