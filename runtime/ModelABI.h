/*===- ModelABI.h - The C ABI between compiled gd code and the runtime ----===*
 *
 * gdc compiles a `.gd` program into an object file that exports exactly the
 * three symbols below. The runtime (main, data loading, training loop,
 * checkpoints) drives the model only through them and never knows the model:
 * everything it needs is in the manifest.
 *
 *===----------------------------------------------------------------------===*/
#ifndef GDC_RUNTIME_MODELABI_H
#define GDC_RUNTIME_MODELABI_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The manifest: NUL-terminated text, one record per line, fields separated
 * by single spaces (see runtime/Manifest.h for the grammar). */
extern const char gd_model_manifest[];

/* One training step on a batch of `batch` examples (1 <= batch).
 * `args` holds, in order:
 *   params[P]      float*, each a dense row-major tensor (read only)
 *   states[P * S]  float*, state s of param p at index p * S + s (read only)
 *   globals[G]     float*, each one global state of the optimizer (its
 *                  manifest shape, row-major; one float for a scalar)
 *                  (read only)
 *   hypers[H]      float*, each pointing at one float (read only)
 *   t              float*, the 1-based step number (read only)
 *   seed           int64_t*, the run's seed (--seed; read only): random
 *                  draws are a hash of (seed, t, draw site, element)
 *   x              float*, [batch, input...] row-major (read only)
 *   y              the labels (read only): int32_t* [batch] class indices
 *                  for `label i32`, float* [batch, label...] row-major
 *                  targets for `label f32 <dim>...`
 *   loss           float*, receives the batch's reduced (mean) loss
 *   status         int32_t*, receives 0 when the loss, every gradient and
 *                  every updated parameter are finite; 1 when one of them
 *                  holds a NaN or an infinity
 *   next_params[P], next_states[P * S], next_globals[G]
 *                  float*, the same shapes as params, states and globals,
 *                  none overlapping any other argument: receive the
 *                  updated values (a dead state slot, one its parameter's
 *                  rule does not have, is not written)
 * The step reads each input once and writes each result once, with no
 * copies (an update in place could not be undone). The caller makes the
 * next buffers current after a step with status 0 (by swapping pointers)
 * and ignores them after one with status 1, whose update is thereby not
 * applied.
 * P, S, G and H and all shapes come from the manifest. */
void gd_model_step(void **args, int64_t batch);

/* The diagnosis of a step whose status was 1: `args` as gd_model_step's
 * (with the same values, so that it computes the same step) followed by
 *   site           int32_t*, receives the index of the first operation, in
 *                  the order the step computes them, whose result holds a
 *                  NaN or an infinity (the manifest's `site` records say
 *                  what and where it is), or -1
 * It writes nothing else. */
void gd_model_diagnose(void **args, int64_t batch);

/* One optimizer step on gradients the caller computed, for an in-process
 * host (the library): the executable does not have it, nor does a model
 * whose rules read `loss`, take grad_at or have a per-example part.
 * `args`: gd_model_step's up to `seed`, then
 *   grads[P]       float*, parameter p's gradient, its shape (read only)
 *   status         int32_t*, as the step's (the gradients, the new states
 *                  and the updated parameters are checked)
 *   next_params[P], next_states[P * S], next_globals[G]
 *                  as the step's.
 * `batch` is not read. The caller makes the next buffers current as after
 * a step. */
void gd_model_apply(void **args, int64_t batch);

/* Forward only, for evaluation. `args`: params[P], x, out where out is
 * float* [batch, output...] receiving the model's output (e.g. logits).
 * The runtime scores it by accuracy (argmax against the class) for i32
 * labels, by the mean squared error against the target for f32 labels. */
void gd_model_eval(void **args, int64_t batch);

/* Each example's loss, as evaluation sees it (random layers in evaluation
 * mode). `args`: params[P], x, y, losses where y is the labels as
 * gd_model_step takes them and losses is float* [batch]. The runtime's
 * valid_loss and test_loss are their mean. */
void gd_model_loss(void **args, int64_t batch);

#ifdef __cplusplus
}
#endif

#endif /* GDC_RUNTIME_MODELABI_H */
