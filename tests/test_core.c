/* SPDX-License-Identifier: MIT */
/* Arena sizes, forward pass, initialisers, random numbers, checksums. */
#include <stdio.h>
#include <string.h>

#include "fixtures.h"
#include "suites.h"
#include "tinymlp.h"
#include "tmlp_internal.h"
#include "tmlp_test.h"

/* tmlp_arena_size for the choices `build` (TMLP_BUILD_* bits but SCALE,
 * which is the desc's) with optimizer opt when training. */
static size_t run_size(const tmlp_desc_t *d, unsigned build, const tmlp_optim_t *opt)
{
    static const float some_params[1] = {0.0f}; /* only its address counts */
    tmlp_opts_t o;
    size_t n = 0;
    memset(&o, 0, sizeof o);
    o.optim = (build & TMLP_BUILD_TRAIN) ? opt : NULL;
    o.params = (build & TMLP_BUILD_BORROW) ? some_params : NULL;
    o.no_grad_buffer = (build & TMLP_BUILD_NO_GRAD) ? 1u : 0u;
    CHECK_OK(tmlp_arena_size(d, &o, &n));
    return n;
}

/* The shape numbers of the arena macros, counted from a desc. */
static size_t macro_size(const tmlp_desc_t *d, unsigned build, uint32_t slots)
{
    size_t l, in = d->n_in, n_units = 0, max_units = 0, n_params = 0, n_train = 0, max_train = 0;
    for (l = 0; l < d->n_layers; l++) {
        size_t u = d->layer[l].units, p = TMLP_DENSE_PARAMS(in, u);
        n_units += u;
        n_params += p;
        max_units = TMLP_MAX2(max_units, u);
        if (!(d->layer[l].flags & TMLP_LAYER_FROZEN)) {
            n_train += p;
            max_train = TMLP_MAX2(max_train, u);
        }
        in = u;
    }
    if ((build & TMLP_BUILD_TRAIN) && (build & TMLP_BUILD_BORROW) && n_train == n_params) {
        build &= ~TMLP_BUILD_BORROW; /* nothing frozen: training copies every parameter in */
    }
    if (d->flags & TMLP_DESC_INPUT_SCALE) {
        build |= TMLP_BUILD_SCALE;
    }
    return TMLP_ARENA_BYTES(d->n_in, in, n_units, max_units, n_params, n_train, max_train, slots,
                           build);
}

/* Every combination of the choices (inference or training; parameters in
 * the arena or borrowed; gradient buffer or not; input scaling or not;
 * frozen layers or not; every optimizer): the macro and the run-time size
 * agree, and a net builds in exactly that many bytes and not one float less. */
