/* SPDX-License-Identifier: MIT */
/* Error paths of training: data sources over arrays, schedules, the
 * training loop, evaluation and the baseline; a loop stopped by an error
 * keeps the last finite weights. Plus the canary: training in an arena of
 * exactly tmlp_arena_size() bytes surrounded by guard floats never writes
 * outside it. One of the error suites (test_errors_*.c; fixtures.h says
 * what they check). */
#include "fixtures.h"
#include "suites.h"
#include "tinymlp.h"
#include "tmlp_test.h"

#include <stdio.h>
#include <string.h>

/* ------------------------------------------------------------------------ */
/* Data sources, schedules, the training loop, metrics                       */
/* ------------------------------------------------------------------------ */

static const float DX[8] = {0.0f, 0.0f, 0.0f, 1.0f, 1.0f, 0.0f, 1.0f, 1.0f};
static const uint32_t DL[4] = {0, 1, 1, 0};
static const uint32_t DL_BAD[4] = {0, 1, 2, 0}; /* 2: out of range for 2 outputs */
static const uint8_t DL8[4] = {0, 1, 1, 0};
static const float DY[8] = {1.0f, 0.0f, 0.0f, 1.0f, 0.0f, 1.0f, 1.0f, 0.0f};

static tmlp_arrays_t arrays_of(const uint32_t *labels, const uint8_t *labels_u8, const float *Y)
{
    tmlp_arrays_t a;
    memset(&a, 0, sizeof a);
    a.X = DX;
    a.labels = labels;
    a.labels_u8 = labels_u8;
    a.Y = Y;
    a.n_in = 2;
    a.n_out = 2;
    return a;
}

TMLP_TEST(data_sched_errors)
{
    tmlp_data_t data;
    tmlp_arrays_t a;
    tmlp_sched_t s;
    float lr = 0.0f;
    int i;
    a = arrays_of(DL, NULL, NULL);
    CHECK_ERR(tmlp_data_arrays(NULL, &a, 4), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_data_arrays(&data, NULL, 4), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_data_arrays(&data, &a, 0), TMLP_ERR_ARG);
    a.X = NULL;
    CHECK_ERR(tmlp_data_arrays(&data, &a, 4), TMLP_ERR_ARG);
    a = arrays_of(DL, NULL, NULL);
    a.n_in = 0;
    CHECK_ERR(tmlp_data_arrays(&data, &a, 4), TMLP_ERR_ARG);
    a = arrays_of(NULL, NULL, NULL); /* no target array */
    CHECK_ERR(tmlp_data_arrays(&data, &a, 4), TMLP_ERR_ARG);
    a = arrays_of(DL, DL8, NULL); /* two */
    CHECK_ERR(tmlp_data_arrays(&data, &a, 4), TMLP_ERR_ARG);
    a = arrays_of(NULL, DL8, DY);
    CHECK_ERR(tmlp_data_arrays(&data, &a, 4), TMLP_ERR_ARG);
    a = arrays_of(NULL, NULL, DY);
    a.n_out = 0;
    CHECK_ERR(tmlp_data_arrays(&data, &a, 4), TMLP_ERR_ARG);
    a = arrays_of(NULL, NULL, DY); /* control */
    CHECK_OK(tmlp_data_arrays(&data, &a, 4));
    /* schedules */
    memset(&s, 0, sizeof s);
    CHECK_ERR(tmlp_sched_lr(NULL, 0.1f, 0, &lr), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_sched_lr(&s, 0.1f, 0, NULL), TMLP_ERR_ARG);
    for (i = 0; i < 9; i++) {
        memset(&s, 0, sizeof s);
        s.period = 1;
        s.gamma = 0.5f;
        switch (i) {
        case 0: s.kind = 5; break;
        case 1: s.kind = TMLP_SCHED_STEP; s.gamma = 0.0f; break;
        case 2: s.kind = TMLP_SCHED_STEP; s.gamma = 1.5f; break;
        case 3: s.kind = TMLP_SCHED_STEP; s.period = 0; break;
        case 4: s.kind = TMLP_SCHED_EXP; s.gamma = -0.5f; break;
        case 5: s.kind = TMLP_SCHED_INVERSE; s.gamma = -1.0f; break;
        case 6: s.kind = TMLP_SCHED_COSINE; s.period = 0; break;
        case 7: s.kind = TMLP_SCHED_COSINE; s.lr_min = -1e-3f; break;
        default: s.kind = TMLP_SCHED_EXP; s.gamma = qnan(); break;
        }
        if (!CHECK_ERR(tmlp_sched_lr(&s, 0.1f, 3, &lr), TMLP_ERR_ARG)) {
            printf("  (bad schedule #%d)\n", i);
        }
    }
}

