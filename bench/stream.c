/* A STREAM-style measure of this machine's memory bandwidth on every
 * thread (OpenMP; OMP_NUM_THREADS), for bench/run.py's adam-step: McCalpin's
 * four kernels over float arrays far larger than the last-level cache, each
 * timed as the best of 10 passes, counted as STREAM counts them (copy and
 * scale 8 bytes per element, add and triad 12). Prints one JSON line. */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>

enum { kElements = 20 * 1000 * 1000, kPasses = 10 };

int main(void) {
  float *a = malloc(sizeof(float) * kElements);
  float *b = malloc(sizeof(float) * kElements);
  float *c = malloc(sizeof(float) * kElements);
  if (!a || !b || !c) {
    fprintf(stderr, "stream: out of memory\n");
    return 1;
  }
  /* Touched first by the threads that use them. */
#pragma omp parallel for schedule(static)
  for (long i = 0; i < kElements; ++i) {
    a[i] = 1.0f;
    b[i] = 2.0f;
    c[i] = 0.0f;
  }
  const float s = 3.0f;
  const char *names[4] = {"copy", "scale", "add", "triad"};
  const double bytes[4] = {8.0 * kElements, 8.0 * kElements, 12.0 * kElements,
                           12.0 * kElements};
  double best[4] = {1e30, 1e30, 1e30, 1e30};
  for (int pass = 0; pass < kPasses; ++pass) {
    double t[5];
    t[0] = omp_get_wtime();
#pragma omp parallel for schedule(static)
    for (long i = 0; i < kElements; ++i)
      c[i] = a[i];
    t[1] = omp_get_wtime();
#pragma omp parallel for schedule(static)
    for (long i = 0; i < kElements; ++i)
      b[i] = s * c[i];
    t[2] = omp_get_wtime();
#pragma omp parallel for schedule(static)
    for (long i = 0; i < kElements; ++i)
      c[i] = a[i] + b[i];
    t[3] = omp_get_wtime();
#pragma omp parallel for schedule(static)
    for (long i = 0; i < kElements; ++i)
      a[i] = b[i] + s * c[i];
    t[4] = omp_get_wtime();
    for (int k = 0; k < 4; ++k)
      if (t[k + 1] - t[k] < best[k])
        best[k] = t[k + 1] - t[k];
  }
  printf("{\"measure\": \"stream\", \"threads\": %d", omp_get_max_threads());
  for (int k = 0; k < 4; ++k)
    printf(", \"%s_gbps\": %.2f", names[k], bytes[k] / best[k] / 1e9);
  printf(", \"check\": %g}\n", (double)a[kElements / 2]);
  return 0;
}