TMLP_TEST(arena_macros_equal_runtime_sizes_for_every_choice)
{
    static float arena[TMLP_MLP3_BYTES(6, 9, 5, 4, 2, TMLP_BUILD_TRAIN | TMLP_BUILD_SCALE) /
                       sizeof(float)];
    static const float params[TMLP_MLP3_PARAMS(6, 9, 5, 4)] = {0.0f};
    static const uint8_t kinds[] = {TMLP_OPT_SGD, TMLP_OPT_SGD, TMLP_OPT_EMA, TMLP_OPT_ADAM,
                                    TMLP_OPT_RMSPROP, TMLP_OPT_RMSPROP};
    static const float moms[] = {0.0f, 0.9f, 0.9f, 0.0f, 0.0f, 0.9f};
    static const uint32_t slots[] = {TMLP_SLOTS_SGD, TMLP_SLOTS_MOMENTUM, TMLP_SLOTS_MOMENTUM,
                                     TMLP_SLOTS_ADAM, TMLP_SLOTS_RMSPROP,
                                     TMLP_SLOTS_RMSPROP_MOMENTUM};
    tmlp_desc_t d = mlp2(6, 9, 5, TMLP_ACT_TANH, TMLP_ACT_RELU);
    unsigned build, frozen, scale, k, tried = 0;
    d.n_layers = 3;
    d.layer[2].units = 4;
    d.layer[2].act = TMLP_ACT_SOFTMAX;
    for (frozen = 0; frozen <= 2; frozen++) {
        for (scale = 0; scale <= 1; scale++) {
            d.layer[0].flags = frozen >= 1u ? TMLP_LAYER_FROZEN : 0u;
            d.layer[1].flags = frozen >= 2u ? TMLP_LAYER_FROZEN : 0u;
            d.flags = scale ? TMLP_DESC_INPUT_SCALE : 0u;
            for (build = 0; build < 8u; build++) {
                for (k = 0; k < sizeof kinds; k++) {
                    tmlp_optim_t o;
                    tmlp_opts_t opts;
                    tmlp_net_t net;
                    size_t want, need = 0;
                    int train = (build & TMLP_BUILD_TRAIN) != 0u;
                    if ((build & TMLP_BUILD_NO_GRAD) && (!train || kinds[k] != TMLP_OPT_SGD)) {
                        continue; /* not a valid combination (tested in test_errors_net.c) */
                    }
                    if (!train && k > 0u) {
                        continue; /* the optimizer does not matter */
                    }
                    memset(&o, 0, sizeof o);
                    o.kind = kinds[k];
                    o.lr = 0.1f;
                    o.momentum = moms[k];
                    want = macro_size(&d, build, train ? slots[k] : 0u);
                    if (!CHECK(run_size(&d, build, &o) == want)) {
                        printf("  (frozen %u, scale %u, build %u, optimizer #%u)\n", frozen, scale,
                               build, k);
                    }
                    memset(&opts, 0, sizeof opts);
                    opts.optim = train ? &o : NULL;
                    opts.params = (build & TMLP_BUILD_BORROW) ? params : NULL;
                    opts.n_params = sizeof params / sizeof params[0];
                    opts.no_grad_buffer = (build & TMLP_BUILD_NO_GRAD) ? 1u : 0u;
                    CHECK(want <= sizeof arena);
                    CHECK_ERR(tmlp_net_init(&net, &d, &opts, arena, want - sizeof(float), &need),
                              TMLP_ERR_NOMEM);
                    CHECK(need == want);
                    CHECK_OK(tmlp_net_init(&net, &d, &opts, arena, want, NULL));
                    tried++;
                }
            }
        }
    }
    CHECK(tried == 3u * 2u * (1u + 1u + 6u + 6u + 2u + 2u));
}

