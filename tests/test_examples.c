/* SPDX-License-Identifier: MIT */
/* The key claims of the programs in examples/, checked with small
 * independent computations so that their printed accounts can not silently
 * go wrong:
 * - linreg: batch GD through the training loop ends at the closed-form
 *   least-squares solution (1 and 3 features), within a stated tolerance;
 * - gd_basics: the x^4 - 5x^2 - 3x starts it prints end in the minima it
 *   names (those test_worked_examples.c does not already cover), and the too-large
 *   learning rate really diverges until the library refuses the step with
 *   TMLP_ERR_NUMERIC, writing nothing;
 * - classify: the Adam run beats the random-guess baseline by a stated
 *   margin on the held-out set.
 * Portable: static arenas, no libm, no float printf. */
#include <string.h>

#include "fixtures.h"
#include "suites.h"
#include "tinymlp.h"
#include "tmlp_test.h"


/* One handle and one trainer for every test here (they run one at a time):
 * RAM is scarce on the smallest target (16 KB on the Cortex-M0). */
static tmlp_net_t ex_net;
static tmlp_trainer_t ex_tr;

/* ---- linreg: batch GD = least squares ------------------------------------ */

#define LR_N 32
#define LR_NF 3

static float lr_x[LR_N][LR_NF], lr_y[LR_N];
static float lr_arena[TMLP_ARENA_BYTES(LR_NF, 1, 1, 1, TMLP_DENSE_PARAMS(LR_NF, 1), TMLP_DENSE_PARAMS(LR_NF, 1), 1, TMLP_SLOTS_SGD, TMLP_BUILD_TRAIN) /
                      sizeof(float)];

/* y = w . x + b + 0.3 noise with x ~ N(0, I) (nf = 3) or uniform in [-2, 2)
 * (nf = 1), as the example. Rows are LR_NF wide; only nf columns used. */
static void lr_data(uint32_t seed, int nf, const float *w, float b)
{
    tmlp_rng_t rng;
    int i, k;
    CHECK_OK(tmlp_rng_seed(&rng, seed));
    for (i = 0; i < LR_N; i++) {
        float z = 0.0f, s = b;
        for (k = 0; k < LR_NF; k++) {
            lr_x[i][k] = 0.0f;
        }
        for (k = 0; k < nf; k++) {
            if (nf == 1) {
                CHECK_OK(tmlp_rng_uniform(&rng, &z));
                lr_x[i][k] = 4.0f * z - 2.0f;
            } else {
                CHECK_OK(tmlp_rng_normal(&rng, &lr_x[i][k]));
            }
            s += w[k] * lr_x[i][k];
        }
        CHECK_OK(tmlp_rng_normal(&rng, &z));
        lr_y[i] = s + 0.3f * z;
    }
}

/* Least squares by the normal equations (nf + 1 unknowns), Gaussian
 * elimination with partial pivoting, in float. p = (w..., b). */
static int lr_least_squares(int nf, float *p)
{
    float a[LR_NF + 1][LR_NF + 2];
    int m = nf + 1, i, r, c, k;
    memset(a, 0, sizeof a);
    for (i = 0; i < LR_N; i++) {
        float row[LR_NF + 1];
        for (k = 0; k < nf; k++) {
            row[k] = lr_x[i][k];
        }
        row[nf] = 1.0f;
        for (r = 0; r < m; r++) {
            for (c = 0; c < m; c++) {
                a[r][c] += row[r] * row[c];
            }
            a[r][m] += row[r] * lr_y[i];
        }
    }
    for (c = 0; c < m; c++) {
        int piv = c;
        for (r = c + 1; r < m; r++) {
            if (absf(a[r][c]) > absf(a[piv][c])) {
                piv = r;
            }
        }
        if (a[piv][c] == 0.0f) {
            return 0;
        }
        for (k = 0; k <= m; k++) {
            float t = a[c][k];
            a[c][k] = a[piv][k];
            a[piv][k] = t;
        }
        for (r = c + 1; r < m; r++) {
            float f = a[r][c] / a[c][c];
            for (k = c; k <= m; k++) {
                a[r][k] -= f * a[c][k];
            }
        }
    }
    for (r = m - 1; r >= 0; r--) {
        float s = a[r][m];
        for (k = r + 1; k < m; k++) {
            s -= a[r][k] * p[k];
        }
        p[r] = s / a[r][r];
    }
    return 1;
}

