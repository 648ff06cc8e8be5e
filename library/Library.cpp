//===- Library.cpp - The C API of include/gdc/gdc.h -----------------------===//
//
// Every entry point checks its handles and pointers, runs under a catch-all
// (no C++ exception crosses the C boundary) and reports a failure on the
// context the handle belongs to. Compilation is gdc's Session with the
// diagnostics captured (lang/DiagnosticCapture.h) and the step JIT-compiled
// (lang/CompiledModel.h); training state is the runtime's ModelState, the
// same as the executable's.
//
//===----------------------------------------------------------------------===//
#include "gdc/gdc.h"

#include "dialects/gd/GDDialect.h"
#include "lang/CompiledModel.h"
#include "lang/DiagnosticCapture.h"
#include "lang/Session.h"
#include "runtime/Dataset.h"
#include "runtime/FloatMode.h"
#include "runtime/StepMemory.h"

#include "llvm/Support/MemoryBuffer.h"

#include <cmath>
#include <csetjmp>
#include <cstring>
#include <map>
#include <memory>
#include <new>
#include <string>
#include <vector>

using gdc::DiagnosticRecord;

namespace {
// Set in every live handle and cleared by its destroy, so that a handle of
// the wrong kind or one destroyed already is an error, not a crash, as far
// as a check can tell.
constexpr uint32_t kContextMagic = 0x67646363, kProgramMagic = 0x67646370,
                   kTrainerMagic = 0x67646374;

/// Where a step that runs out of memory jumps back to (runStep), and how
/// much it wanted.
thread_local jmp_buf *stepEscape = nullptr;
thread_local size_t stepWanted = 0;

[[noreturn]] void escapeStep(size_t bytes) {
  stepWanted = bytes;
  longjmp(*stepEscape, 1);
}

/// Runs `call` (a step or a forward pass of compiled code). If the code
/// cannot allocate, it comes back here through longjmp, skipping only the
/// compiled frames and ModelState's plain calls (no destructors), and the
/// failure is an error: the host process goes on.
template <typename Call> bool runCompiled(Call call, size_t &wanted) {
  jmp_buf escape;
  jmp_buf *outer = stepEscape;
  unsigned mode = gdrt::currentFloatMode();
  gdrt::StepOutOfMemoryHandler previous = gdrt::setStepOutOfMemoryHandler(&escapeStep);
  stepEscape = &escape;
  if (setjmp(escape) != 0) {
    gdrt::setFloatMode(mode); // the step's floating-point mode, left unrestored
    stepEscape = outer;
    gdrt::setStepOutOfMemoryHandler(previous);
    wanted = stepWanted;
    return false;
  }
  call();
  stepEscape = outer;
  gdrt::setStepOutOfMemoryHandler(previous);
  return true;
}

/// The last failure of a call that had no context to report to.
thread_local std::string orphanError;
thread_local int orphanStatus = GDC_OK;
} // namespace

struct gdc_context {
  uint32_t magic = kContextMagic;
  std::unique_ptr<mlir::MLIRContext> mlir = gdc::Session::createContext();
  std::string lastError;
  int lastStatus = GDC_OK;
  std::vector<DiagnosticRecord> records;
};

struct gdc_program {
  uint32_t magic = kProgramMagic;
  gdc_context *context = nullptr;
  std::unique_ptr<gdc::CompiledModel> model; ///< null without a train block
};

struct gdc_trainer {
  explicit gdc_trainer(gdc_program *program)
      : program(program), state(program->model->manifest()) {}
  uint32_t magic = kTrainerMagic;
  gdc_program *program;
  gdrt::ModelState state;
  int64_t lastBatch = 1; ///< recorded in checkpoints, as --batch is
  const gdrt::Manifest &manifest() const { return program->model->manifest(); }
  const gdrt::ModelEntryPoints &model() const { return program->model->entryPoints(); }
};

