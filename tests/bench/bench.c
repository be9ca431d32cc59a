/* SPDX-License-Identifier: MIT */
/* Host benchmark (`make bench`, `make bench-instr`): ns per multiply-
 * accumulate of inference and training on two MLPs, for tinymlp, FANN 2.2
 * (float build, if compiled with -DTMLP_BENCH_FANN) and a plain C loop
 * written here, all in this process on the same synthetic data.
 *
 *   W1 = 64-32-10 (10,000 samples), W2 = 784-128-10 (2,000 samples); sigmoid
 *   hidden and output units (steepness 1), per-sample SGD with momentum 0.9,
 *   lr 0.1, loss 1/2 sum (y - t)^2, fixed seed.
 *   MACs = sum of in*out over layers per sample; training counts 3x.
 *
 * Usage: bench <label> [runs]   timed: the three implementations run in
 *          turn `runs` times (default 5), each figure the median of its
 *          runs, speedup_vs_fann the median of the rounds' time ratios (a
 *          burst of load on a shared machine then hits both sides); prints
 *          bench <W> <infer|train> <label> tinymlp_ns_per_mac= fann_ns_per_mac=
 *                plain_ns_per_mac= speedup_vs_fann=
 *        bench instr             one pass of each W1 workload, for callgrind
 *                                (functions run_<impl>_<infer|train>).
 *        bench <label> <runs> [peak] [late] [align]  peak: also the peak line;
 *          align: what a cache-line split costs inference, per workload:
 *          the weights borrowed (opts.params) from a 64-byte boundary and
 *          from 16 bytes past one, in turn, `runs` * 4 pairs, the median of
 *          the pairs' time ratios (the arena's own buffers start on a line
 *          in a host build, TMLP_CACHE_LINE 64; borrowed weights start where
 *          the caller put them):
 *          bench align <W> infer split16_over_aligned=<time ratio>
 *          late: also the slowdown late in training, per
 *          training path: the time of an epoch from the state after
 *          LATE_EPOCHS epochs over that of an epoch from the state after
 *          epoch 1, both timed in turn, the median of LATE_PAIRS pairs (the
 *          gradients and momentum grow tiny as the fit improves; arithmetic
 *          on subnormal floats is slow on x86 without flush-to-zero, which
 *          would change the results):
 *          bench late <W> <path> slowdown=<late / early>
 *          paths: fused (tmlp_net_train_sample), three-call (tmlp_net_forward
 *          + tmlp_net_backward + tmlp_net_step per sample), clip (the same
 *          with clip_norm 1000: the gradient norm is computed every step),
 *          norm (three-call with the net asked for the norm, opts.grad_norm). */
#define _POSIX_C_SOURCE 199309L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tinymlp.h"
#ifdef TMLP_BENCH_FANN
#include <floatfann.h>
#endif

#define MAX_IN 784
#define MAX_HID 128
#define N_OUT 10
#define LR 0.1f
#define MOMENTUM 0.9f

typedef struct {
    const char *name;
    int n_in, n_hid, n_samples;
    float *x; /* [n_samples][n_in] */
    float *t; /* [n_samples][N_OUT], one-hot */
} workload_t;

/* ---- synthetic data: xorshift32, inputs in [0, 1), a random linear
 * teacher picks the class ---- */
static unsigned rng_state = 12345u;
static float urand(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return (float)(rng_state >> 8) * (1.0f / 16777216.0f);
}

