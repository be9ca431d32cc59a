/* SPDX-License-Identifier: MIT */
/* Hostile numbers through every door a user has: NaN, +-Inf, huge (1e38,
 * 3e38) and denormal inputs and targets, a learning rate of 1e30, labels out
 * of range and an empty data set, through forward/backward/step and through
 * the training loop, for each optimizer. The library must report each bad
 * value and never write a non-finite value into the parameters or the
 * optimizer state. (test_errors_*.c already check NaN/Inf at each entry
 * point and lr = 1e30 for a direct step; this adds the loop, denormals,
 * huge finite values and the combinations.) */
#include <string.h>

#include "fixtures.h"
#include "test_cover.h"
#include "tinymlp.h"
#include "tmlp_test.h"

#define H_IN 2
#define H_OUT 3
#define H_BYTES TMLP_MLP2_BYTES(H_IN, 4, H_OUT, TMLP_SLOTS_ADAM, TMLP_BUILD_TRAIN)

static float h_arena[H_BYTES / sizeof(float)];

/* Every parameter, optimizer state value and gradient sum is finite. */
static int all_finite(const tmlp_net_t *net)
{
    size_t i;
    for (i = 0; i < net->n_params; i++) {
        if (!is_finite(net->params[i])) {
            return 0;
        }
    }
    for (i = 0; i < (size_t)net->slots * net->n_train; i++) {
        if (!is_finite(net->opt_state[i])) {
            return 0;
        }
    }
    return 1;
}

static void h_net(tmlp_net_t *net, uint8_t kind, float lr, uint8_t out_act)
{
    tmlp_desc_t d = mlp2(H_IN, 4, H_OUT, TMLP_ACT_RELU, out_act);
    tmlp_optim_t o = make_opt(kind, lr, kind == TMLP_OPT_ADAM ? 0.0f : 0.9f);
    seeded_net(net, &d, &o, h_arena, sizeof h_arena, 11, 0);
}

/* The hostile values, and whether the library must refuse them as input. */
static float hostile(int i, int *must_refuse)
{
    static const uint32_t bits[] = {
        0x7fc00000u, /* NaN */
        0xffc00001u, /* -NaN with payload */
        0x7f800000u, /* +Inf */
        0xff800000u, /* -Inf */
        0x7e967699u, /* 1e38 */
        0x7f61b1e6u, /* 3e38 */
        0x00000001u, /* smallest denormal */
        0x807fffffu, /* largest negative denormal */
        0x00800000u  /* smallest normal */
    };
    *must_refuse = i < 4;
    return from_bits(bits[i]);
}
#define N_HOSTILE 9

typedef struct {
    float x[H_IN];
    float y[H_OUT];
    uint32_t label;
} hsample_t;

static tmlp_status_t h_read(void *ctx, uint32_t index, float *x, float *y, uint32_t *label)
{
    const hsample_t *s = (const hsample_t *)ctx + index;
    memcpy(x, s->x, sizeof s->x);
    if (y != NULL) {
        memcpy(y, s->y, sizeof s->y);
    }
    *label = s->label;
    return TMLP_OK;
}

/* forward/backward/step with each hostile value in the input and in the
 * target, for each optimizer and loss. */
TMLP_TEST(hostile_manual_passes)
{
    static const uint8_t kinds[] = {TMLP_OPT_SGD, TMLP_OPT_EMA, TMLP_OPT_ADAM, TMLP_OPT_RMSPROP};
    size_t k;
    int i, where, refuse;
    for (k = 0; k < sizeof kinds; k++) {
        for (i = 0; i < N_HOSTILE; i++) {
            for (where = 0; where < 2; where++) {
                tmlp_net_t net;
                float x[H_IN] = {0.5f, -0.25f}, y[H_OUT] = {0.0f, 1.0f, 0.0f};
                tmlp_target_t t;
                tmlp_status_t st;
                float v = hostile(i, &refuse);
                h_net(&net, kinds[k], 0.1f, TMLP_ACT_SIGMOID);
                if (where == 0) {
                    x[1] = v;
                } else {
                    y[2] = v;
                }
                t.values = y;
                t.label = 0;
                st = tmlp_net_forward(&net, x, NULL);
                if (st == TMLP_OK) {
                    st = tmlp_net_backward(&net, TMLP_LOSS_MSE, &t, NULL);
                }
                if (st == TMLP_OK) {
                    st = tmlp_net_step(&net);
                }
                if (refuse) {
                    CHECK_ERR(st, TMLP_ERR_NUMERIC);
                } else {
                    CHECK(st == TMLP_OK || st == TMLP_ERR_NUMERIC);
                }
                CHECK(all_finite(&net));
            }
        }
    }
}

