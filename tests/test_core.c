/* SPDX-License-Identifier: MIT */
/* Arena sizes, forward pass, initialisers, random numbers, checksums. */
#include <string.h>

#include "suites.h"
#include "tinymlp.h"
#include "tmlp_test.h"

static tmlp_desc_t mlp2(uint16_t i, uint16_t h, uint16_t o, uint8_t act_h, uint8_t act_o)
{
    tmlp_desc_t d;
    memset(&d, 0, sizeof d);
    d.n_in = i;
    d.n_layers = 2;
    d.layer[0].units = h;
    d.layer[0].act = act_h;
    d.layer[1].units = o;
    d.layer[1].act = act_o;
    return d;
}

static size_t run_size(const tmlp_desc_t *d, tmlp_mode_t mode, const tmlp_optim_t *opt)
{
    size_t n = 0;
    CHECK_OK(tmlp_arena_size(d, mode, opt, &n));
    return n;
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

    CHECK(run_size(&d, TMLP_MODE_INFER, NULL) == TMLP_MLP2_INFER_BYTES(64, 32, 10));
    CHECK(run_size(&d, TMLP_MODE_INFER_CONST, NULL) == TMLP_ARENA_INFER_CONST_BYTES(32));
    CHECK(run_size(&d, TMLP_MODE_TRAIN, &sgd) == TMLP_MLP2_TRAIN_BYTES(64, 32, 10, TMLP_SLOTS_SGD));
    CHECK(run_size(&d, TMLP_MODE_TRAIN, &mom) ==
          TMLP_MLP2_TRAIN_BYTES(64, 32, 10, TMLP_SLOTS_MOMENTUM));
    CHECK(run_size(&d, TMLP_MODE_TRAIN, &adam) == TMLP_MLP2_TRAIN_BYTES(64, 32, 10, TMLP_SLOTS_ADAM));
    CHECK(run_size(&d, TMLP_MODE_TRAIN, &rms) ==
          TMLP_MLP2_TRAIN_BYTES(64, 32, 10, TMLP_SLOTS_RMSPROP_MOMENTUM));
    /* The worked example of README.md: 64-32-10 with momentum is
     * 2410 params x 3 + 64 + 42 + 20 + 64 floats = 7420 floats. */
    CHECK(TMLP_MLP2_TRAIN_BYTES(64, 32, 10, TMLP_SLOTS_MOMENTUM) == 7420u * 4u);
    CHECK(TMLP_MLP2_INFER_BYTES(64, 32, 10) == (2410u + 64u) * 4u);

    /* Output wider than the hidden layer, and three layers. */
    d = mlp2(3, 4, 7, TMLP_ACT_TANH, TMLP_ACT_IDENTITY);
    CHECK(run_size(&d, TMLP_MODE_TRAIN, &adam) == TMLP_MLP2_TRAIN_BYTES(3, 4, 7, TMLP_SLOTS_ADAM));
    CHECK(run_size(&d, TMLP_MODE_INFER, NULL) == TMLP_MLP2_INFER_BYTES(3, 4, 7));
    d3.n_in = 16;
    d3.n_layers = 3;
    d3.layer[0].units = 32;
    d3.layer[1].units = 16;
    d3.layer[1].act = TMLP_ACT_TANH;
    d3.layer[2].units = 4;
    d3.layer[2].act = TMLP_ACT_SOFTMAX;
    CHECK(run_size(&d3, TMLP_MODE_TRAIN, &mom) ==
          TMLP_MLP3_TRAIN_BYTES(16, 32, 16, 4, TMLP_SLOTS_MOMENTUM));
    CHECK(run_size(&d3, TMLP_MODE_INFER, NULL) == TMLP_MLP3_INFER_BYTES(16, 32, 16, 4));
    CHECK(run_size(&d3, TMLP_MODE_INFER_CONST, NULL) == TMLP_ARENA_INFER_CONST_BYTES(32));
}

/* A 2-2-1 net whose outputs are computed here with the same float
 * operations in the same order: the library must match bit for bit. */
