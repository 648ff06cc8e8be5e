//===- Npy.cpp - Loading data sets from NumPy .npy files ------------------===//

#include "Npy.h"

#include "FileIO.h"

#include <cmath>
#include <cstring>

namespace gdrt {

namespace {

struct NpyTypeInfo {
  const char *name; ///< descr without the byte-order character
  NpyType type;
  unsigned size;
};

const NpyTypeInfo kTypes[] = {
    {"f4", NpyType::F32, 4}, {"f8", NpyType::F64, 8}, {"i1", NpyType::I8, 1},
    {"i2", NpyType::I16, 2}, {"i4", NpyType::I32, 4}, {"i8", NpyType::I64, 8},
    {"u1", NpyType::U8, 1},  {"u2", NpyType::U16, 2}, {"b1", NpyType::Bool, 1},
};

const char *kSupportedTypes = "<f4 <f8 <i2 <i4 <i8 <u2 |u1 |i1 |b1";

unsigned typeSize(NpyType type) {
  for (const NpyTypeInfo &info : kTypes)
    if (info.type == type)
      return info.size;
  return 0;
}

/// A cursor over the header's dict literal: just enough of Python's syntax
/// for what numpy writes (strings, True/False, tuples of integers).
class HeaderParser {
public:
  explicit HeaderParser(std::string_view text) : text(text) {}

  void skipSpace() {
    while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t' ||
                                 text[pos] == '\n' || text[pos] == '\r'))
      ++pos;
  }
  bool peek(char c) {
    skipSpace();
    return pos < text.size() && text[pos] == c;
  }
  bool accept(char c) {
    if (!peek(c))
      return false;
    ++pos;
    return true;
  }
  bool atEnd() {
    skipSpace();
    return pos >= text.size();
  }
  bool string(std::string &value) {
    skipSpace();
    if (pos >= text.size() || (text[pos] != '\'' && text[pos] != '"'))
      return false;
    char quote = text[pos++];
    size_t end = text.find(quote, pos);
    if (end == std::string_view::npos)
      return false;
    value = std::string(text.substr(pos, end - pos));
    pos = end + 1;
    return true;
  }
  bool word(std::string_view w) {
    skipSpace();
    if (text.substr(pos, w.size()) != w)
      return false;
    pos += w.size();
    return true;
  }
  bool integer(uint64_t &value) {
    skipSpace();
    size_t start = pos;
    value = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      uint64_t digit = static_cast<uint64_t>(text[pos++] - '0');
      if (value > (UINT64_MAX - digit) / 10)
        return false;
      value = value * 10 + digit;
    }
    if (pos == start)
      return false;
    if (pos < text.size() && text[pos] == 'L') // Python 2's long literals
      ++pos;
    return true;
  }

private:
  std::string_view text;
  size_t pos = 0;
};

} // namespace

/// `(60000, 784)`, `(3,)` or `()`: the shape as numpy prints it.
static std::string formatNpyShape(const std::vector<uint64_t> &shape) {
  std::string text = "(";
  for (size_t i = 0; i < shape.size(); ++i)
    text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + (shape.size() == 1 ? ",)" : ")");
}

/// Maps a descr string to a type, or explains why it cannot.
static bool parseDescr(const std::string &descr, NpyType &type,
                       std::string &problem) {
  if (descr.size() == 3) {
    char order = descr[0];
    for (const NpyTypeInfo &info : kTypes) {
      if (descr.compare(1, 2, info.name) != 0)
        continue;
      // Byte order is meaningless for one byte, and numpy writes `|` for it.
      if (info.size == 1
              ? order == '|' || order == '<' || order == '>' || order == '='
              : order == '<') {
        type = info.type;
        return true;
      }
      if (order == '>') {
        problem = "big-endian dtype '" + descr +
                  "' is not supported (only little-endian)";
        return false;
      }
    }
  }
  problem =
      "unsupported dtype '" + descr + "' (supported: " + kSupportedTypes + ")";
  return false;
}

