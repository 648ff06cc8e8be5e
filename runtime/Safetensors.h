//===- Safetensors.h - Reading and writing safetensors checkpoints --------===//
//
// The format (https://github.com/huggingface/safetensors): an 8-byte
// little-endian header length N, N bytes of JSON mapping each tensor name to
// {"dtype", "shape", "data_offsets": [begin, end]} (offsets relative to the
// data section) plus an optional "__metadata__" object of strings, then the
// data. Only F32 tensors are read and written.
//
//===----------------------------------------------------------------------===//
#ifndef GDC_RUNTIME_SAFETENSORS_H
#define GDC_RUNTIME_SAFETENSORS_H

#include "Manifest.h"

#include <map>
#include <string>
#include <vector>

namespace gdrt {

/// One named f32 tensor.
struct NamedTensor {
  std::string name;
  Shape shape;
  std::vector<float> data; ///< shapeElementCount(shape) elements
};

/// Serialises `tensors` (in order) and `metadata` to safetensors bytes.
std::string
encodeSafetensors(const std::vector<NamedTensor> &tensors,
                  const std::map<std::string, std::string> &metadata);

/// Writes `tensors` to `path` atomically (temporary file, fsync, rename).
bool writeSafetensors(const std::string &path,
                      const std::vector<NamedTensor> &tensors,
                      const std::map<std::string, std::string> &metadata,
                      std::string &error);

/// Parses safetensors `bytes`; `tensors` come out in data order. Errors do
/// not name a file (readSafetensors prefixes the path).
bool decodeSafetensors(const std::vector<uint8_t> &bytes,
                       std::vector<NamedTensor> &tensors,
                       std::map<std::string, std::string> &metadata,
                       std::string &error);

/// Reads and validates `path`. Errors begin with the path.
bool readSafetensors(const std::string &path, std::vector<NamedTensor> &tensors,
                     std::map<std::string, std::string> &metadata,
                     std::string &error);

} // namespace gdrt

#endif // GDC_RUNTIME_SAFETENSORS_H
