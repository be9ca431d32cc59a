/* SPDX-License-Identifier: MIT */
/* The training loop: orders, batches, stopping rules, schedules, the NaN
 * guard, metrics. */
#include <stdio.h>
#include <string.h>

#include "fixtures.h"
#include "suites.h"
#include "tinymlp.h"
#include "tmlp_test.h"

/* A 4-8-3 classifier on 30 synthetic samples (3 blobs). */
#define LN 30
static float g_x[LN][4];
static uint8_t g_lab[LN];
static float g_arena[TMLP_MLP2_BYTES(4, 8, 3, TMLP_SLOTS_ADAM, TMLP_BUILD_TRAIN) / sizeof(float)];
static tmlp_arrays_t g_arr;
static tmlp_data_t g_data;

static void make_data(void)
{
    tmlp_rng_t rng;
    uint32_t u;
    int i, k;
    CHECK_OK(tmlp_rng_seed(&rng, 77));
    for (i = 0; i < LN; i++) {
        g_lab[i] = (uint8_t)(i % 3);
        for (k = 0; k < 4; k++) {
            float z;
            CHECK_OK(tmlp_rng_normal(&rng, &z));
            g_x[i][k] = 0.5f * z + (k == g_lab[i] ? 1.5f : 0.0f);
        }
    }
    CHECK_OK(tmlp_rng_u32(&rng, &u));
    label_u8_data(&g_data, &g_arr, &g_x[0][0], 4, g_lab, LN);
}

static void make_net(tmlp_net_t *net, uint8_t kind, float lr, float momentum)
{
    tmlp_desc_t d = mlp2(4, 8, 3, TMLP_ACT_TANH, TMLP_ACT_SOFTMAX);
    tmlp_optim_t o = make_opt(kind, lr, momentum);
    seeded_net(net, &d, &o, g_arena, sizeof g_arena, 3, 0);
}

static tmlp_train_cfg_t base_cfg(void)
{
    tmlp_train_cfg_t c;
    memset(&c, 0, sizeof c);
    c.loss = TMLP_LOSS_CE;
    c.batch = 4;
    c.shuffle = 1;
    c.seed = 11;
    return c;
}

/* Every epoch a permutation: each index exactly once. */
static int is_permutation(const tmlp_trainer_t *tr, uint32_t n)
{
    static uint8_t seen[1000];
    uint32_t i, idx;
    memset(seen, 0, n);
    for (i = 0; i < n; i++) {
        if (tmlp_train_order(tr, i, &idx) != TMLP_OK || idx >= n || seen[idx]) {
            return 0;
        }
        seen[idx] = 1;
    }
    return 1;
}

static tmlp_status_t read_nothing(void *ctx, uint32_t i, float *x, float *y, uint32_t *label)
{
    (void)ctx;
    (void)y;
    x[0] = (float)i;
    x[1] = x[2] = x[3] = 0.0f;
    *label = i % 3u;
    return TMLP_OK;
}

TMLP_TEST(orders_are_reproducible_permutations)
{
    static const uint32_t sizes[] = {1, 2, 3, 7, 64, 100, 1000};
    static uint32_t idx_buf[1000];
    tmlp_net_t net;
    tmlp_trainer_t a, b;
    tmlp_train_cfg_t c = base_cfg();
    tmlp_data_t d;
    tmlp_stop_t stop;
    uint32_t s, e, first[8], i, changed;
    make_net(&net, TMLP_OPT_SGD, 0.01f, 0.0f);
    memset(&d, 0, sizeof d);
    d.read = read_nothing;
    c.max_epochs = 100;
    for (s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        int with_buf;
        for (with_buf = 0; with_buf < 2; with_buf++) {
            d.n = sizes[s];
            c.batch = 0; /* one step = one epoch */
            c.index_buf = with_buf ? idx_buf : NULL;
            CHECK_OK(tmlp_train_begin(&a, &net, &d, &c));
            changed = 0;
            for (e = 0; e < 3; e++) {
                CHECK(is_permutation(&a, d.n));
                for (i = 0; i < 8 && i < d.n; i++) {
                    uint32_t k;
                    CHECK_OK(tmlp_train_order(&a, i, &k));
                    changed += e > 0 && k != first[i];
                    first[i] = k;
                }
                CHECK_OK(tmlp_train_step(&a, &stop));
            }
            CHECK(d.n < 7 || changed > 0);
        }
    }
    /* The same seed reproduces the order; another seed changes it. */
    d.n = 100;
    c.index_buf = NULL;
    CHECK_OK(tmlp_train_begin(&a, &net, &d, &c));
    CHECK_OK(tmlp_train_begin(&b, &net, &d, &c));
    changed = 0;
    for (i = 0; i < 100; i++) {
        uint32_t ka, kb;
        CHECK_OK(tmlp_train_order(&a, i, &ka));
        CHECK_OK(tmlp_train_order(&b, i, &kb));
        CHECK(ka == kb);
    }
    c.seed = 12;
    CHECK_OK(tmlp_train_begin(&b, &net, &d, &c));
    for (i = 0; i < 100; i++) {
        uint32_t ka, kb;
        CHECK_OK(tmlp_train_order(&a, i, &ka));
        CHECK_OK(tmlp_train_order(&b, i, &kb));
        changed += ka != kb;
    }
    CHECK(changed > 50u);
    /* Without shuffling: file order. */
    c.shuffle = 0;
    CHECK_OK(tmlp_train_begin(&a, &net, &d, &c));
    CHECK_OK(tmlp_train_order(&a, 37, &i));
    CHECK(i == 37u);
}