static void make_data(workload_t *w)
{
    static float teacher[N_OUT][MAX_IN];
    int s, i, k;
    w->x = malloc(sizeof(float) * (size_t)w->n_samples * (size_t)w->n_in);
    w->t = calloc((size_t)w->n_samples * N_OUT, sizeof(float));
    if (w->x == NULL || w->t == NULL) {
        exit(2);
    }
    for (k = 0; k < N_OUT; k++) {
        for (i = 0; i < w->n_in; i++) {
            teacher[k][i] = urand() - 0.5f;
        }
    }
    for (s = 0; s < w->n_samples; s++) {
        float *x = w->x + (size_t)s * (size_t)w->n_in, best = -1e30f;
        int label = 0;
        for (i = 0; i < w->n_in; i++) {
            x[i] = urand();
        }
        for (k = 0; k < N_OUT; k++) {
            float a = 0.0f;
            for (i = 0; i < w->n_in; i++) {
                a += teacher[k][i] * x[i];
            }
            if (a > best) {
                best = a;
                label = k;
            }
        }
        w->t[(size_t)s * N_OUT + (size_t)label] = 1.0f;
    }
}

static long macs_of(const workload_t *w)
{
    return (long)w->n_in * w->n_hid + (long)w->n_hid * N_OUT;
}

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static volatile float sink;

/* ---- tinymlp ---- */
static tmlp_net_t tnet;
static float *tarena;
static size_t tbytes; /* tarena's size */
/* The training path of the late-training measurement (see the top). */
enum { PATH_FUSED, PATH_THREE_CALL, PATH_CLIP, PATH_NORM };
static int tpath = PATH_FUSED;

static void tmlp_setup(const workload_t *w)
{
    tmlp_desc_t desc;
    tmlp_optim_t opt;
    tmlp_init_t init;
    tmlp_rng_t rng;
    size_t bytes = 0;
    memset(&desc, 0, sizeof desc);
    memset(&opt, 0, sizeof opt);
    memset(&init, 0, sizeof init);
    desc.n_in = (uint32_t)w->n_in;
    desc.n_layers = 2;
    desc.layer[0].units = (uint32_t)w->n_hid;
    desc.layer[0].act = TMLP_ACT_SIGMOID;
    desc.layer[1].units = N_OUT;
    desc.layer[1].act = TMLP_ACT_SIGMOID;
    opt.kind = TMLP_OPT_SGD;
    opt.lr = LR;
    opt.momentum = MOMENTUM;
    opt.clip_norm = tpath == PATH_CLIP ? 1000.0f : 0.0f;
    init.kind = TMLP_INIT_UNIFORM;
    init.a = -0.1f;
    init.b = 0.1f;
    init.init_bias = 1;
    free(tarena);
    if (tmlp_arena_size(&desc, &(tmlp_opts_t){.optim = &opt}, &bytes) != TMLP_OK) {
        exit(3);
    }
    tarena = malloc(bytes);
    tbytes = bytes;
    if (tarena == NULL ||
        tmlp_net_init(&tnet, &desc,
                      &(tmlp_opts_t){.optim = &opt, .grad_norm = (uint8_t)(tpath == PATH_NORM)},
                      tarena, bytes, NULL) != TMLP_OK) {
        exit(3);
    }
    if (tmlp_rng_seed(&rng, 1u) != TMLP_OK ||
        tmlp_net_init_weights(&tnet, &init, &rng) != TMLP_OK) {
        exit(3);
    }
}

static __attribute__((noinline)) void run_tinymlp_infer(const workload_t *w)
{
    float y[N_OUT];
    int s;
    for (s = 0; s < w->n_samples; s++) {
        if (tmlp_net_forward(&tnet, w->x + (size_t)s * (size_t)w->n_in, y) != TMLP_OK) {
            exit(5);
        }
    }
    sink = y[0];
}

