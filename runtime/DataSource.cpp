//===- DataSource.cpp - From a manifest's data record to a Dataset --------===//

#include "DataSource.h"

#include "Csv.h"
#include "FileIO.h"
#include "Idx.h"
#include "Npy.h"
#include "Synthetic.h"
#include "Text.h"

namespace gdrt {

/// Loads the examples and labels of `spec` as its format reads them.
static bool loadFormat(const DataSpec &spec, const Manifest &manifest,
                       const std::string &baseDir, Dataset &out,
                       std::string &error) {
  LabelFormat labels = LabelFormat::fromManifest(manifest);
  const int64_t exampleSize = manifest.inputSize();
  // No labels file stays no labels file (an empty path), not baseDir.
  const std::string labelsPath =
      spec.labelsAreExamples() ? std::string() : resolvePath(baseDir, spec.labelsPath);
  if (spec.format == "idx") {
    if (labels.targets && !spec.labelsAreExamples()) {
      error = "idx data holds class labels, but the model's labels are " +
              labels.describe();
      return false;
    }
    return loadIdxDataset(resolvePath(baseDir, spec.imagesPath),
                          labelsPath, spec.scale,
                          exampleSize, labels.classes, out, error);
  }
  if (spec.format == "csv")
    return loadCsvDataset(resolvePath(baseDir, spec.imagesPath),
                          spec.labelColumn, spec.scale, exampleSize, labels,
                          out, error);
  if (spec.format == "npy")
    return loadNpyDataset(resolvePath(baseDir, spec.imagesPath),
                          labelsPath, spec.scale,
                          exampleSize, labels, out, error);
  if (spec.format == "text")
    return loadTextDataset(resolvePath(baseDir, spec.imagesPath), spec.features, labels, out,
                           error);
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

bool loadDataSource(const DataSpec &spec, const Manifest &manifest,
                    const std::string &baseDir, Dataset &out,
                    std::string &error) {
  if (!loadFormat(spec, manifest, baseDir, out, error))
    return false;
  if (spec.labelsAreExamples()) {
    // Each example is its own target (an autoencoder). A copy keeps every
    // consumer of targets (batching, selection, evaluation) as it is.
    out.targetSize = out.exampleSize;
    out.targets = out.examples;
  }
  return true;
}

} // namespace gdrt
