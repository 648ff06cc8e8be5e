//===- LensJit.cpp - One gd.lens's forward and backward maps, JIT-compiled ===//
#include "lang/LensJit.h"
#include "lang/Optimizer.h"

#include "dialects/gd/GDDialect.h"
#include "mlir/IR/BuiltinOps.h"
#include "lang/Jit.h"
#include "passes/Passes.h"
#include "passes/Pipelines.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/ExecutionEngine/CRunnerUtils.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/raw_ostream.h"

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <set>
#include <sstream>

using namespace mlir;

namespace gdc {
namespace {

constexpr const char *kForwardName = "gd_lens_forward";
constexpr const char *kBackwardName = "gd_lens_backward";

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

enum class Element { F64, F32, I32, I64, Bool };

/// The type of one function argument or result, as seen from the host.
struct TensorSpec {
  Element element;
  std::vector<int64_t> shape; // ShapedType::kDynamic for dynamic sizes
  /// A bool is one byte in memory (an i1 memref is stored as i8).
  size_t elementBytes() const {
    return element == Element::F64 || element == Element::I64 ? 8
           : element == Element::Bool                         ? 1
                                                              : 4;
  }
  bool isFloat() const { return element == Element::F64 || element == Element::F32; }
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
  else if (e.isInteger(1))
    spec.element = Element::Bool;
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
  case Element::Bool: {
    uint8_t v = value != 0;
    std::memcpy(at, &v, 1);
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
  case Element::Bool: {
    uint8_t v;
    std::memcpy(&v, at, 1);
    return v & 1;
  }
  }
  return 0;
}

/// A host tensor passed as a memref: its elements in the IR's element type
/// and a contiguous row-major descriptor over them.
struct MemRefArgument {
  std::vector<uint64_t> storage; // 8-byte aligned
  std::vector<int64_t> descriptor;

