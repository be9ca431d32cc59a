/* SPDX-License-Identifier: MIT */
/* Whole training runs: XOR, the failure of a constant initialisation, and
 * the fixed run whose weights-hash every target must reproduce. */
#include <stdio.h>
#include <string.h>

#include "fixtures.h"
#include "suites.h"
#include "tinymlp.h"
#include "tmlp_test.h"

static const float XOR_X[4][2] = {{0, 0}, {0, 1}, {1, 0}, {1, 1}};
static const float XOR_Y[4] = {0, 1, 1, 0};

static tmlp_desc_t xor_desc(void)
{
    return mlp2(2, 2, 1, TMLP_ACT_TANH, TMLP_ACT_SIGMOID);
}

/* Full-batch epochs of the four XOR samples; returns the last mean loss. */
static float xor_epochs(tmlp_net_t *net, int epochs)
{
    float loss = 0.0f, l;
    int e, k;
    for (e = 0; e < epochs; e++) {
        loss = 0.0f;
        for (k = 0; k < 4; k++) {
            tmlp_target_t t;
            t.values = &XOR_Y[k];
            CHECK_OK(tmlp_net_forward(net, XOR_X[k], NULL));
            CHECK_OK(tmlp_net_backward(net, TMLP_LOSS_BCE, &t, &l));
            loss += l;
        }
        CHECK_OK(tmlp_net_step(net));
    }
    return loss / 4.0f;
}

TMLP_TEST(xor_learned_by_2_2_1_net)
{
    static float arena[TMLP_MLP2_BYTES(2, 2, 1, TMLP_SLOTS_MOMENTUM, TMLP_BUILD_TRAIN) / sizeof(float)];
    tmlp_desc_t d = xor_desc();
    tmlp_net_t net;
    tmlp_optim_t o = make_opt(TMLP_OPT_SGD, 0.3f, 0.9f);
    float y, loss;
    int k;
    seeded_net(&net, &d, &o, arena, sizeof arena, 1, 1);
    loss = xor_epochs(&net, 500);
    CHECK(loss < 0.01f);
    for (k = 0; k < 4; k++) {
        CHECK_OK(tmlp_net_forward(&net, XOR_X[k], &y));
        CHECK((y > 0.5f) == (XOR_Y[k] > 0.5f));
    }
}

TMLP_TEST(constant_init_keeps_hidden_units_identical)
{
    /* With equal weights both hidden units compute the same thing
     * and get the same gradient, so they stay equal and XOR is not learned. */
    static float arena[TMLP_MLP2_BYTES(2, 2, 1, TMLP_SLOTS_MOMENTUM, TMLP_BUILD_TRAIN) / sizeof(float)];
    tmlp_desc_t d = xor_desc();
    tmlp_net_t net;
    tmlp_optim_t o;
    tmlp_init_t init;
    tmlp_rng_t rng;
    const float *p;
    size_t n;
    float loss;
    memset(&o, 0, sizeof o);
    memset(&init, 0, sizeof init);
    o.lr = 0.5f;
    o.momentum = 0.9f;
    init.kind = TMLP_INIT_CONST;
    init.a = 0.5f;
    CHECK_OK(tmlp_net_init(&net, &d, &(tmlp_opts_t){.optim = &o}, arena, sizeof arena, NULL));
    CHECK_OK(tmlp_rng_seed(&rng, 1));
    CHECK_OK(tmlp_net_init_weights(&net, &init, &rng));
    loss = xor_epochs(&net, 500);
    CHECK_OK(tmlp_net_params(&net, &p, &n));
    /* W0 rows, b0 entries and W1 entries pairwise equal, bit for bit. */
    CHECK_BITS(p[0], p[2]);
    CHECK_BITS(p[1], p[3]);
    CHECK_BITS(p[4], p[5]);
    CHECK_BITS(p[6], p[7]);
    CHECK(p[0] != 0.5f); /* they did train */
    CHECK(loss > 0.3f);  /* and failed */
}

/* The fixed run: 6-16-8-4 (ReLU, tanh, softmax), 64 synthetic samples from
 * the library's generator, cross-entropy, SGD with Nesterov momentum and
 * weight decay, batches of 8, 40 epochs. Every build configuration and
 * target must print the same weights-hash. */
#define REF_N 64

TMLP_TEST(fixed_run_weights_hash)
{
    static float arena[TMLP_MLP3_BYTES(6, 16, 8, 4, TMLP_SLOTS_MOMENTUM, TMLP_BUILD_TRAIN) / sizeof(float)];
    static float xs[REF_N][6];
    static uint32_t labels[REF_N];
    tmlp_desc_t d;
    tmlp_net_t net;
    tmlp_optim_t o;
    tmlp_init_t init;
    tmlp_rng_t rng;
    uint32_t hash = 0, u;
    int i, k, e;
    memset(&d, 0, sizeof d);
    memset(&o, 0, sizeof o);
    memset(&init, 0, sizeof init);
    d.n_in = 6;
    d.n_layers = 3;
    d.layer[0].units = 16;
    d.layer[0].act = TMLP_ACT_RELU;
    d.layer[1].units = 8;
    d.layer[1].act = TMLP_ACT_TANH;
    d.layer[2].units = 4;
    d.layer[2].act = TMLP_ACT_SOFTMAX;
    o.lr = 0.05f;
    o.momentum = 0.9f;
    o.nesterov = 1;
    o.weight_decay = 1e-4f;
    CHECK_OK(tmlp_rng_seed(&rng, 2026));
    for (i = 0; i < REF_N; i++) {
        CHECK_OK(tmlp_rng_u32(&rng, &u));
        labels[i] = u % 4u;
        for (k = 0; k < 6; k++) {
            float z;
            CHECK_OK(tmlp_rng_normal(&rng, &z));
            xs[i][k] = z + (k % 4 == (int)labels[i] ? 2.0f : 0.0f);
        }
    }
    CHECK_OK(tmlp_net_init(&net, &d, &(tmlp_opts_t){.optim = &o}, arena, sizeof arena, NULL));
    CHECK_OK(tmlp_net_init_weights(&net, &init, &rng));
    for (e = 0; e < 40; e++) {
        for (i = 0; i < REF_N; i++) {
            tmlp_target_t t;
            t.values = NULL;
            t.label = labels[i];
            CHECK_OK(tmlp_net_forward(&net, xs[i], NULL));
            CHECK_OK(tmlp_net_backward(&net, TMLP_LOSS_CE, &t, NULL));
            if (i % 8 == 7) {
                CHECK_OK(tmlp_net_step(&net));
            }
        }
    }
    /* It learned something (so the hash is of a trained model)... */
    for (i = 0, k = 0; i < REF_N; i++) {
        float y[4];
        CHECK_OK(tmlp_net_forward(&net, xs[i], y));
        CHECK_OK(tmlp_argmax(y, 4, &u));
        k += u == labels[i];
    }
    CHECK(k >= REF_N * 9 / 10);
    /* ...and it is the same model on every target. The stored value changes
     * only with a deliberate change of the arithmetic (say so in the commit). */
    CHECK_OK(tmlp_net_crc32(&net, &hash));
    printf("weights-hash %s %08lx\n", TMLP_TEST_CONFIG, (unsigned long)hash);
    CHECK(hash == 0xfdd3eaccu);
}

void suite_train(void)
{
    RUN(xor_learned_by_2_2_1_net);
    RUN(constant_init_keeps_hidden_units_identical);
    RUN(fixed_run_weights_hash);
}
