/* SPDX-License-Identifier: MIT */
/* Every optimizer against steps computed here by hand. Each expected value
 * is written out with the float operations of the formula the header
 * documents (torch.optim's), so the library must match bit for bit; where
 * the decimal result is simple it is checked too, within a few ulps. */
#include <math.h>
#include <string.h>

#include "fixtures.h"
#include "suites.h"
#include "tinymlp.h"
#include "tmlp_test.h"

/* Gradients used by the multi-step tests: they vary, so velocity matters. */
static const float G[3][2] = {{1.0f, -2.0f}, {0.5f, 0.25f}, {-1.5f, 3.0f}};

TMLP_TEST(sgd_plain_and_decimal)
{
    tmlp_optim_t o = make_opt(TMLP_OPT_SGD, 0.1f, 0.0f);
    float w[2] = {1.0f, -1.0f};
    uint32_t t = 0;
    int s;
    float e0 = 1.0f, e1 = -1.0f;
    for (s = 0; s < 3; s++) {
        CHECK_OK(tmlp_optim_step(&o, w, G[s], NULL, 2, &t));
        e0 = e0 - 0.1f * G[s][0];
        e1 = e1 - 0.1f * G[s][1];
        CHECK_BITS(w[0], e0);
        CHECK_BITS(w[1], e1);
    }
    CHECK(t == 3u);
    CHECK_ULPS(w[0], 1.0f - 0.1f + -0.05f + 0.15f, 2); /* 1.0 */
    CHECK_ULPS(w[1], -1.0f + 0.2f - 0.025f - 0.3f, 2); /* -1.125 */
}

TMLP_TEST(sgd_momentum_first_step_is_gradient)
{
    /* torch: v1 = g1 (not (1 - dampening) g1), then v = mu v + (1-d) g. */
    tmlp_optim_t o = make_opt(TMLP_OPT_SGD, 0.1f, 0.0f);
    float w[2] = {1.0f, -1.0f}, st[2] = {0.0f, 0.0f};
    float ew[2] = {1.0f, -1.0f}, ev[2] = {0.0f, 0.0f};
    uint32_t t = 0;
    int s, k;
    o.momentum = 0.9f;
    o.dampening = 0.5f;
    for (s = 0; s < 3; s++) {
        CHECK_OK(tmlp_optim_step(&o, w, G[s], st, 2, &t));
        for (k = 0; k < 2; k++) {
            ev[k] = s == 0 ? G[s][k] : 0.9f * ev[k] + (1.0f - 0.5f) * G[s][k];
            ew[k] = ew[k] - 0.1f * ev[k];
            CHECK_BITS(st[k], ev[k]);
            CHECK_BITS(w[k], ew[k]);
        }
    }
    /* Decimal, component 0: v = 1, 0.9 + 0.25 = 1.15, 1.035 - 0.75 = 0.285;
     * w = 0.9, 0.785, 0.7565. */
    CHECK_ULPS(w[0], 0.7565f, 4);
}

TMLP_TEST(sgd_momentum_constant_gradient_decimal)
{
    /* mu 0.9, lr 0.1, g = 1: v = 1, 1.9, 2.71; w = 0.9, 0.71, 0.439. */
    tmlp_optim_t o = make_opt(TMLP_OPT_SGD, 0.1f, 0.0f);
    float w = 1.0f, g = 1.0f, v = 0.0f;
    uint32_t t = 0;
    o.momentum = 0.9f;
    CHECK_OK(tmlp_optim_step(&o, &w, &g, &v, 1, &t));
    CHECK_ULPS(w, 0.9f, 1);
    CHECK_OK(tmlp_optim_step(&o, &w, &g, &v, 1, &t));
    CHECK_ULPS(w, 0.71f, 2);
    CHECK_ULPS(v, 1.9f, 1);
    CHECK_OK(tmlp_optim_step(&o, &w, &g, &v, 1, &t));
    CHECK_ULPS(w, 0.439f, 4);
    CHECK_ULPS(v, 2.71f, 2);
}

/* A vector long enough for the 8-wide paths (and a tail of 3): every
 * element against the scalar formula, bit for bit, over three steps. */
