/* SPDX-License-Identifier: MIT */
/* Worked examples of gradient descent, back-propagation and the losses,
 * computed by hand, run through the library. Two kinds of comparison appear below:
 * - CHECK_BITS against the same float operations written out in the test:
 *   the library must compute exactly what the formula says, in the order
 *   the header documents (built with -ffp-contract=off, so no fused
 *   multiply-add on either side);
 * - CHECK_ULPS / CHECK_NEAR against the notes' decimal numbers, which hold
 *   in float only up to rounding (e.g. 1 - 0.01f * 20 is not exactly 0.8f).
 * Each check says which one it is. */
#include "fixtures.h"
#include "suites.h"
#include "tinymlp.h"
#include "tmlp_test.h"

#include <math.h>
#include <string.h>

/* One handle and one arena for every net below (the Cortex-M0 has 16 KB of
 * RAM for all the suites); the arena fits the largest, worked_softmax_ce_delta's. */
static tmlp_net_t net;
static float arena[TMLP_ARENA_BYTES(3, 4, 4, 4, TMLP_DENSE_PARAMS(3, 4), TMLP_DENSE_PARAMS(3, 4), 4, 0, TMLP_BUILD_TRAIN) / sizeof(float)];

/* ---- f(x, y) = x y stepped UP its gradient (ascent) ---------- */

/* x += 0.2 df/dx, y += 0.2 df/dy with df/dx = y, df/dy = x, as torch's
 * maximize: the library negates g and subtracts lr g, which is the same
 * float result as adding lr g (negation is exact). */
TMLP_TEST(worked_xy_gradient_ascent)
{
    static const float want_x[3] = {3.4f, 2.96f, 2.656f};
    static const float want_y[3] = {-2.2f, -1.52f, -0.928f};
    /* f at the first two points, from the note (-4.4992; it prints -4.49). */
    static const float want_f[2] = {-7.48f, -4.4992f};
    tmlp_optim_t o = make_opt(TMLP_OPT_SGD, 0.2f, 0.0f);
    float w[2] = {4.0f, -3.0f};
    float ex = 4.0f, ey = -3.0f, f0 = 4.0f * -3.0f, f;
    uint32_t step = 0;
    int k;
    o.maximize = 1;
    for (k = 0; k < 3; k++) {
        float g[2];
        float nx, ny;
        g[0] = w[1];
        g[1] = w[0];
        CHECK_OK(tmlp_optim_step(&o, w, g, NULL, 2, &step));
        /* Same float operations (bit exact). */
        nx = ex + 0.2f * ey;
        ny = ey + 0.2f * ex;
        ex = nx;
        ey = ny;
        CHECK_BITS(w[0], ex);
        CHECK_BITS(w[1], ey);
        /* The note's decimals, within 2 ulps (measured: at most 1; the
         * rounding error could grow with each step, and y3 = -1.52 + 0.592
         * could lose bits to cancellation). */
        CHECK_ULPS(w[0], want_x[k], 2u);
        CHECK_ULPS(w[1], want_y[k], 2u);
        f = w[0] * w[1];
        CHECK(f > f0); /* ascent: f rises at every step */
        f0 = f;
        if (k < 2) {
            CHECK_ULPS(f, want_f[k], 2u);
        }
    }
    CHECK(step == 3u);
}

/* ---- f = (x + y) z at x = -2, y = 5, z = -4 ------------------- */