  MemRefArgument(const HostTensor &t, const TensorSpec &spec) {
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
HostTensor readMemRef(const int64_t *desc, const TensorSpec &spec) {
  size_t rank = spec.shape.size();
  const int64_t *sizes = desc + 3, *strides = desc + 3 + rank;
  HostTensor t;
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
  auto type = b.getFunctionType(block.getArgumentTypes(), yield.getValues().getTypes());
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
        return fn.emitError("a compiled lens cannot pass a value of type ") << t;
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

llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

} // namespace

HostTensor HostTensor::zeros(std::vector<int64_t> shape) {
  HostTensor t;
  t.shape = std::move(shape);
  t.data.assign(t.numElements(), 0.0);
  return t;
}

int64_t HostTensor::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

std::string formatDims(const std::vector<int64_t> &shape) {
  std::ostringstream os;
  os << "[";
  for (size_t i = 0; i < shape.size(); ++i)
    os << (i ? ", " : "") << shape[i];
  os << "]";
  return os.str();
}

struct LensJit::Impl {
  std::vector<std::string> paramNames;
  unsigned numInputs = 0;
  Signature forward, backward;
  std::string differentiated, lowered;
  bool hasBackward = false;
  std::unique_ptr<JitModule> engine;

  llvm::Error call(const char *name, const Signature &sig, const std::vector<HostTensor> &args,
                   std::vector<HostTensor> &results);
};

LensJit::LensJit() = default;
LensJit::~LensJit() = default;

llvm::Expected<std::unique_ptr<LensJit>> LensJit::compile(ModuleOp module, StringRef lensName,
                                                         const Options &options) {
  const bool batch = options.batch;
  std::string *llvmIR = options.llvmIR;
  MLIRContext *ctx = module.getContext();
  auto lensOp = module.lookupSymbol<gd::LensOp>(lensName);
  if (!lensOp)
    return makeError("no gd.lens @" + lensName + " in the module");
  std::unique_ptr<LensJit> lens(new LensJit());
  Impl &impl = *(lens->impl = std::make_unique<Impl>());

  // gdc's own passes and CPU lowering (passes/Pipelines.h), with the
  // options of a JIT of plain functions: tensors in and out, no BLAS (it
  // handles f32 only, lenses may be f64), no training-step ABI.
  // Batched, the lens is differentiated and both maps are compiled; per
  // example, only the forward map (gd-reverse-mode needs batched lenses).
  if (batch) {
    PassManager differentiate(ctx);
    differentiate.addPass(createGDBatch());
    addDifferentiation(differentiate);
    if (failed(differentiate.run(module)))
      return makeError("gd-batch or gd-reverse-mode failed");
  }
  impl.differentiated = printOp(module);

  for (Attribute name : lensOp.getParamNames())
    impl.paramNames.push_back(cast<StringAttr>(name).str());
  impl.numInputs = lensOp.getNumInputs();
  FailureOr<Signature> forward = outline(module, lensOp.getForward(), kForwardName);
  if (failed(forward))
    return makeError("unsupported argument or result types");
  impl.forward = *forward;
  if (batch) {
    FailureOr<Signature> backward = outline(module, lensOp.getBackward(), kBackwardName);
    if (failed(backward))
      return makeError("unsupported argument or result types");
    impl.backward = *backward;
  }
  impl.hasBackward = batch;
  lensOp.erase();
  if (failed(verify(module)))
    return makeError("the outlined functions do not verify");

  PassManager lower(ctx);
  // The lenses the outlined maps apply are inlined; all lenses then go.
  lower.addPass(createGDInlineLenses());
  lower.addPass(createConvertGDToLinalg());
  CPULoweringOptions lowering;
  lowering.useBlas = false;
  lowering.emitModelABI = false;
  lowering.bufferizeFunctionBoundaries = true;
  addCPULowering(lower, lowering);
  if (failed(lower.run(module)))
    return makeError("lowering to LLVM failed");
  impl.lowered = printOp(module);
  if (llvmIR) {
    llvm::LLVMContext llvmContext;
    auto translated = translateModuleToLLVMIR(module, llvmContext, "gd_lens");
    if (!translated)
      return makeError("translation to LLVM IR failed");
    if (auto err = makeModuleOptimizer(options.optLevel, nullptr)(translated.get()))
      return err;
    llvm::raw_string_ostream os(*llvmIR);
    translated->print(os, nullptr);
  }

  auto engine = JitModule::create(module, options.optLevel);
  if (!engine)
    return engine.takeError();
  impl.engine = std::move(*engine);
  return lens;
}

llvm::Expected<std::unique_ptr<LensJit>> LensJit::compile(ModuleOp module, StringRef lensName) {
  return compile(module, lensName, Options());
}

unsigned LensJit::numParams() const { return impl->paramNames.size(); }
unsigned LensJit::numInputs() const { return impl->numInputs; }
const std::vector<std::string> &LensJit::paramNames() const { return impl->paramNames; }
bool LensJit::isFloatArg(unsigned i) const { return impl->forward.args.at(i).isFloat(); }
std::vector<int64_t> LensJit::argShape(unsigned i) const {
  std::vector<int64_t> shape = impl->forward.args.at(i).shape;
  for (int64_t &d : shape)
    if (ShapedType::isDynamic(d))
      d = -1;
  return shape;
}
std::vector<int64_t> LensJit::resultShape() const {
  std::vector<int64_t> shape = impl->forward.results.at(0).shape;
  for (int64_t &d : shape)
    if (ShapedType::isDynamic(d))
      d = -1;
  return shape;
}
std::string LensJit::resultElementType() const {
  switch (impl->forward.results.at(0).element) {
  case Element::F64:
    return "f64";
  case Element::F32:
    return "f32";
  case Element::I32:
    return "i32";
  case Element::I64:
    return "i64";
  case Element::Bool:
    return "bool";
  }
  return "f32";
}
const std::string &LensJit::differentiatedIR() const { return impl->differentiated; }
const std::string &LensJit::loweredIR() const { return impl->lowered; }

llvm::Error LensJit::Impl::call(const char *name, const Signature &sig,
                                const std::vector<HostTensor> &args,
                                std::vector<HostTensor> &results) {
  if (args.size() != sig.args.size())
    return makeError(llvm::Twine(name) + " takes " + llvm::Twine(sig.args.size()) +
                     " arguments, given " + llvm::Twine(args.size()));
  std::vector<MemRefArgument> memrefs;
  memrefs.reserve(args.size());
  for (size_t i = 0; i < args.size(); ++i) {
    const TensorSpec &spec = sig.args[i];
    bool shapeOk = args[i].shape.size() == spec.shape.size() &&
                   (int64_t)args[i].data.size() == args[i].numElements();
    for (size_t d = 0; shapeOk && d < spec.shape.size(); ++d)
      shapeOk = ShapedType::isDynamic(spec.shape[d]) || spec.shape[d] == args[i].shape[d];
    if (!shapeOk)
      return makeError(llvm::Twine(name) + " argument " + llvm::Twine(i) + " has shape " +
                       formatDims(args[i].shape) + " (" + llvm::Twine(args[i].data.size()) +
                       " values), which does not fit the function's type");
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
  if (llvm::Error err = engine->invokePacked(std::string("_mlir_ciface_") + name, packed))
    return err;

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
  return llvm::Error::success();
}

llvm::Error LensJit::forward(const std::vector<HostTensor> &args, HostTensor &output) {
  std::vector<HostTensor> results;
  if (llvm::Error err = impl->call(kForwardName, impl->forward, args, results))
    return err;
  output = std::move(results.front());
  return llvm::Error::success();
}

llvm::Error LensJit::backward(const std::vector<HostTensor> &args, const HostTensor &cotangent,
                              std::vector<HostTensor> &grads) {
  if (!impl->hasBackward)
    return makeError("the lens was compiled per example, without its backward map");
  std::vector<HostTensor> withSeed = args;
  withSeed.push_back(cotangent);
  return impl->call(kBackwardName, impl->backward, withSeed, grads);
}

} // namespace gdc