TMLP_TEST(sgd_momentum_long_vector_bit_exact)
{
    tmlp_optim_t o = make_opt(TMLP_OPT_SGD, 0.05f, 0.0f);
    float w[19], g[19], v[19], ew[19], ev[19];
    uint32_t t = 0;
    int s, k;
    o.momentum = 0.9f;
    o.dampening = 0.25f;
    for (k = 0; k < 19; k++) {
        w[k] = ew[k] = 0.1f * (float)(k - 9);
        v[k] = ev[k] = 0.0f;
    }
    for (s = 0; s < 3; s++) {
        for (k = 0; k < 19; k++) {
            g[k] = (float)((k * 7 + s * 3) % 11) * 0.125f - 0.5f;
        }
        CHECK_OK(tmlp_optim_step(&o, w, g, v, 19, &t));
        for (k = 0; k < 19; k++) {
            ev[k] = s == 0 ? g[k] : 0.9f * ev[k] + (1.0f - 0.25f) * g[k];
            ew[k] = ew[k] - 0.05f * ev[k];
            CHECK_BITS(v[k], ev[k]);
            CHECK_BITS(w[k], ew[k]);
        }
    }
}

/* Zero gradients of either sign, on a vector long enough for the 8-wide
 * paths (and a tail of 3), with and without momentum (no dampening: the
 * Cortex-M assembly path): the step uses the gradient exactly as given, so
 * -0 stays -0 in the momentum and -0 - lr (-0) = +0 in the weights, bit for
 * bit as the scalar formula. A step that added the gradient to +0 first (as
 * the fused batch-1 step must, for a gradient it accumulates itself) would
 * flip those signs. */
TMLP_TEST(sgd_signed_zero_gradients_bit_exact)
{
    tmlp_optim_t o = make_opt(TMLP_OPT_SGD, 0.05f, 0.0f);
    float w[19], g[19], v[19], ew[19], ev[19];
    uint32_t t;
    int s, k, mom;
    for (mom = 0; mom < 2; mom++) {
        o.momentum = mom ? 0.9f : 0.0f;
        t = 0;
        for (k = 0; k < 19; k++) {
            w[k] = ew[k] = k % 3 == 0 ? -0.0f : 0.1f * (float)(k - 9);
            v[k] = ev[k] = 0.0f;
        }
        for (s = 0; s < 3; s++) {
            for (k = 0; k < 19; k++) {
                g[k] = k % 2 == 0 ? -0.0f : (float)((k * 5 + s) % 7) * 0.25f - 0.75f;
            }
            CHECK_OK(tmlp_optim_step(&o, w, g, mom ? v : NULL, 19, &t));
            for (k = 0; k < 19; k++) {
                if (mom) {
                    ev[k] = s == 0 ? g[k] : 0.9f * ev[k] + 1.0f * g[k];
                    ew[k] = ew[k] - 0.05f * ev[k];
                    CHECK_BITS(v[k], ev[k]);
                } else {
                    ew[k] = ew[k] - 0.05f * g[k];
                }
                CHECK_BITS(w[k], ew[k]);
            }
        }
    }
}

TMLP_TEST(sgd_nesterov_weight_decay_maximize)
{
    tmlp_optim_t o = make_opt(TMLP_OPT_SGD, 0.05f, 0.0f);
    float w[2] = {2.0f, -0.5f}, st[2] = {0.0f, 0.0f};
    float ew[2] = {2.0f, -0.5f}, ev[2] = {0.0f, 0.0f}, g;
    uint32_t t = 0;
    int s, k, variant;
    for (variant = 0; variant < 2; variant++) {
        o.momentum = 0.8f;
        o.nesterov = 1;
        o.weight_decay = 0.1f;
        o.maximize = (uint8_t)variant;
        for (s = 0; s < 3; s++) {
            CHECK_OK(tmlp_optim_step(&o, w, G[s], st, 2, &t));
            for (k = 0; k < 2; k++) {
                /* torch order: negate (maximize), add wd * w, momentum,
                 * nesterov g + mu v. */
                g = variant ? -G[s][k] : G[s][k];
                g = g + 0.1f * ew[k];
                ev[k] = (s == 0 && variant == 0) ? g : 0.8f * ev[k] + (1.0f - 0.0f) * g;
                ew[k] = ew[k] - 0.05f * (g + 0.8f * ev[k]);
                CHECK_BITS(st[k], ev[k]);
                CHECK_BITS(w[k], ew[k]);
            }
        }
    }
    CHECK(t == 6u);
}