namespace {

template <typename Handle> bool isLive(Handle *h, uint32_t magic) {
  return h != nullptr && h->magic == magic;
}

void clearError(gdc_context *context) {
  context->lastStatus = GDC_OK;
  context->lastError.clear();
  context->records.clear();
}

/// Records a failure without a place in the source on `context` (or, if
/// null, for this thread) and returns `status`.
int fail(gdc_context *context, gdc_status status, const std::string &message) {
  std::string text = "gdc: error: " + message + "\n";
  if (!context) {
    orphanError = text;
    orphanStatus = status;
    return status;
  }
  context->lastStatus = status;
  context->lastError = text;
  context->records.clear();
  DiagnosticRecord record;
  record.message = message;
  context->records.push_back(record);
  return status;
}

/// Runs `body` with the context's error state cleared, turning an escaping
/// exception into GDC_ERROR_INTERNAL.
template <typename Body> int guarded(gdc_context *context, Body body) {
  try {
    clearError(context);
    return body();
  } catch (const std::bad_alloc &) {
    return fail(context, GDC_ERROR_INTERNAL, "out of memory");
  } catch (const std::exception &e) {
    return fail(context, GDC_ERROR_INTERNAL,
                std::string("internal error, please report: ") + e.what());
  } catch (...) {
    return fail(context, GDC_ERROR_INTERNAL, "internal error, please report");
  }
}

/// Runs `body(context)` on a live trainer, guarded; any other handle is a
/// failure of this thread.
template <typename Body> int withTrainer(gdc_trainer *trainer, Body body) {
  if (!isLive(trainer, kTrainerMagic))
    return fail(nullptr, GDC_ERROR_ARGUMENT, "not a valid gdc_trainer handle");
  gdc_context *context = trainer->program->context;
  return guarded(context, [&] { return body(context); });
}

int outOfMemory(gdc_context *context, size_t wanted) {
  return fail(context, GDC_ERROR_INTERNAL,
              "out of memory: the compiled step could not allocate " +
                  std::to_string(wanted / 1000000) +
                  " MB (a smaller batch needs less); the trainer is unchanged but "
                  "for the memory of the failed call");
}

int checkBatch(gdc_context *context, int64_t batch) {
  if (batch >= 1)
    return GDC_OK;
  return fail(context, GDC_ERROR_ARGUMENT,
              "the batch must hold at least one example, not " + std::to_string(batch));
}

int checkIndex(gdc_context *context, const char *what, int64_t index, size_t size) {
  if (index >= 0 && index < int64_t(size))
    return GDC_OK;
  return fail(context, GDC_ERROR_ARGUMENT,
              std::string(what) + " index " + std::to_string(index) + " is outside [0, " +
                  std::to_string(size) + ")");
}

std::string namesOf(const std::vector<gdrt::HyperSpec> &specs) {
  std::string names;
  for (const gdrt::HyperSpec &spec : specs)
    names += (names.empty() ? "'" : ", '") + spec.name + "'";
  return names.empty() ? "none" : names;
}

/// A trainer's parameter index for `path`, given a buffer of `count`
/// elements for it; a failure names the paths, or the expected size.
int findParam(gdc_trainer *trainer, const char *path, int &index, const void *buffer,
              int64_t count) {
  gdc_context *context = trainer->program->context;
  if (!path)
    return fail(context, GDC_ERROR_ARGUMENT, "the parameter path is NULL");
  index = trainer->manifest().findParam(path);
  if (index < 0) {
    std::string names;
    for (const gdrt::ParamSpec &spec : trainer->manifest().params)
      names += (names.empty() ? "'" : ", '") + spec.path + "'";
    return fail(context, GDC_ERROR_NAME,
                std::string("no parameter '") + path + "'; the model's are " + names);
  }
  const gdrt::ParamSpec &spec = trainer->manifest().params[index];
  int64_t expected = gdrt::shapeElementCount(spec.shape);
  if (count != expected)
    return fail(context, GDC_ERROR_ARGUMENT,
                "parameter '" + spec.path + "' has shape " + gdrt::formatShape(spec.shape) +
                    ", " + std::to_string(expected) + " elements, but the buffer holds " +
                    std::to_string(count));
  if (!buffer)
    return fail(context, GDC_ERROR_ARGUMENT, "the buffer is NULL");
  return GDC_OK;
}

/// A trainer's hyperparameter index for `name`; a failure names them, or
/// says that an int argument of the rule is fixed.
int findHyper(gdc_trainer *trainer, const char *name, int &index) {
  gdc_context *context = trainer->program->context;
  if (!name)
    return fail(context, GDC_ERROR_ARGUMENT, "the hyperparameter name is NULL");
  const gdrt::Manifest &manifest = trainer->manifest();
  index = manifest.findHyper(name);
  if (index >= 0)
    return GDC_OK;
  if (const gdrt::ConstantSpec *constant = manifest.findConstant(name))
    return fail(context, GDC_ERROR_NAME,
                std::string("'") + name + "' is an " + (constant->isF64 ? "f64" : "int") +
                    " argument of the update rule, fixed at " + constant->text() +
                    " when the program was compiled");
  return fail(context, GDC_ERROR_NAME,
              std::string("no hyperparameter '") + name + "'; the model's are " +
                  namesOf(manifest.hypers));
}

gdc_program *compileText(gdc_context *context, llvm::StringRef filename, llvm::StringRef source) {
  auto program = std::make_unique<gdc_program>();
  program->context = context;
  gdc::Session session(*context->mlir);
  gdc::DiagnosticCapture diagnostics(session.context(), session.sourceManager());
  // gdc_trainer_apply_gradients' entry point.
  gdc::TrainStepOptions stepOptions;
  stepOptions.buildApply = true;
  session.setTrainStepOptions(stepOptions);
  auto finish = [&]() -> gdc_program * {
    context->lastStatus = GDC_ERROR_COMPILE;
    context->lastError = diagnostics.text();
    context->records = diagnostics.records();
    if (context->lastError.empty())
      fail(context, GDC_ERROR_COMPILE, "the program did not compile");
    return nullptr;
  };
  if (!session.loadSource(filename, source))
    return finish();
  auto module = session.elaborate();
  if (!module || diagnostics.hasErrors())
    return finish();
  if (!module->getOps<gdc::gd::TrainStepOp>().empty()) {
    program->model = gdc::CompiledModel::compile(session, *module);
    if (!program->model)
      return finish();
  }
  return program.release();
}

} // namespace