/* The library is an MLP: it exposes gradients with respect to parameters,
 * never with respect to inputs, and has no general graph. So the roles are
 * swapped: the variables are put in the *weights* and the fixed
 * coefficients in the *input*:
 *   net A (2 inputs, 1 identity unit): weights (x, y), bias 0, input (1, 1)
 *          -> q = x + y = 3, computed by the library's dense forward;
 *   net B (1 input, 1 identity unit): weight z, bias 0, input q
 *          -> f = q z = -12, computed by the library.
 * Back-propagation: HALF_SSE's dL/dy = y - t, so the target t = y - u
 * injects the upstream gradient u. Net B gets u = 1 (df/df) and its weight
 * gradient is df/dz = q = 3; net A gets u = df/dq = z = -4 (the chain rule's
 * upstream value, taken from net B's weight) and its weight gradients are
 * df/dx = df/dy = -4. Gradients are read through one plain SGD step with
 * lr 1 (new = old - g: exact for these small integers).
 * Exercised: dense forward (sum and product), the loss delta, the weight
 * gradient (outer product). Not exercised: gradients with respect to a
 * net's input (not in the API) and the chain through one net (the two
 * nets are linked by hand). */
static float grad_of_identity_net(const float *w, size_t n_in, const float *x, float upstream,
                                  float *out, float *grads)
{
    tmlp_desc_t d = mlp1((uint16_t)n_in, 1, TMLP_ACT_IDENTITY);
    tmlp_optim_t o = make_opt(TMLP_OPT_SGD, 1.0f, 0.0f);
    tmlp_target_t t;
    float params[3], tv, y = 0.0f, loss = -1.0f;
    const float *p = NULL;
    size_t n = 0, i;
    CHECK_OK(tmlp_net_init(&net, &d, &(tmlp_opts_t){.optim = &o}, arena, sizeof arena, NULL));
    for (i = 0; i < n_in; i++) {
        params[i] = w[i];
    }
    params[n_in] = 0.0f;
    CHECK_OK(tmlp_net_set_params(&net, params, n_in + 1u));
    CHECK_OK(tmlp_net_forward(&net, x, &y));
    *out = y;
    tv = y - upstream;
    t.values = &tv;
    t.label = 0;
    CHECK_OK(tmlp_net_backward(&net, TMLP_LOSS_HALF_SSE, &t, &loss));
    CHECK_BITS(loss, 0.5f * (upstream * upstream));
    CHECK_OK(tmlp_net_step(&net));
    CHECK_OK(tmlp_net_params(&net, &p, &n));
    CHECK(n == n_in + 1u);
    for (i = 0; i <= n_in && i < n; i++) {
        grads[i] = params[i] - p[i];
    }
    return y;
}

TMLP_TEST(worked_graph_x_plus_y_times_z)
{
    const float x = -2.0f, y = 5.0f, z = -4.0f;
    const float ones[2] = {1.0f, 1.0f};
    float wa[2], wb[1], in_b[1], q = 0.0f, f = 0.0f, ga[3] = {0}, gb[2] = {0};
    wa[0] = x;
    wa[1] = y;
    (void)grad_of_identity_net(wa, 2, ones, 0.0f, &q, ga); /* forward value only */
    CHECK_BITS(q, 3.0f);
    wb[0] = z;
    in_b[0] = q;
    (void)grad_of_identity_net(wb, 1, in_b, 1.0f, &f, gb);
    CHECK_BITS(f, -12.0f);
    CHECK_BITS(gb[0], 3.0f); /* df/dz = q */
    CHECK_BITS(gb[1], 1.0f); /* bias gradient = df/df */
    /* Upstream gradient of q is df/dq = z: net B's weight. */
    (void)grad_of_identity_net(wa, 2, ones, wb[0], &q, ga);
    CHECK_BITS(ga[0], -4.0f); /* df/dx */
    CHECK_BITS(ga[1], -4.0f); /* df/dy */
    CHECK_BITS(ga[2], -4.0f); /* df/dq (bias of net A) */
}

/* ---- one GD step on J(w, b) ----------------------------------- */

TMLP_TEST(worked_gd_step_w_b)
{
    tmlp_optim_t o = make_opt(TMLP_OPT_SGD, 0.01f, 0.0f);
    float wb[2] = {1.0f, 1.0f};
    const float g[2] = {20.0f, 4.0f};
    uint32_t step = 0;
    CHECK_OK(tmlp_optim_step(&o, wb, g, NULL, 2, &step));
    /* Same float operations (bit exact). */
    CHECK_BITS(wb[0], 1.0f - 0.01f * 20.0f);
    CHECK_BITS(wb[1], 1.0f - 0.01f * 4.0f);
    /* The note's w = 0.8, b = 0.96 (within 1 ulp). */
    CHECK_ULPS(wb[0], 0.8f, 1u);
    CHECK_ULPS(wb[1], 0.96f, 1u);
    CHECK(step == 1u);
}

