//===- gdc.hpp - gdc's C API as C++ classes ---------------------*- C++ -*-===//
//
// A header-only C++17 wrapper of gdc.h: RAII handles (movable, not
// copyable) and exceptions. Every failure of the C API throws gdc::Error,
// whose what() is the located diagnostics text and whose diagnostics()
// holds the records; a compile error throws gdc::CompileError.
//
//   gdc::Context ctx;
//   gdc::Program prog = ctx.compile(source, "model.gd");
//   gdc::Trainer t = prog.trainer();
//   t.set("lr", 1e-3);
//   float loss = t.step(x.data(), labels.data(), batch);
//
// Ownership follows the C API: a Program must not outlive its Context, nor
// a Trainer its Program. Threads: one thread at a time per Context and
// everything made from it (docs/library.md).
//
//===----------------------------------------------------------------------===//
#ifndef GDC_GDC_HPP
#define GDC_GDC_HPP

#include "gdc/gdc.h"

#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace gdc {

struct Diagnostic {
  std::string file; ///< empty without a place in the source
  int64_t line = 0;
  int64_t column = 0;
  gdc_severity severity = GDC_SEVERITY_ERROR;
  std::string message;
};

class Error : public std::runtime_error {
public:
  Error(int status, const std::string &text, std::vector<Diagnostic> diagnostics)
      : std::runtime_error(text), statusCode(status), records(std::move(diagnostics)) {}
  /// The gdc_status of the failed call.
  int status() const { return statusCode; }
  const std::vector<Diagnostic> &diagnostics() const { return records; }

private:
  int statusCode;
  std::vector<Diagnostic> records;
};

/// The program did not compile; diagnostics() says where and why.
class CompileError : public Error {
public:
  using Error::Error;
};

namespace detail {
/// Throws the last failure on `context` (null: this thread's orphan one).
[[noreturn]] inline void throwLast(gdc_context *context, int status) {
  std::vector<Diagnostic> records;
  if (context) {
    for (int64_t i = 0, n = gdc_diagnostic_count(context); i < n; ++i) {
      gdc_diagnostic d;
      if (gdc_diagnostic_get(context, i, &d) == GDC_OK)
        records.push_back({d.file, d.line, d.column, d.severity, d.message});
    }
  }
  std::string text = gdc_last_error(context);
  if (status == GDC_ERROR_COMPILE)
    throw CompileError(status, text, std::move(records));
  throw Error(status, text, std::move(records));
}

/// Owns a handle; `Destroy` releases it.
template <typename T, void (*Destroy)(T *)> class Handle {
public:
  Handle() = default;
  explicit Handle(T *handle) : handle(handle) {}
  Handle(Handle &&other) noexcept : handle(std::exchange(other.handle, nullptr)) {}
  Handle &operator=(Handle &&other) noexcept {
    if (this != &other) {
      Destroy(handle);
      handle = std::exchange(other.handle, nullptr);
    }
    return *this;
  }
  Handle(const Handle &) = delete;
  Handle &operator=(const Handle &) = delete;
  ~Handle() { Destroy(handle); }
  T *get() const { return handle; }

private:
  T *handle = nullptr;
};
} // namespace detail

/// A parameter or one example's array: a name and a shape.
struct TensorInfo {
  std::string name;
  std::vector<int64_t> shape;
  int64_t size() const {
    int64_t n = 1;
    for (int64_t d : shape)
      n *= d;
    return n;
  }
};

class Trainer {
public:
  explicit Trainer(gdc_trainer *handle, gdc_context *context)
      : handle(handle), context(context) {}

  gdc_trainer *get() const { return handle.get(); }

