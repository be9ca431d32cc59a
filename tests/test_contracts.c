/* SPDX-License-Identifier: MIT */
/* Contracts at the edges of the API, each once broken and fixed: data
 * widths against the net, schedules that never reach 0, distributions that
 * overflow, the targets each loss takes, binary labels on one output, time
 * budgets across clock wraps, and optimizer state after a change of
 * optimizer. Each test fails on the code as it was before its fix. */
#include <float.h>
#include <string.h>

#include "fixtures.h"
#include "suites.h"
#include "tinymlp.h"
#include "tmlp_test.h"

static float r_arena[TMLP_MLP2_BYTES(3, 4, 2, TMLP_SLOTS_ADAM, TMLP_BUILD_TRAIN) / sizeof(float)];

static void r_net(tmlp_net_t *net, uint8_t act_out, uint16_t n_out, float momentum)
{
    tmlp_desc_t d = mlp2(3, 4, n_out, TMLP_ACT_TANH, act_out);
    tmlp_optim_t o = make_opt(TMLP_OPT_SGD, 0.1f, momentum);
    seeded_net(net, &d, &o, r_arena, sizeof r_arena, 3, 1);
}

static const float RX[6][3] = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}, {1, 1, 0}, {0, 1, 1}, {1, 0, 1}};
static const uint32_t RL[6] = {0, 1, 0, 1, 0, 1};

TMLP_TEST(data_widths_are_checked_against_the_net)
{
    tmlp_net_t net;
    tmlp_arrays_t a;
    tmlp_data_t data;
    tmlp_trainer_t tr;
    tmlp_train_cfg_t c;
    float Y[6][5], scratch[8], acc;
    memset(&a, 0, sizeof a);
    memset(&c, 0, sizeof c);
    memset(Y, 0, sizeof Y);
    r_net(&net, TMLP_ACT_SOFTMAX, 2, 0.0f);
    c.loss = TMLP_LOSS_CE;
    c.max_epochs = 1;
    /* Vector targets 5 wide for a net with 2 outputs: refused, not written
     * past the net's 2-float target buffer. */
    a.X = &RX[0][0];
    a.Y = &Y[0][0];
    a.n_in = 3;
    a.n_out = 5;
    CHECK_OK(tmlp_data_arrays(&data, &a, 6));
    CHECK_ERR(tmlp_train_begin(&tr, &net, &data, &c), TMLP_ERR_SHAPE);
    CHECK_ERR(tmlp_evaluate(&net, &data, TMLP_LOSS_CE, scratch, NULL, &acc, NULL), TMLP_ERR_SHAPE);
    a.n_out = 2;
    a.n_in = 4; /* more inputs than the net takes */
    CHECK_OK(tmlp_data_arrays(&data, &a, 6));
    CHECK_ERR(tmlp_train_begin(&tr, &net, &data, &c), TMLP_ERR_SHAPE);
    a.n_in = 3;
    CHECK_OK(tmlp_data_arrays(&data, &a, 6));
    CHECK_OK(tmlp_train_begin(&tr, &net, &data, &c));
}

TMLP_TEST(schedule_never_reaches_zero_and_the_net_stays_savable)
{
    static uint8_t file[1024];
    tmlp_net_t net;
    tmlp_arrays_t a;
    tmlp_data_t data;
    tmlp_trainer_t tr;
    tmlp_train_cfg_t c;
    tmlp_train_result_t r;
    tmlp_sched_t s;
    size_t len = 0;
    float lr = 1.0f;
    memset(&s, 0, sizeof s);
    s.kind = TMLP_SCHED_COSINE;
    s.period = 4;
    CHECK_OK(tmlp_sched_lr(&s, 0.5f, 9, &lr));
    CHECK_BITS(lr, FLT_MIN);
    s.kind = TMLP_SCHED_EXP;
    s.gamma = 1e-10f;
    CHECK_OK(tmlp_sched_lr(&s, 0.5f, 40, &lr));
    CHECK(lr > 0.0f);
    memset(&c, 0, sizeof c);
    r_net(&net, TMLP_ACT_SOFTMAX, 2, 0.9f);
    label_data(&data, &a, &RX[0][0], 3, RL, 6);
    c.loss = TMLP_LOSS_CE;
    c.max_epochs = 8;
    c.sched.kind = TMLP_SCHED_COSINE;
    c.sched.period = 4;
    CHECK_OK(tmlp_train(&tr, &net, &data, &c, &r));
    /* The file with optimizer state is complete and loads again. */
    CHECK_OK(tmlp_model_save(&net, TMLP_SAVE_OPTIM, file, sizeof file, &len));
    CHECK_OK(tmlp_model_load_buf(&net, TMLP_SAVE_OPTIM, file, len));
}