/* ---- a 3-4-2 MLP has 20 weights + 6 biases ------------------- */

TMLP_TEST(worked_3_4_2_has_26_parameters)
{
    tmlp_desc_t d = mlp2(3, 4, 2, TMLP_ACT_SIGMOID, TMLP_ACT_SIGMOID);
    size_t n_in = 0, n_out = 0, n_params = 0, bytes = 0;
    CHECK(TMLP_DENSE_PARAMS(3, 4) + TMLP_DENSE_PARAMS(4, 2) == 26u);
    CHECK(TMLP_MLP2_PARAMS(3, 4, 2) == 26u);
    CHECK(TMLP_DENSE_PARAMS(3, 4) == 3u * 4u + 4u); /* 12 weights + 4 biases */
    CHECK(TMLP_DENSE_PARAMS(4, 2) == 4u * 2u + 2u); /* 8 weights + 2 biases */
    CHECK_OK(tmlp_arena_size(&d, NULL, &bytes));
    CHECK(bytes == TMLP_MLP2_BYTES(3, 4, 2, 0, 0));
    CHECK_OK(tmlp_net_init(&net, &d, NULL, arena, bytes, NULL));
    CHECK_OK(tmlp_net_shape(&net, &n_in, &n_out, &n_params));
    CHECK(n_in == 3u);
    CHECK(n_out == 2u);
    CHECK(n_params == 26u);
}

/* ---- softmax + cross-entropy, dL/dz = yhat - e(l) ------------- */

TMLP_TEST(worked_softmax_ce_delta)
{
    enum { NI = 3, NO = 4 };
    static const float w0[TMLP_DENSE_PARAMS(NI, NO)] = {
        0.5f, -1.0f, 0.25f,  1.5f, 0.0f, -0.75f, -0.5f, 2.0f,
        1.0f, 0.125f, -0.25f, 0.0f, 0.0f, 0.0f,   0.0f,  0.0f}; /* biases 0 */
    const float x[NI] = {1.0f, -0.5f, 2.0f};
    tmlp_desc_t d = mlp1(NI, NO, TMLP_ACT_SOFTMAX);
    tmlp_optim_t o = make_opt(TMLP_OPT_SGD, 1.0f, 0.0f);
    tmlp_target_t t;
    float yhat[NO], sum = 0.0f;
    const float *p = NULL;
    size_t n = 0, k, i;
    const uint32_t label = 2;
    CHECK_OK(tmlp_net_init(&net, &d, &(tmlp_opts_t){.optim = &o}, arena, sizeof arena, NULL));
    CHECK_OK(tmlp_net_set_params(&net, w0, TMLP_DENSE_PARAMS(NI, NO)));
    CHECK_OK(tmlp_net_forward(&net, x, yhat));
    for (k = 0; k < NO; k++) {
        CHECK(yhat[k] > 0.0f && yhat[k] < 1.0f);
        sum += yhat[k];
    }
    CHECK_NEAR(sum, 1.0f, 4e-7f);
    t.values = NULL;
    t.label = label;
    CHECK_OK(tmlp_net_backward(&net, TMLP_LOSS_CE, &t, NULL));
    /* Batch of 1, plain SGD with lr 1: new = old - 1 * (g * 1) exactly. The
     * biases start at 0, so the new bias is exactly -delta. */
    CHECK_OK(tmlp_net_step(&net));
    CHECK_OK(tmlp_net_params(&net, &p, &n));
    CHECK(n == TMLP_DENSE_PARAMS(NI, NO));
    if (n != TMLP_DENSE_PARAMS(NI, NO)) {
        return;
    }
    for (k = 0; k < NO; k++) {
        float delta = yhat[k] - (k == label ? 1.0f : 0.0f);
        /* bias gradient = delta = yhat - e(l), bit exact */
        CHECK_BITS(-p[NI * NO + k], delta);
        for (i = 0; i < NI; i++) {
            /* weight gradient = delta x_i: same float ops */
            CHECK_BITS(p[k * NI + i], w0[k * NI + i] - delta * x[i]);
        }
    }
}