static uint32_t train_hash(int incremental, uint8_t kind)
{
    tmlp_net_t net;
    tmlp_trainer_t tr;
    tmlp_train_cfg_t c = base_cfg();
    tmlp_train_result_t r;
    tmlp_stop_t stop = TMLP_STOP_NONE;
    uint32_t h = 0;
    make_net(&net, kind, kind == TMLP_OPT_ADAM ? 0.01f : 0.1f, 0.9f);
    c.max_epochs = 25;
    c.sched.kind = TMLP_SCHED_COSINE;
    c.sched.period = 25;
    c.sched.lr_min = 0.001f;
    c.sched.warmup = 2;
    if (incremental) {
        CHECK_OK(tmlp_train_begin(&tr, &net, &g_data, &c));
        while (stop == TMLP_STOP_NONE) {
            CHECK_OK(tmlp_train_step(&tr, &stop));
        }
        CHECK_OK(tmlp_train_result(&tr, &r));
    } else {
        CHECK_OK(tmlp_train(&tr, &net, &g_data, &c, &r));
    }
    CHECK(r.stop == TMLP_STOP_MAX_EPOCHS && r.epochs == 25u && r.steps == 25u * 8u);
    CHECK(r.train_loss < 0.2f);
    CHECK_OK(tmlp_net_crc32(&net, &h));
    return h;
}

TMLP_TEST(loop_hash_same_for_one_call_and_incremental)
{
    uint32_t h1 = train_hash(0, TMLP_OPT_SGD), h2 = train_hash(1, TMLP_OPT_SGD);
    uint32_t h3 = train_hash(0, TMLP_OPT_ADAM), h4 = train_hash(1, TMLP_OPT_ADAM);
    CHECK(h1 == h2);
    CHECK(h3 == h4);
    printf("weights-hash %s %08lx loop-sgd\n", TMLP_TEST_CONFIG, (unsigned long)h1);
    printf("weights-hash %s %08lx loop-adam\n", TMLP_TEST_CONFIG, (unsigned long)h3);
    CHECK(h1 == 0x678bffe2u);
    CHECK(h3 == 0x894fddf9u);
}

static tmlp_stop_t run_until_stop(tmlp_net_t *net, const tmlp_data_t *d, const tmlp_train_cfg_t *c,
                                  tmlp_train_result_t *r)
{
    tmlp_trainer_t tr;
    CHECK_OK(tmlp_train(&tr, net, d, c, r));
    return (tmlp_stop_t)r->stop;
}

/* Fake clock: starts 300 ticks before the 32-bit wrap, 100 ticks a read. */
static uint32_t fake_clock(void *ctx)
{
    uint32_t *t = (uint32_t *)ctx;
    *t += 100u;
    return *t;
}

static int stop_at_epoch_3(void *ctx, const tmlp_epoch_info_t *info)
{
    uint32_t *calls = (uint32_t *)ctx;
    (*calls)++;
    CHECK(info->epoch == *calls);
    /* The net does not ask for the gradient norm, nor does this loop
     * (no grad_tol): unknown, -1. */
    CHECK(info->train_loss > 0.0f && info->lr > 0.0f && info->grad_norm == -1.0f);
    return info->epoch == 3u;
}