extern "C" {

const char *gdc_version(void) { return "0.1.0"; }

gdc_context *gdc_context_create(void) {
  try {
    return new gdc_context();
  } catch (...) {
    fail(nullptr, GDC_ERROR_INTERNAL, "cannot create a context: out of memory");
    return nullptr;
  }
}

void gdc_context_destroy(gdc_context *context) {
  if (!isLive(context, kContextMagic))
    return;
  context->magic = 0;
  delete context;
}

const char *gdc_last_error(gdc_context *context) {
  if (!context)
    return orphanError.c_str();
  if (!isLive(context, kContextMagic))
    return "gdc: error: not a valid gdc_context handle\n";
  return context->lastError.c_str();
}

int gdc_last_status(gdc_context *context) {
  if (!context)
    return orphanStatus;
  if (!isLive(context, kContextMagic))
    return GDC_ERROR_ARGUMENT;
  return context->lastStatus;
}

int64_t gdc_diagnostic_count(gdc_context *context) {
  return isLive(context, kContextMagic) ? int64_t(context->records.size()) : 0;
}

int gdc_diagnostic_get(gdc_context *context, int64_t index, gdc_diagnostic *out) {
  if (!isLive(context, kContextMagic))
    return fail(nullptr, GDC_ERROR_ARGUMENT, "not a valid gdc_context handle");
  if (!out || index < 0 || index >= int64_t(context->records.size()))
    return GDC_ERROR_ARGUMENT; // the records stay as they are
  const DiagnosticRecord &record = context->records[index];
  out->file = record.file.c_str();
  out->line = record.line;
  out->column = record.column;
  switch (record.severity) {
  case mlir::DiagnosticSeverity::Error:
    out->severity = GDC_SEVERITY_ERROR;
    break;
  case mlir::DiagnosticSeverity::Warning:
    out->severity = GDC_SEVERITY_WARNING;
    break;
  case mlir::DiagnosticSeverity::Note:
    out->severity = GDC_SEVERITY_NOTE;
    break;
  case mlir::DiagnosticSeverity::Remark:
    out->severity = GDC_SEVERITY_REMARK;
    break;
  }
  out->message = record.message.c_str();
  return GDC_OK;
}

gdc_program *gdc_compile(gdc_context *context, const char *source, const char *filename) {
  if (!isLive(context, kContextMagic)) {
    fail(nullptr, GDC_ERROR_ARGUMENT, "not a valid gdc_context handle");
    return nullptr;
  }
  gdc_program *program = nullptr;
  guarded(context, [&] {
    if (!source)
      return fail(context, GDC_ERROR_ARGUMENT, "the source text is NULL");
    program = compileText(context, filename && *filename ? filename : "<string>", source);
    return program ? int(GDC_OK) : int(GDC_ERROR_COMPILE);
  });
  return program;
}

gdc_program *gdc_compile_file(gdc_context *context, const char *path) {
  if (!isLive(context, kContextMagic)) {
    fail(nullptr, GDC_ERROR_ARGUMENT, "not a valid gdc_context handle");
    return nullptr;
  }
  gdc_program *program = nullptr;
  guarded(context, [&] {
    if (!path)
      return fail(context, GDC_ERROR_ARGUMENT, "the path is NULL");
    std::string error;
    if (!gdc::Session::checkSourceFile(path, error))
      return fail(context, GDC_ERROR_IO, error);
    auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/true);
    if (!buffer)
      return fail(context, GDC_ERROR_IO,
                  std::string("cannot read '") + path + "': " + buffer.getError().message());
    program = compileText(context, path, (*buffer)->getBuffer());
    return program ? int(GDC_OK) : int(GDC_ERROR_COMPILE);
  });
  return program;
}