TMLP_TEST(train_loop_errors)
{
    static tmlp_trainer_t tr;
    tmlp_data_t data, vdata;
    tmlp_arrays_t a = arrays_of(DL, NULL, NULL), av = arrays_of(NULL, NULL, DY);
    tmlp_train_cfg_t cfg;
    tmlp_train_result_t res;
    tmlp_stop_t stop = TMLP_STOP_NONE;
    uint32_t idx = 0;
    tmlp_optim_t o = make_opt(TMLP_OPT_SGD, 0.05f, 0.9f);
    tmlp_net_t *net = train_fx(&o, TMLP_ACT_SOFTMAX, 2, 0);
    int i;
    CHECK_OK(tmlp_data_arrays(&data, &a, 4));
    CHECK_OK(tmlp_data_arrays(&vdata, &av, 4));
    memset(&cfg, 0, sizeof cfg);
    cfg.loss = TMLP_LOSS_CE;
    cfg.max_epochs = 2;
    CHECK_ERR(tmlp_train_begin(NULL, net, &data, &cfg), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_train_begin(&tr, NULL, &data, &cfg), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_train_begin(&tr, net, NULL, &cfg), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_train_begin(&tr, net, &data, NULL), TMLP_ERR_ARG);
    for (i = 0; i < 11; i++) {
        tmlp_status_t want = TMLP_ERR_ARG;
        memset(&cfg, 0, sizeof cfg);
        cfg.loss = TMLP_LOSS_CE;
        cfg.max_epochs = 2;
        switch (i) {
        case 0: cfg.loss = 9; break;
        case 1: cfg.loss = TMLP_LOSS_BCE; want = TMLP_ERR_LOSS; break; /* softmax output */
        case 2: cfg.max_epochs = 0; break;                /* nothing stops it */
        case 3: cfg.shuffle = 2; break;
        case 4: cfg.grad_tol = -1.0f; break;
        case 5: cfg.rel_tol = qnan(); break;
        case 6: cfg.patience = 3; break;                 /* early stopping without val */
        case 7: cfg.restore_best = 1; cfg.val = &vdata; cfg.patience = 2; break; /* no buffer */
        case 8: cfg.sched.kind = TMLP_SCHED_STEP; break; /* period 0 */
        case 9: cfg.sched.kind = 7; break;
        default: cfg.restore_best = 2; break;
        }
        if (!CHECK_ERR(tmlp_train_begin(&tr, net, &data, &cfg), want)) {
            printf("  (bad config #%d)\n", i);
        }
    }
    CHECK_UNCHANGED(net);
    /* inference nets can't be trained */
    memset(&cfg, 0, sizeof cfg);
    cfg.loss = TMLP_LOSS_HALF_SSE;
    cfg.max_epochs = 1;
    CHECK_ERR(tmlp_train_begin(&tr, infer_fx(), &data, &cfg), TMLP_ERR_NOT_TRAINING);
    CHECK_UNCHANGED(&inf_net);
    CHECK_ERR(tmlp_train_step(NULL, &stop), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_train_step(&tr, NULL), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_train_result(NULL, &res), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_train_result(&tr, NULL), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_train_order(NULL, 0, &idx), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_train_order(&tr, 0, NULL), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_train(NULL, net, &data, &cfg, &res), TMLP_ERR_ARG);
    /* a label out of range stops the loop with TMLP_ERR_LABEL ... */
    net = train_fx(&o, TMLP_ACT_SOFTMAX, 2, 0);
    a = arrays_of(DL_BAD, NULL, NULL);
    CHECK_OK(tmlp_data_arrays(&data, &a, 4));
    memset(&cfg, 0, sizeof cfg);
    cfg.loss = TMLP_LOSS_CE;
    cfg.max_epochs = 3;
    CHECK_OK(tmlp_train_begin(&tr, net, &data, &cfg));
    CHECK_ERR(tmlp_train_step(&tr, &stop), TMLP_ERR_LABEL);
    CHECK(stop == TMLP_STOP_ERROR);
    /* ... before any step: the weights and the optimizer state are as they
     * were (the header: "the net keeps its last finite weights, its
     * gradient sums are cleared") */
    CHECK(unchanged(net, 1u | 2u) && memcmp(snap_region, fx_base, NP * sizeof(float)) == 0 &&
          memcmp(snap_region + 2u * FX_LINES(NP), fx_base + 2u * FX_LINES(NP),
                 NP * sizeof(float)) == 0);
    /* a stopped loop refuses more steps */
    CHECK_ERR(tmlp_train_step(&tr, &stop), TMLP_ERR_STATE);
    CHECK(stop == TMLP_STOP_ERROR);
}