static __attribute__((noinline)) void run_tinymlp_train(const workload_t *w)
{
    int s;
    for (s = 0; s < w->n_samples; s++) {
        tmlp_target_t tg;
        memset(&tg, 0, sizeof tg);
        tg.values = w->t + (size_t)s * N_OUT;
        if (tpath != PATH_FUSED) {
            if (tmlp_net_forward(&tnet, w->x + (size_t)s * (size_t)w->n_in, NULL) != TMLP_OK ||
                tmlp_net_backward(&tnet, TMLP_LOSS_HALF_SSE, &tg, NULL) != TMLP_OK ||
                tmlp_net_step(&tnet) != TMLP_OK) {
                exit(5);
            }
            continue;
        }
        /* Per-sample SGD: the fused step (same bits as forward, backward
         * and tmlp_net_step). */
        if (tmlp_net_train_sample(&tnet, w->x + (size_t)s * (size_t)w->n_in, TMLP_LOSS_HALF_SSE,
                                  &tg, NULL) != TMLP_OK) {
            exit(5);
        }
    }
}

/* ---- FANN 2.2 ---- */
#ifdef TMLP_BENCH_FANN
static struct fann *fnet;

static void fann_setup(const workload_t *w)
{
    if (fnet != NULL) {
        fann_destroy(fnet);
    }
    srand(1u);
    fnet = fann_create_standard(3, (unsigned)w->n_in, (unsigned)w->n_hid, (unsigned)N_OUT);
    if (fnet == NULL) {
        exit(4);
    }
    fann_set_training_algorithm(fnet, FANN_TRAIN_INCREMENTAL);
    fann_set_learning_rate(fnet, LR);
    fann_set_learning_momentum(fnet, MOMENTUM);
    fann_set_activation_function_hidden(fnet, FANN_SIGMOID);
    fann_set_activation_function_output(fnet, FANN_SIGMOID);
    /* FANN's default steepness is 0.5; tinymlp's sigmoid is 1/(1+e^-z). */
    fann_set_activation_steepness_hidden(fnet, 1.0f);
    fann_set_activation_steepness_output(fnet, 1.0f);
    /* Plain (y - t), as the other two; FANN's default is the tanh error. */
    fann_set_train_error_function(fnet, FANN_ERRORFUNC_LINEAR);
    fann_randomize_weights(fnet, -0.1f, 0.1f);
}

static __attribute__((noinline)) void run_fann_infer(const workload_t *w)
{
    fann_type *y = NULL;
    int s;
    for (s = 0; s < w->n_samples; s++) {
        y = fann_run(fnet, w->x + (size_t)s * (size_t)w->n_in);
    }
    sink = y[0];
}

static __attribute__((noinline)) void run_fann_train(const workload_t *w)
{
    int s;
    for (s = 0; s < w->n_samples; s++) {
        fann_train(fnet, w->x + (size_t)s * (size_t)w->n_in, w->t + (size_t)s * N_OUT);
    }
}
#endif

/* ---- the plain loop anyone would write: one accumulator per sum ---- */
static float pw1[MAX_HID][MAX_IN], pb1[MAX_HID], pw2[N_OUT][MAX_HID], pb2[N_OUT];
static float vw1[MAX_HID][MAX_IN], vb1[MAX_HID], vw2[N_OUT][MAX_HID], vb2[N_OUT];
static float ph[MAX_HID], py[N_OUT], pd2[N_OUT], pd1[MAX_HID];

static float sigm(float z)
{
    return 1.0f / (1.0f + expf(-z));
}

static void plain_setup(const workload_t *w)
{
    int i, j;
    for (j = 0; j < w->n_hid; j++) {
        for (i = 0; i < w->n_in; i++) {
            pw1[j][i] = 0.2f * urand() - 0.1f;
            vw1[j][i] = 0.0f;
        }
        pb1[j] = 0.2f * urand() - 0.1f;
        vb1[j] = 0.0f;
    }
    for (j = 0; j < N_OUT; j++) {
        for (i = 0; i < w->n_hid; i++) {
            pw2[j][i] = 0.2f * urand() - 0.1f;
            vw2[j][i] = 0.0f;
        }
        pb2[j] = 0.2f * urand() - 0.1f;
        vb2[j] = 0.0f;
    }
}

