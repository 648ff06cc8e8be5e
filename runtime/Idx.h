//===- Idx.h - Loading MNIST-style IDX data sets --------------------------===//
//
// The IDX format (http://yann.lecun.com/exdb/mnist/): a 4-byte magic
// `00 00 <type> <ndim>`, ndim big-endian uint32 dimensions, then the
// elements, big-endian, row-major. Files may be gzip-compressed (detected by
// content). A data set is an images file whose first dimension counts the
// examples and a labels file of one class index per example.
//
//===----------------------------------------------------------------------===//
#ifndef GDC_RUNTIME_IDX_H
#define GDC_RUNTIME_IDX_H

#include "Dataset.h"

#include <cstdint>
#include <string>
#include <vector>

namespace gdrt {

/// IDX element type codes (the third magic byte).
enum IdxType : uint8_t {
  IdxUint8 = 0x08,
  IdxInt8 = 0x09,
  IdxInt16 = 0x0B,
  IdxInt32 = 0x0C,
  IdxFloat32 = 0x0D,
  IdxFloat64 = 0x0E,
};

/// Bytes per element of an IDX type, or 0 for an unknown code.
unsigned idxElementSize(uint8_t type);

/// One decoded IDX file: its header and raw (still big-endian) contents.
struct IdxArray {
  uint8_t type = 0;
  std::vector<uint64_t> dims;
  std::vector<uint8_t> contents; ///< the whole decompressed file
  size_t dataOffset = 0;         ///< where the elements begin in `contents`
  uint64_t elementCount() const;
  /// Element `i` converted to double.
  double element(uint64_t i) const;
};

/// Reads and validates `path` (magic, known type, dimensions, data size equal
/// to the product of the dimensions). Errors begin with the path.
bool readIdx(const std::string &path, IdxArray &out, std::string &error);

/// Loads an images/labels pair. Each example must hold `exampleSize`
/// elements (the model's input size), every label must lie in
/// [0, numClasses), and both files must count the same examples. Image
/// elements are converted to float and multiplied by `scale`. An empty
/// `labelsPath` reads no labels (examples that are their own labels).
bool loadIdxDataset(const std::string &imagesPath,
                    const std::string &labelsPath, float scale,
                    int64_t exampleSize, int64_t numClasses, Dataset &out,
                    std::string &error);

} // namespace gdrt

#endif // GDC_RUNTIME_IDX_H