TMLP_TEST(evaluate_baseline_errors)
{
    tmlp_data_t data, vdata;
    tmlp_arrays_t a = arrays_of(DL_BAD, NULL, NULL), av = arrays_of(NULL, NULL, DY);
    float scratch[4], loss = 0.0f, acc = 0.0f, xb[2], maj = 0.0f, uni = 0.0f;
    uint32_t counts[3], conf[4];
    tmlp_optim_t o = make_opt(TMLP_OPT_SGD, 0.05f, 0.9f);
    tmlp_net_t *net = train_fx(&o, TMLP_ACT_SOFTMAX, 2, 1);
    CHECK_OK(tmlp_data_arrays(&data, &a, 4));
    CHECK_OK(tmlp_data_arrays(&vdata, &av, 4));
    CHECK_ERR(tmlp_evaluate(NULL, &data, TMLP_LOSS_CE, scratch, &loss, &acc, conf), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_evaluate(net, NULL, TMLP_LOSS_CE, scratch, &loss, &acc, conf), TMLP_ERR_ARG);
    CHECK_UNCHANGED(net);
    /* label 2 of 2 classes; BCE on a softmax output */
    CHECK_ERR(tmlp_evaluate(net, &data, TMLP_LOSS_CE, scratch, &loss, &acc, conf), TMLP_ERR_LABEL);
    CHECK_MODEL_UNCHANGED(net);
    CHECK_ERR(tmlp_evaluate(net, &vdata, TMLP_LOSS_BCE, NULL, &loss, &acc, NULL), TMLP_ERR_LOSS);
    CHECK_MODEL_UNCHANGED(net);
    /* an inference net needs scratch */
    net = infer_fx();
    CHECK_ERR(tmlp_evaluate(net, &vdata, TMLP_LOSS_MSE, NULL, &loss, &acc, NULL), TMLP_ERR_ARG);
    CHECK_UNCHANGED(net);
    CHECK_OK(tmlp_evaluate(net, &vdata, TMLP_LOSS_MSE, scratch, &loss, &acc, NULL)); /* control */
    /* baseline */
    CHECK_ERR(tmlp_baseline(NULL, 2, xb, counts, &maj, &uni), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_baseline(&data, 0, xb, counts, &maj, &uni), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_baseline(&data, 2, NULL, counts, &maj, &uni), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_baseline(&data, 2, xb, NULL, &maj, &uni), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_baseline(&data, 2, xb, counts, NULL, &uni), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_baseline(&data, 2, xb, counts, &maj, NULL), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_baseline(&vdata, 2, xb, counts, &maj, &uni), TMLP_ERR_ARG); /* vectors */
    CHECK_ERR(tmlp_baseline(&data, 2, xb, counts, &maj, &uni), TMLP_ERR_LABEL);
    CHECK_OK(tmlp_baseline(&data, 3, xb, counts, &maj, &uni)); /* control */
    CHECK_BITS(maj, 0.5f);
}