TMLP_TEST(init_refuses_distributions_that_overflow)
{
    tmlp_net_t net;
    tmlp_init_t init;
    tmlp_rng_t rng;
    const float *p;
    size_t n;
    uint32_t before, after;
    r_net(&net, TMLP_ACT_SOFTMAX, 2, 0.0f);
    CHECK_OK(tmlp_net_crc32(&net, &before));
    CHECK_OK(tmlp_rng_seed(&rng, 1));
    memset(&init, 0, sizeof init);
    init.kind = TMLP_INIT_UNIFORM;
    init.a = -FLT_MAX;
    init.b = FLT_MAX;
    CHECK_ERR(tmlp_net_init_weights(&net, &init, &rng), TMLP_ERR_ARG);
    init.kind = TMLP_INIT_XAVIER_UNIFORM;
    init.a = FLT_MAX; /* the gain */
    CHECK_ERR(tmlp_net_init_weights(&net, &init, &rng), TMLP_ERR_ARG);
    init.kind = TMLP_INIT_NORMAL;
    init.a = 0.0f;
    init.b = 1e38f;
    CHECK_ERR(tmlp_net_init_weights(&net, &init, &rng), TMLP_ERR_ARG);
    CHECK_OK(tmlp_net_crc32(&net, &after));
    CHECK(before == after);
    CHECK_OK(tmlp_net_params(&net, &p, &n));
    CHECK(p[0] - p[0] == 0.0f);
}

TMLP_TEST(targets_of_each_loss)
{
    /* CE with a multi-hot target: the gradient is y sum(t) - t. */
    static const float multi[2] = {1.0f, 1.0f};
    static const float bad_bce[1] = {1.5f};
    static const float bad_ce[2] = {-0.5f, 1.5f};
    tmlp_net_t net;
    tmlp_target_t t;
    float err = 1.0f, v;
    r_net(&net, TMLP_ACT_SOFTMAX, 2, 0.0f);
    t.values = multi;
    t.label = 0;
    CHECK_OK(tmlp_net_gradcheck(&net, RX[3], TMLP_LOSS_CE, &t, 1e-3f, &err));
    CHECK(err < 2e-3f);
    t.values = bad_ce;
    CHECK_OK(tmlp_net_forward(&net, RX[0], NULL));
    CHECK_ERR(tmlp_net_loss(&net, TMLP_LOSS_CE, &t, &v), TMLP_ERR_ARG);
    /* One sigmoid output: labels 0 and 1 are the targets themselves. */
    r_net(&net, TMLP_ACT_SIGMOID, 1, 0.0f);
    t.values = NULL;
    t.label = 1;
    CHECK_OK(tmlp_net_gradcheck(&net, RX[1], TMLP_LOSS_BCE, &t, 1e-3f, &err));
    CHECK(err < 2e-3f);
    t.label = 2;
    CHECK_OK(tmlp_net_forward(&net, RX[0], NULL));
    CHECK_ERR(tmlp_net_loss(&net, TMLP_LOSS_BCE, &t, &v), TMLP_ERR_LABEL);
    t.values = bad_bce;
    CHECK_ERR(tmlp_net_loss(&net, TMLP_LOSS_BCE, &t, &v), TMLP_ERR_ARG);
}