bool parseNpyHeader(std::string_view header, NpyArray &out,
                    std::string &problem) {
  HeaderParser p(header);
  bool sawDescr = false, sawOrder = false, sawShape = false;
  bool fortranOrder = false;
  auto syntax = [&](const std::string &what) {
    problem = "malformed header dict (" + what + "): " + std::string(header);
    while (!problem.empty() &&
           (problem.back() == ' ' || problem.back() == '\n'))
      problem.pop_back();
    return false;
  };
  if (!p.accept('{'))
    return syntax("expected '{'");
  while (!p.accept('}')) {
    std::string key;
    if (!p.string(key))
      return syntax("expected a quoted key");
    if (!p.accept(':'))
      return syntax("expected ':' after '" + key + "'");
    if (key == "descr") {
      if (sawDescr)
        return syntax("'descr' twice");
      sawDescr = true;
      if (p.peek('[')) {
        problem = "structured dtypes (a list as 'descr') are not supported";
        return false;
      }
      if (!p.string(out.descr))
        return syntax("'descr' is not a string");
    } else if (key == "fortran_order") {
      if (sawOrder)
        return syntax("'fortran_order' twice");
      sawOrder = true;
      if (p.word("True"))
        fortranOrder = true;
      else if (!p.word("False"))
        return syntax("'fortran_order' is not True or False");
    } else if (key == "shape") {
      if (sawShape)
        return syntax("'shape' twice");
      sawShape = true;
      if (!p.accept('('))
        return syntax("'shape' is not a tuple");
      out.shape.clear();
      while (!p.accept(')')) {
        uint64_t dim;
        if (!p.integer(dim))
          return syntax("'shape' holds something other than integers");
        out.shape.push_back(dim);
        if (!p.accept(',') && !p.peek(')'))
          return syntax("expected ',' or ')' in 'shape'");
      }
    } else {
      return syntax("unexpected key '" + key + "'");
    }
    if (!p.accept(',') && !p.peek('}'))
      return syntax("expected ',' or '}'");
  }
  if (!p.atEnd())
    return syntax("text after the closing '}'");
  for (auto [seen, name] :
       {std::pair{sawDescr, "descr"}, std::pair{sawOrder, "fortran_order"},
        std::pair{sawShape, "shape"}})
    if (!seen)
      return syntax(std::string("no '") + name + "'");
  if (!parseDescr(out.descr, out.type, problem))
    return false;
  if (fortranOrder) {
    problem = "Fortran-order (column-major) arrays are not supported; save "
              "a C-order array (numpy.ascontiguousarray)";
    return false;
  }
  return true;
}

uint64_t NpyArray::elementCount() const {
  uint64_t count = 1;
  for (uint64_t dim : shape)
    count *= dim;
  return count;
}

double NpyArray::element(uint64_t i) const {
  unsigned size = typeSize(type);
  uint64_t bits =
      readLittleEndian(contents.data() + dataOffset + i * size, size);
  switch (type) {
  case NpyType::F32: {
    uint32_t narrow = static_cast<uint32_t>(bits);
    float value;
    std::memcpy(&value, &narrow, sizeof(value));
    return value;
  }
  case NpyType::F64: {
    double value;
    std::memcpy(&value, &bits, sizeof(value));
    return value;
  }
  case NpyType::I8:
    return static_cast<int8_t>(bits);
  case NpyType::I16:
    return static_cast<int16_t>(bits);
  case NpyType::I32:
    return static_cast<int32_t>(bits);
  case NpyType::I64:
    return static_cast<double>(static_cast<int64_t>(bits));
  case NpyType::U8:
  case NpyType::U16:
    return static_cast<double>(bits);
  case NpyType::Bool:
    return bits ? 1 : 0;
  }
  return 0;
}