/* The training loop over a data set with one hostile sample: the loop stops
 * with TMLP_STOP_ERROR and TMLP_ERR_NUMERIC (or trains, for finite values),
 * and the weights stay finite. */
TMLP_TEST(hostile_training_loop)
{
    static hsample_t s[4];
    static const uint8_t kinds[] = {TMLP_OPT_SGD, TMLP_OPT_ADAM, TMLP_OPT_RMSPROP};
    size_t k;
    int i, refuse;
    for (k = 0; k < sizeof kinds; k++) {
        for (i = 0; i < N_HOSTILE; i++) {
            tmlp_net_t net;
            tmlp_data_t d;
            tmlp_trainer_t tr;
            tmlp_train_cfg_t c;
            tmlp_train_result_t r;
            tmlp_status_t st;
            uint32_t j;
            for (j = 0; j < 4; j++) {
                s[j].x[0] = (float)j * 0.25f;
                s[j].x[1] = 1.0f - (float)j * 0.5f;
                s[j].label = j % H_OUT;
            }
            s[2].x[0] = hostile(i, &refuse);
            h_net(&net, kinds[k], 0.05f, TMLP_ACT_SOFTMAX);
            memset(&d, 0, sizeof d);
            d.n = 4;
            d.targets = TMLP_TARGET_LABEL;
            d.read = h_read;
            d.ctx = s;
            memset(&c, 0, sizeof c);
            c.loss = TMLP_LOSS_CE;
            c.batch = 2;
            c.max_epochs = 3;
            st = tmlp_train(&tr, &net, &d, &c, &r);
            if (refuse) {
                CHECK_ERR(st, TMLP_ERR_NUMERIC);
                CHECK(r.stop == TMLP_STOP_ERROR);
            } else {
                CHECK(st == TMLP_OK || st == TMLP_ERR_NUMERIC);
            }
            CHECK(all_finite(&net));
        }
    }
}

/* lr = 1e30 (and 3e38) in the loop: divergence is reported, weights stay
 * finite; the last finite weights are kept. */
TMLP_TEST(hostile_learning_rate)
{
    static const uint8_t kinds[] = {TMLP_OPT_SGD, TMLP_OPT_EMA, TMLP_OPT_ADAM, TMLP_OPT_RMSPROP};
    static const float lrs[] = {1e30f, 3e38f};
    static hsample_t s[4];
    size_t k, l;
    uint32_t j;
    for (j = 0; j < 4; j++) {
        s[j].x[0] = (float)j;
        s[j].x[1] = 2.0f - (float)j;
        s[j].y[j % H_OUT] = 1.0f;
    }
    for (k = 0; k < sizeof kinds; k++) {
        for (l = 0; l < 2; l++) {
            tmlp_net_t net;
            tmlp_data_t d;
            tmlp_trainer_t tr;
            tmlp_train_cfg_t c;
            tmlp_train_result_t r;
            tmlp_status_t st;
            h_net(&net, kinds[k], lrs[l], TMLP_ACT_IDENTITY);
            memset(&d, 0, sizeof d);
            d.n = 4;
            d.targets = TMLP_TARGET_VECTOR;
            d.read = h_read;
            d.ctx = s;
            memset(&c, 0, sizeof c);
            c.loss = TMLP_LOSS_MSE;
            c.batch = 1;
            c.max_epochs = 50;
            st = tmlp_train(&tr, &net, &d, &c, &r);
            CHECK(st == TMLP_OK || st == TMLP_ERR_NUMERIC);
            CHECK(all_finite(&net));
        }
    }
}

/* Labels out of range (n_out, and 2^32 - 1) in the loss, backward, loop,
 * evaluation and baseline; an empty data set everywhere one is taken. */
