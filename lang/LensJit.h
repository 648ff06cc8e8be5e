//===- LensJit.h - One gd.lens's forward and backward maps, JIT-compiled --===//
//
// A lens compiled the way gdc compiles a model stage (gd-batch,
// gd-reverse-mode, convert-gd-to-linalg, the CPU lowering), its forward and
// backward regions outlined as functions over memrefs, JIT-compiled and
// called on host tensors. The REPL evaluates expressions and gradients
// through it; the gradient-check tests check every reverse rule with it.
//
//===----------------------------------------------------------------------===//
#ifndef GDC_LANG_LENSJIT_H
#define GDC_LANG_LENSJIT_H

#include "llvm/Support/Error.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace mlir {
class ModuleOp;
} // namespace mlir

namespace gdc {

/// A dense row-major host tensor. Values are held as doubles and converted
/// to the IR's element type (f64, f32, i32, i64) when passed.
struct HostTensor {
  std::vector<int64_t> shape;
  std::vector<double> data;
  static HostTensor zeros(std::vector<int64_t> shape);
  int64_t numElements() const;
};

/// `[2, 3]`.
std::string formatDims(const std::vector<int64_t> &shape);

class LensJit {
public:
  struct Options {
    /// Batched, the lens is differentiated and both maps are compiled; per
    /// example, only the forward map (its inputs and result then have no
    /// batch dimension, and it need not use its input: the REPL's constant
    /// expressions).
    bool batch = true;
    /// LLVM's optimisation level (0-3): an interactive host trades the
    /// speed of tiny code for compile time.
    unsigned optLevel = 3;
    /// If given, receives the optimised LLVM IR of the maps.
    std::string *llvmIR = nullptr;
  };

  /// Compiles the gd.lens `lensName` of `module` (per example, as the front
  /// end generates it; other lenses it applies are inlined). The module is
  /// consumed: lowered in place. Failures of the passes are reported as
  /// diagnostics on the module's context and as the returned error.
  static llvm::Expected<std::unique_ptr<LensJit>> compile(mlir::ModuleOp module,
                                                         llvm::StringRef lensName,
                                                         const Options &options);
  /// With the default options.
  static llvm::Expected<std::unique_ptr<LensJit>> compile(mlir::ModuleOp module,
                                                         llvm::StringRef lensName);
  ~LensJit();

  unsigned numParams() const;
  unsigned numInputs() const;
  /// The lens's parameter names, in order (`f.0.W`).
  const std::vector<std::string> &paramNames() const;
  /// Forward argument `i` (parameters, then the inputs): whether its
  /// element type is a float, and its type as the IR spells it.
  bool isFloatArg(unsigned i) const;
  std::vector<int64_t> argShape(unsigned i) const; ///< -1 for a dynamic size
  /// The forward map's result shape (-1 for the dynamic batch) and element
  /// type (`f32`, `f64`, `i32`, `i64`).
  std::vector<int64_t> resultShape() const;
  std::string resultElementType() const;

  /// Runs the forward map on the parameters followed by the batched inputs.
  llvm::Error forward(const std::vector<HostTensor> &args, HostTensor &output);
  /// Runs the backward map seeded with `cotangent`; `grads` gets the
  /// cotangents of the parameters followed by that of the first input.
  llvm::Error backward(const std::vector<HostTensor> &args, const HostTensor &cotangent,
                       std::vector<HostTensor> &grads);

  /// The module after gd-batch and gd-reverse-mode (for failure messages).
  const std::string &differentiatedIR() const;
  /// The LLVM dialect module that was JIT-compiled.
  const std::string &loweredIR() const;

private:
  LensJit();
  struct Impl;
  std::unique_ptr<Impl> impl;
};

} // namespace gdc

#endif // GDC_LANG_LENSJIT_H
