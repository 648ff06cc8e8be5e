//===- Dataset.h - Examples and labels in memory --------------------------===//
//
// Every loader (Idx.h, Csv.h, Npy.h, Synthetic.h) produces a Dataset: the
// examples as floats, and per example either a class index (a model with
// `label i32`) or an f32 target (`label f32 <dim>...`). Which one a loader
// must produce, and what it must check the labels against, is a
// LabelFormat drawn from the manifest.
//
//===----------------------------------------------------------------------===//
#ifndef GDC_RUNTIME_DATASET_H
#define GDC_RUNTIME_DATASET_H

#include "Manifest.h"

#include <cstdint>
#include <string>
#include <vector>

namespace gdrt {

/// Examples and labels in memory, ready for batching.
struct Dataset {
  int64_t count = 0;           ///< number of examples
  int64_t exampleSize = 0;     ///< floats per example
  std::vector<float> examples; ///< [count, exampleSize] row-major
  /// Class indices per example: 1, or one per position for a sequence
  /// model (`label i32 <dims>`).
  int64_t labelsPerExample = 1;
  std::vector<int32_t> labels; ///< [count, labelsPerExample]; empty for targets
  int64_t targetSize = 0;      ///< floats per target; 0 for class labels
  std::vector<float> targets;  ///< [count, targetSize] row-major

  /// Whether the labels are f32 targets rather than class indices.
  bool hasTargets() const { return targetSize > 0; }
};

/// What a loader must make of each example's label.
struct LabelFormat {
  bool targets = false; ///< f32 targets (`label f32`), else class indices
  int64_t classes = 0;  ///< class indices lie in [0, classes)
  Shape targetShape;    ///< per example, for targets
  Shape classShape;     ///< per example, for class indices: [] (one) or [T, ...]

  /// Class indices per example (1 for one label).
  int64_t labelsPerExample() const { return shapeElementCount(classShape); }

  /// Floats per target (1 for a scalar).
  int64_t targetSize() const { return shapeElementCount(targetShape); }
  /// `class labels in [0, 10)` or `f32 targets of shape [3]`, for messages.
  std::string describe() const;

  /// The manifest's labels: classes are the output size for `label i32`.
  static LabelFormat fromManifest(const Manifest &manifest);
};

/// `value` as a float; false if it is not finite or beyond the range of a
/// float (where the conversion would be undefined).
bool toFiniteFloat(double value, float &out);

/// Keeps only the first `count` examples (`count` <= data.count).
void truncateDataset(Dataset &data, int64_t count);

/// The examples `indices` of `data`, in that order, with their labels.
Dataset selectExamples(const Dataset &data,
                       const std::vector<int64_t> &indices);

} // namespace gdrt

#endif // GDC_RUNTIME_DATASET_H