/* Batch GD (lr 0.1, MSE, whole set per step) through tmlp_train until
 * ||grad|| <= 1e-5; returns the parameters in p. */
static void lr_batch_gd(int nf, float *p, tmlp_train_result_t *res)
{
    /* LR_NF inputs: the unused columns are 0, their weights get no gradient */
    tmlp_desc_t d = mlp1(LR_NF, 1, TMLP_ACT_IDENTITY);
    tmlp_optim_t o = make_opt(TMLP_OPT_SGD, 0.1f, 0.0f);
    tmlp_arrays_t arr;
    tmlp_data_t data;
    tmlp_train_cfg_t cfg;
    const float *q = NULL;
    size_t n = 0, i;
    memset(&cfg, 0, sizeof cfg);
    vector_data(&data, &arr, &lr_x[0][0], LR_NF, lr_y, 1, LR_N);
    CHECK_OK(tmlp_net_init(&ex_net, &d, &(tmlp_opts_t){.optim = &o}, lr_arena, sizeof lr_arena, NULL));
    cfg.loss = TMLP_LOSS_MSE;
    cfg.max_epochs = 5000;
    cfg.grad_tol = 1e-5f;
    CHECK_OK(tmlp_train(&ex_tr, &ex_net, &data, &cfg, res));
    CHECK_OK(tmlp_net_params(&ex_net, &q, &n));
    CHECK(n == LR_NF + 1u);
    if (n != LR_NF + 1u) {
        return;
    }
    for (i = 0; i < (size_t)nf; i++) {
        p[i] = q[i];
    }
    p[nf] = q[LR_NF]; /* the bias */
    for (i = (size_t)nf; i < LR_NF; i++) {
        CHECK_BITS(q[i], 0.0f); /* no gradient ever reached them */
    }
}

TMLP_TEST(linreg_batch_gd_matches_least_squares)
{
    static const float w1[1] = {2.5f};
    static const float w3[LR_NF] = {1.5f, -2.0f, 0.5f};
    float ls[LR_NF + 1], gd[LR_NF + 1];
    tmlp_train_result_t res;
    int nf, k;
    for (nf = 1; nf <= LR_NF; nf += LR_NF - 1) {
        lr_data(42u + (uint32_t)nf, nf, nf == 1 ? w1 : w3, nf == 1 ? -1.0f : 0.7f);
        CHECK(lr_least_squares(nf, ls));
        lr_batch_gd(nf, gd, &res);
        /* Stopped by the convergence test, not the epoch limit. */
        CHECK(res.stop == TMLP_STOP_GRAD_NORM);
        CHECK(res.grad_norm >= 0.0f && res.grad_norm <= 1e-5f);
        /* Stated tolerance: 1e-4 on every parameter (measured on x86-64:
         * under 1e-5; the gradient test stops GD about 1e-5 / (2 lambda_min)
         * from the optimum, and float rounding of the sums adds ~1e-6). */
        for (k = 0; k <= nf; k++) {
            CHECK_NEAR(gd[k], ls[k], 1e-4f);
        }
        /* And both are near the generating parameters (noise 0.3, 32
         * samples: within 0.3). */
        for (k = 0; k < nf; k++) {
            CHECK_NEAR(ls[k], nf == 1 ? w1[k] : w3[k], 0.3f);
        }
    }
}

/* ---- gd_basics: x^4 - 5x^2 - 3x ----------------------------------------- */

static float quartic_grad(float x)
{
    return 4.0f * x * x * x - 10.0f * x - 3.0f;
}

/* 1000 SGD steps of lr 0.01 with the given momentum, as the example. */
static float quartic_run(float x0, float momentum)
{
    tmlp_optim_t o = make_opt(TMLP_OPT_SGD, 0.01f, 0.0f);
    float x = x0, v = 0.0f;
    uint32_t step = 0;
    int k;
    o.momentum = momentum;
    for (k = 0; k < 1000; k++) {
        float g = quartic_grad(x);
        if (!CHECK_OK(tmlp_optim_step(&o, &x, &g, &v, 1, &step))) {
            break;
        }
    }
    return x;
}