/* The gradient norm is computed when asked: by the net (opts.grad_norm)
 * or by the loop's grad_tol. Either way the weights are the same bits. */
TMLP_TEST(loop_norm_only_when_asked)
{
    static float arena2[sizeof g_arena / sizeof(float)];
    tmlp_desc_t d = mlp2(4, 8, 3, TMLP_ACT_TANH, TMLP_ACT_SOFTMAX);
    tmlp_optim_t o = make_opt(TMLP_OPT_SGD, 0.1f, 0.9f);
    tmlp_net_t plain, asked;
    tmlp_trainer_t tr;
    tmlp_train_cfg_t c = base_cfg();
    tmlp_train_result_t r1, r2;
    uint32_t h1 = 0, h2 = 0;
    float norm = 0.0f;
    c.max_epochs = 3;
    seeded_net(&plain, &d, &o, g_arena, sizeof g_arena, 3, 0);
    seeded_net_opts(&asked, &d, &(tmlp_opts_t){.optim = &o, .grad_norm = 1}, arena2,
                    sizeof arena2, 3, 0);
    CHECK_OK(tmlp_train(&tr, &plain, &g_data, &c, &r1));
    CHECK_OK(tmlp_train(&tr, &asked, &g_data, &c, &r2));
    CHECK(r1.grad_norm == -1.0f && r2.grad_norm > 0.0f);
    CHECK_ERR(tmlp_net_grad_norm(&plain, &norm), TMLP_ERR_STATE);
    CHECK_OK(tmlp_net_grad_norm(&asked, &norm));
    CHECK_BITS(norm, r2.grad_norm);
    CHECK_OK(tmlp_net_crc32(&plain, &h1));
    CHECK_OK(tmlp_net_crc32(&asked, &h2));
    CHECK(h1 == h2);
    /* grad_tol needs the norm: the loop computes it for its rule. */
    c.max_epochs = 1;
    c.grad_tol = 1e-9f;
    CHECK_OK(tmlp_train(&tr, &plain, &g_data, &c, &r1));
    CHECK(r1.grad_norm > 0.0f);
    /* The option needs an optimizer and a gradient buffer. */
    CHECK_ERR(tmlp_net_init(&plain, &d, &(tmlp_opts_t){.grad_norm = 1}, g_arena, sizeof g_arena,
                            NULL),
              TMLP_ERR_ARG);
    CHECK_ERR(tmlp_net_init(&plain, &d, &(tmlp_opts_t){.optim = &o, .no_grad_buffer = 1, .grad_norm = 1},
                            g_arena, sizeof g_arena, NULL),
              TMLP_ERR_ARG);
    CHECK_ERR(tmlp_net_init(&plain, &d, &(tmlp_opts_t){.optim = &o, .grad_norm = 2}, g_arena,
                            sizeof g_arena, NULL),
              TMLP_ERR_ARG);
}

