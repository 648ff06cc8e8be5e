//===- Safetensors.cpp - Reading and writing safetensors checkpoints ------===//

#include "Safetensors.h"

#include "FileIO.h"
#include "Json.h"

#include <algorithm>
#include <cstring>

namespace gdrt {

/// The reference implementation refuses headers above 100 MB; so do we, so
/// that a garbage length cannot make us allocate the moon.
static const uint64_t kMaxHeaderSize = 100000000;

static void appendLittleEndian(std::string &out, uint64_t value, unsigned n) {
  for (unsigned i = 0; i < n; ++i)
    out += static_cast<char>((value >> (8 * i)) & 0xFF);
}

std::string
encodeSafetensors(const std::vector<NamedTensor> &tensors,
                  const std::map<std::string, std::string> &metadata) {
  std::string header = "{";
  bool first = true;
  if (!metadata.empty()) {
    header += "\"__metadata__\":{";
    for (const auto &entry : metadata) {
      if (!first)
        header += ",";
      first = false;
      header += jsonQuote(entry.first) + ":" + jsonQuote(entry.second);
    }
    header += "}";
    first = false;
  }
  uint64_t offset = 0;
  for (const NamedTensor &tensor : tensors) {
    uint64_t size = tensor.data.size() * sizeof(float);
    header += first ? "" : ",";
    first = false;
    header += jsonQuote(tensor.name) + ":{\"dtype\":\"F32\",\"shape\":[";
    for (size_t i = 0; i < tensor.shape.size(); ++i)
      header += (i ? "," : "") + std::to_string(tensor.shape[i]);
    header += "],\"data_offsets\":[" + std::to_string(offset) + "," +
              std::to_string(offset + size) + "]}";
    offset += size;
  }
  header += "}";
  // Pad with spaces so the data section starts 8-byte aligned, as the
  // reference writer does (readers may then map it in place).
  while ((8 + header.size()) % 8 != 0)
    header += ' ';

  std::string out;
  out.reserve(8 + header.size() + offset);
  appendLittleEndian(out, header.size(), 8);
  out += header;
  for (const NamedTensor &tensor : tensors)
    for (float value : tensor.data) {
      uint32_t bits;
      std::memcpy(&bits, &value, sizeof(bits));
      appendLittleEndian(out, bits, 4);
    }
  return out;
}

bool writeSafetensors(const std::string &path,
                      const std::vector<NamedTensor> &tensors,
                      const std::map<std::string, std::string> &metadata,
                      std::string &error) {
  for (const NamedTensor &tensor : tensors) {
    if (static_cast<int64_t>(tensor.data.size()) !=
        shapeElementCount(tensor.shape)) {
      error = path + ": tensor '" + tensor.name + "' has " +
              std::to_string(tensor.data.size()) + " elements but shape " +
              formatShape(tensor.shape);
      return false;
    }
  }
  return writeFileAtomically(path, encodeSafetensors(tensors, metadata), error);
}

namespace {
/// A tensor entry of the header, before its data is copied out.
struct TensorEntry {
  std::string name;
  Shape shape;
  uint64_t begin = 0, end = 0;
};
} // namespace

/// Validates one header entry `name: {...}` into `entry`.
static bool decodeEntry(const std::string &name, const JsonValue &value,
                        uint64_t dataSize, TensorEntry &entry,
                        std::string &error) {
  std::string where = "tensor '" + name + "'";
  if (value.kind != JsonValue::Kind::Object) {
    error = where + ": header entry is not an object";
    return false;
  }
  const JsonValue *dtype = value.find("dtype");
  const JsonValue *shape = value.find("shape");
  const JsonValue *offsets = value.find("data_offsets");
  if (!dtype || !shape || !offsets) {
    error = where + ": header entry needs dtype, shape and data_offsets";
    return false;
  }
  if (dtype->kind != JsonValue::Kind::String) {
    error = where + ": dtype is not a string";
    return false;
  }
  if (dtype->text != "F32") {
    error = where + " has dtype " + dtype->text +
            "; only F32 tensors are supported";
    return false;
  }
  if (shape->kind != JsonValue::Kind::Array) {
    error = where + ": shape is not an array";
    return false;
  }
  uint64_t elements = 1;
  for (const JsonValue &dim : shape->items) {
    uint64_t n;
    if (!dim.asUint64(n) || n > (UINT64_C(1) << 40)) {
      error = where + ": shape entries must be non-negative integers";
      return false;
    }
    if (n != 0 && elements > (UINT64_C(1) << 60) / n) {
      error = where + ": shape is implausibly large";
      return false;
    }
    elements *= n;
    entry.shape.push_back(static_cast<int64_t>(n));
  }
  if (offsets->kind != JsonValue::Kind::Array || offsets->items.size() != 2 ||
      !offsets->items[0].asUint64(entry.begin) ||
      !offsets->items[1].asUint64(entry.end)) {
    error = where + ": data_offsets must be [begin, end]";
    return false;
  }
  if (entry.begin > entry.end || entry.end > dataSize) {
    error = where + ": data_offsets [" + std::to_string(entry.begin) + ", " +
            std::to_string(entry.end) + "] out of range of the " +
            std::to_string(dataSize) + "-byte data section";
    return false;
  }
  if (entry.end - entry.begin != elements * sizeof(float)) {
    error = where + ": shape " + formatShape(entry.shape) + " needs " +
            std::to_string(elements * sizeof(float)) + " bytes but " +
            "data_offsets span " + std::to_string(entry.end - entry.begin);
    return false;
  }
  entry.name = name;
  return true;
}

bool decodeSafetensors(const std::vector<uint8_t> &bytes,
                       std::vector<NamedTensor> &tensors,
                       std::map<std::string, std::string> &metadata,
                       std::string &error) {
  tensors.clear();
  metadata.clear();
  if (bytes.size() < 8) {
    error = "not a safetensors file: shorter than the 8-byte header length";
    return false;
  }
  uint64_t headerSize = readLittleEndian(bytes.data(), 8);
  if (headerSize > kMaxHeaderSize || headerSize > bytes.size() - 8) {
    error = "not a safetensors file: header length " +
            std::to_string(headerSize) + " exceeds the file size";
    return false;
  }
  std::string_view headerText(reinterpret_cast<const char *>(bytes.data()) + 8,
                              headerSize);
  if (headerText.empty() || headerText[0] != '{') {
    error = "not a safetensors file: the header is not a JSON object";
    return false;
  }
  JsonValue header;
  std::string jsonError;
  if (!parseJson(headerText, header, jsonError)) {
    error = "invalid safetensors header: " + jsonError;
    return false;
  }
  if (header.kind != JsonValue::Kind::Object) {
    error = "invalid safetensors header: not a JSON object";
    return false;
  }
  uint64_t dataSize = bytes.size() - 8 - headerSize;
  std::vector<TensorEntry> entries;
  for (const auto &member : header.members) {
    if (member.first == "__metadata__") {
      if (member.second.kind != JsonValue::Kind::Object) {
        error = "invalid safetensors header: __metadata__ is not an object";
        return false;
      }
      for (const auto &item : member.second.members) {
        if (item.second.kind != JsonValue::Kind::String) {
          error = "invalid safetensors header: __metadata__ value '" +
                  item.first + "' is not a string";
          return false;
        }
        metadata[item.first] = item.second.text;
      }
      continue;
    }
    TensorEntry entry;
    if (!decodeEntry(member.first, member.second, dataSize, entry, error))
      return false;
    entries.push_back(std::move(entry));
  }
  // The tensors must tile the data section exactly: no overlaps (which
  // would alias two tensors) and no holes or unclaimed tail (which would
  // mean a damaged or misread file).
  std::sort(entries.begin(), entries.end(),
            [](const TensorEntry &a, const TensorEntry &b) {
              return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
            });
  uint64_t expectedBegin = 0;
  for (const TensorEntry &entry : entries) {
    if (entry.begin != expectedBegin) {
      error = "tensor '" + entry.name + "': data_offsets begin at " +
              std::to_string(entry.begin) + ", expected " +
              std::to_string(expectedBegin) +
              " (tensors overlap or leave a gap)";
      return false;
    }
    expectedBegin = entry.end;
  }
  if (expectedBegin != dataSize) {
    error = "the data section has " + std::to_string(dataSize) +
            " bytes but the tensors cover " + std::to_string(expectedBegin);
    return false;
  }
  const uint8_t *data = bytes.data() + 8 + headerSize;
  for (TensorEntry &entry : entries) {
    NamedTensor tensor;
    tensor.name = std::move(entry.name);
    tensor.shape = std::move(entry.shape);
    tensor.data.resize((entry.end - entry.begin) / sizeof(float));
    for (size_t i = 0; i < tensor.data.size(); ++i) {
      uint32_t bits = static_cast<uint32_t>(
          readLittleEndian(data + entry.begin + 4 * i, 4));
      std::memcpy(&tensor.data[i], &bits, sizeof(float));
    }
    tensors.push_back(std::move(tensor));
  }
  return true;
}

bool readSafetensors(const std::string &path, std::vector<NamedTensor> &tensors,
                     std::map<std::string, std::string> &metadata,
                     std::string &error) {
  std::vector<uint8_t> bytes;
  if (!readWholeFile(path, bytes, error))
    return false;
  if (!decodeSafetensors(bytes, tensors, metadata, error)) {
    error = path + ": " + error;
    return false;
  }
  return true;
}

} // namespace gdrt