TMLP_TEST(arena_macros_equal_runtime_sizes)
{
    tmlp_optim_t sgd, mom, adam, rms;
    tmlp_desc_t d = mlp2(64, 32, 10, TMLP_ACT_RELU, TMLP_ACT_SOFTMAX);
    tmlp_desc_t d3 = d;
    memset(&sgd, 0, sizeof sgd);
    sgd.lr = 0.1f;
    mom = sgd;
    mom.momentum = 0.9f;
    adam = sgd;
    adam.kind = TMLP_OPT_ADAM;
    rms = mom;
    rms.kind = TMLP_OPT_RMSPROP;

    CHECK(run_size(&d, 0, NULL) == TMLP_MLP2_BYTES(64, 32, 10, 0, 0));
    CHECK(run_size(&d, TMLP_BUILD_BORROW, NULL) == TMLP_MLP2_BYTES(64, 32, 10, 0, TMLP_BUILD_BORROW));
    CHECK(TMLP_MLP2_BYTES(64, 32, 10, 0, TMLP_BUILD_BORROW) ==
          TMLP_ARENA_BYTES_LINE(TMLP_CACHE_LINE, 64, 10, 42, 32, 2410, 2410, 32, 0,
                                TMLP_BUILD_BORROW));
    CHECK(run_size(&d, TMLP_BUILD_TRAIN, &sgd) ==
          TMLP_MLP2_BYTES(64, 32, 10, TMLP_SLOTS_SGD, TMLP_BUILD_TRAIN));
    CHECK(run_size(&d, TMLP_BUILD_TRAIN, &mom) ==
          TMLP_MLP2_BYTES(64, 32, 10, TMLP_SLOTS_MOMENTUM, TMLP_BUILD_TRAIN));
    CHECK(run_size(&d, TMLP_BUILD_TRAIN, &adam) ==
          TMLP_MLP2_BYTES(64, 32, 10, TMLP_SLOTS_ADAM, TMLP_BUILD_TRAIN));
    CHECK(run_size(&d, TMLP_BUILD_TRAIN, &rms) ==
          TMLP_MLP2_BYTES(64, 32, 10, TMLP_SLOTS_RMSPROP_MOMENTUM, TMLP_BUILD_TRAIN));
    /* The worked example of README.md: without a cache line, 64-32-10
     * with momentum is 2410 params x 3 + 64 + 42 + 20 + 64 floats = 7420
     * floats. With 64-byte lines (16 floats) every buffer is rounded up to
     * whole lines: 2416 x 3 + 64 + 48 + 16 + 16 + 64 = 7456, and 15 floats
     * in front, 7471; with 32-byte lines (8 floats) the same buffers come to
     * 7456 floats, and 7 in front, 7463. */
    CHECK(TMLP_ARENA_BYTES_LINE(0, 64, 10, 42, 32, 2410, 2410, 32, TMLP_SLOTS_MOMENTUM,
                                TMLP_BUILD_TRAIN) == 7420u * 4u);
    CHECK(TMLP_ARENA_BYTES_LINE(64, 64, 10, 42, 32, 2410, 2410, 32, TMLP_SLOTS_MOMENTUM,
                                TMLP_BUILD_TRAIN) == 7471u * 4u);
    CHECK(TMLP_ARENA_BYTES_LINE(32, 64, 10, 42, 32, 2410, 2410, 32, TMLP_SLOTS_MOMENTUM,
                                TMLP_BUILD_TRAIN) == 7463u * 4u);
    /* Inference: 2410 + 2 x 32 floats; with lines 2416 + 64, and the lead. */
    CHECK(TMLP_ARENA_BYTES_LINE(0, 64, 10, 42, 32, 2410, 2410, 32, 0, 0) == (2410u + 64u) * 4u);
    CHECK(TMLP_ARENA_BYTES_LINE(64, 64, 10, 42, 32, 2410, 2410, 32, 0, 0) == 2495u * 4u);
    CHECK(TMLP_ARENA_BYTES_LINE(32, 64, 10, 42, 32, 2410, 2410, 32, 0, 0) == 2487u * 4u);
    CHECK(TMLP_ARENA_BYTES_LINE(0, 64, 10, 42, 32, 2410, 2410, 32, 0, TMLP_BUILD_BORROW) ==
          2u * 32u * 4u);
    CHECK(TMLP_ARENA_BYTES_LINE(64, 64, 10, 42, 32, 2410, 2410, 32, 0, TMLP_BUILD_BORROW) ==
          (64u + 15u) * 4u);
    /* This build's macros are the ones for its own line. */
    CHECK(TMLP_MLP2_BYTES(64, 32, 10, TMLP_SLOTS_MOMENTUM, TMLP_BUILD_TRAIN) ==
          TMLP_ARENA_BYTES_LINE(TMLP_CACHE_LINE, 64, 10, 42, 32, 2410, 2410, 32,
                                TMLP_SLOTS_MOMENTUM, TMLP_BUILD_TRAIN));

    /* Output wider than the hidden layer, and three layers. */
    d = mlp2(3, 4, 7, TMLP_ACT_TANH, TMLP_ACT_IDENTITY);
    CHECK(run_size(&d, TMLP_BUILD_TRAIN, &adam) ==
          TMLP_MLP2_BYTES(3, 4, 7, TMLP_SLOTS_ADAM, TMLP_BUILD_TRAIN));
    CHECK(run_size(&d, 0, NULL) == TMLP_MLP2_BYTES(3, 4, 7, 0, 0));
    d3.n_in = 16;
    d3.n_layers = 3;
    d3.layer[0].units = 32;
    d3.layer[1].units = 16;
    d3.layer[1].act = TMLP_ACT_TANH;
    d3.layer[2].units = 4;
    d3.layer[2].act = TMLP_ACT_SOFTMAX;
    CHECK(run_size(&d3, TMLP_BUILD_TRAIN, &mom) ==
          TMLP_MLP3_BYTES(16, 32, 16, 4, TMLP_SLOTS_MOMENTUM, TMLP_BUILD_TRAIN));
    CHECK(run_size(&d3, 0, NULL) == TMLP_MLP3_BYTES(16, 32, 16, 4, 0, 0));
    CHECK(run_size(&d3, TMLP_BUILD_BORROW, NULL) ==
          TMLP_MLP3_BYTES(16, 32, 16, 4, 0, TMLP_BUILD_BORROW));
}

/* 1 if the n bytes at p all equal v. */
static int bytes_are(const unsigned char *p, size_t n, unsigned char v)
{
    size_t i;
    for (i = 0; i < n && p[i] == v; i++) {
    }
    return i == n;
}

/* 1 if p lies in [lo, lo + n) and, with a cache line, starts one. */
static int on_line_within(const float *p, const float *lo, size_t n)
{
    return p >= lo && p < lo + n &&
           (TMLP_CACHE_LINE == 0 || (uintptr_t)p % (uintptr_t)(FX_LINES(1u) * sizeof(float)) == 0u);
}