TMLP_TEST(each_stopping_rule_reports_itself)
{
    static float best[TMLP_MLP2_PARAMS(4, 8, 3)];
    static uint8_t wrong[LN];
    tmlp_arrays_t va;
    tmlp_data_t vd;
    tmlp_net_t net;
    tmlp_train_cfg_t c;
    tmlp_train_result_t r;
    uint32_t clock_state = 0xffffffffu - 300u, calls = 0;
    const float *p;
    size_t n;
    int i;

    make_net(&net, TMLP_OPT_SGD, 0.1f, 0.0f);
    c = base_cfg();
    c.max_steps = 17;
    c.max_epochs = 100;
    CHECK(run_until_stop(&net, &g_data, &c, &r) == TMLP_STOP_MAX_STEPS);
    CHECK(r.steps == 17u && r.epochs == 2u);

    /* Gradient norm: a generous tolerance is met at once. */
    c = base_cfg();
    c.grad_tol = 1e3f;
    CHECK(run_until_stop(&net, &g_data, &c, &r) == TMLP_STOP_GRAD_NORM && r.steps == 1u);

    /* Plateau: a tiny lr barely lowers the loss: 3 epochs in a row. */
    make_net(&net, TMLP_OPT_SGD, 1e-6f, 0.0f);
    c = base_cfg();
    c.rel_tol = 1e-3f;
    c.rel_patience = 3;
    c.max_epochs = 50;
    CHECK(run_until_stop(&net, &g_data, &c, &r) == TMLP_STOP_PLATEAU);
    CHECK(r.epochs == 4u);

    /* Time budget of 1000 ticks, across the clock's wrap. begin reads the
     * clock once (t0 = 2^32 - 200), each step once more: after step k the
     * elapsed time is 100 k, so step 10 stops it. */
    make_net(&net, TMLP_OPT_SGD, 0.1f, 0.0f);
    c = base_cfg();
    c.time_budget = 1000;
    /* The library has no clock of its own: a budget needs the caller's. */
    {
        tmlp_trainer_t tr;
        CHECK_ERR(tmlp_train_begin(&tr, &net, &g_data, &c), TMLP_ERR_ARG);
    }
    c.clock = fake_clock;
    c.clock_ctx = &clock_state;
    CHECK(run_until_stop(&net, &g_data, &c, &r) == TMLP_STOP_TIME);
    CHECK(r.steps == 10u && r.elapsed == 1000u);

    /* Callback. */
    c = base_cfg();
    c.max_epochs = 100;
    c.on_epoch = stop_at_epoch_3;
    c.on_epoch_ctx = &calls;
    CHECK(run_until_stop(&net, &g_data, &c, &r) == TMLP_STOP_CALLBACK && r.epochs == 3u);
    CHECK(calls == 3u);

    /* Early stopping: the validation set has the wrong labels, so its loss
     * rises while training goes well; the best weights come back. */
    for (i = 0; i < LN; i++) {
        wrong[i] = (uint8_t)((g_lab[i] + 1) % 3);
    }
    va = g_arr;
    va.labels_u8 = wrong;
    CHECK_OK(tmlp_data_arrays(&vd, &va, LN));
    make_net(&net, TMLP_OPT_SGD, 0.1f, 0.9f);
    c = base_cfg();
    c.max_epochs = 200;
    c.val = &vd;
    c.patience = 3;
    c.best_params = best;
    c.restore_best = 1;
    CHECK(run_until_stop(&net, &g_data, &c, &r) == TMLP_STOP_EARLY);
    CHECK(r.epochs < 200u && r.best_val < r.val_loss);
    CHECK_OK(tmlp_net_params(&net, &p, &n));
    CHECK(memcmp(p, best, sizeof best) == 0);

    /* No rule at all is refused. */
    {
        tmlp_trainer_t tr;
        c = base_cfg();
        CHECK_ERR(tmlp_train_begin(&tr, &net, &g_data, &c), TMLP_ERR_ARG);
    }
}

/* Batch GD over the whole set equals one batch done by hand with the net
 * API, and a batch of one equals a plain SGD step. */
TMLP_TEST(batches_equal_hand_batches)
{
    static float saved[TMLP_MLP2_PARAMS(4, 8, 3)];
    tmlp_net_t net;
    tmlp_trainer_t tr;
    tmlp_train_cfg_t c = base_cfg();
    tmlp_stop_t stop;
    const float *p;
    size_t n;
    uint32_t h_loop, h_hand, i;
    int b;
    for (b = 0; b < 2; b++) {
        make_net(&net, TMLP_OPT_SGD, 0.1f, 0.9f);
        c.batch = b == 0 ? 0u : 1u;
        c.shuffle = 0;
        c.max_epochs = 1;
        CHECK_OK(tmlp_net_params(&net, &p, &n));
        memcpy(saved, p, sizeof saved);
        CHECK_OK(tmlp_train_begin(&tr, &net, &g_data, &c));
        CHECK_OK(tmlp_train_step(&tr, &stop));
        CHECK_OK(tmlp_net_crc32(&net, &h_loop));
        make_net(&net, TMLP_OPT_SGD, 0.1f, 0.9f);
        CHECK_OK(tmlp_net_set_params(&net, saved, n));
        for (i = 0; i < (b == 0 ? (uint32_t)LN : 1u); i++) {
            tmlp_target_t t;
            t.values = NULL;
            t.label = g_lab[i];
            CHECK_OK(tmlp_net_forward(&net, g_x[i], NULL));
            CHECK_OK(tmlp_net_backward(&net, TMLP_LOSS_CE, &t, NULL));
        }
        CHECK_OK(tmlp_net_step(&net));
        CHECK_OK(tmlp_net_crc32(&net, &h_hand));
        CHECK(h_loop == h_hand);
    }
}