TMLP_TEST(ema_is_the_seeds_moving_average)
{
    /* Moving-average momentum: v = beta v + (1 - beta) grad; w -= v (lr = 1), v0 = 0. */
    tmlp_optim_t o = make_opt(TMLP_OPT_EMA, 1.0f, 0.0f);
    float w[2] = {1.0f, 3.0f}, v[2] = {0.0f, 0.0f}, ew[2] = {1.0f, 3.0f}, evv[2] = {0, 0};
    uint32_t t = 0;
    int s, k;
    o.momentum = 0.9f;
    for (s = 0; s < 3; s++) {
        CHECK_OK(tmlp_optim_step(&o, w, G[s], v, 2, &t));
        for (k = 0; k < 2; k++) {
            evv[k] = 0.9f * evv[k] + (1.0f - 0.9f) * G[s][k];
            ew[k] = ew[k] - 1.0f * evv[k];
            CHECK_BITS(w[k], ew[k]);
        }
    }
    /* Decimal, component 0: v = 0.1, 0.14, -0.024; w = 0.9, 0.76, 0.784. */
    CHECK_ULPS(w[0], 0.784f, 8);
}

/* Correctly rounded float square root: a double square root rounded to
 * float never double-rounds wrongly (53 >= 2 * 24 + 2). */
static float sqrt_ref(float x)
{
    return (float)sqrt((double)x);
}

static float powi(float b, int n)
{
    float r = 1.0f;
    while (n-- > 0) {
        r *= b;
    }
    return r;
}

TMLP_TEST(adam_and_adamw_bias_corrected)
{
    int variant, s, k;
    for (variant = 0; variant < 2; variant++) {
        tmlp_optim_t o = make_opt(TMLP_OPT_ADAM, 0.01f, 0.0f);
        float w[2] = {0.5f, -0.5f}, st[4] = {0, 0, 0, 0};
        float ew[2] = {0.5f, -0.5f}, m[2] = {0, 0}, v[2] = {0, 0};
        uint32_t t = 0;
        o.weight_decay = 0.1f;
        o.decoupled_wd = (uint8_t)variant;
        for (s = 0; s < 3; s++) {
            CHECK_OK(tmlp_optim_step(&o, w, G[s], st, 2, &t));
            for (k = 0; k < 2; k++) {
                float g = G[s][k], bc1, bc2, ref_sqrt;
                if (variant) {
                    ew[k] = ew[k] * (1.0f - 0.01f * 0.1f);
                } else {
                    g = g + 0.1f * ew[k];
                }
                m[k] = 0.9f * m[k] + (1.0f - 0.9f) * g;
                v[k] = 0.999f * v[k] + (1.0f - 0.999f) * (g * g);
                bc1 = 1.0f - powi(0.9f, s + 1);
                bc2 = 1.0f - powi(0.999f, s + 1);
                /* sqrt is correctly rounded in the library: the host's
                 * sqrtf is too (IEEE 754 requires it). */
                ref_sqrt = (float)sqrt_ref(bc2);
                ew[k] = ew[k] - (0.01f / bc1) * (m[k] / ((float)sqrt_ref(v[k]) / ref_sqrt + 1e-8f));
                CHECK_BITS(w[k], ew[k]);
                CHECK_BITS(st[k], m[k]);
                CHECK_BITS(st[2 + k], v[k]);
            }
        }
    }
}

