//===- GradCheckHarness.cpp - Compile one gd.lens and check its gradients -===//
#include "GradCheckHarness.h"

#include "dialects/gd/GDDialect.h"
#include "lang/Jit.h"
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
namespace {

constexpr const char *kForwardName = "gradcheck_forward";
constexpr const char *kBackwardName = "gradcheck_backward";

// The descriptors built below are StridedMemRefType<T, N> laid out as words:
// {allocated, aligned, offset, sizes[N], strides[N]}.
using MemRef2D = StridedMemRefType<double, 2>;
using MemRef0D = StridedMemRefType<double, 0>;
static_assert(offsetof(MemRef2D, offset) == 2 * sizeof(int64_t));
static_assert(offsetof(MemRef2D, sizes) == 3 * sizeof(int64_t));
static_assert(offsetof(MemRef2D, strides) == 5 * sizeof(int64_t));
static_assert(sizeof(MemRef2D) == 7 * sizeof(int64_t));
static_assert(sizeof(MemRef0D) == 3 * sizeof(int64_t));

size_t descriptorWords(size_t rank) { return 3 + 2 * rank; }

void initializeOnce() {
  static std::once_flag once;
  std::call_once(once, [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    registerAllPasses();
    gdc::registerPasses();
  });
}

enum class Element { F64, F32, I32, I64 };

/// The type of one function argument or result, as seen from the host.
struct TensorSpec {
  Element element;
  std::vector<int64_t> shape; // ShapedType::kDynamic for dynamic sizes

  size_t elementBytes() const {
    return element == Element::F64 || element == Element::I64 ? 8 : 4;
  }
  bool isFloat() const {
    return element == Element::F64 || element == Element::F32;
  }
};

FailureOr<TensorSpec> specOf(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor)
    return failure();
  TensorSpec spec;
  Type e = tensor.getElementType();
  if (e.isF64())
    spec.element = Element::F64;
  else if (e.isF32())
    spec.element = Element::F32;
  else if (e.isInteger(32))
    spec.element = Element::I32;
  else if (e.isInteger(64))
    spec.element = Element::I64;
  else
    return failure();
  spec.shape.assign(tensor.getShape().begin(), tensor.getShape().end());
  return spec;
}

struct Signature {
  std::vector<TensorSpec> args, results;
};

void storeElement(void *at, Element element, double value) {
  switch (element) {
  case Element::F64:
    std::memcpy(at, &value, 8);
    return;
  case Element::F32: {
    float v = static_cast<float>(value);
    std::memcpy(at, &v, 4);
    return;
  }
  case Element::I32: {
    int32_t v = static_cast<int32_t>(value);
    std::memcpy(at, &v, 4);
    return;
  }
  case Element::I64: {
    int64_t v = static_cast<int64_t>(value);
    std::memcpy(at, &v, 8);
    return;
  }
  }
}

double loadElement(const void *at, Element element) {
  switch (element) {
  case Element::F64: {
    double v;
    std::memcpy(&v, at, 8);
    return v;
  }
  case Element::F32: {
    float v;
    std::memcpy(&v, at, 4);
    return v;
  }
  case Element::I32: {
    int32_t v;
    std::memcpy(&v, at, 4);
    return v;
  }
  case Element::I64: {
    int64_t v;
    std::memcpy(&v, at, 8);
    return static_cast<double>(v);
  }
  }
  return 0;
}

/// A host tensor passed as a memref: its elements in the IR's element type
/// and a contiguous row-major descriptor over them.
struct MemRefArgument {
  std::vector<uint64_t> storage; // 8-byte aligned
  std::vector<int64_t> descriptor;

  MemRefArgument(const Tensor &t, const TensorSpec &spec) {
    size_t bytes = t.data.size() * spec.elementBytes();
    storage.assign((bytes + 7) / 8 + 1, 0);
    auto *base = reinterpret_cast<char *>(storage.data());
    for (size_t i = 0; i < t.data.size(); ++i)
      storeElement(base + i * spec.elementBytes(), spec.element, t.data[i]);
    size_t rank = t.shape.size();
    descriptor.assign(descriptorWords(rank), 0);
    descriptor[0] = descriptor[1] = reinterpret_cast<int64_t>(base);
    int64_t stride = 1;
    for (size_t d = rank; d-- > 0;) {
      descriptor[3 + d] = t.shape[d];
      descriptor[3 + rank + d] = stride;
      stride *= t.shape[d];
    }
  }
};

/// Reads a returned memref (words at `desc`) into a host tensor.
Tensor readMemRef(const int64_t *desc, const TensorSpec &spec) {
  size_t rank = spec.shape.size();
  const int64_t *sizes = desc + 3, *strides = desc + 3 + rank;
  Tensor t;
  t.shape.assign(sizes, sizes + rank);
  t.data.resize(t.numElements());
  const char *aligned = reinterpret_cast<const char *>(desc[1]);
  std::vector<int64_t> index(rank, 0);
  for (double &value : t.data) {
    int64_t offset = desc[2];
    for (size_t d = 0; d < rank; ++d)
      offset += index[d] * strides[d];
    value = loadElement(aligned + offset * spec.elementBytes(), spec.element);
    for (size_t d = rank; d-- > 0;) {
      if (++index[d] < sizes[d])
        break;
      index[d] = 0;
    }
  }
  return t;
}