/* With TMLP_CACHE_LINE > 0 every buffer starts on a line wherever the arena
 * starts, in exactly tmlp_arena_size() bytes, nothing outside is written,
 * and the results are the same bits at every offset (0 builds: offset 0
 * and one float in, the buffers then at the arena's start). */
TMLP_TEST(buffers_start_on_cache_lines)
{
    enum { N_IN = 5, LEAD = FX_LINES(1u) - 1u, GUARD = 8 };
    static float arena[TMLP_MLP2_BYTES(N_IN, 7, 3, TMLP_SLOTS_MOMENTUM,
                                       TMLP_BUILD_TRAIN | TMLP_BUILD_SCALE) /
                           sizeof(float) +
                       LEAD + 1u + GUARD];
    const float x[N_IN] = {0.1f, -2.0f, 0.5f, 3.0f, -0.25f}, tv[3] = {0.5f, -1.0f, 2.0f};
    const float off_in[N_IN] = {0.5f, 0.0f, -1.0f, 0.25f, 2.0f};
    const float sc_in[N_IN] = {2.0f, 0.5f, 1.0f, 4.0f, 0.125f};
    tmlp_desc_t d = mlp2(N_IN, 7, 3, TMLP_ACT_RELU, TMLP_ACT_IDENTITY);
    tmlp_optim_t o = make_opt(TMLP_OPT_SGD, 0.05f, 0.9f);
    tmlp_target_t t = {tv, 0};
    tmlp_opts_t opts;
    tmlp_net_t net;
    float params[TMLP_MLP2_PARAMS(N_IN, 7, 3)], y[3], y0[3] = {0.0f, 0.0f, 0.0f}, value;
    size_t k, s, off, need = 0, n_off = LEAD + 2u;
    int train;
    for (k = 0; k < sizeof params / sizeof params[0]; k++) {
        params[k] = (float)((int)(k % 11u) - 5) * 0.0625f;
    }
    d.flags = TMLP_WITH_INPUT_SCALE ? (uint8_t)TMLP_DESC_INPUT_SCALE : 0u;
    for (train = 0; train < 2; train++) {
        if (train) {
            REQUIRE(TMLP_WITH_TRAINING);
        }
        memset(&opts, 0, sizeof opts);
        opts.optim = train ? &o : NULL;
        opts.no_grad_buffer = (uint8_t)(train && !TMLP_WITH_CHECKED_STEP);
        opts.in_offset = TMLP_WITH_INPUT_SCALE ? off_in : NULL;
        opts.in_scale = TMLP_WITH_INPUT_SCALE ? sc_in : NULL;
        CHECK_OK(tmlp_arena_size(&d, &opts, &need));
        CHECK(need / sizeof(float) + n_off - 1u + GUARD <= sizeof arena / sizeof(float));
        for (off = 0; off < n_off; off++) {
            float *a = arena + off;
            size_t n = need / sizeof(float);
            memset(arena, 0x5a, sizeof arena);
            CHECK_ERR(tmlp_net_init(&net, &d, &opts, a, need - sizeof(float), NULL),
                      TMLP_ERR_NOMEM);
            CHECK_OK(tmlp_net_init(&net, &d, &opts, a, need, NULL));
            CHECK_OK(tmlp_net_set_params(&net, params, sizeof params / sizeof params[0]));
            CHECK(on_line_within(net.params, a, n) && on_line_within(net.acts, a, n));
            if (TMLP_WITH_INPUT_SCALE) {
                CHECK(on_line_within(net.in_offset, a, n));
            }
            if (train) {
                CHECK(on_line_within(net.opt_state, a, n) && on_line_within(net.input, a, n) &&
                      on_line_within(net.logits, a, n) && on_line_within(net.target, a, n) &&
                      on_line_within(net.delta, a, n));
                CHECK(net.grad == NULL || on_line_within(net.grad, a, n));
                for (s = 0; s < 4; s++) {
                    CHECK_OK(tmlp_net_train_sample(&net, x, TMLP_LOSS_HALF_SSE, &t, &value));
                }
            } else if (!TMLP_WITH_INPUT_SCALE) {
                CHECK(net.x_scaled == NULL);
            } else {
                CHECK(on_line_within(net.x_scaled, a, n));
            }
            CHECK_OK(tmlp_net_forward(&net, x, y));
            for (s = 0; s < 3; s++) {
                if (off == 0) {
                    y0[s] = y[s];
                }
                CHECK_BITS(y[s], y0[s]);
            }
            /* Nothing before or after the arena was written. */
            CHECK(bytes_are((const unsigned char *)arena, off * sizeof(float), 0x5a));
            CHECK(bytes_are((const unsigned char *)(a + n), sizeof arena - (off + n) * sizeof(float),
                            0x5a));
        }
    }
}