/* ------------------------------------------------------------------------ */
/* Canary: nothing is written outside the arena                              */
/* ------------------------------------------------------------------------ */

#define GUARD 16u
#define CANARY_FLOATS (TMLP_MLP2_BYTES(3, 5, 3, TMLP_SLOTS_ADAM, TMLP_BUILD_TRAIN) / sizeof(float))
static float canary_buf[GUARD + CANARY_FLOATS + GUARD];
static const uint32_t CANARY = 0x5aa5c33cu; /* a finite float: 2.3e16 */

static void canary_fill(void)
{
    size_t k;
    for (k = 0; k < sizeof canary_buf / sizeof canary_buf[0]; k++) {
        memcpy(&canary_buf[k], &CANARY, sizeof CANARY);
    }
}

/* 1 if every float outside [GUARD, GUARD + used) still holds the pattern. */
static int canary_intact(size_t used, int say)
{
    size_t k;
    for (k = 0; k < sizeof canary_buf / sizeof canary_buf[0]; k++) {
        uint32_t u;
        if (k >= GUARD && k < GUARD + used) {
            continue;
        }
        memcpy(&u, &canary_buf[k], sizeof u);
        if (u != CANARY) {
            if (say) {
                printf("  (guard float %u overwritten)\n", (unsigned)k);
            }
            return 0;
        }
    }
    return 1;
}

static void canary_train(const tmlp_optim_t *o, uint8_t out_act)
{
    tmlp_net_t *net = &aux_net;
    tmlp_desc_t d = mlp2(3, 5, 3, TMLP_ACT_TANH, out_act);
    tmlp_init_t init;
    tmlp_rng_t rng;
    size_t need = 0, used;
    int k, b;
    float loss_first = 0.0f, loss_last = 0.0f;
    CHECK_OK(tmlp_arena_size(&d, &(tmlp_opts_t){.optim = o}, &need));
    used = need / sizeof(float);
    CHECK(need % sizeof(float) == 0u && used <= CANARY_FLOATS);
    if (used > CANARY_FLOATS) {
        return;
    }
    canary_fill();
    CHECK_OK(tmlp_net_init(net, &d, &(tmlp_opts_t){.optim = o}, canary_buf + GUARD, need, NULL));
    memset(&init, 0, sizeof init);
    CHECK_OK(tmlp_rng_seed(&rng, 99u));
    CHECK_OK(tmlp_net_init_weights(net, &init, &rng));
    for (k = 0; k < 300; k++) {
        float batch_loss = 0.0f;
        for (b = 0; b < 4; b++) {
            float x[3], v = 0.0f, tv[3];
            tmlp_target_t t;
            size_t i;
            uint32_t label = 0;
            for (i = 0; i < 3; i++) {
                CHECK_OK(tmlp_rng_uniform(&rng, &x[i]));
                x[i] = 2.0f * x[i] - 1.0f;
            }
            CHECK_OK(tmlp_argmax(x, 3, &label));
            t.label = label;
            t.values = NULL;
            if (out_act != TMLP_ACT_SOFTMAX) {
                for (i = 0; i < 3; i++) {
                    tv[i] = i == label ? 1.0f : 0.0f;
                }
                t.values = tv;
            }
            CHECK_OK(tmlp_net_forward(net, x, NULL));
            CHECK_OK(tmlp_net_backward(net, out_act == TMLP_ACT_SOFTMAX ? TMLP_LOSS_CE
                                                                          : TMLP_LOSS_BCE,
                                       &t, &v));
            batch_loss += v;
        }
        CHECK_OK(tmlp_net_step(net));
        if (k < 10) {
            loss_first += batch_loss;
        } else if (k >= 290) {
            loss_last += batch_loss;
        }
    }
    CHECK(loss_last < loss_first); /* it did learn something */
    {
        const float x[3] = {0.9f, -0.2f, 0.1f};
        tmlp_target_t t;
        float err = 1.0f;
        t.values = NULL;
        t.label = 0;
        if (out_act == TMLP_ACT_SOFTMAX) {
            CHECK_OK(tmlp_net_gradcheck(net, x, TMLP_LOSS_CE, &t, 1e-2f, &err));
        }
    }
    CHECK(canary_intact(used, 1));
}

