//===- GradCheckHarness.h - Compile one gd.lens and check its gradients ---===//
//
// The harness of gd-gradcheck-tests. A test writes one per-example
// `gd.lens` in f64; the harness runs gdc's own passes on it (gd-batch,
// gd-reverse-mode, convert-gd-to-linalg), turns its forward and backward
// regions into functions, lowers them to LLVM, JIT-compiles them and calls
// them on host tensors. `checkGradients` compares the backward map against
// central finite differences of the forward map.
//
// The header is kept free of MLIR so that the cases compile quickly; the
// compiling and calling is gdc's LensJit (lang/LensJit.h).
//
//===----------------------------------------------------------------------===//
#ifndef GDC_TEST_UNIT_GRADCHECK_GRADCHECKHARNESS_H
#define GDC_TEST_UNIT_GRADCHECK_GRADCHECKHARNESS_H

#include "gtest/gtest.h"

#include "lang/LensJit.h"

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace gdc::gradcheck {

/// A dense row-major host tensor (values as doubles, converted to the IR's
/// element type when passed).
using Tensor = gdc::HostTensor;

/// Formats `[2, 3]`.
std::string formatShape(const std::vector<int64_t> &shape);

/// One `gd.lens`, compiled the way gdc compiles it, with its forward and
/// backward maps JIT-compiled as functions over memrefs.
class CompiledLens {
public:
  /// Compiles the one `gd.lens` of `moduleText` (per example, not yet
  /// batched or differentiated). On failure returns null and puts the
  /// diagnostics in `error`.
  static std::unique_ptr<CompiledLens> compile(const std::string &moduleText,
                                               std::string &error);
  ~CompiledLens();

  unsigned numParams() const;
  unsigned numInputs() const;
  /// The name of forward argument `i`: a parameter's name, or `input N`.
  std::string argName(unsigned i) const;
  /// The element type of forward argument `i` is a float (differentiable).
  bool isFloatArg(unsigned i) const;

  /// Runs the forward map on the parameters followed by the batched inputs.
  testing::AssertionResult forward(const std::vector<Tensor> &args,
                                   Tensor &output);
  /// Runs the backward map; `grads` gets the cotangents of the parameters
  /// followed by that of the first input.
  testing::AssertionResult backward(const std::vector<Tensor> &args,
                                    const Tensor &cotangent,
                                    std::vector<Tensor> &grads);

  /// The module after gd-batch and gd-reverse-mode (for failure messages).
  const std::string &differentiatedIR() const;

private:
  CompiledLens();
  struct Impl;
  std::unique_ptr<Impl> impl;
};

struct GradCheckOptions {
  /// The central-difference step.
  double step = 1e-6;
  /// |backward - difference| <= tolerance * max(1, |backward|, |difference|).
  double tolerance = 1e-6;
};

/// Checks the backward map of `lens` at `args` against central differences:
/// with a random weight `w` (drawn from `rng`) shaped like the output, the
/// scalar L = sum(w * forward(args)) is differentiated by the backward map
/// seeded with `w`, and each entry of each parameter's and of the first
/// input's gradient is compared with (L(x + h e) - L(x - h e)) / 2h.
testing::AssertionResult checkGradients(CompiledLens &lens,
                                        const std::vector<Tensor> &args,
                                        std::mt19937_64 &rng,
                                        const GradCheckOptions &options = {});

} // namespace gdc::gradcheck

#endif // GDC_TEST_UNIT_GRADCHECK_GRADCHECKHARNESS_H