/* A 2-2-1 net whose outputs are computed here with the same float
 * operations in the same order: the library must match bit for bit. */
TMLP_TEST(forward_matches_hand_computation)
{
    static float arena[TMLP_MLP2_BYTES(2, 2, 1, 0, 0) / sizeof(float)];
    const float p[] = {0.5f, -1.25f, 2.0f, 0.75f, /* W0 [2][2] */
                       0.1f, -0.2f,               /* b0 */
                       1.5f, -0.5f,               /* W1 [1][2] */
                       0.25f};                    /* b1 */
    const float x[] = {0.3f, -0.7f};
    tmlp_net_t net;
    tmlp_desc_t d = mlp2(2, 2, 1, TMLP_ACT_RELU, TMLP_ACT_IDENTITY);
    float y = 0.0f, h0, h1, want;
    CHECK_OK(tmlp_net_init(&net, &d, NULL, arena, sizeof arena, NULL));
    CHECK_OK(tmlp_net_set_params(&net, p, 9));
    CHECK_OK(tmlp_net_forward(&net, x, &y));
    h0 = 0.5f * 0.3f + -1.25f * -0.7f + 0.1f;
    h1 = 2.0f * 0.3f + 0.75f * -0.7f + -0.2f;
    h0 = h0 > 0.0f ? h0 : 0.0f;
    h1 = h1 > 0.0f ? h1 : 0.0f;
    want = 1.5f * h0 + -0.5f * h1 + 0.25f;
    CHECK_BITS(y, want);
    /* And in decimal: h = (1.125, -0.125 -> 0), y = 1.6875 + 0.25. */
    CHECK_ULPS(y, 1.9375f, 2);
}

TMLP_TEST(infer_train_and_const_nets_agree_bitwise)
{
    static float a_inf[TMLP_MLP2_BYTES(5, 7, 3, 0, 0) / sizeof(float)];
    static float a_tr[TMLP_MLP2_BYTES(5, 7, 3, TMLP_SLOTS_ADAM, TMLP_BUILD_TRAIN) / sizeof(float)];
    static float a_c[TMLP_MLP2_BYTES(5, 7, 3, 0, TMLP_BUILD_BORROW) / sizeof(float)];
    tmlp_net_t ni, nt, nc;
    tmlp_desc_t d = mlp2(5, 7, 3, TMLP_ACT_TANH, TMLP_ACT_SOFTMAX);
    tmlp_optim_t adam = make_opt(TMLP_OPT_ADAM, 0.01f, 0.0f);
    const float *p;
    size_t np, s;
    float x[5] = {0.1f, -2.0f, 0.5f, 3.0f, -0.25f}, yi[3], yt[3], yc[3], Y[6], X[10];
    seeded_net(&nt, &d, &adam, a_tr, sizeof a_tr, 7, 1);
    CHECK_OK(tmlp_net_params(&nt, &p, &np));
    CHECK(np == TMLP_MLP2_PARAMS(5, 7, 3));
    CHECK_OK(tmlp_net_init(&ni, &d, NULL, a_inf, sizeof a_inf, NULL));
    CHECK_OK(tmlp_net_set_params(&ni, p, np));
    CHECK_OK(tmlp_net_init(&nc, &d, &(tmlp_opts_t){.params = p, .n_params = np}, a_c, sizeof a_c, NULL));
    CHECK_OK(tmlp_net_forward(&nt, x, yt));
    CHECK_OK(tmlp_net_forward(&ni, x, yi));
    CHECK_OK(tmlp_net_forward(&nc, x, yc));
    for (s = 0; s < 3; s++) {
        CHECK_BITS(yi[s], yt[s]);
        CHECK_BITS(yc[s], yt[s]);
    }
    CHECK_NEAR(yt[0] + yt[1] + yt[2], 1.0f, 3e-7f);
    /* A batch of two gives the same bits as two single forwards. */
    memcpy(X, x, sizeof x);
    for (s = 0; s < 5; s++) {
        X[5 + s] = -x[s];
    }
    CHECK_OK(tmlp_net_forward_batch(&nc, X, 2, Y, &s));
    CHECK(s == 2);
    CHECK_BITS(Y[1], yt[1]);
    CHECK_OK(tmlp_net_forward(&ni, X + 5, yi));
    CHECK_BITS(Y[4], yi[1]);
}