/* ---- CE of yhat = [0.8, 0.2], label 0, is -log 0.8 ------------ */

TMLP_TEST(worked_ce_of_0_8)
{
    tmlp_desc_t d = mlp1(1, 2, TMLP_ACT_SOFTMAX);
    tmlp_optim_t o = make_opt(TMLP_OPT_SGD, 0.1f, 0.0f);
    tmlp_target_t t;
    float params[TMLP_DENSE_PARAMS(1, 2)];
    const float x[1] = {1.0f};
    float y[2], loss = 0.0f, loss_b = 0.0f;
    CHECK_OK(tmlp_net_init(&net, &d, &(tmlp_opts_t){.optim = &o}, arena, sizeof arena, NULL));
    /* Weights 0, biases (the logits) log 0.8 and log 0.2 from the host libm. */
    params[0] = 0.0f;
    params[1] = 0.0f;
    params[2] = logf(0.8f);
    params[3] = logf(0.2f);
    CHECK_OK(tmlp_net_set_params(&net, params, 4));
    CHECK_OK(tmlp_net_forward(&net, x, y));
    CHECK_ULPS(y[0], 0.8f, 2u);
    CHECK_ULPS(y[1], 0.2f, 2u);
    t.values = NULL;
    t.label = 0;
    CHECK_OK(tmlp_net_loss(&net, TMLP_LOSS_CE, &t, &loss));
    CHECK_ULPS(loss, -logf(0.8f), 2u);
    /* backward reports the same sample loss */
    CHECK_OK(tmlp_net_backward(&net, TMLP_LOSS_CE, &t, &loss_b));
    CHECK_BITS(loss_b, loss);
    /* label 1: -log 0.2 */
    t.label = 1;
    CHECK_OK(tmlp_net_loss(&net, TMLP_LOSS_CE, &t, &loss));
    CHECK_ULPS(loss, -logf(0.2f), 2u);
}

/* ---- minimise x^2 from x = 10 with plain GD ------------------- */

TMLP_TEST(worked_x_squared_from_10)
{
    tmlp_optim_t o = make_opt(TMLP_OPT_SGD, 0.1f, 0.0f);
    float x = 10.0f, ex = 10.0f, ref = 10.0f;
    uint32_t step = 0;
    int k;
    for (k = 1; k <= 40; k++) {
        float g = 2.0f * x;
        CHECK_OK(tmlp_optim_step(&o, &x, &g, NULL, 1, &step));
        ex = ex - 0.1f * (2.0f * ex); /* same float ops: bit exact */
        CHECK_BITS(x, ex);
        /* x_k = 10 * 0.8^k, built by repeated float multiplication; each
         * side may drift by up to ~1/2 ulp per step, so allow k + 1 ulps
         * (measured: 0 on x86-64). */
        ref = ref * 0.8f;
        CHECK_ULPS(x, ref, (uint32_t)k + 1u);
    }
    CHECK(step == 40u);
    CHECK(x > 0.0f && x < 0.01f); /* 10 * 0.8^40 = 0.0013 */
}

/* ---- x^4 - 5x^2 - 3x, a local and a global minimum ------------ */

static float quartic_grad(float x)
{
    return 4.0f * x * x * x - 10.0f * x - 3.0f;
}

static float quartic(float x)
{
    return x * x * x * x - 5.0f * x * x - 3.0f * x;
}

