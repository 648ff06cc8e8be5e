//===- Npy.h - Loading data sets from NumPy .npy files --------------------===//
//
// The .npy format (numpy.lib.format): the magic `\x93NUMPY`, a major and a
// minor version byte, the header length (little-endian uint16 in version
// 1.0, uint32 in 2.0 and 3.0), then the header, a Python dict literal such
// as `{'descr': '<f4', 'fortran_order': False, 'shape': (60000, 784), }`,
// then the elements. Read here: versions 1.0, 2.0 and 3.0, C order, and the
// little-endian dtypes `<f4 <f8 <i2 <i4 <i8 <u2 |u1 |i1 |b1`. A data set
// (`data <split> npy <x-path> <y-path> <scale>`) is an x file whose first
// dimension counts the examples and a y file of one label per example.
//
//===----------------------------------------------------------------------===//
#ifndef GDC_RUNTIME_NPY_H
#define GDC_RUNTIME_NPY_H

#include "Dataset.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace gdrt {

/// The element types read from .npy files.
enum class NpyType { F32, F64, I8, I16, I32, I64, U8, U16, Bool };

/// One decoded .npy file.
struct NpyArray {
  NpyType type = NpyType::F32;
  std::string descr; ///< as written, e.g. `<f4`, for messages
  std::vector<uint64_t> shape;
  std::vector<uint8_t> contents; ///< the whole (decompressed) file
  size_t dataOffset = 0;         ///< where the elements begin in `contents`

  uint64_t elementCount() const;
  /// Whether the elements are integers (booleans count as 0 and 1).
  bool isInteger() const {
    return type != NpyType::F32 && type != NpyType::F64;
  }
  /// Element `i` converted to double.
  double element(uint64_t i) const;
};

/// Parses the header dict of a .npy file, `{'descr': ..., 'fortran_order':
/// ..., 'shape': (...)}`, into `out`'s type, descr and shape. On failure
/// sets `problem` (without the path).
bool parseNpyHeader(std::string_view header, NpyArray &out,
                    std::string &problem);

/// Reads and validates `path`: magic, version, header, a supported dtype in
/// C order, and a data size equal to the product of the shape. The file
/// may be gzip-compressed. Errors begin with the path.
bool readNpy(const std::string &path, NpyArray &out, std::string &error);

/// Loads an x/y pair. x has shape [n, ...] with `exampleSize` elements per
/// example (the model's input shape or any other with that many elements),
/// converted to float and multiplied by `scale`. y has n labels: for class
/// labels, shape [n] of an integer dtype with values in [0, classes); for
/// targets, shape [n, ...] with targetSize elements per example (so [n] for
/// a size-1 target), any dtype, finite.
bool loadNpyDataset(const std::string &xPath, const std::string &yPath,
                    float scale, int64_t exampleSize, const LabelFormat &labels,
                    Dataset &out, std::string &error);

} // namespace gdrt

#endif // GDC_RUNTIME_NPY_H