static void plain_forward(const workload_t *w, const float *x)
{
    int i, j;
    for (j = 0; j < w->n_hid; j++) {
        float s = pb1[j];
        for (i = 0; i < w->n_in; i++) {
            s += pw1[j][i] * x[i];
        }
        ph[j] = sigm(s);
    }
    for (j = 0; j < N_OUT; j++) {
        float s = pb2[j];
        for (i = 0; i < w->n_hid; i++) {
            s += pw2[j][i] * ph[i];
        }
        py[j] = sigm(s);
    }
}

static __attribute__((noinline)) void run_plain_infer(const workload_t *w)
{
    int s;
    for (s = 0; s < w->n_samples; s++) {
        plain_forward(w, w->x + (size_t)s * (size_t)w->n_in);
    }
    sink = py[0];
}

static __attribute__((noinline)) void run_plain_train(const workload_t *w)
{
    int s, i, j;
    for (s = 0; s < w->n_samples; s++) {
        const float *x = w->x + (size_t)s * (size_t)w->n_in, *t = w->t + (size_t)s * N_OUT;
        plain_forward(w, x);
        for (j = 0; j < N_OUT; j++) {
            pd2[j] = (py[j] - t[j]) * py[j] * (1.0f - py[j]);
        }
        for (i = 0; i < w->n_hid; i++) {
            float e = 0.0f;
            for (j = 0; j < N_OUT; j++) {
                e += pw2[j][i] * pd2[j];
            }
            pd1[i] = e * ph[i] * (1.0f - ph[i]);
        }
        for (j = 0; j < N_OUT; j++) {
            for (i = 0; i < w->n_hid; i++) {
                vw2[j][i] = MOMENTUM * vw2[j][i] + pd2[j] * ph[i];
                pw2[j][i] -= LR * vw2[j][i];
            }
            vb2[j] = MOMENTUM * vb2[j] + pd2[j];
            pb2[j] -= LR * vb2[j];
        }
        for (j = 0; j < w->n_hid; j++) {
            for (i = 0; i < w->n_in; i++) {
                vw1[j][i] = MOMENTUM * vw1[j][i] + pd1[j] * x[i];
                pw1[j][i] -= LR * vw1[j][i];
            }
            vb1[j] = MOMENTUM * vb1[j] + pd1[j];
            pb1[j] -= LR * vb1[j];
        }
    }
}

/* ---- timing ---- */
typedef void (*run_fn)(const workload_t *);

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* ns per MAC of one call of f on w. */
static double ns_per_mac(run_fn f, const workload_t *w, int train)
{
    double t0 = now_ns();
    f(w);
    return (now_ns() - t0) / ((double)w->n_samples * (double)macs_of(w) * (train ? 3.0 : 1.0));
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof v[0], cmp_double);
    return v[n / 2];
}

#ifndef TMLP_BENCH_NO_PEAK
double tmlp_bench_peak_ns_per_mac(void); /* bench_peak.c */
#endif

/* Inference of every sample of w through net. */
static void infer_all(tmlp_net_t *net, const workload_t *w)
{
    float y[N_OUT];
    int s;
    for (s = 0; s < w->n_samples; s++) {
        if (tmlp_net_forward(net, w->x + (size_t)s * (size_t)w->n_in, y) != TMLP_OK) {
            exit(5);
        }
    }
    sink = y[0];
}