/// Moves `region` (a lens's forward or backward map) into a new public
/// function @name with a C interface; its gd.yield becomes func.return.
FailureOr<Signature> outline(ModuleOp module, Region &region, StringRef name) {
  Block &block = region.front();
  auto yield = cast<gd::YieldOp>(block.getTerminator());
  OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
  auto type =
      b.getFunctionType(block.getArgumentTypes(), yield.getValues().getTypes());
  auto fn = func::FuncOp::create(b, region.getLoc(), name, type);
  fn->setAttr(LLVM::LLVMDialect::getEmitCWrapperAttrName(), b.getUnitAttr());
  fn.getBody().takeBody(region);
  b.setInsertionPoint(yield);
  func::ReturnOp::create(b, yield.getLoc(), yield.getValues());
  yield.erase();

  Signature sig;
  for (auto [types, specs] : {std::pair(type.getInputs(), &sig.args),
                              std::pair(type.getResults(), &sig.results)})
    for (Type t : types) {
      FailureOr<TensorSpec> spec = specOf(t);
      if (failed(spec))
        return fn.emitError("the harness cannot pass a value of type ") << t;
      specs->push_back(*spec);
    }
  return sig;
}

std::string printOp(Operation *op) {
  std::string s;
  llvm::raw_string_ostream os(s);
  op->print(os);
  return s;
}

} // namespace

//===----------------------------------------------------------------------===//
// Tensor
//===----------------------------------------------------------------------===//

Tensor Tensor::zeros(std::vector<int64_t> shape) {
  Tensor t;
  t.shape = std::move(shape);
  t.data.assign(t.numElements(), 0.0);
  return t;
}

int64_t Tensor::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

std::string formatShape(const std::vector<int64_t> &shape) {
  std::ostringstream os;
  os << "[";
  for (size_t i = 0; i < shape.size(); ++i)
    os << (i ? ", " : "") << shape[i];
  os << "]";
  return os.str();
}

//===----------------------------------------------------------------------===//
// CompiledLens
//===----------------------------------------------------------------------===//

struct CompiledLens::Impl {
  MLIRContext context;
  std::vector<std::string> paramNames;
  unsigned numInputs = 0;
  Signature forward, backward;
  std::string differentiated;
  std::unique_ptr<JitModule> engine; ///< gdc's JIT (lang/Jit.h)

  explicit Impl(const DialectRegistry &registry) : context(registry) {
    context.disableMultithreading();
    // The outlined functions are built before any pass loads these.
    context.loadDialect<gd::GDDialect, func::FuncDialect, LLVM::LLVMDialect>();
  }

  testing::AssertionResult call(const char *name, const Signature &sig,
                                const std::vector<Tensor> &args,
                                std::vector<Tensor> &results);
};

CompiledLens::CompiledLens() = default;
CompiledLens::~CompiledLens() = default;

std::unique_ptr<CompiledLens>
CompiledLens::compile(const std::string &moduleText, std::string &error) {
  initializeOnce();
  DialectRegistry registry;
  registerAllDialects(registry);
  registerAllExtensions(registry);
  registry.insert<gd::GDDialect>();
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);

  std::unique_ptr<CompiledLens> lens(new CompiledLens());
  lens->impl = std::make_unique<Impl>(registry);
  Impl &impl = *lens->impl;
  MLIRContext *ctx = &impl.context;

  llvm::raw_string_ostream diagnostics(error);
  ScopedDiagnosticHandler handler(ctx, [&](Diagnostic &d) {
    diagnostics << d.getLocation() << ": " << d << "\n";
    return success();
  });
  auto fail = [&](const llvm::Twine &what, Operation *op = nullptr) {
    diagnostics << what << "\n";
    if (op)
      diagnostics << printOp(op) << "\n";
    return nullptr;
  };
  // gdc's own passes and CPU lowering (passes/Pipelines.h), with the
  // options of a JIT of plain functions: tensors in and out, no BLAS (it
  // handles f32 only, the tests are f64), no training-step ABI.
  auto differentiate = [&](OpPassManager &pm) {
    pm.addPass(createGDBatch());
    addDifferentiation(pm);
  };
  auto lowerToLLVM = [&](OpPassManager &pm) {
    pm.addPass(createConvertGDToLinalg());
    CPULoweringOptions options;
    options.useBlas = false;
    options.emitModelABI = false;
    options.bufferizeFunctionBoundaries = true;
    addCPULowering(pm, options);
  };
  auto runPipeline = [&](llvm::function_ref<void(OpPassManager &)> build, ModuleOp module) {
    PassManager pm(ctx);
    build(pm);
    return pm.run(module);
  };

  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(moduleText, ctx);
  if (!module)
    return fail("cannot parse the test's module");
  auto lenses = llvm::to_vector(module->getOps<gd::LensOp>());
  if (lenses.size() != 1)
    return fail("the module must hold exactly one gd.lens", *module);
  if (failed(runPipeline(differentiate, *module)))
    return fail("gd-batch/gd-reverse-mode failed on", *module);
  impl.differentiated = printOp(*module);

  gd::LensOp lensOp = lenses.front();
  for (Attribute name : lensOp.getParamNames())
    impl.paramNames.push_back(cast<StringAttr>(name).str());
  impl.numInputs = lensOp.getNumInputs();
  FailureOr<Signature> forward =
      outline(*module, lensOp.getForward(), kForwardName);
  FailureOr<Signature> backward =
      outline(*module, lensOp.getBackward(), kBackwardName);
  if (failed(forward) || failed(backward))
    return fail("unsupported argument or result types");
  impl.forward = *forward;
  impl.backward = *backward;
  lensOp.erase();
  if (failed(verify(*module)))
    return fail("the outlined functions do not verify", *module);
  if (failed(runPipeline(lowerToLLVM, *module)))
    return fail("lowering to LLVM failed on the functions of\n" +
                impl.differentiated);

  auto engine = JitModule::create(*module);
  if (!engine)
    return fail("JIT compilation failed: " +
                llvm::toString(engine.takeError()));
  impl.engine = std::move(*engine);
  return lens;
}

