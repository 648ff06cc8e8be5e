//===- ModelState.h - A compiled model's state between steps --------------===//
//
// Everything a compiled model's step reads and writes besides the batch:
// parameters, optimizer state slots, global states, hyperparameter values,
// the step counter t and the seed. It is the one place that knows the
// argument order of gd_model_step and gd_model_eval (ModelABI.h); the
// trainer drives the model through it, and so are an in-process JIT host
// and the library to.
//
//===----------------------------------------------------------------------===//
#ifndef GDC_RUNTIME_MODELSTATE_H
#define GDC_RUNTIME_MODELSTATE_H

#include "Manifest.h"
#include "Safetensors.h"

#include <cmath>
#include <cstdint>
#include <map>
#include <new>
#include <string>
#include <vector>

namespace gdrt {

/// Allocates at the start of a cache line. The step writes a large update
/// into its next buffers with aligned non-temporal stores, a line at a
/// time, when they all start at the same offset within a line
/// (gd-stream-stores); a buffer from malloc starts anywhere 16 bytes apart.
template <typename T> struct CacheLineAllocator {
  using value_type = T;
  static constexpr std::align_val_t kAlignment{64};
  CacheLineAllocator() = default;
  template <typename U> CacheLineAllocator(const CacheLineAllocator<U> &) {}
  T *allocate(size_t n) { return static_cast<T *>(::operator new(n * sizeof(T), kAlignment)); }
  void deallocate(T *p, size_t) { ::operator delete(p, kAlignment); }
  template <typename U> bool operator==(const CacheLineAllocator<U> &) const { return true; }
  template <typename U> bool operator!=(const CacheLineAllocator<U> &) const { return false; }
};

/// A tensor the step reads or writes between steps: a parameter, a state
/// slot, a global state.
using StepBuffer = std::vector<float, CacheLineAllocator<float>>;

/// The entry points of a compiled model (ModelABI.h), as pointers so that
/// tests and an in-process JIT can supply their own.
struct ModelEntryPoints {
  const char *manifest = nullptr;
  void (*step)(void **args, int64_t batch) = nullptr;
  void (*eval)(void **args, int64_t batch) = nullptr;
  void (*diagnose)(void **args, int64_t batch) = nullptr; ///< optional
  void (*loss)(void **args, int64_t batch) = nullptr;     ///< optional
  /// The update of given gradients: built for in-process hosts only, and
  /// only for rules that can take them (ModelABI.h).
  void (*apply)(void **args, int64_t batch) = nullptr;
};

/// Every step allocates and frees the same activation-sized buffers. Above
/// glibc's default mmap threshold (128 KiB) each would be a fresh mapping
/// whose pages fault in again on every step (the step runs ~3x slower); this
/// keeps them on the heap, for the whole process. The executable calls it at
/// start, an in-process host (the library, the REPL) when it compiles a step.
void keepStepBuffersOnHeap();

/// Whether safetensors `metadata` is that of a full checkpoint (rather than
/// a parameters-only file).
bool isCheckpoint(const std::map<std::string, std::string> &metadata);

/// Where a run stands besides the model's state: with it, a checkpoint
/// continues a run exactly (runtime/Checkpoint.cpp).
struct RunPosition {
  int64_t epoch = 1;         ///< the epoch in progress, 1-based
  int64_t batchesDone = 0;   ///< batches of it trained so far
  double epochLossSum = 0;   ///< their losses, each times its batch size
  int64_t epochExamples = 0; ///< their examples
  int64_t epochSkippedSteps = 0; ///< its steps skipped as not finite (--on-nan skip)
  int64_t batch = 0;         ///< --batch
  bool shuffle = true;       ///< --shuffle
};

/// What a step that was not finite held (its `loss`) and where its
/// diagnosis found the first non-finite value (`site`; null when unknown):
/// `the loss is NaN; the first non-finite value came from `log` at
/// model.gd:6:18, in the forward map of net.1`.
std::string describeNonFiniteStep(float loss, const SiteSpec *site);

class ModelState {
public:
  /// The state of the model `manifest` describes (which must outlive it),
  /// not yet allocated: call fits() and initialize().
  explicit ModelState(const Manifest &manifest) : manifest(&manifest) {}
  // The step's argument vector points into this object.
  ModelState(const ModelState &) = delete;
  ModelState &operator=(const ModelState &) = delete;

  /// Whether the parameters and optimizer state fit in this machine's
  /// memory; if not, `error` says how much they need. Checked before
  /// allocating, so that a model too large is explained, not aborted.
  bool fits(std::string &error) const;

  /// Allocates and initialises the parameters from `seed` (the manifest's
  /// initialisers), zeroes the optimizer state, and sets the global states
  /// and hyperparameters to their defaults; t starts at 0 steps taken.
  void initialize(uint64_t seed);

  /// Replaces the parameters with those of the safetensors file `path`,
  /// checked against the model's paths and shapes: a parameters-only file
  /// (`--save` of older versions, other tools) or a full checkpoint, whose
  /// optimizer state is then ignored.
  bool loadParameters(const std::string &path, std::string &error);

  /// Writes a full checkpoint to `path` (atomically), a safetensors file:
  /// the parameters by path, each parameter's live optimizer state slots
  /// (`mlp.0.W/m`), the global states (`global/NAME`), and in the metadata
  /// the step, the seed, the hyperparameters and `position`.
  bool saveCheckpoint(const std::string &path, const RunPosition &position,
                      std::string &error) const;