TMLP_TEST(crc32_known_values)
{
    uint32_t c = 1;
    CHECK_OK(tmlp_crc32(0, "123456789", 9, &c));
    CHECK(c == 0xcbf43926u);
    /* Continuing a CRC equals one pass over the concatenation. */
    CHECK_OK(tmlp_crc32(0, "12345", 5, &c));
    CHECK_OK(tmlp_crc32(c, "6789", 4, &c));
    CHECK(c == 0xcbf43926u);
    CHECK_OK(tmlp_crc32(0, NULL, 0, &c));
    CHECK(c == 0u);
}

TMLP_TEST(rng_reproducible_and_well_spread)
{
    tmlp_rng_t a, b;
    uint32_t u, v, k, differ = 0;
    float f, sum = 0.0f, sum2 = 0.0f, lo = 1.0f, hi = 0.0f;
    CHECK_OK(tmlp_rng_seed(&a, 42));
    CHECK_OK(tmlp_rng_seed(&b, 42));
    for (k = 0; k < 100; k++) {
        CHECK_OK(tmlp_rng_u32(&a, &u));
        CHECK_OK(tmlp_rng_u32(&b, &v));
        CHECK(u == v);
    }
    CHECK_OK(tmlp_rng_seed(&b, 43));
    for (k = 0; k < 100; k++) {
        CHECK_OK(tmlp_rng_u32(&a, &u));
        CHECK_OK(tmlp_rng_u32(&b, &v));
        differ += u != v;
    }
    CHECK(differ >= 99u);
    /* Seed 0 still gives a non-degenerate stream. */
    CHECK_OK(tmlp_rng_seed(&a, 0));
    CHECK_OK(tmlp_rng_u32(&a, &u));
    CHECK_OK(tmlp_rng_u32(&a, &v));
    CHECK(u != v);
    for (k = 0; k < 4000; k++) {
        CHECK_OK(tmlp_rng_uniform(&a, &f));
        lo = f < lo ? f : lo;
        hi = f > hi ? f : hi;
        sum += f;
    }
    CHECK(lo >= 0.0f && lo < 0.01f && hi < 1.0f && hi > 0.99f);
    CHECK_NEAR(sum / 4000.0f, 0.5f, 0.02f);
    sum = 0.0f;
    for (k = 0; k < 4000; k++) {
        CHECK_OK(tmlp_rng_normal(&a, &f));
        sum += f;
        sum2 += f * f;
    }
    CHECK_NEAR(sum / 4000.0f, 0.0f, 0.06f);
    CHECK_NEAR(sum2 / 4000.0f, 1.0f, 0.07f);
}

/* Largest |w| of layer l's weights and whether all biases are 0. */
static float max_abs_weight(const tmlp_net_t *net, const tmlp_desc_t *d, size_t l, int *bias_zero)
{
    const float *p;
    size_t n, k, off = 0, n_in = d->n_in;
    float m = 0.0f;
    CHECK_OK(tmlp_net_params(net, &p, &n));
    for (k = 0; k < l; k++) {
        off += TMLP_DENSE_PARAMS(n_in, d->layer[k].units);
        n_in = d->layer[k].units;
    }
    for (k = 0; k < n_in * d->layer[l].units; k++) {
        float a = p[off + k] < 0.0f ? -p[off + k] : p[off + k];
        m = a > m ? a : m;
    }
    *bias_zero = 1;
    for (k = 0; k < d->layer[l].units; k++) {
        *bias_zero &= p[off + n_in * d->layer[l].units + k] == 0.0f;
    }
    return m;
}