TMLP_TEST(hostile_labels_and_empty)
{
    static hsample_t s[3];
    static const uint32_t bad_labels[] = {H_OUT, UINT32_MAX};
    tmlp_net_t net;
    tmlp_data_t d;
    tmlp_trainer_t tr;
    tmlp_train_cfg_t c;
    tmlp_target_t t;
    float x[H_IN] = {0.5f, 0.5f}, loss, acc, maj, uni;
    uint32_t counts[H_OUT], h0 = 0, h1 = 0;
    size_t b;
    for (b = 0; b < 2; b++) {
        h_net(&net, TMLP_OPT_SGD, 0.1f, TMLP_ACT_SOFTMAX);
        CHECK_OK(tmlp_net_crc32(&net, &h0));
        t.values = NULL;
        t.label = bad_labels[b];
        CHECK_OK(tmlp_net_forward(&net, x, NULL));
        CHECK_ERR(tmlp_net_loss(&net, TMLP_LOSS_CE, &t, &loss), TMLP_ERR_LABEL);
        CHECK_ERR(tmlp_net_backward(&net, TMLP_LOSS_CE, &t, NULL), TMLP_ERR_LABEL);
        CHECK_ERR(tmlp_net_backward(&net, TMLP_LOSS_MSE, &t, NULL), TMLP_ERR_LABEL);
        CHECK_ERR(tmlp_net_step(&net), TMLP_ERR_STATE); /* nothing accumulated */
        memset(s, 0, sizeof s);
        s[1].label = bad_labels[b];
        memset(&d, 0, sizeof d);
        d.n = 3;
        d.read = h_read;
        d.ctx = s;
        memset(&c, 0, sizeof c);
        c.loss = TMLP_LOSS_CE;
        c.max_epochs = 2;
        CHECK_ERR(tmlp_train(&tr, &net, &d, &c, NULL), TMLP_ERR_LABEL);
        CHECK_OK(tmlp_net_crc32(&net, &h1));
        CHECK(h0 == h1); /* the batch with the bad label was not applied */
        CHECK_ERR(tmlp_evaluate(&net, &d, TMLP_LOSS_CE, NULL, &loss, &acc, NULL), TMLP_ERR_LABEL);
        CHECK_ERR(tmlp_baseline(&d, H_OUT, x, counts, &maj, &uni), TMLP_ERR_LABEL);
        CHECK(all_finite(&net));
    }
    /* Empty data set. */
    d.n = 0;
    CHECK_ERR(tmlp_train(&tr, &net, &d, &c, NULL), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_train_begin(&tr, &net, &d, &c), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_evaluate(&net, &d, TMLP_LOSS_CE, NULL, &loss, &acc, NULL), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_baseline(&d, H_OUT, x, counts, &maj, &uni), TMLP_ERR_ARG);
    {
        static const float X[2] = {0.0f, 0.0f};
        static const uint8_t L[1] = {0};
        tmlp_arrays_t a;
        memset(&a, 0, sizeof a);
        a.X = X;
        a.labels_u8 = L;
        a.n_in = H_IN;
        CHECK_ERR(tmlp_data_arrays(&d, &a, 0), TMLP_ERR_ARG);
    }
    CHECK(all_finite(&net));
}

/* Denormal inputs and parameters give finite, deterministic results. */
TMLP_TEST(hostile_denormals)
{
    tmlp_net_t net;
    const float *p;
    size_t n = 0, i;
    float x[H_IN], y[H_OUT];
    static float q[TMLP_MLP2_PARAMS(H_IN, 4, H_OUT)];
    h_net(&net, TMLP_OPT_SGD, 0.1f, TMLP_ACT_SOFTMAX);
    CHECK_OK(tmlp_net_params(&net, &p, &n));
    for (i = 0; i < n; i++) {
        q[i] = from_bits(0x00000001u + (uint32_t)i); /* every parameter denormal */
    }
    CHECK_OK(tmlp_net_set_params(&net, q, n));
    x[0] = from_bits(0x00400000u);
    x[1] = from_bits(0x80000003u);
    CHECK_OK(tmlp_net_forward(&net, x, y));
    for (i = 0; i < H_OUT; i++) {
        CHECK(is_finite(y[i]));
        CHECK_NEAR(y[i], 1.0f / 3.0f, 1e-6f);
    }
}

/* See test_cover.h. */
void suite_cover_numeric(void)
{
    RUN(hostile_manual_passes);
    RUN(hostile_training_loop);
    RUN(hostile_learning_rate);
    RUN(hostile_labels_and_empty);
    RUN(hostile_denormals);
}