bool readNpy(const std::string &path, NpyArray &out, std::string &error) {
  out = NpyArray();
  if (!readMaybeGzippedFile(path, out.contents, error))
    return false;
  const std::vector<uint8_t> &bytes = out.contents;
  static const char kMagic[] = "\x93NUMPY";
  if (bytes.size() < 8 || std::memcmp(bytes.data(), kMagic, 6) != 0) {
    error = path + ": not a .npy file (no \\x93NUMPY magic at its start)";
    return false;
  }
  unsigned major = bytes[6], minor = bytes[7];
  if ((major != 1 && major != 2 && major != 3) || minor != 0) {
    error = path + ": unsupported .npy format version " +
            std::to_string(major) + "." + std::to_string(minor) +
            " (expected 1.0, 2.0 or 3.0)";
    return false;
  }
  // Version 1.0 has a 2-byte header length; 2.0 and 3.0 (UTF-8 names in
  // structured dtypes) a 4-byte one.
  size_t lengthSize = major == 1 ? 2 : 4;
  if (bytes.size() < 8 + lengthSize) {
    error = path + ": truncated header: the file ends in its length field";
    return false;
  }
  uint64_t headerLength = readLittleEndian(bytes.data() + 8, lengthSize);
  size_t headerStart = 8 + lengthSize;
  if (bytes.size() - headerStart < headerLength) {
    error = path + ": truncated header: it declares " +
            std::to_string(headerLength) + " bytes, the file has " +
            std::to_string(bytes.size() - headerStart) + " after the magic";
    return false;
  }
  std::string_view header(reinterpret_cast<const char *>(bytes.data()) +
                              headerStart,
                          static_cast<size_t>(headerLength));
  std::string problem;
  if (!parseNpyHeader(header, out, problem)) {
    error = path + ": " + problem;
    return false;
  }
  out.dataOffset = headerStart + static_cast<size_t>(headerLength);
  uint64_t count = 1;
  for (uint64_t dim : out.shape) {
    if (dim != 0 && count > (UINT64_C(1) << 48) / dim) {
      error = path + ": shape " + formatNpyShape(out.shape) +
              " is implausibly large";
      return false;
    }
    count *= dim;
  }
  uint64_t expected = count * typeSize(out.type);
  uint64_t found = bytes.size() - out.dataOffset;
  if (found < expected) {
    error = path + ": truncated: shape " + formatNpyShape(out.shape) + " of '" +
            out.descr + "' needs " + std::to_string(expected) +
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

/// Elements per example of an array whose first dimension counts examples.
static uint64_t perExample(const NpyArray &array) {
  uint64_t size = 1;
  for (size_t i = 1; i < array.shape.size(); ++i)
    size *= array.shape[i];
  return size;
}

bool loadNpyDataset(const std::string &xPath, const std::string &yPath,
                    float scale, int64_t exampleSize, const LabelFormat &labels,
                    Dataset &out, std::string &error) {
  out = Dataset();
  NpyArray x, y;
  const bool withLabels = !yPath.empty();
  if (!readNpy(xPath, x, error) || (withLabels && !readNpy(yPath, y, error)))
    return false;
  if (x.shape.empty()) {
    error = xPath + ": a 0-dimensional array; x needs a first dimension that "
                    "counts the examples";
    return false;
  }
  if (withLabels && y.shape.empty()) {
    error = yPath + ": a 0-dimensional array; y needs a first dimension that "
                    "counts the examples";
    return false;
  }
  uint64_t count = x.shape[0];
  if (perExample(x) != static_cast<uint64_t>(exampleSize)) {
    error = xPath + ": examples have " + std::to_string(perExample(x)) +
            " elements (shape " + formatNpyShape(x.shape) +
            "), but the model's input has " + std::to_string(exampleSize);
    return false;
  }
  if (withLabels && y.shape[0] != count) {
    error = xPath + " has " + std::to_string(count) + " examples but " + yPath +
            " has " + std::to_string(y.shape[0]) + " labels";
    return false;
  }

  if (!withLabels) {
    // The examples are their own labels; the caller makes the targets.
  } else if (labels.targets) {
    if (perExample(y) != static_cast<uint64_t>(labels.targetSize())) {
      error = yPath + ": targets have " + std::to_string(perExample(y)) +
              " elements (shape " + formatNpyShape(y.shape) +
              "), but the model's labels are " + labels.describe();
      return false;
    }
    out.targetSize = labels.targetSize();
    out.targets.resize(static_cast<size_t>(y.elementCount()));
    for (uint64_t i = 0; i < y.elementCount(); ++i) {
      if (!toFiniteFloat(y.element(i), out.targets[i])) {
        error =
            yPath + ": element " + std::to_string(i) + " is not a finite f32";
        return false;
      }
    }
  } else {
    // One class per example, (n,), or one per position, (n, T, ...).
    std::vector<uint64_t> wanted{count};
    for (int64_t d : labels.classShape)
      wanted.push_back(static_cast<uint64_t>(d));
    if (y.shape != wanted) {
      error = yPath + ": class labels must have shape " + formatNpyShape(wanted) +
              ", found " + formatNpyShape(y.shape);
      return false;
    }
    if (!y.isInteger()) {
      error = yPath + ": class labels need an integer dtype, found '" +
              y.descr + "'";
      return false;
    }
    const uint64_t perExample = static_cast<uint64_t>(labels.labelsPerExample());
    out.labelsPerExample = labels.labelsPerExample();
    out.labels.resize(static_cast<size_t>(count * perExample));
    for (uint64_t i = 0; i < count * perExample; ++i) {
      double label = y.element(i);
      if (label < 0 || label >= static_cast<double>(labels.classes)) {
        error = yPath + ": label " +
                std::to_string(static_cast<int64_t>(label)) + " of example " +
                std::to_string(i / perExample) +
                (perExample > 1 ? " (position " + std::to_string(i % perExample) + ")"
                                : std::string()) +
                " is out of range [0, " + std::to_string(labels.classes) + ")";
        return false;
      }
      out.labels[i] = static_cast<int32_t>(label);
    }
  }

  uint64_t total = x.elementCount();
  out.examples.resize(static_cast<size_t>(total));
  for (uint64_t i = 0; i < total; ++i) {
    float value = 0;
    bool finite = toFiniteFloat(x.element(i), value);
    out.examples[i] = value * scale;
    if (!finite || !std::isfinite(out.examples[i])) {
      error = xPath + ": element " + std::to_string(i) +
              " is not a finite number (after scaling)";
      return false;
    }
  }
  out.count = static_cast<int64_t>(count);
  out.exampleSize = exampleSize;
  return true;
}

} // namespace gdrt