TMLP_TEST(canary_training)
{
    tmlp_optim_t o = make_opt(TMLP_OPT_SGD, 0.1f, 0.9f);
    canary_train(&o, TMLP_ACT_SOFTMAX);
    o.nesterov = 1;
    canary_train(&o, TMLP_ACT_SIGMOID);
    o = make_opt(TMLP_OPT_ADAM, 0.01f, 0.0f);
    canary_train(&o, TMLP_ACT_SOFTMAX);
    o.decoupled_wd = 1;
    o.weight_decay = 0.01f;
    o.clip_norm = 1.0f;
    canary_train(&o, TMLP_ACT_SIGMOID);
    o = make_opt(TMLP_OPT_RMSPROP, 0.01f, 0.5f);
    canary_train(&o, TMLP_ACT_SOFTMAX);
    /* the canary itself can fail: a write just past the end is seen */
    canary_fill();
    canary_buf[GUARD + 10u] = 1.0f;
    CHECK(canary_intact(11, 1));
    CHECK(!canary_intact(10, 0));
}

TMLP_TEST(canary_inference)
{
    tmlp_net_t *net = &aux_net;
    static const float p[TMLP_MLP2_PARAMS(3, 5, 3)] = {0.1f, -0.2f, 0.3f, 0.4f, 0.5f};
    tmlp_desc_t d = mlp2(3, 5, 3, TMLP_ACT_RELU, TMLP_ACT_SOFTMAX);
    size_t need = 0;
    float y[3];
    int mode, k;
    for (mode = 0; mode < 2; mode++) {
        tmlp_opts_t borrow;
        memset(&borrow, 0, sizeof borrow);
        borrow.params = p;
        borrow.n_params = TMLP_MLP2_PARAMS(3, 5, 3);
        CHECK_OK(tmlp_arena_size(&d, mode == 0 ? NULL : &borrow, &need));
        canary_fill();
        if (mode == 0) {
            CHECK_OK(tmlp_net_init(net, &d, NULL, canary_buf + GUARD, need, NULL));
            CHECK_OK(tmlp_net_set_params(net, p, TMLP_MLP2_PARAMS(3, 5, 3)));
        } else {
            CHECK_OK(tmlp_net_init(net, &d, &borrow, canary_buf + GUARD, need, NULL));
        }
        for (k = 0; k < 50; k++) {
            float x[3];
            x[0] = 0.01f * (float)k;
            x[1] = -0.5f;
            x[2] = 1.0f - x[0];
            CHECK_OK(tmlp_net_forward(net, x, y));
        }
        CHECK(canary_intact(need / sizeof(float), 1));
    }
}

/* See suites.h. */
void suite_errors_loop(void)
{
    RUN(data_sched_errors);
    RUN(train_loop_errors);
    RUN(evaluate_baseline_errors);
    RUN(canary_training);
    RUN(canary_inference);
}