/* A read function that returns an Inf input from the 7th read on. */
static tmlp_status_t read_inf_later(void *ctx, uint32_t i, float *x, float *y, uint32_t *label)
{
    uint32_t *reads = (uint32_t *)ctx;
    (void)y;
    memcpy(x, g_x[i], sizeof g_x[i]);
    *label = g_lab[i];
    if (++*reads >= 7u) {
        x[2] = 1.0f / 0.0f;
    }
    return TMLP_OK;
}

TMLP_TEST(divergence_stops_with_finite_weights)
{
    static float before[TMLP_MLP2_PARAMS(4, 8, 3)];
    tmlp_net_t net;
    tmlp_trainer_t tr;
    tmlp_train_cfg_t c = base_cfg();
    tmlp_train_result_t r;
    tmlp_data_t d = g_data;
    tmlp_stop_t stop = TMLP_STOP_NONE;
    uint32_t reads = 0;
    const float *p;
    size_t n, k;
    /* Inf in the data: the step in progress is dropped. */
    make_net(&net, TMLP_OPT_SGD, 0.1f, 0.9f);
    d.read = read_inf_later;
    d.ctx = &reads;
    c.max_epochs = 5;
    CHECK_OK(tmlp_train_begin(&tr, &net, &d, &c));
    CHECK_OK(tmlp_train_step(&tr, &stop)); /* reads 1..4 */
    CHECK_OK(tmlp_net_params(&net, &p, &n));
    memcpy(before, p, sizeof before);
    CHECK_ERR(tmlp_train_step(&tr, &stop), TMLP_ERR_NUMERIC); /* read 7 is Inf */
    CHECK(stop == TMLP_STOP_ERROR);
    CHECK(memcmp(p, before, sizeof before) == 0);
    CHECK_ERR(tmlp_train_step(&tr, &stop), TMLP_ERR_STATE);
    /* lr = 1e30 on a linear regression: the first step puts the weights near
     * 1e30, the next gradient is as large, and its update would overflow:
     * that step is refused and the weights stay the last finite ones. */
    {
        static float arena[TMLP_ARENA_BYTES(4, 3, 3, 3, 15, 15, 3, 0, TMLP_BUILD_TRAIN) / sizeof(float)];
        tmlp_desc_t dl = mlp1(4, 3, TMLP_ACT_IDENTITY);
        tmlp_optim_t o;
        memset(&o, 0, sizeof o);
        o.lr = 1e30f;
        CHECK_OK(tmlp_net_init(&net, &dl, &(tmlp_opts_t){.optim = &o}, arena, sizeof arena, NULL));
        c = base_cfg();
        c.loss = TMLP_LOSS_MSE;
        c.max_epochs = 5;
        CHECK_ERR(tmlp_train(&tr, &net, &g_data, &c, &r), TMLP_ERR_NUMERIC);
        CHECK_OK(tmlp_train_result(&tr, &r));
        CHECK(r.stop == TMLP_STOP_ERROR && r.steps >= 1u);
        CHECK_OK(tmlp_net_params(&net, &p, &n));
        for (k = 0; k < n; k++) {
            CHECK(p[k] - p[k] == 0.0f); /* finite */
        }
    }
}