TMLP_TEST(forward_matches_hand_computation)
{
    static float arena[TMLP_MLP2_INFER_BYTES(2, 2, 1) / sizeof(float)];
    const float p[] = {0.5f, -1.25f, 2.0f, 0.75f, /* W0 [2][2] */
                       0.1f, -0.2f,               /* b0 */
                       1.5f, -0.5f,               /* W1 [1][2] */
                       0.25f};                    /* b1 */
    const float x[] = {0.3f, -0.7f};
    tmlp_net_t net;
    tmlp_desc_t d = mlp2(2, 2, 1, TMLP_ACT_RELU, TMLP_ACT_IDENTITY);
    float y = 0.0f, h0, h1, want;
    CHECK_OK(tmlp_net_init(&net, &d, TMLP_MODE_INFER, NULL, arena, sizeof arena, NULL));
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
    static float a_inf[TMLP_MLP2_INFER_BYTES(5, 7, 3) / sizeof(float)];
    static float a_tr[TMLP_MLP2_TRAIN_BYTES(5, 7, 3, TMLP_SLOTS_ADAM) / sizeof(float)];
    static float a_c[TMLP_ARENA_INFER_CONST_BYTES(7) / sizeof(float)];
    tmlp_net_t ni, nt, nc;
    tmlp_desc_t d = mlp2(5, 7, 3, TMLP_ACT_TANH, TMLP_ACT_SOFTMAX);
    tmlp_optim_t adam;
    tmlp_init_t init;
    tmlp_rng_t rng;
    const float *p;
    size_t np, s;
    float x[5] = {0.1f, -2.0f, 0.5f, 3.0f, -0.25f}, yi[3], yt[3], yc[3], Y[6], X[10];
    memset(&adam, 0, sizeof adam);
    adam.kind = TMLP_OPT_ADAM;
    adam.lr = 0.01f;
    memset(&init, 0, sizeof init);
    init.init_bias = 1;
    CHECK_OK(tmlp_net_init(&nt, &d, TMLP_MODE_TRAIN, &adam, a_tr, sizeof a_tr, NULL));
    CHECK_OK(tmlp_rng_seed(&rng, 7));
    CHECK_OK(tmlp_net_init_weights(&nt, &init, &rng));
    CHECK_OK(tmlp_net_params(&nt, &p, &np));
    CHECK(np == TMLP_MLP2_PARAMS(5, 7, 3));
    CHECK_OK(tmlp_net_init(&ni, &d, TMLP_MODE_INFER, NULL, a_inf, sizeof a_inf, NULL));
    CHECK_OK(tmlp_net_set_params(&ni, p, np));
    CHECK_OK(tmlp_net_init_const(&nc, &d, p, np, a_c, sizeof a_c, NULL));
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
    static float arena[TMLP_MLP2_INFER_BYTES(24, 6, 2) / sizeof(float)];
    tmlp_desc_t d = mlp2(24, 6, 2, TMLP_ACT_RELU, TMLP_ACT_SIGMOID);
    tmlp_net_t net;
    tmlp_init_t init;
    tmlp_rng_t rng;
    uint32_t h1, h2;
    int bz;
    float m;
    CHECK_OK(tmlp_net_init(&net, &d, TMLP_MODE_INFER, NULL, arena, sizeof arena, NULL));
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
    static float arena[TMLP_MLP2_INFER_BYTES(1, 1, 1) / sizeof(float)];
    const float p[] = {1.0f, 0.0f, -2.0f, 0.5f};
    /* The same bytes written out by hand: 1.0f = 0x3f800000 little-endian... */
    const uint8_t le[] = {0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0x00,
                          0x00, 0x00, 0x00, 0xc0, 0x00, 0x00, 0x00, 0x3f};
    tmlp_desc_t d = mlp2(1, 1, 1, TMLP_ACT_IDENTITY, TMLP_ACT_IDENTITY);
    tmlp_net_t net;
    uint32_t a, b;
    CHECK_OK(tmlp_net_init(&net, &d, TMLP_MODE_INFER, NULL, arena, sizeof arena, NULL));
    CHECK_OK(tmlp_net_set_params(&net, p, 4));
    CHECK_OK(tmlp_net_crc32(&net, &a));
    CHECK_OK(tmlp_crc32(0, le, sizeof le, &b));
    CHECK(a == b);
}

void suite_core(void)
{
    RUN(arena_macros_equal_runtime_sizes);
    RUN(forward_matches_hand_computation);
    RUN(infer_train_and_const_nets_agree_bitwise);
    RUN(crc32_known_values);
    RUN(rng_reproducible_and_well_spread);
    RUN(initialisers_respect_their_bounds);
    RUN(weights_hash_is_crc_of_little_endian_params);
}