TMLP_TEST(adam_first_step_moves_by_lr)
{
    /* Bias correction makes Adam's first step lr * sign(g) (up to eps). */
    tmlp_optim_t o = make_opt(TMLP_OPT_ADAM, 0.001f, 0.0f);
    float w = 1.0f, g = 123.0f, st[2] = {0, 0};
    uint32_t t = 0;
    CHECK_OK(tmlp_optim_step(&o, &w, &g, st, 1, &t));
    CHECK_NEAR(w, 0.999f, 2e-7f);
}

TMLP_TEST(rmsprop_with_and_without_momentum)
{
    int variant, s, k;
    for (variant = 0; variant < 2; variant++) {
        tmlp_optim_t o = make_opt(TMLP_OPT_RMSPROP, 0.01f, 0.0f);
        float w[2] = {0.5f, -0.5f}, st[4] = {0, 0, 0, 0};
        float ew[2] = {0.5f, -0.5f}, sq[2] = {0, 0}, buf[2] = {0, 0};
        uint32_t t = 0;
        o.momentum = variant ? 0.9f : 0.0f;
        for (s = 0; s < 3; s++) {
            CHECK_OK(tmlp_optim_step(&o, w, G[s], st, 2, &t));
            for (k = 0; k < 2; k++) {
                float g = G[s][k], avg;
                sq[k] = 0.99f * sq[k] + (1.0f - 0.99f) * (g * g);
                avg = (float)sqrt_ref(sq[k]) + 1e-8f;
                if (variant) {
                    buf[k] = 0.9f * buf[k] + g / avg;
                    ew[k] = ew[k] - 0.01f * buf[k];
                    CHECK_BITS(st[2 + k], buf[k]);
                } else {
                    ew[k] = ew[k] - 0.01f * (g / avg);
                }
                CHECK_BITS(w[k], ew[k]);
                CHECK_BITS(st[k], sq[k]);
            }
        }
    }
}

TMLP_TEST(clipping_by_global_norm)
{
    /* g = (3, 4), norm 5, clip to 1: g' = g * 1/(5 + 1e-6). */
    tmlp_optim_t o = make_opt(TMLP_OPT_SGD, 1.0f, 0.0f);
    float w[2] = {0.0f, 0.0f}, g[2] = {3.0f, 4.0f}, c = 1.0f / (5.0f + 1e-6f);
    uint32_t t = 0;
    o.clip_norm = 1.0f;
    CHECK_OK(tmlp_optim_step(&o, w, g, NULL, 2, &t));
    CHECK_BITS(w[0], 0.0f - 1.0f * ((3.0f * 1.0f) * c));
    CHECK_ULPS(w[1], -0.8f, 4);
    /* Below the limit: unchanged gradient. */
    o.clip_norm = 10.0f;
    w[0] = 0.0f;
    CHECK_OK(tmlp_optim_step(&o, w, g, NULL, 2, &t));
    CHECK_BITS(w[0], -3.0f);
}

TMLP_TEST(net_step_uses_mean_gradient)
{
    /* Two samples through a 1-1 identity net with half squared error:
     * dL/dw = (w x + b - y) x, dL/db = w x + b - y. Batch of 2, lr 0.5. */
    static float arena[TMLP_ARENA_BYTES(1, 1, 1, 1, 2, 2, 1, 0, TMLP_BUILD_TRAIN) / sizeof(float)];
    tmlp_desc_t d = mlp1(1, 1, TMLP_ACT_IDENTITY);
    tmlp_net_t net;
    tmlp_optim_t o = make_opt(TMLP_OPT_SGD, 0.5f, 0.0f);
    const float p[2] = {2.0f, 1.0f}, x1 = 1.0f, x2 = 3.0f, y1 = 0.0f, y2 = 10.0f;
    tmlp_target_t t1, t2;
    const float *q;
    size_t n;
    float e1, e2, gw, gb;
    t1.values = &y1;
    t2.values = &y2;
    CHECK_OK(tmlp_net_init(&net, &d, &(tmlp_opts_t){.optim = &o}, arena, sizeof arena, NULL));
    CHECK_OK(tmlp_net_set_params(&net, p, 2));
    CHECK_OK(tmlp_net_forward(&net, &x1, NULL));
    CHECK_OK(tmlp_net_backward(&net, TMLP_LOSS_HALF_SSE, &t1, NULL));
    CHECK_OK(tmlp_net_forward(&net, &x2, NULL));
    CHECK_OK(tmlp_net_backward(&net, TMLP_LOSS_HALF_SSE, &t2, NULL));
    CHECK_OK(tmlp_net_step(&net));
    e1 = 2.0f * 1.0f + 1.0f - 0.0f; /* 3 */
    e2 = 2.0f * 3.0f + 1.0f - 10.0f; /* -3 */
    gw = (e1 * 1.0f + e2 * 3.0f) * (1.0f / 2.0f); /* -3 */
    gb = (e1 + e2) * (1.0f / 2.0f);               /* 0 */
    CHECK_OK(tmlp_net_params(&net, &q, &n));
    CHECK_BITS(q[0], 2.0f - 0.5f * gw);
    CHECK_BITS(q[1], 1.0f - 0.5f * gb);
    CHECK_BITS(q[0], 3.5f);
}