void gdc_program_destroy(gdc_program *program) {
  if (!isLive(program, kProgramMagic))
    return;
  program->magic = 0;
  delete program;
}

const char *gdc_program_train_block(gdc_program *program) {
  if (!isLive(program, kProgramMagic) || !program->model)
    return nullptr;
  return program->model->name().c_str();
}

gdc_trainer *gdc_trainer_create(gdc_program *program, const char *trainBlock, uint64_t seed) {
  if (!isLive(program, kProgramMagic)) {
    fail(nullptr, GDC_ERROR_ARGUMENT, "not a valid gdc_program handle");
    return nullptr;
  }
  gdc_context *context = program->context;
  gdc_trainer *trainer = nullptr;
  guarded(context, [&] {
    if (!program->model)
      return fail(context, GDC_ERROR_NAME, "the program has no train block to train");
    if (trainBlock && program->model->name() != trainBlock)
      return fail(context, GDC_ERROR_NAME,
                  std::string("no train block '") + trainBlock + "'; the program's is '" +
                      program->model->name() + "'");
    auto created = std::make_unique<gdc_trainer>(program);
    std::string error;
    if (!created->state.fits(error))
      return fail(context, GDC_ERROR_ARGUMENT, error);
    created->state.initialize(seed);
    trainer = created.release();
    return int(GDC_OK);
  });
  return trainer;
}

void gdc_trainer_destroy(gdc_trainer *trainer) {
  if (!isLive(trainer, kTrainerMagic))
    return;
  trainer->magic = 0;
  delete trainer;
}

int gdc_trainer_step(gdc_trainer *trainer, const void *x, const void *labels, int64_t batch,
                     float *loss) {
  return withTrainer(trainer, [&](gdc_context *context) {
    if (!x || !labels)
      return fail(context, GDC_ERROR_ARGUMENT, x ? "the labels are NULL" : "x is NULL");
    if (int s = checkBatch(context, batch))
      return s;
    const gdrt::Manifest &manifest = trainer->manifest();
    if (!manifest.hasTargetLabels()) {
      // A class index outside the output would index past the logits.
      gdrt::LabelFormat format = gdrt::LabelFormat::fromManifest(manifest);
      const int32_t *classes = static_cast<const int32_t *>(labels);
      for (int64_t i = 0; i < batch * format.labelsPerExample(); ++i)
        if (classes[i] < 0 || classes[i] >= format.classes)
          return fail(context, GDC_ERROR_ARGUMENT,
                      "label " + std::to_string(i) + " is class " + std::to_string(classes[i]) +
                          ", outside [0, " + std::to_string(format.classes) + ")");
    }
    float value = 0;
    size_t wanted = 0;
    bool finite = true;
    const gdrt::SiteSpec *site = nullptr;
    if (!runCompiled(
            [&] {
              value = trainer->state.step(trainer->model(), static_cast<const float *>(x),
                                          labels, batch);
              finite = trainer->state.lastStepFinite();
              if (!finite)
                site = trainer->state.diagnoseLastStep(
                    trainer->model(), static_cast<const float *>(x), labels, batch);
            },
            wanted))
      return outOfMemory(context, wanted);
    trainer->lastBatch = batch;
    if (loss)
      *loss = value;
    if (!finite)
      return fail(context, GDC_ERROR_NOT_FINITE,
                  "step " + std::to_string(trainer->state.stepsTaken()) + ": " +
                      gdrt::describeNonFiniteStep(value, site) +
                      "; the parameters and optimizer state are unchanged");
    return int(GDC_OK);
  });
}

