//===- DataSource.h - From a manifest's data record to a Dataset ----------===//
//
// The one place that knows every data format: the trainer hands it a
// `data` record and gets examples and labels, whichever loader that takes.
//
//===----------------------------------------------------------------------===//
#ifndef GDC_RUNTIME_DATASOURCE_H
#define GDC_RUNTIME_DATASOURCE_H

#include "Dataset.h"
#include "Manifest.h"

#include <string>

namespace gdrt {

/// Loads the data set of `spec` for the model of `manifest` (its input size
/// and labels). Relative paths resolve against `baseDir` (see resolvePath).
/// Errors begin with the offending file's path where there is one.
bool loadDataSource(const DataSpec &spec, const Manifest &manifest,
                    const std::string &baseDir, Dataset &out,
                    std::string &error);

} // namespace gdrt

#endif // GDC_RUNTIME_DATASOURCE_H