  /// One step on `batch` examples; returns the batch's mean loss.
  float step(const void *x, const void *labels, int64_t batch) {
    float loss = 0;
    check(gdc_trainer_step(get(), x, labels, batch, &loss));
    return loss;
  }
  /// One optimizer step on given gradients, one per parameter in the
  /// model's order (gdc_trainer_apply_gradients).
  void applyGradients(const std::vector<const float *> &grads) {
    check(gdc_trainer_apply_gradients(get(), grads.data(), static_cast<int64_t>(grads.size())));
  }
  /// The model's outputs on `batch` examples: batch x output().size() floats.
  std::vector<float> predict(const void *x, int64_t batch) {
    std::vector<float> out(static_cast<size_t>(batch > 0 ? batch * output().size() : 0));
    check(gdc_trainer_predict(get(), x, batch, out.data()));
    return out;
  }
  void set(const std::string &hyper, double value) {
    check(gdc_trainer_set_hyper(get(), hyper.c_str(), value));
  }
  double get(const std::string &hyper) const {
    double value = 0;
    check(gdc_trainer_get_hyper(get(), hyper.c_str(), &value));
    return value;
  }
  int64_t steps() const {
    int64_t n = 0;
    check(gdc_trainer_steps(get(), &n));
    return n;
  }
  /// The parameters in the model's order.
  std::vector<TensorInfo> params() const {
    int64_t count = 0;
    check(gdc_trainer_param_count(get(), &count));
    std::vector<TensorInfo> infos;
    for (int64_t i = 0; i < count; ++i) {
      const char *path = nullptr;
      int64_t rank = 0;
      const int64_t *shape = nullptr;
      check(gdc_trainer_param_info(get(), i, &path, &rank, &shape));
      infos.push_back({path, std::vector<int64_t>(shape, shape + rank)});
    }
    return infos;
  }
  std::vector<float> param(const std::string &path) const {
    for (const TensorInfo &info : params())
      if (info.name == path) {
        std::vector<float> values(static_cast<size_t>(info.size()));
        check(gdc_trainer_get_param(get(), path.c_str(), values.data(), info.size()));
        return values;
      }
    // Let the library say which paths there are.
    check(gdc_trainer_get_param(get(), path.c_str(), nullptr, 0));
    return {};
  }
  void setParam(const std::string &path, const std::vector<float> &values) {
    check(gdc_trainer_set_param(get(), path.c_str(), values.data(),
                                static_cast<int64_t>(values.size())));
  }
  void save(const std::string &path) const { check(gdc_trainer_save(get(), path.c_str())); }
  void load(const std::string &path) { check(gdc_trainer_load(get(), path.c_str())); }
  /// One example's input, label and output: their shapes and types.
  TensorInfo input() const { return array('x', "x"); }
  TensorInfo label() const { return array('y', "y"); }
  TensorInfo output() const { return array('o', "output"); }

private:
  TensorInfo array(char which, const char *name) const {
    gdc_dtype dtype;
    int64_t rank = 0;
    const int64_t *shape = nullptr;
    check(gdc_trainer_array_info(get(), which, &dtype, &rank, &shape));
    return {name, std::vector<int64_t>(shape, shape + rank)};
  }
  void check(int status) const {
    if (status != GDC_OK)
      detail::throwLast(context, status);
  }
  detail::Handle<gdc_trainer, gdc_trainer_destroy> handle;
  gdc_context *context;
};

class Program {
public:
  Program(gdc_program *handle, gdc_context *context) : handle(handle), context(context) {}
  gdc_program *get() const { return handle.get(); }
  /// The train block's name; empty if the program has none.
  std::string trainBlock() const {
    const char *name = gdc_program_train_block(get());
    return name ? name : "";
  }
  /// A trainer of the train block `name` (empty: the only one).
  Trainer trainer(const std::string &name = "", uint64_t seed = 0) {
    gdc_trainer *t = gdc_trainer_create(get(), name.empty() ? nullptr : name.c_str(), seed);
    if (!t)
      detail::throwLast(context, gdc_last_status(context));
    return Trainer(t, context);
  }

private:
  detail::Handle<gdc_program, gdc_program_destroy> handle;
  gdc_context *context;
};

class Context {
public:
  Context() : handle(gdc_context_create()) {
    if (!handle.get())
      detail::throwLast(nullptr, GDC_ERROR_INTERNAL);
  }
  gdc_context *get() const { return handle.get(); }
  Program compile(const std::string &source, const std::string &filename = "<string>") {
    gdc_program *p = gdc_compile(get(), source.c_str(), filename.c_str());
    if (!p)
      detail::throwLast(get(), gdc_last_status(get()));
    return Program(p, get());
  }
  Program compileFile(const std::string &path) {
    gdc_program *p = gdc_compile_file(get(), path.c_str());
    if (!p)
      detail::throwLast(get(), gdc_last_status(get()));
    return Program(p, get());
  }

private:
  detail::Handle<gdc_context, gdc_context_destroy> handle;
};

} // namespace gdc

#endif // GDC_GDC_HPP