int gdc_trainer_apply_gradients(gdc_trainer *trainer, const float *const *grads,
                                int64_t count) {
  return withTrainer(trainer, [&](gdc_context *context) {
    const gdrt::Manifest &manifest = trainer->manifest();
    if (!trainer->model().apply)
      return fail(context, GDC_ERROR_UNSUPPORTED,
                  "the optimizer of train block '" + trainer->program->model->name() +
                      "' cannot take given gradients: a rule of it reads the loss, takes "
                      "grad_at or has a per-example part, which need the model");
    if (!grads)
      return fail(context, GDC_ERROR_ARGUMENT, "the gradients are NULL");
    if (count != static_cast<int64_t>(manifest.params.size()))
      return fail(context, GDC_ERROR_ARGUMENT,
                  std::to_string(count) + " gradients given; the model has " +
                      std::to_string(manifest.params.size()) + " parameters");
    for (int64_t i = 0; i < count; ++i)
      if (!grads[i])
        return fail(context, GDC_ERROR_ARGUMENT,
                    "the gradient of parameter '" + manifest.params[i].path + "' is NULL");
    size_t wanted = 0;
    bool finite = true;
    if (!runCompiled(
            [&] {
              trainer->state.applyGradients(trainer->model(), grads);
              finite = trainer->state.lastStepFinite();
            },
            wanted))
      return outOfMemory(context, wanted);
    if (!finite)
      return fail(context, GDC_ERROR_NOT_FINITE,
                  "step " + std::to_string(trainer->state.stepsTaken()) + ": " +
                      trainer->state.describeNonFiniteUpdate(grads) +
                      "; the parameters and optimizer state are unchanged");
    return int(GDC_OK);
  });
}

int gdc_trainer_predict(gdc_trainer *trainer, const void *x, int64_t batch, float *out) {
  return withTrainer(trainer, [&](gdc_context *context) {
    if (!x || !out)
      return fail(context, GDC_ERROR_ARGUMENT, x ? "the output buffer is NULL" : "x is NULL");
    if (int s = checkBatch(context, batch))
      return s;
    size_t wanted = 0;
    if (!runCompiled(
            [&] {
              trainer->state.eval(trainer->model(), static_cast<const float *>(x), batch, out);
            },
            wanted))
      return outOfMemory(context, wanted);
    return int(GDC_OK);
  });
}

int gdc_trainer_steps(gdc_trainer *trainer, int64_t *steps) {
  return withTrainer(trainer, [&](gdc_context *context) {
    if (!steps)
      return fail(context, GDC_ERROR_ARGUMENT, "the result pointer is NULL");
    *steps = trainer->state.stepsTaken();
    return int(GDC_OK);
  });
}

int gdc_trainer_get_hyper(gdc_trainer *trainer, const char *name, double *value) {
  return withTrainer(trainer, [&](gdc_context *context) {
    int index = -1;
    if (int s = findHyper(trainer, name, index))
      return s;
    if (!value)
      return fail(context, GDC_ERROR_ARGUMENT, "the result pointer is NULL");
    *value = trainer->state.hyperparameters()[index];
    return int(GDC_OK);
  });
}

int gdc_trainer_set_hyper(gdc_trainer *trainer, const char *name, double value) {
  return withTrainer(trainer, [&](gdc_context *context) {
    int index = -1;
    if (int s = findHyper(trainer, name, index))
      return s;
    if (!std::isfinite(value))
      return fail(context, GDC_ERROR_ARGUMENT,
                  std::string("hyperparameter '") + name + "' must be finite");
    trainer->state.hyperparameters()[index] = static_cast<float>(value);
    return int(GDC_OK);
  });
}

int gdc_trainer_get_param(gdc_trainer *trainer, const char *path, float *buffer, int64_t count) {
  return withTrainer(trainer, [&](gdc_context *context) {
    int index = -1;
    if (int s = findParam(trainer, path, index, buffer, count))
      return s;
    const gdrt::StepBuffer &values = trainer->state.parameter(index);
    std::memcpy(buffer, values.data(), values.size() * sizeof(float));
    return int(GDC_OK);
  });
}

int gdc_trainer_set_param(gdc_trainer *trainer, const char *path, const float *buffer,
                          int64_t count) {
  return withTrainer(trainer, [&](gdc_context *context) {
    int index = -1;
    if (int s = findParam(trainer, path, index, buffer, count))
      return s;
    gdrt::StepBuffer &values = trainer->state.parameter(index);
    std::memcpy(values.data(), buffer, values.size() * sizeof(float));
    return int(GDC_OK);
  });
}