/* `bench align` line for workload w (see the top); tnet holds its weights. */
static void align_effect(const workload_t *w, int runs)
{
    enum { LINE = 64, SPLIT = 16 };
    tmlp_net_t nets[2];
    void *arenas[2];
    const float *p = NULL;
    size_t n = 0, bytes = 0;
    double ratio[128];
    unsigned char *raw;
    int k, r, pairs = runs * 4 > 128 ? 128 : runs * 4;
    if (tmlp_net_params(&tnet, &p, &n) != TMLP_OK ||
        (raw = malloc(n * sizeof(float) + 2 * LINE)) == NULL) {
        exit(3);
    }
    for (k = 0; k < 2; k++) {
        /* k = 0: a line boundary; k = 1: 16 bytes past one */
        float *at = (float *)(void *)(raw + (LINE - (uintptr_t)raw % LINE) + (k ? SPLIT : 0));
        tmlp_opts_t opts;
        memcpy(at, p, n * sizeof(float));
        memset(&opts, 0, sizeof opts);
        opts.params = at;
        opts.n_params = n;
        if (tmlp_arena_size(&tnet.desc, &opts, &bytes) != TMLP_OK ||
            (arenas[k] = malloc(bytes)) == NULL ||
            tmlp_net_init(&nets[k], &tnet.desc, &opts, arenas[k], bytes, NULL) != TMLP_OK) {
            exit(3);
        }
        infer_all(&nets[k], w); /* warm-up */
    }
    for (r = 0; r < pairs; r++) {
        double t[2];
        for (k = 0; k < 2; k++) {
            double t0 = now_ns();
            infer_all(&nets[k], w);
            t[k] = now_ns() - t0;
        }
        ratio[r] = t[1] / t[0];
    }
    qsort(ratio, (size_t)pairs, sizeof ratio[0], cmp_double);
    printf("bench align %s infer split16_over_aligned=%.2f\n", w->name, ratio[pairs / 2]);
    fflush(stdout);
    free(arenas[0]);
    free(arenas[1]);
    free(raw);
}

#define LATE_EPOCHS 60

/* Time of one epoch of tinymlp training from the state `net` + `arena`
 * (restored first, so that every timed epoch starts from the same place). */
static double epoch_from(const tmlp_net_t *net, const float *arena, const workload_t *w)
{
    double t0;
    tnet = *net; /* its pointers point into tarena, which gets arena's bytes */
    memcpy(tarena, arena, tbytes);
    t0 = now_ns();
    run_tinymlp_train(w);
    return now_ns() - t0;
}

/* `bench late` lines for workload w (see the top): the state after epoch 1
 * and after LATE_EPOCHS epochs are kept, and an epoch from each is timed in
 * turn, LATE_PAIRS times; the line gives the median of the pairs' ratios,
 * so a burst of load on a shared machine hits both sides of a pair. */
#define LATE_PAIRS 7
static void late_slowdown(const workload_t *w)
{
    static const char *const names[] = {"fused", "three-call", "clip", "norm"};
    int path, e;
    for (path = PATH_FUSED; path <= PATH_NORM; path++) {
        tmlp_net_t early_net, late_net;
        float *early_arena, *late_arena;
        double ratio[LATE_PAIRS];
        tpath = path;
        tmlp_setup(w);
        early_arena = malloc(tbytes);
        late_arena = malloc(tbytes);
        if (early_arena == NULL || late_arena == NULL) {
            exit(3);
        }
        run_tinymlp_train(w); /* epoch 0 */
        early_net = tnet;
        memcpy(early_arena, tarena, tbytes);
        for (e = 1; e < LATE_EPOCHS; e++) {
            run_tinymlp_train(w);
        }
        late_net = tnet;
        memcpy(late_arena, tarena, tbytes);
        (void)epoch_from(&early_net, early_arena, w); /* warm-up */
        for (e = 0; e < LATE_PAIRS; e++) {
            double early = epoch_from(&early_net, early_arena, w);
            ratio[e] = epoch_from(&late_net, late_arena, w) / early;
        }
        qsort(ratio, LATE_PAIRS, sizeof ratio[0], cmp_double);
        printf("bench late %s %s slowdown=%.2f\n", w->name, names[path], ratio[LATE_PAIRS / 2]);
        fflush(stdout);
        free(early_arena);
        free(late_arena);
    }
    tpath = PATH_FUSED;
}