TMLP_TEST(initialisers_respect_their_bounds)
{
    static float arena[TMLP_MLP2_BYTES(24, 6, 2, 0, 0) / sizeof(float)];
    tmlp_desc_t d = mlp2(24, 6, 2, TMLP_ACT_RELU, TMLP_ACT_SIGMOID);
    tmlp_net_t net;
    tmlp_init_t init;
    tmlp_rng_t rng;
    uint32_t h1, h2;
    int bz;
    float m;
    CHECK_OK(tmlp_net_init(&net, &d, NULL, arena, sizeof arena, NULL));
    CHECK_OK(tmlp_rng_seed(&rng, 1));
    memset(&init, 0, sizeof init);
    /* AUTO: He-uniform (+-sqrt(6/24) = 0.5) for the ReLU layer, Xavier-uniform
     * (+-sqrt(6/8) = 0.866) for the sigmoid layer. */
    CHECK_OK(tmlp_net_init_weights(&net, &init, &rng));
    m = max_abs_weight(&net, &d, 0, &bz);
    CHECK(m <= 0.5f && m > 0.4f && bz);
    m = max_abs_weight(&net, &d, 1, &bz);
    CHECK(m <= 0.8660254f && bz);
    init.kind = TMLP_INIT_FANIN_UNIFORM;
    init.init_bias = 1;
    CHECK_OK(tmlp_net_init_weights(&net, &init, &rng));
    m = max_abs_weight(&net, &d, 0, &bz);
    CHECK(m <= 0.20412415f && m > 0.15f && !bz);
    init.kind = TMLP_INIT_CONST;
    init.a = 0.25f;
    init.init_bias = 0;
    CHECK_OK(tmlp_net_init_weights(&net, &init, &rng));
    m = max_abs_weight(&net, &d, 1, &bz);
    CHECK_BITS(m, 0.25f);
    CHECK(bz);
    init.kind = TMLP_INIT_HE_NORMAL;
    init.a = 0.0f;
    CHECK_OK(tmlp_net_init_weights(&net, &init, &rng));
    m = max_abs_weight(&net, &d, 0, &bz);
    CHECK(m > 0.1f && m < 5.0f * 0.28867513f);
    /* Same seed, same model. */
    init.kind = TMLP_INIT_XAVIER_NORMAL;
    CHECK_OK(tmlp_rng_seed(&rng, 99));
    CHECK_OK(tmlp_net_init_weights(&net, &init, &rng));
    CHECK_OK(tmlp_net_crc32(&net, &h1));
    CHECK_OK(tmlp_rng_seed(&rng, 99));
    CHECK_OK(tmlp_net_init_weights(&net, &init, &rng));
    CHECK_OK(tmlp_net_crc32(&net, &h2));
    CHECK(h1 == h2);
    init.kind = TMLP_INIT_ZEROS;
    CHECK_OK(tmlp_net_init_weights(&net, &init, &rng));
    m = max_abs_weight(&net, &d, 0, &bz);
    CHECK(m == 0.0f && bz);
}

TMLP_TEST(weights_hash_is_crc_of_little_endian_params)
{
    static float arena[TMLP_MLP2_BYTES(1, 1, 1, 0, 0) / sizeof(float)];
    const float p[] = {1.0f, 0.0f, -2.0f, 0.5f};
    /* The same bytes written out by hand: 1.0f = 0x3f800000 little-endian... */
    const uint8_t le[] = {0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0x00,
                          0x00, 0x00, 0x00, 0xc0, 0x00, 0x00, 0x00, 0x3f};
    tmlp_desc_t d = mlp2(1, 1, 1, TMLP_ACT_IDENTITY, TMLP_ACT_IDENTITY);
    tmlp_net_t net;
    uint32_t a, b;
    CHECK_OK(tmlp_net_init(&net, &d, NULL, arena, sizeof arena, NULL));
    CHECK_OK(tmlp_net_set_params(&net, p, 4));
    CHECK_OK(tmlp_net_crc32(&net, &a));
    CHECK_OK(tmlp_crc32(0, le, sizeof le, &b));
    CHECK(a == b);
}

/* ---- The kernels against the scalar order --------------------------------
 * Each target runs its own kernels (GNU C vectors, VFP assembly or portable
 * C); all must give the bits of the order the library states: 8 partial
 * sums (element i to sum i mod 8 for full blocks, the tail to sum 0 in
 * order), each started at +0, combined as ((s0+s1)+(s2+s3))+((s4+s5)+(s6+s7));
 * the update of tmlp_kernel_sgd.c. The values mix +0, -0, subnormals and
 * ordinary magnitudes, where a kernel that starts a sum with its first
 * product, fuses, or reorders would show. */
static uint32_t k_rng = 1u;

static float kernel_value(void)
{
    uint32_t r;
    k_rng = k_rng * 1664525u + 1013904223u;
    r = k_rng >> 8;
    switch (r & 7u) {
    case 0:
        return (r & 8u) ? -0.0f : 0.0f;
    case 1: /* a subnormal, either sign */
        return from_bits(((r & 8u) ? 0x80000000u : 0u) | (1u + ((r >> 4) & 0x7ffffu)));
    default: /* +-[1/1024, 16) */
        return (float)(int32_t)((r >> 4) & 0x3fffu) * (1.0f / 1024.0f) * ((r & 8u) ? -1.0f : 1.0f);
    }
}

