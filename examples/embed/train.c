/* train.c - train a model from source text through libgdc's C API.
 *
 *   cc train.c $(pkg-config --cflags --libs gdc) -o train_embedded
 *   ./train_embedded
 *
 * The data is the caller's: two Gaussian blobs in 2-D, one per class,
 * generated here and fed in batches of 32. The program prints the loss
 * every 50 steps and the training accuracy at the end, and exits 1 if the
 * model did not learn to separate the blobs. */
#include <gdc/gdc.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static const char *source =
    "use std.nn\n"
    "use std.losses\n"
    "use std.optim\n"
    "\n"
    "let net = dense(2, 16) >> tanh >> dense(16, 2)\n"
    "\n"
    "train blobs {\n"
    "  model     = net\n"
    "  loss      = cross_entropy\n"
    "  optimizer = adam(lr = 1e-2)\n"
    "  data      = npy(\"x.npy\", \"y.npy\")\n"
    "}\n";

enum { N = 512, BATCH = 32, STEPS = 300 };

/* A standard normal draw (Box-Muller) from a small LCG: reproducible
 * without depending on the C library's rand(). */
static double normal(unsigned long long *state) {
  double u[2];
  for (int i = 0; i < 2; ++i) {
    *state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
    u[i] = ((*state >> 11) + 0.5) / 9007199254740992.0;
  }
  return sqrt(-2 * log(u[0])) * cos(6.283185307179586 * u[1]);
}

int main(void) {
  gdc_context *ctx = gdc_context_create();
  gdc_program *prog = gdc_compile(ctx, source, "blobs.gd");
  if (!prog) {
    fprintf(stderr, "%s", gdc_last_error(ctx));
    return 1;
  }
  gdc_trainer *trainer = gdc_trainer_create(prog, NULL, /*seed=*/1);
  if (!trainer || gdc_trainer_set_hyper(trainer, "lr", 0.02) != GDC_OK) {
    fprintf(stderr, "%s", gdc_last_error(ctx));
    return 1;
  }

  static float x[N][2];
  static int32_t y[N];
  unsigned long long state = 42;
  for (int i = 0; i < N; ++i) {
    y[i] = i % 2;
    x[i][0] = (float)(normal(&state) + (y[i] ? 2.0 : -2.0));
    x[i][1] = (float)(normal(&state) + (y[i] ? 1.0 : -1.0));
  }

  for (int step = 0; step < STEPS; ++step) {
    int first = (step * BATCH) % N;
    float loss;
    if (gdc_trainer_step(trainer, x[first], &y[first], BATCH, &loss) != GDC_OK) {
      fprintf(stderr, "%s", gdc_last_error(ctx));
      return 1;
    }
    if ((step + 1) % 50 == 0)
      printf("step %d: loss %.4f\n", step + 1, loss);
  }

  static float logits[N][2];
  if (gdc_trainer_predict(trainer, x[0], N, logits[0]) != GDC_OK) {
    fprintf(stderr, "%s", gdc_last_error(ctx));
    return 1;
  }
  int correct = 0;
  for (int i = 0; i < N; ++i)
    correct += (logits[i][1] > logits[i][0]) == (y[i] == 1);
  printf("training accuracy: %.3f\n", (double)correct / N);

  gdc_trainer_destroy(trainer);
  gdc_program_destroy(prog);
  gdc_context_destroy(ctx);
  return correct >= N * 9 / 10 ? 0 : 1;
}