/* Runs `steps` SGD steps (lr 0.01, the given momentum) from x0. */
static float quartic_descent(float x0, float momentum, int steps)
{
    tmlp_optim_t o = make_opt(TMLP_OPT_SGD, 0.01f, 0.0f);
    float x = x0, v = 0.0f;
    uint32_t step = 0;
    int k;
    o.momentum = momentum;
    for (k = 0; k < steps; k++) {
        float g = quartic_grad(x);
        if (!CHECK_OK(tmlp_optim_step(&o, &x, &g, momentum != 0.0f ? &v : NULL, 1, &step))) {
            break;
        }
    }
    return x;
}

TMLP_TEST(worked_quartic_local_vs_global)
{
    /* The minima are the outer roots of 4x^3 - 10x - 3: x = -1.4018
     * (local, f = -4.44) and x = 1.7139 (global, f = -12.0); the local
     * maximum between them is at x = -0.3019. */
    const float x_local = -1.40177f, x_global = 1.71394f;
    float x;
    CHECK(quartic(x_global) < quartic(x_local));
    /* Plain GD ends in the minimum of the basin it starts in. */
    x = quartic_descent(-3.0f, 0.0f, 1000);
    CHECK_NEAR(x, x_local, 1e-4f);
    x = quartic_descent(-0.5f, 0.0f, 1000);
    CHECK_NEAR(x, x_local, 1e-4f);
    x = quartic_descent(-2.5f, 0.0f, 1000);
    CHECK_NEAR(x, x_local, 1e-4f);
    x = quartic_descent(0.0f, 0.0f, 1000);
    CHECK_NEAR(x, x_global, 1e-4f);
    x = quartic_descent(3.0f, 0.0f, 1000);
    CHECK_NEAR(x, x_global, 1e-4f);
    CHECK(absf(quartic_grad(x)) < 1e-3f);
    /* Momentum 0.9 (found by experiment: every start in [-3, -2.25] works)
     * carries x0 = -2.5 over the local maximum into the global minimum,
     * where plain GD (above) stopped in the local one. */
    x = quartic_descent(-2.5f, 0.9f, 1000);
    CHECK_NEAR(x, x_global, 1e-4f);
    /* ... but not every start: from -1 momentum stays local too. */
    x = quartic_descent(-1.0f, 0.9f, 1000);
    CHECK_NEAR(x, x_local, 1e-4f);
}

/* ---- learning rate too small, right, too large ---------------- */

/* 2x^2 + y^2, gradient (4x, 2y), from (1, 1); returns the status of the last
 * step tried and leaves the point in w. */
static tmlp_status_t ellipse_descent(float lr, int steps, float *w, int *monotone_growth)
{
    tmlp_optim_t o = make_opt(TMLP_OPT_SGD, lr, 0.0f);
    uint32_t step = 0;
    int k;
    tmlp_status_t st = TMLP_OK;
    w[0] = 1.0f;
    w[1] = 1.0f;
    *monotone_growth = 1;
    for (k = 0; k < steps; k++) {
        float g[2], before0 = absf(w[0]), before1 = absf(w[1]);
        g[0] = 4.0f * w[0];
        g[1] = 2.0f * w[1];
        st = tmlp_optim_step(&o, w, g, NULL, 2, &step);
        if (st != TMLP_OK) {
            break;
        }
        if (!(absf(w[0]) > before0 && absf(w[1]) > before1)) {
            *monotone_growth = 0;
        }
    }
    return st;
}