  /// Restores everything saveCheckpoint wrote, after checking every tensor
  /// against the model (names and shapes) and the metadata; on any error
  /// nothing changes. `position` receives the run's position.
  bool loadCheckpoint(const std::string &path, RunPosition &position, std::string &error);

  /// The path of the first parameter holding a NaN or an infinity; empty
  /// if all are finite.
  std::string firstNonFiniteParameter() const;

  /// The seed the run started from.
  uint64_t runSeed() const { return static_cast<uint64_t>(seed); }

  /// The parameters by path, in the manifest's order.
  std::vector<NamedTensor> parameters() const;

  /// Parameter `p`'s current values (the manifest's order), writable in
  /// place until the next step, which may move them to another buffer.
  StepBuffer &parameter(size_t p) { return params[p]; }

  /// Writes the parameters to the safetensors file `path` (atomically),
  /// with the step count as metadata: the executable's --save format.
  bool saveParameters(const std::string &path, std::string &error) const;

  /// The hyperparameters' values, in the manifest's order (settable).
  std::vector<float> &hyperparameters() { return hypers; }

  /// One training step on `batch` examples: `x` is [batch, input...]
  /// row-major, `labels` int32 class indices or float targets
  /// [batch, label...] as the manifest's label says. Counts the step (t is
  /// its 1-based number) and returns the batch's reduced loss. A step whose
  /// loss, gradients or updated parameters hold a NaN or an infinity changes
  /// nothing but the count: lastStepFinite() then says false.
  float step(const ModelEntryPoints &model, const float *x, const void *labels,
             int64_t batch);

  /// One optimizer step on gradients the caller computed (`model.apply`,
  /// which must exist): `grads[p]` holds parameter p's gradient, its shape,
  /// row-major. Counts the step like step(); a step whose gradients, new
  /// states or updated parameters hold a NaN or an infinity changes nothing
  /// but the count (lastStepFinite() says false).
  void applyGradients(const ModelEntryPoints &model, const float *const *grads);

  /// What made the last applyGradients() not finite, after it: the first
  /// gradient of `grads` with a NaN or an infinity, else the first
  /// parameter whose update was not (its new state or the rule's value).
  std::string describeNonFiniteUpdate(const float *const *grads) const;

  /// Whether the last step's values were all finite (and it was applied).
  bool lastStepFinite() const { return status == 0 && std::isfinite(loss); }

  /// Where the last step's first non-finite value came from: runs that
  /// step again on the same batch with every operation checked, and
  /// returns the manifest's site (ModelABI.h), or null when the model has
  /// no diagnosis or no operation's result was non-finite. Call it right
  /// after a step that was not finite (which changed nothing).
  const SiteSpec *diagnoseLastStep(const ModelEntryPoints &model, const float *x,
                                   const void *labels, int64_t batch);

  /// The model's forward map on `batch` examples at `x`, written to `out`
  /// [batch, output...].
  void eval(const ModelEntryPoints &model, const float *x, int64_t batch, float *out);

  /// Each of `batch` examples' loss against its labels (`labels` as the
  /// step takes them), written to `losses` [batch]; needs `model.loss`.
  void evalLoss(const ModelEntryPoints &model, const float *x, const void *labels,
                int64_t batch, float *losses);

  /// Whether steps run with subnormal floats flushed to zero (the
  /// default). Adam's second moment and tiny gradients drift into the
  /// subnormal range during training, where x86 arithmetic is ~100x slower:
  /// without this an MLP's throughput falls by a third after its first
  /// epoch. Values below 1.2e-38 do not change a training run's outcome (the
  /// trajectory tests agree with PyTorch within 1e-5 either way). The
  /// calling thread's floating-point mode is restored after each call, so a
  /// host process (Python) keeps its own.
  void setFlushDenormals(bool flush) { flushDenormals = flush; }

  /// Steps taken since initialize().
  int64_t stepsTaken() const { return steps; }

private:
  /// Points the step's argument vector at the current and next buffers.
  void bindStepArguments();
  /// Runs `entry` (the step or the update of given gradients) on `args`
  /// as step steps + 1, and makes the next buffers current when it was
  /// finite.
  void runStep(void (*entry)(void **, int64_t), std::vector<void *> &args, int64_t batch);

  const Manifest *manifest;
  std::vector<StepBuffer> params;
  std::vector<StepBuffer> states;  ///< param p, state s at p * S + s
  std::vector<StepBuffer> globals; ///< the optimizer's global states
  /// Where the step writes the next parameters, states and globals (the
  /// same shapes). A finite step's are swapped in, so that the step reads
  /// and writes each value once and never copies, and a step that was not
  /// finite leaves the current ones untouched (ModelABI.h).
  std::vector<StepBuffer> nextParams, nextStates, nextGlobals;
  std::vector<float> hypers;
  bool flushDenormals = true;
  int64_t steps = 0;
  float stepNumber = 0; ///< `t`, as the model reads it
  int64_t seed = 0;     ///< the seed the model's random draws hash
  float loss = 0;
  int32_t status = 0; ///< the step's: 0 when finite and applied
  /// gd_model_step's arguments; x and y are filled in by step().
  std::vector<void *> stepArgs;
  std::vector<void *> diagnoseArgs; ///< gd_model_diagnose's: stepArgs and `site`
  std::vector<void *> applyArgs;    ///< gd_model_apply's
  size_t xSlot = 0;
};

} // namespace gdrt

#endif // GDC_RUNTIME_MODELSTATE_H