TMLP_TEST(schedules_follow_their_formulas)
{
    tmlp_sched_t s;
    float lr;
    memset(&s, 0, sizeof s);
    CHECK_OK(tmlp_sched_lr(&s, 0.5f, 9, &lr));
    CHECK_BITS(lr, 0.5f);
    s.kind = TMLP_SCHED_STEP;
    s.gamma = 0.5f;
    s.period = 3;
    CHECK_OK(tmlp_sched_lr(&s, 0.8f, 7, &lr));
    CHECK_BITS(lr, 0.2f); /* 0.8 * 0.5^2, exact */
    s.kind = TMLP_SCHED_EXP;
    s.gamma = 0.9f;
    CHECK_OK(tmlp_sched_lr(&s, 1.0f, 3, &lr));
    CHECK_ULPS(lr, 0.729f, 2);
    s.kind = TMLP_SCHED_INVERSE;
    s.gamma = 0.5f;
    CHECK_OK(tmlp_sched_lr(&s, 1.0f, 4, &lr));
    CHECK_BITS(lr, 1.0f / 3.0f);
    s.kind = TMLP_SCHED_COSINE;
    s.period = 4;
    s.lr_min = 0.1f;
    CHECK_OK(tmlp_sched_lr(&s, 1.1f, 0, &lr));
    CHECK_ULPS(lr, 1.1f, 1);
    CHECK_OK(tmlp_sched_lr(&s, 1.1f, 2, &lr));
    CHECK_NEAR(lr, 0.6f, 1e-6f); /* cos(pi / 2) = 0 */
    CHECK_OK(tmlp_sched_lr(&s, 1.1f, 1, &lr));
    CHECK_NEAR(lr, 0.1f + 1.0f * (1.0f + 0.70710678f) * 0.5f, 1e-6f);
    CHECK_OK(tmlp_sched_lr(&s, 1.1f, 9, &lr));
    CHECK_BITS(lr, 0.1f);
    s.kind = TMLP_SCHED_CONSTANT;
    s.warmup = 3;
    CHECK_OK(tmlp_sched_lr(&s, 1.0f, 0, &lr));
    CHECK_BITS(lr, 0.25f);
    CHECK_OK(tmlp_sched_lr(&s, 1.0f, 2, &lr));
    CHECK_BITS(lr, 0.75f);
    CHECK_OK(tmlp_sched_lr(&s, 1.0f, 3, &lr));
    CHECK_BITS(lr, 1.0f);
    s.kind = TMLP_SCHED_STEP;
    s.period = 0;
    CHECK_ERR(tmlp_sched_lr(&s, 1.0f, 3, &lr), TMLP_ERR_ARG);
}

TMLP_TEST(evaluate_and_baseline)
{
    /* Identity 2-2 net with softmax: predicts the larger input. */
    static float arena[TMLP_ARENA_BYTES(0, 0, 0, 2, 6, 6, 2, 0, 0) / sizeof(float)];
    static const float X[5][2] = {{1, 0}, {0, 1}, {2, 1}, {0, 3}, {5, 4}};
    static const uint32_t L[5] = {0, 1, 1, 1, 0};
    const float p[6] = {1, 0, 0, 1, 0, 0};
    float scratch[4], loss, acc, maj, uni, x_buf[2];
    uint32_t conf[4], counts[2];
    tmlp_desc_t d = mlp1(2, 2, TMLP_ACT_SOFTMAX);
    tmlp_net_t net;
    tmlp_arrays_t a;
    tmlp_data_t data;
    label_data(&data, &a, &X[0][0], 2, L, 5);
    CHECK_OK(tmlp_net_init(&net, &d, NULL, arena, sizeof arena, NULL));
    CHECK_OK(tmlp_net_set_params(&net, p, 6));
    CHECK_OK(tmlp_evaluate(&net, &data, TMLP_LOSS_CE, scratch, &loss, &acc, conf));
    /* Predictions 0, 1, 0, 1, 0 against labels 0, 1, 1, 1, 0. */
    CHECK_BITS(acc, 0.8f);
    CHECK(conf[0] == 2u && conf[1] == 0u && conf[2] == 1u && conf[3] == 2u);
    CHECK(loss > 0.0f && loss < 1.0f);
    CHECK_ERR(tmlp_evaluate(&net, &data, TMLP_LOSS_CE, NULL, &loss, &acc, conf), TMLP_ERR_ARG);
    CHECK_OK(tmlp_baseline(&data, 2, x_buf, counts, &maj, &uni));
    CHECK(counts[0] == 2u && counts[1] == 3u);
    CHECK_BITS(maj, 0.6f);
    CHECK_BITS(uni, 0.5f);
    CHECK_ERR(tmlp_baseline(&data, 1, x_buf, counts, &maj, &uni), TMLP_ERR_LABEL);
}

void suite_loop(void)
{
    make_data();
    RUN(orders_are_reproducible_permutations);
    RUN(loop_hash_same_for_one_call_and_incremental);
    RUN(each_stopping_rule_reports_itself);
    RUN(loop_norm_only_when_asked);
    RUN(batches_equal_hand_batches);
    RUN(divergence_stops_with_finite_weights);
    RUN(schedules_follow_their_formulas);
    RUN(evaluate_and_baseline);
}