TMLP_TEST(worked_learning_rate_small_right_large)
{
    float w[2], last[2];
    int grows = 0;
    /* Too small: after 20 steps x has moved by less than 1%. */
    CHECK_OK(ellipse_descent(1e-4f, 20, w, &grows));
    CHECK(w[0] < 1.0f && w[0] > 0.99f);
    CHECK(w[1] < 1.0f && w[1] > 0.99f);
    /* Right: converges to (0, 0). */
    CHECK_OK(ellipse_descent(0.2f, 100, w, &grows));
    CHECK(absf(w[0]) < 1e-6f && absf(w[1]) < 1e-6f);
    /* Too large (lr > 1: both |1 - 4 lr| and |1 - 2 lr| exceed 1): |x| and
     * |y| grow at every step. */
    CHECK_OK(ellipse_descent(1.1f, 20, w, &grows));
    CHECK(grows);
    CHECK(absf(w[0]) > 1e6f && absf(w[1]) > 1.0f);
    /* ... until the update overflows: TMLP_ERR_NUMERIC, w left as it was. */
    CHECK_ERR(ellipse_descent(1.1f, 1000, w, &grows), TMLP_ERR_NUMERIC);
    CHECK(grows);
    last[0] = w[0];
    last[1] = w[1];
    CHECK(tmlp_test_bits(last[0]) != 0x7f800000u && tmlp_test_bits(last[0]) != 0xff800000u);
    /* How far it gets is not checked here: the library currently refuses a
     * step once the gradient's squared L2 norm overflows (|g| > 1.8e19),
     * before the update itself would; test_errors_optim.c asserts the documented
     * behaviour for that case. */
    CHECK(absf(last[0]) > 1e6f);
}

/* ---- moving-average momentum v = beta v + (1 - beta) g ------- */

TMLP_TEST(worked_ema_momentum)
{
    tmlp_optim_t o = make_opt(TMLP_OPT_SGD, 1.0f, 0.0f);
    const float beta = 0.9f;
    float w = 10.0f, v = 0.0f, ew = 10.0f, ev = 0.0f;
    uint32_t step = 0;
    int k;
    o.kind = TMLP_OPT_EMA;
    o.momentum = beta;
    for (k = 0; k < 30; k++) {
        float g = 2.0f * w; /* x^2 again */
        float eg = 2.0f * ew;
        CHECK_OK(tmlp_optim_step(&o, &w, &g, &v, 1, &step));
        /* The note's formulas, same float ops (bit exact); w -= lr v with
         * lr = 1 is w -= v. */
        ev = beta * ev + (1.0f - beta) * eg;
        ew = ew - 1.0f * ev;
        CHECK_BITS(v, ev);
        CHECK_BITS(w, ew);
        if (k == 0) {
            /* By hand: v1 = 0.1 * 20 = 2, w1 = 8 (decimal; in float
             * 1 - 0.9f is 0.100000024, so v1 is 2 ulps above 2). */
            CHECK_ULPS(v, 2.0f, 4u);
            CHECK_ULPS(w, 8.0f, 4u);
        }
        if (k == 1) {
            /* v2 = 0.9 * 2 + 0.1 * 16 = 3.4, w2 = 4.6 */
            CHECK_ULPS(v, 3.4f, 2u);
            CHECK_ULPS(w, 4.6f, 4u);
        }
    }
    CHECK(step == 30u);
    /* Unlike torch's SGD momentum, the first step is not v = g. */
    {
        tmlp_optim_t s = make_opt(TMLP_OPT_SGD, 1.0f, 0.0f);
        float w1 = 10.0f, v1 = 0.0f, g1 = 20.0f;
        uint32_t st1 = 0;
        s.momentum = beta;
        CHECK_OK(tmlp_optim_step(&s, &w1, &g1, &v1, 1, &st1));
        CHECK_BITS(v1, 20.0f);
        CHECK_BITS(w1, -10.0f);
    }
}

/* See suites.h. */
void suite_worked_examples(void)
{
    RUN(worked_xy_gradient_ascent);
    RUN(worked_graph_x_plus_y_times_z);
    RUN(worked_gd_step_w_b);
    RUN(worked_3_4_2_has_26_parameters);
    RUN(worked_softmax_ce_delta);
    RUN(worked_ce_of_0_8);
    RUN(worked_x_squared_from_10);
    RUN(worked_quartic_local_vs_global);
    RUN(worked_learning_rate_small_right_large);
    RUN(worked_ema_momentum);
}