int main(int argc, char **argv)
{
    workload_t wl[2] = {{"W1", 64, 32, 10000, NULL, NULL}, {"W2", 784, 128, 2000, NULL, NULL}};
    const char *label = argc > 1 ? argv[1] : "O2";
    int runs = argc > 2 ? atoi(argv[2]) : 5, k, train;
    if (runs < 1 || runs > 31) {
        runs = 5;
    }
    if (strcmp(label, "instr") == 0) {
        /* One pass of each W1 workload; callgrind counts the functions. */
        make_data(&wl[0]);
        tmlp_setup(&wl[0]);
        run_tinymlp_infer(&wl[0]);
        run_tinymlp_train(&wl[0]);
        plain_setup(&wl[0]);
        run_plain_infer(&wl[0]);
        run_plain_train(&wl[0]);
#ifdef TMLP_BENCH_FANN
        fann_setup(&wl[0]);
        run_fann_infer(&wl[0]);
        run_fann_train(&wl[0]);
#endif
        printf("instr samples=%d\n", wl[0].n_samples);
        return 0;
    }
    for (k = 0; k < 2; k++) {
        make_data(&wl[k]);
    }
    for (k = 0; k < 2; k++) {
        for (train = 0; train < 2; train++) {
            double tm[32], pl[32], fa[32], ratio[32];
            int r;
            run_fn f_tm = train ? run_tinymlp_train : run_tinymlp_infer;
            run_fn f_pl = train ? run_plain_train : run_plain_infer;
            tmlp_setup(&wl[k]);
            plain_setup(&wl[k]);
            f_tm(&wl[k]); /* warm-up */
            f_pl(&wl[k]);
#ifdef TMLP_BENCH_FANN
            fann_setup(&wl[k]);
            (train ? run_fann_train : run_fann_infer)(&wl[k]);
#endif
            for (r = 0; r < runs; r++) {
                tm[r] = ns_per_mac(f_tm, &wl[k], train);
                pl[r] = ns_per_mac(f_pl, &wl[k], train);
#ifdef TMLP_BENCH_FANN
                fa[r] = ns_per_mac(train ? run_fann_train : run_fann_infer, &wl[k], train);
#else
                fa[r] = 0.0;
#endif
                ratio[r] = fa[r] / tm[r];
            }
#ifdef TMLP_BENCH_FANN
            printf("bench %s %s %s tinymlp_ns_per_mac=%.4f fann_ns_per_mac=%.4f "
                   "plain_ns_per_mac=%.4f speedup_vs_fann=%.2f\n",
                   wl[k].name, train ? "train" : "infer", label, median(tm, runs),
                   median(fa, runs), median(pl, runs), median(ratio, runs));
#else
            (void)ratio;
            printf("bench %s %s %s tinymlp_ns_per_mac=%.4f plain_ns_per_mac=%.4f "
                   "(FANN is missing)\n",
                   wl[k].name, train ? "train" : "infer", label, median(tm, runs),
                   median(pl, runs));
#endif
            fflush(stdout);
        }
    }
    for (k = 3; k < argc; k++) {
        if (strcmp(argv[k], "late") == 0) {
            late_slowdown(&wl[0]);
            late_slowdown(&wl[1]);
        }
        if (strcmp(argv[k], "align") == 0) {
            for (train = 0; train < 2; train++) {
                tmlp_setup(&wl[train]);
                align_effect(&wl[train], runs);
            }
        }
    }
#ifndef TMLP_BENCH_NO_PEAK
    if ((argc > 3 && strcmp(argv[3], "peak") == 0) || (argc > 4 && strcmp(argv[4], "peak") == 0)) {
        printf("bench fastmath-matvec ns_per_mac=%.4f\n", tmlp_bench_peak_ns_per_mac());
    }
#endif
#ifndef TMLP_BENCH_FANN
    printf("bench: FANN is missing (apt-get install libfann-dev); FANN figures skipped\n");
#endif
    return 0;
}
