/*===- gdc.h - gdc, the gradient-descent compiler, as a C library ---------===*
 *
 * Compile a `.gd` program from source text, then train its model in this
 * process: the step is JIT-compiled through the same pipeline as `gdc -o`,
 * and reads and writes caller-owned, row-major arrays.
 *
 *   gdc_context *ctx = gdc_context_create();
 *   gdc_program *prog = gdc_compile(ctx, source, "model.gd");
 *   if (!prog) fprintf(stderr, "%s", gdc_last_error(ctx));
 *   gdc_trainer *t = gdc_trainer_create(prog, NULL, 0);
 *   gdc_trainer_set_hyper(t, "lr", 1e-3);
 *   float loss;
 *   gdc_trainer_step(t, x, labels, batch, &loss);
 *
 * Conventions. Constructors return a handle, or NULL on failure. Every
 * other call returns an int: GDC_OK (0) on success, another gdc_status on
 * failure. After a failure, gdc_last_error() says what went wrong; a
 * trainer's and a program's failures are kept on the context they came
 * from. Handles are opaque; each is destroyed by its own *_destroy, which
 * accepts NULL. Strings returned by the library stay valid until the next
 * call on the same context (diagnostics) or as long as their handle
 * (names and shapes).
 *
 * Threads. A context and everything made from it may be used by one thread
 * at a time; different contexts may be used concurrently. Trainers of one
 * program share nothing mutable but the context's error state.
 *
 * Ownership. A program keeps its context, and a trainer its program, in
 * use: destroy trainers before their program and programs before their
 * context. docs/library.md has the whole contract.
 *
 *===----------------------------------------------------------------------===*/
#ifndef GDC_GDC_H
#define GDC_GDC_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gdc_context gdc_context;
typedef struct gdc_program gdc_program;
typedef struct gdc_trainer gdc_trainer;

/* What a call returns. */
typedef enum gdc_status {
  GDC_OK = 0,
  GDC_ERROR_ARGUMENT = 1, /* a NULL or invalid handle or pointer, a bad size */
  GDC_ERROR_NAME = 2,     /* no parameter, hyperparameter or train block so named */
  GDC_ERROR_IO = 3,       /* a file could not be read or written, or is malformed */
  GDC_ERROR_COMPILE = 4,  /* the program has errors (see the diagnostics) */
  GDC_ERROR_INTERNAL = 5, /* a bug in gdc or out of memory */
  GDC_ERROR_NOT_FINITE = 6, /* a step's values held a NaN or an infinity: nothing was updated */
  GDC_ERROR_UNSUPPORTED = 7 /* the program cannot do what was asked (see the message) */
} gdc_status;

typedef enum gdc_severity {
  GDC_SEVERITY_ERROR = 0,
  GDC_SEVERITY_WARNING = 1,
  GDC_SEVERITY_NOTE = 2,
  GDC_SEVERITY_REMARK = 3
} gdc_severity;

/* One diagnostic of the last failure. `file` is "" and `line`, `column`
 * are 0 for a problem that has no place in the source. A note follows the
 * error it belongs to. */
typedef struct gdc_diagnostic {
  const char *file;
  int64_t line;   /* 1-based */
  int64_t column; /* 1-based */
  gdc_severity severity;
  const char *message;
} gdc_diagnostic;

/* Element types of the arrays a trainer reads. */
typedef enum gdc_dtype { GDC_F32 = 0, GDC_I32 = 1 } gdc_dtype;

/* The library's version, e.g. "0.1.0". */
const char *gdc_version(void);

/*--- Contexts and diagnostics ---------------------------------------------*/

gdc_context *gdc_context_create(void);
void gdc_context_destroy(gdc_context *context);

/* The diagnostics of the last failure on `context`, as the gdc command
 * prints them (`model.gd:3:9: error: ...`, with the source line and a
 * caret); "" after a success. With a NULL context: the last failure of a
 * call that had no valid handle to report to, on this thread. */
const char *gdc_last_error(gdc_context *context);

/* The status of the last failure on `context` (GDC_OK after a success),
 * e.g. whether a NULL from gdc_compile_file was an unreadable file
 * (GDC_ERROR_IO) or a program with errors (GDC_ERROR_COMPILE). With a NULL
 * context: that of this thread's last call without a valid handle. */
int gdc_last_status(gdc_context *context);

/* The number of diagnostic records of the last failure, and record `index`
 * (0-based). */
int64_t gdc_diagnostic_count(gdc_context *context);
int gdc_diagnostic_get(gdc_context *context, int64_t index, gdc_diagnostic *out);

/*--- Programs -------------------------------------------------------------*/