static float ref_dot(const float *a, const float *b, size_t n)
{
    float s[8] = {0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f};
    size_t i, full = n - n % 8u;
    for (i = 0; i < full; i++) {
        s[i % 8u] = s[i % 8u] + a[i] * b[i];
    }
    for (; i < n; i++) {
        s[0] = s[0] + a[i] * b[i];
    }
    return ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
}

TMLP_TEST(kernels_match_the_scalar_order)
{
    /* Up to 9 rows (the 8-row blocks of AVX and one more) of up to 33
     * inputs (4 blocks of 8 and a tail): small enough for the micro:bit. */
    static float w[9 * 33], x[33], b[9], z[9], y[33], y2[33], v[9 * 33], w2[9 * 33], v2[9 * 33],
        d[9];
    static const size_t widths[] = {1, 2, 3, 7, 8, 9, 15, 16, 17, 24, 31, 32, 33};
    uint32_t bad = 0;
    size_t wi, n_out, i, j, from_zero, mom;
    for (wi = 0; wi < sizeof widths / sizeof widths[0]; wi++) {
        size_t n = widths[wi];
        for (n_out = 1; n_out <= 9u; n_out++) {
            for (i = 0; i < n_out * n; i++) {
                w[i] = kernel_value();
            }
            for (i = 0; i < n; i++) {
                x[i] = kernel_value();
            }
            for (j = 0; j < n_out; j++) {
                b[j] = kernel_value();
                d[j] = kernel_value();
            }
            /* The dense forward and the dot product. */
            tmlp_i_dense_forward(w, b, x, z, n, n_out);
            for (j = 0; j < n_out; j++) {
                bad += tmlp_test_bits(z[j]) != tmlp_test_bits(ref_dot(w + j * n, x, n) + b[j]);
                bad += tmlp_test_bits(tmlp_i_dot(w + j * n, x, n)) !=
                       tmlp_test_bits(ref_dot(w + j * n, x, n));
            }
            /* y += a x, per element. */
            for (i = 0; i < n; i++) {
                y[i] = kernel_value();
                y2[i] = y[i] + d[0] * w[i];
            }
            tmlp_i_axpy(y, d[0], w, n);
            for (i = 0; i < n; i++) {
                bad += tmlp_test_bits(y[i]) != tmlp_test_bits(y2[i]);
            }
            /* The SGD rows: every momentum case, both gradient forms. */
            for (mom = 0; mom < 4u; mom++) {
                for (from_zero = 0; from_zero < 2u; from_zero++) {
                    tmlp_i_sgd_t k;
                    k.lr = 0.125f;
                    k.mu = mom == 0u ? 0.0f : 0.9f;
                    k.keep = mom == 3u ? 0.75f : 1.0f;
                    k.first = mom == 1u;
                    k.from_zero = (int)from_zero;
                    for (i = 0; i < n_out * n; i++) {
                        w2[i] = w[i];
                        v[i] = kernel_value();
                        v2[i] = v[i];
                    }
                    tmlp_i_sgd_rows(&k, w2, mom == 0u ? NULL : v2, x, d, n, n_out);
                    for (j = 0; j < n_out; j++) {
                        for (i = 0; i < n; i++) {
                            float p = d[j] * x[i], vi, wi_ref;
                            size_t at = j * n + i;
                            p = from_zero ? 0.0f + p : p;
                            vi = mom == 0u ? p : (k.first ? p : k.mu * v[at] + k.keep * p);
                            wi_ref = w[at] - k.lr * vi;
                            bad += tmlp_test_bits(w2[at]) != tmlp_test_bits(wi_ref);
                            bad += mom != 0u && tmlp_test_bits(v2[at]) != tmlp_test_bits(vi);
                        }
                    }
                }
            }
        }
    }
    CHECK(bad == 0u);
}

void suite_core(void)
{
    RUN(arena_macros_equal_runtime_sizes);
    RUN(arena_macros_equal_runtime_sizes_for_every_choice);
    RUN(forward_matches_hand_computation);
    RUN(infer_train_and_const_nets_agree_bitwise);
    RUN(crc32_known_values);
    RUN(rng_reproducible_and_well_spread);
    RUN(initialisers_respect_their_bounds);
    RUN(weights_hash_is_crc_of_little_endian_params);
    RUN(kernels_match_the_scalar_order);
    RUN(buffers_start_on_cache_lines);
}
