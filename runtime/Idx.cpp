//===- Idx.cpp - Loading MNIST-style IDX data sets ------------------------===//

#include "Idx.h"

#include "FileIO.h"

#include <cmath>
#include <cstdio>
#include <cstring>

namespace gdrt {

unsigned idxElementSize(uint8_t type) {
  switch (type) {
  case IdxUint8:
  case IdxInt8:
    return 1;
  case IdxInt16:
    return 2;
  case IdxInt32:
  case IdxFloat32:
    return 4;
  case IdxFloat64:
    return 8;
  default:
    return 0;
  }
}

static const char *idxTypeName(uint8_t type) {
  switch (type) {
  case IdxUint8:
    return "ubyte";
  case IdxInt8:
    return "byte";
  case IdxInt16:
    return "short";
  case IdxInt32:
    return "int";
  case IdxFloat32:
    return "float";
  case IdxFloat64:
    return "double";
  default:
    return "unknown";
  }
}

uint64_t IdxArray::elementCount() const {
  uint64_t count = 1;
  for (uint64_t dim : dims)
    count *= dim;
  return count;
}

double IdxArray::element(uint64_t i) const {
  unsigned size = idxElementSize(type);
  uint64_t bits = readBigEndian(contents.data() + dataOffset + i * size, size);
  switch (type) {
  case IdxUint8:
    return static_cast<double>(static_cast<uint8_t>(bits));
  case IdxInt8:
    return static_cast<double>(static_cast<int8_t>(bits));
  case IdxInt16:
    return static_cast<double>(static_cast<int16_t>(bits));
  case IdxInt32:
    return static_cast<double>(static_cast<int32_t>(bits));
  case IdxFloat32: {
    uint32_t narrow = static_cast<uint32_t>(bits);
    float value;
    std::memcpy(&value, &narrow, sizeof(value));
    return value;
  }
  case IdxFloat64: {
    double value;
    std::memcpy(&value, &bits, sizeof(value));
    return value;
  }
  default:
    return 0;
  }
}

bool readIdx(const std::string &path, IdxArray &out, std::string &error) {
  out = IdxArray();
  if (!readMaybeGzippedFile(path, out.contents, error))
    return false;
  const std::vector<uint8_t> &bytes = out.contents;
  if (bytes.size() < 4) {
    error = path + ": not an IDX file: only " + std::to_string(bytes.size()) +
            " bytes, too short for the 4-byte magic number";
    return false;
  }
  if (bytes[0] != 0 || bytes[1] != 0) {
    char magic[32];
    snprintf(magic, sizeof(magic), "%02x %02x %02x %02x", bytes[0], bytes[1],
             bytes[2], bytes[3]);
    error = path + ": not an IDX file: bad magic number " + magic +
            " (expected 00 00 <type> <ndim>)";
    return false;
  }
  out.type = bytes[2];
  unsigned elementSize = idxElementSize(out.type);
  if (elementSize == 0) {
    char code[8];
    snprintf(code, sizeof(code), "0x%02x", out.type);
    error = path + ": unknown IDX element type " + code;
    return false;
  }
  unsigned ndim = bytes[3];
  if (ndim == 0) {
    error = path + ": IDX header declares 0 dimensions";
    return false;
  }
  size_t headerSize = 4 + 4 * static_cast<size_t>(ndim);
  if (bytes.size() < headerSize) {
    error = path + ": truncated header: " + std::to_string(ndim) +
            " dimensions need " + std::to_string(headerSize) +
            " bytes, the file has " + std::to_string(bytes.size());
    return false;
  }
  uint64_t count = 1;
  for (unsigned i = 0; i < ndim; ++i) {
    uint64_t dim = readBigEndian(bytes.data() + 4 + 4 * i, 4);
    out.dims.push_back(dim);
    // Dimensions are < 2^32 each; stop before the product could overflow.
    if (dim != 0 && count > (UINT64_C(1) << 48) / dim) {
      error = path + ": IDX dimensions are implausibly large";
      return false;
    }
    count *= dim;
  }
  out.dataOffset = headerSize;
  uint64_t expected = count * elementSize;
  uint64_t found = bytes.size() - headerSize;
  if (found < expected) {
    error = path + ": truncated: expected " + std::to_string(expected) +
            " bytes of data, found " + std::to_string(found);
    return false;
  }
  if (found > expected) {
    error = path + ": " + std::to_string(found - expected) +
            " trailing bytes after the " + std::to_string(expected) +
            " bytes of data";
    return false;
  }
  return true;
}

static std::string formatDims(const std::vector<uint64_t> &dims) {
  std::string text;
  for (size_t i = 0; i < dims.size(); ++i)
    text += (i ? " x " : "") + std::to_string(dims[i]);
  return text;
}

bool loadIdxDataset(const std::string &imagesPath,
                    const std::string &labelsPath, float scale,
                    int64_t exampleSize, int64_t numClasses, Dataset &out,
                    std::string &error) {
  out = Dataset();
  IdxArray images, labels;
  const bool withLabels = !labelsPath.empty();
  if (!readIdx(imagesPath, images, error) ||
      (withLabels && !readIdx(labelsPath, labels, error)))
    return false;

  uint64_t count = images.dims[0];
  uint64_t imageSize = 1; // a 1-dimensional file holds scalar examples
  for (size_t i = 1; i < images.dims.size(); ++i)
    imageSize *= images.dims[i];
  if (imageSize != static_cast<uint64_t>(exampleSize)) {
    error = imagesPath + ": examples have " + std::to_string(imageSize) +
            " elements (dimensions " + formatDims(images.dims) +
            "), but the model's input has " + std::to_string(exampleSize);
    return false;
  }
  if (!withLabels) {
    // The examples are their own labels; the caller makes the targets.
  } else if (labels.dims.size() != 1) {
    error = labelsPath + ": labels must be 1-dimensional, found dimensions " +
            formatDims(labels.dims);
    return false;
  } else if (labels.type == IdxFloat32 || labels.type == IdxFloat64) {
    error = labelsPath + ": labels must be integers, found IDX type " +
            idxTypeName(labels.type);
    return false;
  } else if (labels.dims[0] != count) {
    error = imagesPath + " has " + std::to_string(count) + " examples but " +
            labelsPath + " has " + std::to_string(labels.dims[0]) + " labels";
    return false;
  }

  out.labels.resize(withLabels ? count : 0);
  for (uint64_t i = 0; withLabels && i < count; ++i) {
    double label = labels.element(i);
    if (label < 0 || label >= static_cast<double>(numClasses)) {
      error = labelsPath + ": label " +
              std::to_string(static_cast<int64_t>(label)) + " of example " +
              std::to_string(i) + " is out of range [0, " +
              std::to_string(numClasses) + ")";
      return false;
    }
    out.labels[i] = static_cast<int32_t>(label);
  }

  uint64_t total = count * imageSize;
  out.examples.resize(total);
  if (images.type == IdxUint8) {
    // The common case, kept tight: 47M elements for MNIST.
    const uint8_t *data = images.contents.data() + images.dataOffset;
    for (uint64_t i = 0; i < total; ++i)
      out.examples[i] = static_cast<float>(data[i]) * scale;
  } else {
    for (uint64_t i = 0; i < total; ++i) {
      double value = images.element(i);
      out.examples[i] = static_cast<float>(value) * scale;
      if (!std::isfinite(out.examples[i])) {
        error = imagesPath + ": element " + std::to_string(i) +
                " is not a finite number";
        return false;
      }
    }
  }
  out.count = static_cast<int64_t>(count);
  out.exampleSize = exampleSize;
  return true;
}

} // namespace gdrt