int gdc_trainer_save(gdc_trainer *trainer, const char *path) {
  return withTrainer(trainer, [&](gdc_context *context) {
    if (!path)
      return fail(context, GDC_ERROR_ARGUMENT, "the path is NULL");
    // A full checkpoint, as ./train --save writes: the library has no
    // epochs, so its position is the step count alone.
    gdrt::RunPosition position;
    position.batch = trainer->lastBatch;
    std::string error;
    if (!trainer->state.saveCheckpoint(path, position, error))
      return fail(context, GDC_ERROR_IO, error);
    return int(GDC_OK);
  });
}

int gdc_trainer_load(gdc_trainer *trainer, const char *path) {
  return withTrainer(trainer, [&](gdc_context *context) {
    if (!path)
      return fail(context, GDC_ERROR_ARGUMENT, "the path is NULL");
    // A full checkpoint restores everything it holds; a parameters-only
    // file (./train --save of older versions, other tools) the parameters.
    std::vector<gdrt::NamedTensor> tensors;
    std::map<std::string, std::string> metadata;
    std::string error;
    if (!gdrt::readSafetensors(path, tensors, metadata, error))
      return fail(context, GDC_ERROR_IO, error);
    gdrt::RunPosition position;
    bool loaded = gdrt::isCheckpoint(metadata)
                      ? trainer->state.loadCheckpoint(path, position, error)
                      : trainer->state.loadParameters(path, error);
    if (!loaded)
      return fail(context, GDC_ERROR_IO, error);
    return int(GDC_OK);
  });
}

int gdc_trainer_param_count(gdc_trainer *trainer, int64_t *count) {
  return withTrainer(trainer, [&](gdc_context *context) {
    if (!count)
      return fail(context, GDC_ERROR_ARGUMENT, "the result pointer is NULL");
    *count = int64_t(trainer->manifest().params.size());
    return int(GDC_OK);
  });
}

int gdc_trainer_param_info(gdc_trainer *trainer, int64_t index, const char **path,
                           int64_t *rank, const int64_t **shape) {
  return withTrainer(trainer, [&](gdc_context *context) {
    const auto &params = trainer->manifest().params;
    if (int s = checkIndex(context, "parameter", index, params.size()))
      return s;
    if (path)
      *path = params[index].path.c_str();
    if (rank)
      *rank = int64_t(params[index].shape.size());
    if (shape)
      *shape = params[index].shape.data();
    return int(GDC_OK);
  });
}

int gdc_trainer_hyper_count(gdc_trainer *trainer, int64_t *count) {
  return withTrainer(trainer, [&](gdc_context *context) {
    if (!count)
      return fail(context, GDC_ERROR_ARGUMENT, "the result pointer is NULL");
    *count = int64_t(trainer->manifest().hypers.size());
    return int(GDC_OK);
  });
}

int gdc_trainer_hyper_info(gdc_trainer *trainer, int64_t index, const char **name,
                           double *defaultValue) {
  return withTrainer(trainer, [&](gdc_context *context) {
    const auto &hypers = trainer->manifest().hypers;
    if (int s = checkIndex(context, "hyperparameter", index, hypers.size()))
      return s;
    if (name)
      *name = hypers[index].name.c_str();
    if (defaultValue)
      *defaultValue = hypers[index].defaultValue;
    return int(GDC_OK);
  });
}

int gdc_trainer_array_info(gdc_trainer *trainer, char which, gdc_dtype *dtype, int64_t *rank,
                           const int64_t **shape) {
  return withTrainer(trainer, [&](gdc_context *context) {
    const gdrt::Manifest &manifest = trainer->manifest();
    const gdrt::Shape *dims = nullptr;
    const std::string *type = nullptr;
    switch (which) {
    case 'x':
      dims = &manifest.inputShape;
      type = &manifest.inputType;
      break;
    case 'y':
      dims = &manifest.labelShape;
      type = &manifest.labelType;
      break;
    case 'o':
      dims = &manifest.outputShape;
      type = &manifest.outputType;
      break;
    default:
      return fail(context, GDC_ERROR_ARGUMENT,
                  "the array is 'x', 'y' or 'o', not '" + std::string(1, which) + "'");
    }
    if (dtype)
      *dtype = *type == "i32" ? GDC_I32 : GDC_F32;
    if (rank)
      *rank = int64_t(dims->size());
    if (shape)
      *shape = dims->data();
    return int(GDC_OK);
  });
}

} // extern "C"