/* A step whose gradient norm would overflow is refused, whether or not the
 * norm is computed (tmlp_optim_step never keeps it): every element of
 * 3e38 gives a norm of 6e38; with 1e38 the bound from the largest element
 * (2 sqrt(4) 1e38 = 4e38) cannot prove it finite, the norm is computed, 2e38,
 * and the step goes on; with 1e37 the bound proves it. */
TMLP_TEST(step_refuses_an_overflowing_norm_without_keeping_it)
{
    tmlp_optim_t o = make_opt(TMLP_OPT_SGD, 1e-30f, 0.0f);
    float w[4] = {1.0f, 2.0f, 3.0f, 4.0f}, g[4];
    uint32_t step = 0, k;
    for (k = 0; k < 4u; k++) {
        g[k] = 3e38f;
    }
    CHECK_ERR(tmlp_optim_step(&o, w, g, NULL, 4, &step), TMLP_ERR_NUMERIC);
    CHECK(w[0] == 1.0f && w[3] == 4.0f && step == 0u);
    for (k = 0; k < 4u; k++) {
        g[k] = 1e38f;
    }
    CHECK_OK(tmlp_optim_step(&o, w, g, NULL, 4, &step));
    CHECK_BITS(w[0], 1.0f - 1e-30f * 1e38f);
    for (k = 0; k < 4u; k++) {
        g[k] = 1e37f;
    }
    CHECK_OK(tmlp_optim_step(&o, w, g, NULL, 4, &step));
    CHECK(step == 2u);
    /* A non-finite element: refused as before. */
    g[2] = pinf();
    CHECK_ERR(tmlp_optim_step(&o, w, g, NULL, 4, &step), TMLP_ERR_NUMERIC);
    g[2] = qnan();
    CHECK_ERR(tmlp_optim_step(&o, w, g, NULL, 4, &step), TMLP_ERR_NUMERIC);
    /* Momentum and EMA take the same rule. */
    o = make_opt(TMLP_OPT_EMA, 1e-30f, 0.5f);
    {
        float st[4] = {0.0f, 0.0f, 0.0f, 0.0f};
        for (k = 0; k < 4u; k++) {
            g[k] = 3e38f;
        }
        CHECK_ERR(tmlp_optim_step(&o, w, g, st, 4, &step), TMLP_ERR_NUMERIC);
    }
}

void suite_optim(void)
{
    RUN(step_refuses_an_overflowing_norm_without_keeping_it);
    RUN(sgd_plain_and_decimal);
    RUN(sgd_momentum_first_step_is_gradient);
    RUN(sgd_momentum_constant_gradient_decimal);
    RUN(sgd_momentum_long_vector_bit_exact);
    RUN(sgd_signed_zero_gradients_bit_exact);
    RUN(sgd_nesterov_weight_decay_maximize);
    RUN(ema_is_the_seeds_moving_average);
    RUN(adam_and_adamw_bias_corrected);
    RUN(adam_first_step_moves_by_lr);
    RUN(rmsprop_with_and_without_momentum);
    RUN(clipping_by_global_norm);
    RUN(net_step_uses_mean_gradient);
}