/* Checks `source` (named `filename` in diagnostics; relative `use` and data
 * paths are taken from its directory, or the current one) and compiles its
 * train block, if it has one. NULL on any error. A program without a train
 * block is valid: its definitions are checked. */
gdc_program *gdc_compile(gdc_context *context, const char *source, const char *filename);
/* Likewise with the source read from the file `path`. */
gdc_program *gdc_compile_file(gdc_context *context, const char *path);
void gdc_program_destroy(gdc_program *program);

/* The name of the program's train block, or NULL if it has none. */
const char *gdc_program_train_block(gdc_program *program);

/*--- Trainers -------------------------------------------------------------*/

/* A model's state ready to train: parameters initialised from `seed` as
 * `./train --seed` would, optimizer state zeroed, hyperparameters at their
 * defaults. `train_block` names the block (NULL: the program's only one). */
gdc_trainer *gdc_trainer_create(gdc_program *program, const char *train_block, uint64_t seed);
void gdc_trainer_destroy(gdc_trainer *trainer);

/* One optimizer step on `batch` examples (batch >= 1): `x` holds
 * batch x input elements of the input type, `labels` batch class indices
 * (GDC_I32, each in [0, output size)) or batch x label elements of f32
 * targets. `loss` (may be NULL) receives the batch's mean loss. When the
 * loss, a gradient or an updated parameter holds a NaN or an infinity, the
 * step updates nothing (parameters and optimizer state stay as they were;
 * the step is counted) and returns GDC_ERROR_NOT_FINITE, with a message
 * naming the source location that first produced a non-finite value. */
int gdc_trainer_step(gdc_trainer *trainer, const void *x, const void *labels, int64_t batch,
                     float *loss);

/* One optimizer step on gradients the caller computed, as an optimizer
 * library's `step` is: `grads` holds `count` pointers (count: the number of
 * parameters), grads[i] parameter i's gradient (the order and shapes of
 * gdc_trainer_param_info; f32, row-major). The train block's optimizer
 * updates the parameters and its state as a training step would after
 * computing those gradients; the step is counted (t advances). Gradients,
 * new states or updated parameters with a NaN or an infinity update
 * nothing and return GDC_ERROR_NOT_FINITE. A rule that needs the model
 * (it reads `loss`, takes grad_at or has a per-example part) cannot take
 * given gradients: GDC_ERROR_UNSUPPORTED. */
int gdc_trainer_apply_gradients(gdc_trainer *trainer, const float *const *grads, int64_t count);

/* The model's forward map: `out` receives batch x output elements (f32). */
int gdc_trainer_predict(gdc_trainer *trainer, const void *x, int64_t batch, float *out);

/* Steps taken since the trainer was created. */
int gdc_trainer_steps(gdc_trainer *trainer, int64_t *steps);

/* The value of hyperparameter `name` (e.g. "lr"), and setting it. */
int gdc_trainer_get_hyper(gdc_trainer *trainer, const char *name, double *value);
int gdc_trainer_set_hyper(gdc_trainer *trainer, const char *name, double value);

/* Copies parameter `path` (e.g. "net.0.W") out of or into the trainer;
 * `count` must be its number of elements. */
int gdc_trainer_get_param(gdc_trainer *trainer, const char *path, float *buffer,
                          int64_t count);
int gdc_trainer_set_param(gdc_trainer *trainer, const char *path, const float *buffer,
                          int64_t count);

/* A checkpoint, the format of `./train --save`: parameters, optimizer
 * state, global states, step count and hyperparameters, as safetensors. A
 * load restores all of it, or only the parameters from a parameters-only
 * file; it checks every name and shape before it changes anything. */
int gdc_trainer_save(gdc_trainer *trainer, const char *path);
int gdc_trainer_load(gdc_trainer *trainer, const char *path);

/*--- What a trainer's model is --------------------------------------------*/

/* Parameters, in the model's order: path, rank and shape. */
int gdc_trainer_param_count(gdc_trainer *trainer, int64_t *count);
int gdc_trainer_param_info(gdc_trainer *trainer, int64_t index, const char **path,
                           int64_t *rank, const int64_t **shape);

/* Hyperparameters, in order: name and default value. */
int gdc_trainer_hyper_count(gdc_trainer *trainer, int64_t *count);
int gdc_trainer_hyper_info(gdc_trainer *trainer, int64_t index, const char **name,
                           double *default_value);

/* What one example is: `which` is 'x' (the input), 'y' (the label: GDC_I32
 * class indices of rank 0, or f32 targets) or 'o' (the model's output). */
int gdc_trainer_array_info(gdc_trainer *trainer, char which, gdc_dtype *dtype,
                           int64_t *rank, const int64_t **shape);

#ifdef __cplusplus
}
#endif

#endif /* GDC_GDC_H */
