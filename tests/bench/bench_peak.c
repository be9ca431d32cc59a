/* SPDX-License-Identifier: MIT */
/* A reference for `make bench`, not a limit: a single-precision matrix-
 * vector product of W2's first layer's shape (128 rows of 784, 401 KB:
 * L2-resident weights, x in L1), each row a plain dot product, compiled on
 * its own with -O3 -march=native -ffast-math so the compiler may
 * reassociate, vectorise and fuse freely. Its line says what it is
 * ("fastmath-matvec"): a naive loop, which a register-blocked kernel can
 * beat. Only this file gets those flags, never the library. */
#define _POSIX_C_SOURCE 199309L
#include <stdlib.h>
#include <time.h>

#define ROWS 128
#define COLS 784
#define REPS 2000

double tmlp_bench_peak_ns_per_mac(void);

static float w[ROWS][COLS], x[COLS], y[ROWS];
volatile float tmlp_bench_peak_sink;

static __attribute__((noinline)) void matvec(void)
{
    int j, i;
    for (j = 0; j < ROWS; j++) {
        float s = 0.0f;
        for (i = 0; i < COLS; i++) {
            s += w[j][i] * x[i];
        }
        y[j] = s;
    }
}

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double p = *(const double *)a, q = *(const double *)b;
    return p < q ? -1 : p > q;
}

/* Median of 7 timings of REPS products, in ns per multiply-accumulate. */
double tmlp_bench_peak_ns_per_mac(void)
{
    double t[7];
    int r, k, i, j;
    for (j = 0; j < ROWS; j++) {
        for (i = 0; i < COLS; i++) {
            w[j][i] = (float)((j * 31 + i * 17) % 97) * 0.01f;
        }
    }
    for (i = 0; i < COLS; i++) {
        x[i] = (float)(i % 13) * 0.1f;
    }
    matvec();
    for (k = 0; k < 7; k++) {
        double t0 = now_ns();
        for (r = 0; r < REPS; r++) {
            matvec();
            __asm__ volatile("" ::: "memory");
        }
        t[k] = now_ns() - t0;
    }
    tmlp_bench_peak_sink = y[0];
    qsort(t, 7, sizeof t[0], cmp_double);
    return t[3] / ((double)REPS * ROWS * COLS);
}