unsigned CompiledLens::numParams() const { return impl->paramNames.size(); }
unsigned CompiledLens::numInputs() const { return impl->numInputs; }

std::string CompiledLens::argName(unsigned i) const {
  if (i < numParams())
    return "parameter '" + impl->paramNames[i] + "'";
  return "input " + std::to_string(i - numParams());
}

bool CompiledLens::isFloatArg(unsigned i) const {
  return impl->forward.args.at(i).isFloat();
}

const std::string &CompiledLens::differentiatedIR() const {
  return impl->differentiated;
}

testing::AssertionResult
CompiledLens::Impl::call(const char *name, const Signature &sig,
                         const std::vector<Tensor> &args,
                         std::vector<Tensor> &results) {
  if (args.size() != sig.args.size())
    return testing::AssertionFailure() << name << " takes " << sig.args.size()
                                       << " arguments, given " << args.size();
  std::vector<MemRefArgument> memrefs;
  memrefs.reserve(args.size());
  for (size_t i = 0; i < args.size(); ++i) {
    const TensorSpec &spec = sig.args[i];
    bool shapeOk = args[i].shape.size() == spec.shape.size() &&
                   (int64_t)args[i].data.size() == args[i].numElements();
    for (size_t d = 0; shapeOk && d < spec.shape.size(); ++d)
      shapeOk = ShapedType::isDynamic(spec.shape[d]) ||
                spec.shape[d] == args[i].shape[d];
    if (!shapeOk)
      return testing::AssertionFailure()
             << name << " argument " << i << " has shape "
             << formatShape(args[i].shape) << " (" << args[i].data.size()
             << " values), which does not fit the function's type";
    memrefs.emplace_back(args[i], spec);
  }

  // _mlir_ciface_NAME(results*, args*...): the results (one memref or a
  // struct of them, all 8-byte words) come back through the first pointer.
  size_t resultWords = 0;
  for (const TensorSpec &spec : sig.results)
    resultWords += descriptorWords(spec.shape.size());
  std::vector<int64_t> resultDescriptors(resultWords, 0);
  std::vector<void *> pointers{resultDescriptors.data()};
  for (MemRefArgument &m : memrefs)
    pointers.push_back(m.descriptor.data());
  std::vector<void *> packed;
  for (void *&p : pointers)
    packed.push_back(&p);
  if (llvm::Error err =
          engine->invokePacked(std::string("_mlir_ciface_") + name, packed))
    return testing::AssertionFailure()
           << "calling " << name
           << " failed: " << llvm::toString(std::move(err));

  results.clear();
  std::set<void *> owned;
  const int64_t *desc = resultDescriptors.data();
  for (const TensorSpec &spec : sig.results) {
    results.push_back(readMemRef(desc, spec));
    owned.insert(reinterpret_cast<void *>(desc[0]));
    desc += descriptorWords(spec.shape.size());
  }
  // Buffer deallocation hands every returned buffer to the caller; a buffer
  // returned twice is freed once, and the arguments are never freed.
  for (MemRefArgument &m : memrefs)
    owned.erase(m.storage.data());
  for (void *p : owned)
    std::free(p);
  return testing::AssertionSuccess();
}

testing::AssertionResult CompiledLens::forward(const std::vector<Tensor> &args,
                                               Tensor &output) {
  std::vector<Tensor> results;
  testing::AssertionResult ok =
      impl->call(kForwardName, impl->forward, args, results);
  if (ok)
    output = std::move(results.front());
  return ok;
}

testing::AssertionResult CompiledLens::backward(const std::vector<Tensor> &args,
                                                const Tensor &cotangent,
                                                std::vector<Tensor> &grads) {
  std::vector<Tensor> withSeed = args;
  withSeed.push_back(cotangent);
  return impl->call(kBackwardName, impl->backward, withSeed, grads);
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
