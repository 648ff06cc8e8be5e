//===- GradCheckHarness.cpp - Compile one gd.lens and check its gradients -===//
#include "GradCheckHarness.h"

#include "dialects/gd/GDDialect.h"
#include "lang/LensJit.h"
#include "lang/Session.h"
#include "passes/Passes.h"

#include "mlir/ExecutionEngine/CRunnerUtils.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <mutex>
#include <set>
#include <sstream>

using namespace mlir;

namespace gdc::gradcheck {

std::string formatShape(const std::vector<int64_t> &shape) { return formatDims(shape); }

struct CompiledLens::Impl {
  std::unique_ptr<MLIRContext> context = Session::createContext();
  std::unique_ptr<LensJit> lens; ///< gdc's compiled lens (lang/LensJit.h)
};

CompiledLens::CompiledLens() = default;
CompiledLens::~CompiledLens() = default;

std::unique_ptr<CompiledLens> CompiledLens::compile(const std::string &moduleText,
                                                    std::string &error) {
  std::unique_ptr<CompiledLens> lens(new CompiledLens());
  lens->impl = std::make_unique<Impl>();
  MLIRContext *ctx = lens->impl->context.get();
  llvm::raw_string_ostream diagnostics(error);
  ScopedDiagnosticHandler handler(ctx, [&](Diagnostic &d) {
    diagnostics << d.getLocation() << ": " << d << "\n";
    return success();
  });
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(moduleText, ctx);
  if (!module) {
    diagnostics << "cannot parse the test's module\n";
    return nullptr;
  }
  auto lenses = llvm::to_vector(module->getOps<gd::LensOp>());
  if (lenses.size() != 1) {
    diagnostics << "the module must hold exactly one gd.lens\n" << moduleText << "\n";
    return nullptr;
  }
  auto compiled = LensJit::compile(*module, lenses.front().getSymName());
  if (!compiled) {
    diagnostics << llvm::toString(compiled.takeError()) << " on\n" << moduleText << "\n";
    return nullptr;
  }
  lens->impl->lens = std::move(*compiled);
  return lens;
}

unsigned CompiledLens::numParams() const { return impl->lens->numParams(); }
unsigned CompiledLens::numInputs() const { return impl->lens->numInputs(); }

std::string CompiledLens::argName(unsigned i) const {
  if (i < numParams())
    return "parameter '" + impl->lens->paramNames()[i] + "'";
  return "input " + std::to_string(i - numParams());
}

bool CompiledLens::isFloatArg(unsigned i) const {
  return impl->lens->isFloatArg(i);
}

const std::string &CompiledLens::differentiatedIR() const {
  return impl->lens->differentiatedIR();
}

testing::AssertionResult CompiledLens::forward(const std::vector<Tensor> &args,
                                               Tensor &output) {
  if (llvm::Error err = impl->lens->forward(args, output))
    return testing::AssertionFailure() << "the forward map: " << llvm::toString(std::move(err));
  return testing::AssertionSuccess();
}

testing::AssertionResult CompiledLens::backward(const std::vector<Tensor> &args,
                                                const Tensor &cotangent,
                                                std::vector<Tensor> &grads) {
  if (llvm::Error err = impl->lens->backward(args, cotangent, grads))
    return testing::AssertionFailure() << "the backward map: " << llvm::toString(std::move(err));
  return testing::AssertionSuccess();
}

//===----------------------------------------------------------------------===//
// checkGradients
//===----------------------------------------------------------------------===//

namespace {

double dot(const Tensor &a, const Tensor &b) {
  double sum = 0;
  for (size_t i = 0; i < a.data.size(); ++i)
    sum += a.data[i] * b.data[i];
  return sum;
}

std::string formatIndex(const std::vector<int64_t> &shape, int64_t flat) {
  std::vector<int64_t> index(shape.size());
  for (size_t d = shape.size(); d-- > 0;) {
    index[d] = flat % shape[d];
    flat /= shape[d];
  }
  return formatShape(index);
}

bool allFinite(const Tensor &t) {
  for (double v : t.data)
    if (!std::isfinite(v))
      return false;
  return true;
}

} // namespace

testing::AssertionResult checkGradients(CompiledLens &lens,
                                        const std::vector<Tensor> &args,
                                        std::mt19937_64 &rng,
                                        const GradCheckOptions &options) {
  Tensor output;
  if (testing::AssertionResult ok = lens.forward(args, output); !ok)
    return ok;
  if (!allFinite(output))
    return testing::AssertionFailure()
           << "the forward map gives a non-finite value";

  std::uniform_real_distribution<double> uniform(-1.0, 1.0);
  Tensor weight = Tensor::zeros(output.shape);
  for (double &v : weight.data)
    v = uniform(rng);
  auto loss = [&](const std::vector<Tensor> &at, double &value) {
    Tensor y;
    testing::AssertionResult ok = lens.forward(at, y);
    if (ok)
      value = dot(weight, y);
    return ok;
  };

  std::vector<Tensor> grads;
  if (testing::AssertionResult ok = lens.backward(args, weight, grads); !ok)
    return ok;
  unsigned numGrads = lens.numParams() + 1;
  if (grads.size() != numGrads)
    return testing::AssertionFailure()
           << "the backward map gives " << grads.size()
           << " cotangents, expected " << numGrads;

  std::ostringstream report;
  report.precision(17);
  int64_t checked = 0, wrong = 0;
  for (unsigned arg = 0; arg < numGrads; ++arg) {
    if (!lens.isFloatArg(arg))
      continue;
    const Tensor &grad = grads[arg];
    if (grad.shape != args[arg].shape)
      return testing::AssertionFailure()
             << "the cotangent of " << lens.argName(arg) << " has shape "
             << formatShape(grad.shape) << ", expected "
             << formatShape(args[arg].shape);
    std::vector<Tensor> shifted = args;
    std::vector<double> &values = shifted[arg].data;
    for (int64_t e = 0; e < grad.numElements(); ++e) {
      double &entry = values[e];
      double original = entry, plus = original + options.step,
             minus = original - options.step, lossPlus = 0, lossMinus = 0;
      entry = plus;
      if (testing::AssertionResult ok = loss(shifted, lossPlus); !ok)
        return ok;
      entry = minus;
      if (testing::AssertionResult ok = loss(shifted, lossMinus); !ok)
        return ok;
      entry = original;
      double difference = (lossPlus - lossMinus) / (plus - minus);
      double got = grad.data[e];
      double scale = std::max({1.0, std::fabs(got), std::fabs(difference)});
      ++checked;
      // Written so that a NaN fails.
      if (std::fabs(got - difference) <= options.tolerance * scale)
        continue;
      if (++wrong <= 12)
        report << "  " << lens.argName(arg) << " at "
               << formatIndex(grad.shape, e) << ": backward " << got
               << ", central difference " << difference << "\n";
    }
  }
  if (wrong == 0)
    return testing::AssertionSuccess();
  return testing::AssertionFailure()
         << wrong << " of " << checked
         << " gradient entries differ from central differences (h = "
         << options.step << ", relative tolerance " << options.tolerance
         << "):\n"
         << report.str() << "after gd-batch and gd-reverse-mode:\n"
         << lens.differentiatedIR();
}

} // namespace gdc::gradcheck
