//===- DataSource.cpp - From a manifest's data record to a Dataset --------===//

#include "DataSource.h"

#include "Csv.h"
#include "FileIO.h"
#include "Idx.h"
#include "Npy.h"
#include "Synthetic.h"

namespace gdrt {

bool loadDataSource(const DataSpec &spec, const Manifest &manifest,
                    const std::string &baseDir, Dataset &out,
                    std::string &error) {
  LabelFormat labels = LabelFormat::fromManifest(manifest);
  const int64_t exampleSize = manifest.inputSize();
  if (spec.format == "idx") {
    if (labels.targets) {
      error = "idx data holds class labels, but the model's labels are " +
              labels.describe();
      return false;
    }
    return loadIdxDataset(resolvePath(baseDir, spec.imagesPath),
                          resolvePath(baseDir, spec.labelsPath), spec.scale,
                          exampleSize, labels.classes, out, error);
  }
  if (spec.format == "csv")
    return loadCsvDataset(resolvePath(baseDir, spec.imagesPath),
                          spec.labelColumn, spec.scale, exampleSize, labels,
                          out, error);
  if (spec.format == "npy")
    return loadNpyDataset(resolvePath(baseDir, spec.imagesPath),
                          resolvePath(baseDir, spec.labelsPath), spec.scale,
                          exampleSize, labels, out, error);
  if (spec.format == "synthetic") {
    if (spec.features != exampleSize) {
      error = "synthetic data has " + std::to_string(spec.features) +
              " features, but the model's input has " +
              std::to_string(exampleSize) + " elements";
      return false;
    }
    return makeSyntheticDataset(spec.count, spec.features, spec.classes,
                                spec.seed, syntheticSplitStream(spec.split),
                                labels, out, error);
  }
  error = "unsupported data format '" + spec.format + "'";
  return false;
}

} // namespace gdrt