TMLP_TEST(binary_labels_train_and_evaluate_on_one_output)
{
    tmlp_net_t net;
    tmlp_arrays_t a;
    tmlp_data_t data;
    tmlp_trainer_t tr;
    tmlp_train_cfg_t c;
    tmlp_train_result_t r;
    float acc = 0.0f;
    uint32_t conf[4];
    memset(&c, 0, sizeof c);
    r_net(&net, TMLP_ACT_SIGMOID, 1, 0.9f);
    label_data(&data, &a, &RX[0][0], 3, RL, 6);
    c.loss = TMLP_LOSS_BCE;
    c.batch = 6;
    c.max_epochs = 300;
    CHECK_OK(tmlp_train(&tr, &net, &data, &c, &r));
    CHECK_OK(tmlp_evaluate(&net, &data, TMLP_LOSS_BCE, NULL, NULL, &acc, conf));
    CHECK_BITS(acc, 1.0f);
    CHECK(conf[0] == 3u && conf[3] == 3u && conf[1] == 0u && conf[2] == 0u);
}

/* A clock that advances 0x38000000 ticks a reading: 2^32 in under 5. */
static uint32_t fast_clock(void *ctx)
{
    uint32_t *t = (uint32_t *)ctx;
    *t += 0x38000000u;
    return *t;
}

TMLP_TEST(time_budget_counts_across_wraps)
{
    tmlp_net_t net;
    tmlp_arrays_t a;
    tmlp_data_t data;
    tmlp_trainer_t tr;
    tmlp_train_cfg_t c;
    tmlp_train_result_t r;
    uint32_t clock = 0;
    memset(&c, 0, sizeof c);
    r_net(&net, TMLP_ACT_SOFTMAX, 2, 0.0f);
    label_data(&data, &a, &RX[0][0], 3, RL, 6);
    c.loss = TMLP_LOSS_CE;
    c.batch = 1;
    c.time_budget = 0xF0000000u;
    c.clock = fast_clock;
    c.clock_ctx = &clock;
    CHECK_OK(tmlp_train(&tr, &net, &data, &c, &r));
    /* 0xF0000000 / 0x38000000 = 4.57: the 5th step crosses the budget. */
    CHECK(r.stop == TMLP_STOP_TIME && r.steps == 5u);
}

TMLP_TEST(set_optim_restarts_state_it_did_not_keep)
{
    tmlp_net_t net;
    tmlp_optim_t o;
    tmlp_target_t t;
    const float *s0;
    int k;
    r_net(&net, TMLP_ACT_SOFTMAX, 2, 0.9f);
    t.values = NULL;
    t.label = 1;
    for (k = 0; k < 3; k++) {
        CHECK_OK(tmlp_net_forward(&net, RX[k], NULL));
        CHECK_OK(tmlp_net_backward(&net, TMLP_LOSS_CE, &t, NULL));
        CHECK_OK(tmlp_net_step(&net));
    }
    s0 = net.opt_state; /* private, read here only to check the reset */
    CHECK(s0[0] != 0.0f || s0[1] != 0.0f || s0[5] != 0.0f);
    o = net.opt;
    o.momentum = 0.0f;
    CHECK_OK(tmlp_net_set_optim(&net, &o));
    CHECK(net.steps == 0u && s0[0] == 0.0f && s0[1] == 0.0f && s0[5] == 0.0f);
    /* Only the rate changing keeps the state. */
    CHECK_OK(tmlp_net_forward(&net, RX[0], NULL));
    CHECK_OK(tmlp_net_backward(&net, TMLP_LOSS_CE, &t, NULL));
    CHECK_OK(tmlp_net_step(&net));
    o.momentum = 0.9f;
    CHECK_OK(tmlp_net_set_optim(&net, &o));
    CHECK_OK(tmlp_net_forward(&net, RX[0], NULL));
    CHECK_OK(tmlp_net_backward(&net, TMLP_LOSS_CE, &t, NULL));
    CHECK_OK(tmlp_net_step(&net));
    o.lr = 0.05f;
    CHECK_OK(tmlp_net_set_optim(&net, &o));
    CHECK(net.steps == 1u);
}

void suite_contracts(void)
{
    RUN(data_widths_are_checked_against_the_net);
    RUN(schedule_never_reaches_zero_and_the_net_stays_savable);
    RUN(init_refuses_distributions_that_overflow);
    RUN(targets_of_each_loss);
    RUN(binary_labels_train_and_evaluate_on_one_output);
    RUN(time_budget_counts_across_wraps);
    RUN(set_optim_restarts_state_it_did_not_keep);
}
