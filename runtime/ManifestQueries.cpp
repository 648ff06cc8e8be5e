//===- ManifestQueries.cpp - Looking things up in a parsed manifest -------===//

#include "Manifest.h"
#include "ParseNumber.h"

namespace gdrt {

int64_t shapeElementCount(const Shape &shape) {
  int64_t count = 1;
  for (int64_t dim : shape)
    count *= dim;
  return count;
}

const DataSpec *Manifest::findData(std::string_view split) const {
  for (const DataSpec &spec : data)
    if (spec.split == split)
      return &spec;
  return nullptr;
}

int Manifest::findParam(std::string_view path) const {
  for (size_t i = 0; i < params.size(); ++i)
    if (params[i].path == path)
      return static_cast<int>(i);
  return -1;
}

int Manifest::findHyper(std::string_view name) const {
  for (size_t i = 0; i < hypers.size(); ++i)
    if (hypers[i].name == name)
      return static_cast<int>(i);
  return -1;
}

const ConstantSpec *Manifest::findConstant(std::string_view name) const {
  for (const ConstantSpec &constant : constants)
    if (constant.name == name)
      return &constant;
  return nullptr;
}

std::string ConstantSpec::text() const {
  return isF64 ? formatExactDouble(value) : std::to_string(static_cast<int64_t>(value));
}

} // namespace gdrt