TMLP_TEST(gd_basics_quartic_starts)
{
    /* The outer roots of 4x^3 - 10x - 3 (f' = 0): local and global minimum.
     * Checked here independently by bisection on f' in float. */
    float lo = -2.0f, hi = -1.0f, x_local, x_global;
    int k;
    for (k = 0; k < 60; k++) {
        float mid = 0.5f * (lo + hi);
        if (quartic_grad(mid) < 0.0f) {
            lo = mid; /* f' < 0 left of the local minimum */
        } else {
            hi = mid;
        }
    }
    x_local = lo;
    lo = 1.0f;
    hi = 2.0f;
    for (k = 0; k < 60; k++) {
        float mid = 0.5f * (lo + hi);
        if (quartic_grad(mid) < 0.0f) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    x_global = lo;
    CHECK_NEAR(x_local, -1.40177f, 1e-4f);
    CHECK_NEAR(x_global, 1.71394f, 1e-4f);
    /* Starts the example prints that test_worked_examples.c does not cover (it has
     * plain -3, -2.5, -0.5, 0, 3 and momentum -2.5, -1). */
    CHECK_NEAR(quartic_run(-2.0f, 0.0f), x_local, 1e-4f);
    CHECK_NEAR(quartic_run(-1.0f, 0.0f), x_local, 1e-4f);
    CHECK_NEAR(quartic_run(1.0f, 0.0f), x_global, 1e-4f);
    CHECK_NEAR(quartic_run(-3.0f, 0.9f), x_global, 1e-4f);
    CHECK_NEAR(quartic_run(-2.0f, 0.9f), x_local, 1e-4f);
    CHECK_NEAR(quartic_run(-0.5f, 0.9f), x_local, 1e-4f);
    CHECK_NEAR(quartic_run(0.0f, 0.9f), x_global, 1e-4f);
    CHECK_NEAR(quartic_run(1.0f, 0.9f), x_global, 1e-4f);
    /* Momentum also works against you: from 3 it overshoots into the local. */
    CHECK_NEAR(quartic_run(3.0f, 0.9f), x_local, 1e-4f);
}

/* ---- gd_basics: 2x^2 + y^2 with lr 0.55 diverges ------------------------ */

TMLP_TEST(gd_basics_too_large_lr_diverges_then_refused)
{
    /* x_{k+1} = (1 - 4 lr) x_k = -1.2 x_k: |x| grows every step; y shrinks. */
    tmlp_optim_t o = make_opt(TMLP_OPT_SGD, 0.55f, 0.0f);
    float w[2] = {1.0f, 1.0f}, before[2], g[2];
    uint32_t step = 0;
    int k, grew = 1;
    tmlp_status_t st = TMLP_OK;
    for (k = 0; k < 2000; k++) {
        memcpy(before, w, sizeof w);
        g[0] = 4.0f * w[0];
        g[1] = 2.0f * w[1];
        st = tmlp_optim_step(&o, w, g, NULL, 2, &step);
        if (st != TMLP_OK) {
            break;
        }
        if (!(absf(w[0]) > absf(before[0]))) {
            grew = 0;
        }
        /* Same float operations as the documented update w -= lr g. */
        CHECK_BITS(w[0], before[0] - 0.55f * g[0]);
    }
    CHECK(grew);
    CHECK_ERR(st, TMLP_ERR_NUMERIC);
    /* It got far (|1.2|^k), and the refused step wrote nothing. */
    CHECK(absf(w[0]) > 1e15f);
    CHECK(is_finite(w[0]) && is_finite(w[1]));
    CHECK(memcmp(before, w, sizeof w) == 0);
    CHECK(step == (uint32_t)k); /* counts the k successful steps, not the refused one */
    /* Trying again is refused again, still without writing. */
    CHECK_ERR(tmlp_optim_step(&o, w, g, NULL, 2, &step), TMLP_ERR_NUMERIC);
    CHECK(memcmp(before, w, sizeof w) == 0);
    CHECK(step == (uint32_t)k);
}

/* The same through a net and the training loop: linear regression with a
 * far too large lr stops with TMLP_STOP_ERROR / TMLP_ERR_NUMERIC and the
 * net keeps finite weights. */
TMLP_TEST(linreg_too_large_lr_stops_with_numeric_error)
{
    static const float w1[1] = {2.5f};
    tmlp_desc_t d = mlp1(LR_NF, 1, TMLP_ACT_IDENTITY);
    tmlp_optim_t o = make_opt(TMLP_OPT_SGD, 5.0f, 0.0f);
    tmlp_arrays_t arr;
    tmlp_data_t data;
    tmlp_train_cfg_t cfg;
    tmlp_train_result_t res;
    const float *q = NULL;
    size_t n = 0, i;
    lr_data(43u, 1, w1, -1.0f);
    memset(&cfg, 0, sizeof cfg);
    vector_data(&data, &arr, &lr_x[0][0], LR_NF, lr_y, 1, LR_N);
    CHECK_OK(tmlp_net_init(&ex_net, &d, &(tmlp_opts_t){.optim = &o}, lr_arena, sizeof lr_arena, NULL));
    cfg.loss = TMLP_LOSS_MSE;
    cfg.max_epochs = 5000;
    CHECK_ERR(tmlp_train(&ex_tr, &ex_net, &data, &cfg, &res), TMLP_ERR_NUMERIC);
    CHECK(res.stop == TMLP_STOP_ERROR);
    CHECK(res.epochs < 5000u);
    CHECK_OK(tmlp_net_params(&ex_net, &q, &n));
    for (i = 0; i < n; i++) {
        CHECK(is_finite(q[i]));
    }
    CHECK(absf(q[0]) > 1e6f); /* it did diverge before it was stopped */
}

/* ---- classify: Adam beats the random-guess baseline --------------------- */

/* The example's data, net and Adam run, exactly (same seeds and sizes).
 * The training set is stored (the loop shuffles it); the test set, which
 * the example draws from the generator right after the training set, is
 * streamed: every reader here goes through it in order 0, 1, ..., so a read
 * function can regenerate it from a saved generator state in O(1) memory. */
#define CL_CLASSES 4
#define CL_TRAIN 160
#define CL_TEST 160

static const float CL_CENTRE[CL_CLASSES][2] = {{-1.5f, -1.0f}, {1.5f, -1.0f}, {0.0f, 1.5f},
                                               {0.0f, -3.0f}};
static const uint32_t CL_SHARE[CL_CLASSES] = {4, 2, 1, 1}; /* of every 8 samples */
static float cl_train_x[CL_TRAIN][2];
static uint8_t cl_train_y[CL_TRAIN];
static float cl_arena[TMLP_MLP2_BYTES(2, 8, CL_CLASSES, TMLP_SLOTS_ADAM, TMLP_BUILD_TRAIN) / sizeof(float)];

/* Sample i: its class from i, its point from the next two normal draws. */
static tmlp_status_t cl_sample(tmlp_rng_t *rng, uint32_t i, float *x, uint32_t *label)
{
    uint32_t slot = i % 8u, c = 0, acc = CL_SHARE[0];
    float z0 = 0.0f, z1 = 0.0f;
    tmlp_status_t st;
    while (slot >= acc) {
        acc += CL_SHARE[++c];
    }
    st = tmlp_rng_normal(rng, &z0);
    if (st == TMLP_OK) {
        st = tmlp_rng_normal(rng, &z1);
    }
    x[0] = CL_CENTRE[c][0] + 0.9f * z0;
    x[1] = CL_CENTRE[c][1] + 0.9f * z1;
    *label = c;
    return st;
}

typedef struct {
    tmlp_rng_t start, cur;
    uint32_t next;
} cl_stream_t;

static tmlp_status_t cl_stream_read(void *ctx, uint32_t index, float *x, float *y,
                                    uint32_t *label)
{
    cl_stream_t *s = (cl_stream_t *)ctx;
    (void)y;
    if (index == 0u) {
        s->cur = s->start;
        s->next = 0;
    }
    if (index != s->next) {
        return TMLP_ERR_ARG; /* in-order readers only */
    }
    s->next++;
    return cl_sample(&s->cur, index, x, label);
}

TMLP_TEST(classify_adam_beats_baseline)
{
    tmlp_arrays_t tra;
    tmlp_data_t train, test;
    cl_stream_t stream;
    tmlp_desc_t d = mlp2(2, 8, CL_CLASSES, TMLP_ACT_TANH, TMLP_ACT_SOFTMAX);
    tmlp_optim_t o = make_opt(TMLP_OPT_ADAM, 0.01f, 0.0f);
    tmlp_train_cfg_t cfg;
    tmlp_train_result_t res;
    tmlp_rng_t rng;
    uint32_t counts[CL_CLASSES], i, label = 0, correct = 0;
    float x[2], majority = 0.0f, uniform = 0.0f, acc = 0.0f, y[CL_CLASSES];
    CHECK_OK(tmlp_rng_seed(&rng, 2024));
    for (i = 0; i < CL_TRAIN; i++) {
        CHECK_OK(cl_sample(&rng, i, cl_train_x[i], &label));
        cl_train_y[i] = (uint8_t)label;
    }
    label_u8_data(&train, &tra, &cl_train_x[0][0], 2, cl_train_y, CL_TRAIN);
    memset(&stream, 0, sizeof stream);
    stream.start = rng;
    memset(&test, 0, sizeof test);
    test.n = CL_TEST;
    test.targets = TMLP_TARGET_LABEL;
    test.read = cl_stream_read;
    test.ctx = &stream;

    seeded_net(&ex_net, &d, &o, cl_arena, sizeof cl_arena, 1, 0);
    memset(&cfg, 0, sizeof cfg);
    cfg.loss = TMLP_LOSS_CE;
    cfg.batch = 16;
    cfg.shuffle = 1;
    cfg.seed = 5;
    cfg.max_epochs = 12;
    CHECK_OK(tmlp_train(&ex_tr, &ex_net, &train, &cfg, &res));
    CHECK(res.stop == TMLP_STOP_MAX_EPOCHS);
    CHECK(res.epochs == 12u && res.steps == 12u * 10u);

    /* The baseline, known by construction: 4:2:1:1 of 160 -> majority 80. */
    CHECK_OK(tmlp_baseline(&test, CL_CLASSES, x, counts, &majority, &uniform));
    CHECK(counts[0] == 80u && counts[1] == 40u && counts[2] == 20u && counts[3] == 20u);
    CHECK_BITS(majority, 0.5f);
    CHECK_BITS(uniform, 0.25f);

    /* Accuracy by hand: forward + argmax over the test set... */
    rng = stream.start;
    for (i = 0; i < CL_TEST; i++) {
        uint32_t k, arg = 0;
        CHECK_OK(cl_sample(&rng, i, x, &label));
        CHECK_OK(tmlp_net_forward(&ex_net, x, y));
        for (k = 1; k < CL_CLASSES; k++) {
            if (y[k] > y[arg]) {
                arg = k;
            }
        }
        correct += arg == label;
    }
    /* ...agrees with tmlp_evaluate. */
    CHECK_OK(tmlp_evaluate(&ex_net, &test, TMLP_LOSS_CE, NULL, NULL, &acc, NULL));
    CHECK(acc == (float)correct / (float)CL_TEST);
    /* Stated margin: at least 0.3 above always guessing the majority class
     * (measured: 0.906, i.e. +0.406), and so far above uniform guessing. */
    CHECK(acc >= majority + 0.3f);
    CHECK(acc > uniform + 0.5f);
}

/* See suites.h. */
void suite_examples(void)
{
    RUN(linreg_batch_gd_matches_least_squares);
    RUN(linreg_too_large_lr_stops_with_numeric_error);
    RUN(gd_basics_quartic_starts);
    RUN(gd_basics_too_large_lr_diverges_then_refused);
    RUN(classify_adam_beats_baseline);
}
