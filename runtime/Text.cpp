//===- Text.cpp - A text file as next-byte prediction examples ------------===//

#include "Text.h"

#include "FileIO.h"

#include <vector>

namespace gdrt {

bool loadTextDataset(const std::string &path, int64_t context, const LabelFormat &labels,
                     Dataset &out, std::string &error) {
  out = Dataset();
  if (labels.targets || labels.classes != kTextClasses ||
      labels.classShape != Shape{context}) {
    error = path + ": text data gives a class of 256 (the next byte) per position of " +
            std::to_string(context) + ", but the model's labels are " + labels.describe();
    return false;
  }
  std::vector<uint8_t> bytes;
  if (!readMaybeGzippedFile(path, bytes, error))
    return false;
  int64_t size = static_cast<int64_t>(bytes.size());
  int64_t count = size > 0 ? (size - 1) / context : 0;
  if (count == 0) {
    error = path + ": " + std::to_string(size) + " bytes are too few for one window of " +
            std::to_string(context) + " bytes and the byte after it";
    return false;
  }
  out.count = count;
  out.exampleSize = context;
  out.labelsPerExample = context;
  out.examples.resize(static_cast<size_t>(count * context));
  out.labels.resize(static_cast<size_t>(count * context));
  for (int64_t i = 0; i < count * context; ++i) {
    out.examples[i] = static_cast<float>(bytes[i]);
    out.labels[i] = static_cast<int32_t>(bytes[i + 1]);
  }
  return true;
}

} // namespace gdrt
