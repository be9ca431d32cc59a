/* SPDX-License-Identifier: MIT */
/* tmlp_net_train_sample: the fused batch-1 SGD step gives the bits of
 * tmlp_net_forward + tmlp_net_backward + tmlp_net_step, for every optimizer
 * variant, layer widths with and without a tail after blocks of 8, zero
 * inputs (gradients of -0), frozen layers; its bound check refuses what
 * could overflow and leaves the net as it was; every other write forgets
 * the bounds. */
#include <string.h>

#include "fixtures.h"
#include "suites.h"
#include "tinymlp.h"
#include "tmlp_test.h"

/* 11-9-4-3 (widths not multiples of 8, three layers so deltas flow through
 * two of them), tanh / sigmoid / softmax. */
#define SI 11
#define SH1 9
#define SH2 4
#define SO 3
#define S_PARAMS TMLP_MLP3_PARAMS(SI, SH1, SH2, SO)
#define S_UNITS (SH1 + SH2 + SO)
#define S_ARENA_FLOATS                                                                    \
    (TMLP_ARENA_BYTES(SI, SO, S_UNITS, SH1, S_PARAMS, S_PARAMS, SH1, TMLP_SLOTS_MOMENTUM, TMLP_BUILD_TRAIN) /           \
         sizeof(float) +                                                                    \
     S_PARAMS) /* room for Adam's second slot */

static float g_ref_arena[S_ARENA_FLOATS];
static float g_fused_arena[S_ARENA_FLOATS];

static tmlp_desc_t s_desc(uint8_t out_act, int frozen)
{
    tmlp_desc_t d;
    memset(&d, 0, sizeof d);
    d.n_in = SI;
    d.n_layers = 3;
    d.layer[0].units = SH1;
    d.layer[0].act = TMLP_ACT_TANH;
    d.layer[1].units = SH2;
    d.layer[1].act = TMLP_ACT_SIGMOID;
    d.layer[2].units = SO;
    d.layer[2].act = out_act;
    if (frozen) {
        d.layer[0].flags = TMLP_LAYER_FROZEN;
    }
    return d;
}

static tmlp_optim_t s_opt(float momentum, float dampening)
{
    tmlp_optim_t o = make_opt(TMLP_OPT_SGD, 0.3f, momentum);
    o.dampening = dampening;
    return o;
}

static void make_pair(tmlp_net_t *ref, tmlp_net_t *fused, const tmlp_desc_t *d,
                      const tmlp_optim_t *o)
{
    seeded_net(ref, d, o, g_ref_arena, sizeof g_ref_arena, 77, 1);
    seeded_net(fused, d, o, g_fused_arena, sizeof g_fused_arena, 77, 1);
}

/* Sample s: inputs in [-2, 2) with every third one exactly 0 (so d x = -0
 * for negative deltas), label s mod SO. */
static void sample(tmlp_rng_t *rng, float x[SI], uint32_t *label, int s)
{
    int i;
    for (i = 0; i < SI; i++) {
        float u;
        CHECK_OK(tmlp_rng_uniform(rng, &u));
        x[i] = (i % 3 == 0) ? 0.0f : 4.0f * u - 2.0f;
    }
    *label = (uint32_t)s % SO;
}

/* Same parameters, optimizer state and step count, byte for byte. */
static int same_training_state(const tmlp_net_t *a, const tmlp_net_t *b)
{
    size_t n = a->n_train * (size_t)a->slots;
    return a->steps == b->steps && a->n_train == b->n_train &&
           memcmp(a->train_params, b->train_params, a->n_train * sizeof(float)) == 0 &&
           (n == 0u || memcmp(a->opt_state, b->opt_state, n * sizeof(float)) == 0);
}

/* steps samples through both paths; 1 if every loss and the state after
 * every step are identical. */
static int run_pair(tmlp_net_t *ref, tmlp_net_t *fused, tmlp_loss_t loss, int steps)
{
    tmlp_rng_t rng;
    int s, ok = 1;
    CHECK_OK(tmlp_rng_seed(&rng, 5));
    for (s = 0; s < steps; s++) {
        float x[SI], l_ref = 0.0f, l_fused = 1.0f;
        tmlp_target_t t;
        t.values = NULL;
        sample(&rng, x, &t.label, s);
        CHECK_OK(tmlp_net_forward(ref, x, NULL));
        CHECK_OK(tmlp_net_backward(ref, loss, &t, &l_ref));
        CHECK_OK(tmlp_net_step(ref));
        CHECK_OK(tmlp_net_train_sample(fused, x, loss, &t, &l_fused));
        /* After every step: a -0 momentum (a gradient not summed into a
         * zeroed buffer) lasts only until the next positive delta. */
        ok &= tmlp_test_bits(l_ref) == tmlp_test_bits(l_fused) && same_training_state(ref, fused);
    }
    return ok;
}

TMLP_TEST(train_sample_same_bits_every_sgd_variant)
{
    /* momentum, dampening: plain SGD, momentum (first step v = g, then
     * v = mu v + g), dampened momentum. */
    static const float mom[][2] = {{0.0f, 0.0f}, {0.9f, 0.0f}, {0.5f, 0.25f}};
    size_t k;
    for (k = 0; k < sizeof mom / sizeof mom[0]; k++) {
        tmlp_net_t ref, fused;
        tmlp_desc_t d = s_desc(TMLP_ACT_SOFTMAX, 0);
        tmlp_optim_t o = s_opt(mom[k][0], mom[k][1]);
        float norm;
        make_pair(&ref, &fused, &d, &o);
        CHECK(run_pair(&ref, &fused, TMLP_LOSS_CE, 40));
        /* It was the fused path: no gradient norm, gradient buffer untouched. */
        CHECK_ERR(tmlp_net_grad_norm(&fused, &norm), TMLP_ERR_STATE);
        CHECK(fused.bounds_known == 1u && fused.batch_count == 0u);
    }
}

TMLP_TEST(train_sample_same_bits_other_losses_and_frozen)
{
    tmlp_net_t ref, fused;
    tmlp_desc_t d = s_desc(TMLP_ACT_SIGMOID, 0);
    tmlp_optim_t o = s_opt(0.9f, 0.0f);
    make_pair(&ref, &fused, &d, &o);
    CHECK(run_pair(&ref, &fused, TMLP_LOSS_BCE, 25));
    make_pair(&ref, &fused, &d, &o);
    CHECK(run_pair(&ref, &fused, TMLP_LOSS_HALF_SSE, 25));
    /* A frozen first layer: the deltas stop at layer 1. */
    d = s_desc(TMLP_ACT_SOFTMAX, 1);
    make_pair(&ref, &fused, &d, &o);
    CHECK(run_pair(&ref, &fused, TMLP_LOSS_CE, 25));
}

TMLP_TEST(train_sample_unfusable_optimizers_take_the_checked_path)
{
    tmlp_net_t ref, fused;
    tmlp_desc_t d = s_desc(TMLP_ACT_SOFTMAX, 0);
    tmlp_optim_t o = s_opt(0.9f, 0.0f);
    float norm_ref, norm_fused;
    o.nesterov = 1;
    o.weight_decay = 0.01f;
    make_pair(&ref, &fused, &d, &o);
    CHECK(run_pair(&ref, &fused, TMLP_LOSS_CE, 20));
    o = s_opt(0.0f, 0.0f);
    o.kind = TMLP_OPT_ADAM;
    o.lr = 0.01f;
    make_pair(&ref, &fused, &d, &o);
    CHECK(run_pair(&ref, &fused, TMLP_LOSS_CE, 20));
    /* The checked path computes the norm when the nets ask for it. */
    CHECK_ERR(tmlp_net_grad_norm(&ref, &norm_ref), TMLP_ERR_STATE);
    seeded_net_opts(&ref, &d, &(tmlp_opts_t){.optim = &o, .grad_norm = 1}, g_ref_arena,
                    sizeof g_ref_arena, 77, 1);
    seeded_net_opts(&fused, &d, &(tmlp_opts_t){.optim = &o, .grad_norm = 1}, g_fused_arena,
                    sizeof g_fused_arena, 77, 1);
    CHECK(run_pair(&ref, &fused, TMLP_LOSS_CE, 20));
    CHECK_OK(tmlp_net_grad_norm(&ref, &norm_ref));
    CHECK_OK(tmlp_net_grad_norm(&fused, &norm_fused));
    CHECK_BITS(norm_ref, norm_fused);
    CHECK(norm_ref > 0.0f);
}

/* 2 inputs -> 1 sigmoid output: with BCE, delta = y - t. */
static tmlp_desc_t tiny_desc(void)
{
    return mlp1(2, 1, TMLP_ACT_SIGMOID);
}

/* no_grad: 1 for a net without a gradient buffer. */
static void tiny_net_mode(tmlp_net_t *net, int no_grad, float lr, const float w[3])
{
    tmlp_desc_t d = tiny_desc();
    tmlp_optim_t o = s_opt(0.9f, 0.0f);
    o.lr = lr;
    /* With the gradient buffer the net also keeps the norm of each step. */
    CHECK_OK(tmlp_net_init(net, &d,
                           &(tmlp_opts_t){.optim = &o, .no_grad_buffer = (uint8_t)no_grad,
                                          .grad_norm = (uint8_t)!no_grad},
                           g_fused_arena, sizeof g_fused_arena, NULL));
    CHECK_OK(tmlp_net_set_params(net, w, 3));
}

static void tiny_net(tmlp_net_t *net, float lr, const float w[3])
{
    tiny_net_mode(net, 0, lr, w);
}

TMLP_TEST(train_sample_overflow_refused_net_unchanged)
{
    /* w0 = 0 meets x0 = 3e38 (z stays 0), delta = y - 0 = 0.5: p = 1.5e38,
     * and w0' = 0 - 3 * 1.5e38 overflows. The bounds cannot prove the step
     * finite, the checked path finds the overflow, and nothing changes. */
    static const float w[3] = {0.0f, 0.5f, 0.0f};
    const float x[2] = {3e38f, 0.0f};
    tmlp_net_t net;
    tmlp_target_t t = {NULL, 0};
    float loss = -1.0f;
    tiny_net(&net, 3.0f, w);
    CHECK_ERR(tmlp_net_train_sample(&net, x, TMLP_LOSS_BCE, &t, &loss), TMLP_ERR_NUMERIC);
    CHECK(memcmp(net.train_params, w, sizeof w) == 0 && net.opt_state[0] == 0.0f);
    CHECK(net.grad[0] == 0.0f && net.steps == 0u && net.batch_count == 0u && loss == -1.0f);
    /* With lr 0.5 the same step is finite but beyond what the bounds
     * accept (1e30): the checked path takes it, with the same bits as the
     * three calls. A first, ordinary step leaves the bounds known, so
     * the big one finds them too small, measures them again, and still
     * cannot prove it. */
    {
        tmlp_net_t ref;
        float wr[3];
        tiny_net(&net, 0.5f, w);
        net.bounds_known = 1; /* as if measured: w = (0, 0.5, 0), v = 0 */
        net.wbound = 0.5f;
        net.vbound = 0.0f;
        CHECK_OK(tmlp_net_train_sample(&net, x, TMLP_LOSS_BCE, &t, NULL));
        CHECK(net.bounds_known == 0u); /* the checked step forgot them */
        memcpy(wr, net.train_params, sizeof wr);
        tiny_net(&ref, 0.5f, w);
        CHECK_OK(tmlp_net_forward(&ref, x, NULL));
        CHECK_OK(tmlp_net_backward(&ref, TMLP_LOSS_BCE, &t, NULL));
        CHECK_OK(tmlp_net_step(&ref));
        CHECK(memcmp(wr, ref.train_params, sizeof wr) == 0);
        CHECK_BITS(wr[0], -0.5f * 1.5e38f);
    }
    /* lr 1e-9: w' stays small (W' = 1.5e29) but the momentum would reach
     * 1.5e38, beyond the bound for the next steps: the checked path too. */
    {
        float norm = -1.0f;
        tiny_net(&net, 1e-9f, w);
        CHECK_OK(tmlp_net_train_sample(&net, x, TMLP_LOSS_BCE, &t, NULL));
        CHECK_BITS(net.opt_state[0], 1.5e38f);
        CHECK_OK(tmlp_net_grad_norm(&net, &norm)); /* computed: not fused */
        CHECK(norm > 1e38f);
    }
}

TMLP_TEST(train_sample_errors)
{
    static const float w[3] = {0.1f, 0.2f, 0.3f};
    const uint32_t nan_bits = 0x7fc00000u;
    float x[2] = {1.0f, 2.0f}, bad[2] = {1.0f, 0.0f};
    tmlp_net_t net;
    tmlp_target_t t = {NULL, 0}, oob = {NULL, 2};
    memcpy(&bad[1], &nan_bits, sizeof bad[1]);
    tiny_net(&net, 0.1f, w);
    CHECK_ERR(tmlp_net_train_sample(NULL, x, TMLP_LOSS_BCE, &t, NULL), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_net_train_sample(&net, NULL, TMLP_LOSS_BCE, &t, NULL), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_net_train_sample(&net, x, TMLP_LOSS_BCE, NULL, NULL), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_net_train_sample(&net, bad, TMLP_LOSS_BCE, &t, NULL), TMLP_ERR_NUMERIC);
    CHECK_ERR(tmlp_net_train_sample(&net, x, TMLP_LOSS_BCE, &oob, NULL), TMLP_ERR_LABEL);
    CHECK_ERR(tmlp_net_train_sample(&net, x, TMLP_LOSS_CE, &t, NULL), TMLP_ERR_LOSS);
    /* The step counter saturates, as tmlp_net_step's. */
    net.steps = UINT32_MAX;
    CHECK_OK(tmlp_net_train_sample(&net, x, TMLP_LOSS_BCE, &t, NULL));
    CHECK(net.steps == UINT32_MAX);
    tiny_net(&net, 0.1f, w);
    /* A pending gradient: the sample would not be a batch of 1. */
    CHECK_OK(tmlp_net_forward(&net, x, NULL));
    CHECK_OK(tmlp_net_backward(&net, TMLP_LOSS_BCE, &t, NULL));
    CHECK_ERR(tmlp_net_train_sample(&net, x, TMLP_LOSS_BCE, &t, NULL), TMLP_ERR_STATE);
    CHECK(memcmp(net.train_params, w, sizeof w) == 0 && net.steps == 0u);
    /* An inference net has nothing to train. */
    {
        tmlp_desc_t d = tiny_desc();
        CHECK_OK(tmlp_net_init(&net, &d, NULL, g_fused_arena,
                               sizeof g_fused_arena, NULL));
        CHECK_ERR(tmlp_net_train_sample(&net, x, TMLP_LOSS_BCE, &t, NULL), TMLP_ERR_NOT_TRAINING);
    }
}

TMLP_TEST(train_sample_other_writes_forget_the_bounds)
{
    static const float w[3] = {0.1f, 0.2f, 0.3f};
    const float x[2] = {1.0f, 2.0f};
    tmlp_net_t net;
    tmlp_target_t t = {NULL, 1};
    tmlp_optim_t o = s_opt(0.9f, 0.0f);
    tmlp_init_t init;
    tmlp_rng_t rng;
    memset(&init, 0, sizeof init);
    CHECK_OK(tmlp_rng_seed(&rng, 1));
    tiny_net(&net, 0.1f, w);
    CHECK(net.bounds_known == 0u);
    CHECK_OK(tmlp_net_train_sample(&net, x, TMLP_LOSS_BCE, &t, NULL));
    CHECK(net.bounds_known == 1u && net.wbound >= 0.3f);
    CHECK_OK(tmlp_net_set_params(&net, w, 3));
    CHECK(net.bounds_known == 0u);
    CHECK_OK(tmlp_net_train_sample(&net, x, TMLP_LOSS_BCE, &t, NULL));
    CHECK_OK(tmlp_net_init_weights(&net, &init, &rng));
    CHECK(net.bounds_known == 0u);
    CHECK_OK(tmlp_net_train_sample(&net, x, TMLP_LOSS_BCE, &t, NULL));
    CHECK_OK(tmlp_net_set_optim(&net, &o));
    CHECK(net.bounds_known == 0u);
    CHECK_OK(tmlp_net_train_sample(&net, x, TMLP_LOSS_BCE, &t, NULL));
    CHECK_OK(tmlp_net_forward(&net, x, NULL));
    CHECK_OK(tmlp_net_backward(&net, TMLP_LOSS_BCE, &t, NULL));
    CHECK_OK(tmlp_net_step(&net));
    CHECK(net.bounds_known == 0u);
}

/* The loop at batch 1 fuses its steps unless the gradient-norm rule needs
 * the norm; both runs end with the same bits. */
TMLP_TEST(train_sample_loop_batch1_same_bits)
{
    static float X[24][SI];
    static uint8_t labels[24];
    tmlp_arrays_t arr;
    tmlp_data_t data;
    tmlp_rng_t rng;
    uint32_t h[2];
    int run, s;
    CHECK_OK(tmlp_rng_seed(&rng, 3));
    for (s = 0; s < 24; s++) {
        uint32_t label;
        sample(&rng, X[s], &label, s);
        labels[s] = (uint8_t)label;
    }
    label_u8_data(&data, &arr, &X[0][0], SI, labels, 24);
    for (run = 0; run < 2; run++) {
        tmlp_net_t ref, fused;
        tmlp_trainer_t tr;
        tmlp_train_cfg_t c;
        tmlp_train_result_t r;
        tmlp_desc_t d = s_desc(TMLP_ACT_SOFTMAX, 0);
        tmlp_optim_t o = s_opt(0.9f, 0.0f);
        make_pair(&ref, &fused, &d, &o);
        memset(&c, 0, sizeof c);
        c.loss = TMLP_LOSS_CE;
        c.batch = 1;
        c.max_epochs = 5;
        c.shuffle = 1;
        c.seed = 11;
        /* run 1: a gradient-norm rule that never fires keeps the steps
         * unfused. */
        c.grad_tol = run == 0 ? 0.0f : 1e-30f;
        CHECK_OK(tmlp_train(&tr, &fused, &data, &c, &r));
        CHECK(r.stop == TMLP_STOP_MAX_EPOCHS && r.steps == 5u * 24u);
        CHECK(run == 0 ? r.grad_norm == -1.0f : r.grad_norm > 0.0f);
        CHECK_OK(tmlp_net_crc32(&fused, &h[run]));
    }
    CHECK(h[0] == h[1]);
}

/* Training and fine-tuning without a gradient buffer: the arena smaller by
 * exactly n_train floats (rounded up to whole cache lines where the build
 * has one), the same bits as the nets with one. */
TMLP_TEST(train_sample_fused_modes_arena_and_bits)
{
    static float base[S_PARAMS];
    tmlp_net_t ref, fused;
    tmlp_desc_t d = s_desc(TMLP_ACT_SOFTMAX, 0);
    tmlp_optim_t o = s_opt(0.9f, 0.0f);
    size_t need = 0, n_train = TMLP_DENSE_PARAMS(SH1, SH2) + TMLP_DENSE_PARAMS(SH2, SO);
    const size_t full = TMLP_MLP3_BYTES(SI, SH1, SH2, SO, TMLP_SLOTS_MOMENTUM, TMLP_BUILD_TRAIN);
    const size_t fine = TMLP_ARENA_BYTES(SI, SO, S_UNITS, 0, 0, n_train, SH2, TMLP_SLOTS_MOMENTUM, TMLP_BUILD_TRAIN | TMLP_BUILD_BORROW);
    CHECK_OK(tmlp_arena_size(&d, &(tmlp_opts_t){.optim = &o, .no_grad_buffer = 1}, &need));
    CHECK(need == full - TMLP_LINE_ROUND(S_PARAMS, TMLP_CACHE_LINE) * sizeof(float));
    CHECK(need == TMLP_MLP3_BYTES(SI, SH1, SH2, SO, TMLP_SLOTS_MOMENTUM,
                                  TMLP_BUILD_TRAIN | TMLP_BUILD_NO_GRAD));
    CHECK_ERR(tmlp_net_init(&fused, &d, &(tmlp_opts_t){.optim = &o, .no_grad_buffer = 1}, g_fused_arena, need - 4u,
                            NULL),
              TMLP_ERR_NOMEM);
    make_pair(&ref, &fused, &d, &o);
    CHECK_OK(tmlp_net_init(&fused, &d, &(tmlp_opts_t){.optim = &o, .no_grad_buffer = 1}, g_fused_arena, need, NULL));
    CHECK(fused.grad == NULL);
    CHECK_OK(tmlp_net_set_params(&fused, ref.params, S_PARAMS));
    CHECK(run_pair(&ref, &fused, TMLP_LOSS_CE, 30));
    /* Fine-tuning: layer 0 frozen, its parameters in a const array. */
    d = s_desc(TMLP_ACT_SOFTMAX, 1);
    CHECK_OK(tmlp_arena_size(&d, &(tmlp_opts_t){.optim = &o, .params = base, .no_grad_buffer = 1},
                             &need));
    CHECK(need == fine - TMLP_LINE_ROUND(n_train, TMLP_CACHE_LINE) * sizeof(float));
    make_pair(&ref, &fused, &d, &o);
    memcpy(base, ref.params, sizeof base);
    CHECK_OK(tmlp_net_init(&fused, &d, &(tmlp_opts_t){.optim = &o, .params = base, .n_params = S_PARAMS, .no_grad_buffer = 1}, g_fused_arena, need,
                                          NULL));
    CHECK(fused.grad == NULL && fused.train_params != NULL && fused.params == base);
    CHECK(run_pair(&ref, &fused, TMLP_LOSS_CE, 30));
}

TMLP_TEST(train_sample_fused_modes_refuse_what_needs_a_gradient)
{
    static const float w[3] = {0.0f, 0.5f, 0.0f};
    const float x[2] = {3e38f, 0.0f}, x1[2] = {1.0f, 2.0f};
    tmlp_net_t net;
    tmlp_desc_t d = tiny_desc();
    tmlp_optim_t o = s_opt(0.9f, 0.0f), adam = o, wd = o;
    tmlp_target_t t = {NULL, 0};
    tmlp_trainer_t tr;
    tmlp_train_cfg_t c;
    tmlp_data_t data;
    tmlp_arrays_t arr;
    static const uint8_t label[1] = {1};
    float err = 0.0f;
    size_t need = 0;
    adam.kind = TMLP_OPT_ADAM;
    wd.weight_decay = 0.01f;
    CHECK_ERR(tmlp_arena_size(&d, &(tmlp_opts_t){.optim = &adam, .no_grad_buffer = 1}, &need), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_arena_size(&d, &(tmlp_opts_t){.optim = NULL, .no_grad_buffer = 1}, &need), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_net_init(&net, &d, &(tmlp_opts_t){.optim = &wd, .no_grad_buffer = 1}, g_fused_arena,
                            sizeof g_fused_arena, NULL),
              TMLP_ERR_ARG);
    tiny_net_mode(&net, 1, 3.0f, w);
    {
        /* Initialising resets the momentum (there is no gradient to clear). */
        tmlp_init_t init;
        tmlp_rng_t rng;
        memset(&init, 0, sizeof init);
        CHECK_OK(tmlp_rng_seed(&rng, 2));
        net.opt_state[0] = 1.0f;
        CHECK_OK(tmlp_net_init_weights(&net, &init, &rng));
        CHECK(net.opt_state[0] == 0.0f && net.bounds_known == 0u);
        CHECK_OK(tmlp_net_set_params(&net, w, 3));
    }
    CHECK_ERR(tmlp_net_set_optim(&net, &wd), TMLP_ERR_OPTIM_MISMATCH);
    CHECK_OK(tmlp_net_forward(&net, x1, NULL));
    CHECK_ERR(tmlp_net_backward(&net, TMLP_LOSS_BCE, &t, NULL), TMLP_ERR_NO_GRAD);
    CHECK_ERR(tmlp_net_step(&net), TMLP_ERR_NO_GRAD);
    CHECK_ERR(tmlp_net_zero_grad(&net), TMLP_ERR_NO_GRAD);
    CHECK_ERR(tmlp_net_gradcheck(&net, x1, TMLP_LOSS_BCE, &t, 1e-2f, &err), TMLP_ERR_NO_GRAD);
    /* The overflowing step of train_sample_overflow_refused_net_unchanged:
     * without a gradient buffer there is no checked path; refused. */
    CHECK_ERR(tmlp_net_train_sample(&net, x, TMLP_LOSS_BCE, &t, NULL), TMLP_ERR_NUMERIC);
    CHECK(memcmp(net.train_params, w, sizeof w) == 0 && net.opt_state[0] == 0.0f);
    CHECK(net.steps == 0u);
    /* The loop: batch 1 only, and no gradient-norm rule. */
    label_u8_data(&data, &arr, x1, 2, label, 1);
    memset(&c, 0, sizeof c);
    c.loss = TMLP_LOSS_BCE;
    c.max_epochs = 2;
    CHECK_ERR(tmlp_train_begin(&tr, &net, &data, &c), TMLP_ERR_NO_GRAD);
    c.batch = 1;
    c.grad_tol = 1e-6f;
    CHECK_ERR(tmlp_train_begin(&tr, &net, &data, &c), TMLP_ERR_NO_GRAD);
    c.grad_tol = 0.0f;
    o.lr = 0.1f;
    CHECK_OK(tmlp_net_set_optim(&net, &o));
    CHECK_OK(tmlp_train(&tr, &net, &data, &c, NULL));
    CHECK(net.steps == 2u && memcmp(net.train_params, w, sizeof w) != 0);
}

/* Checkpoints of a fused fine-tuning net: saved partial, reloaded into a
 * fresh one, training continues with the same bits; a file whose optimizer
 * the fused mode cannot run is refused; a load forgets the bounds. */
TMLP_TEST(train_sample_fused_finetune_save_load)
{
    static float base[S_PARAMS];
    static uint8_t file[768];   /* the partial file: about 560 bytes */
    static float arena2[256];   /* FINETUNE_FUSED: 151 floats */
    tmlp_net_t ref, fused, again;
    tmlp_desc_t d = s_desc(TMLP_ACT_SOFTMAX, 1);
    tmlp_optim_t o = s_opt(0.9f, 0.0f), wd = o;
    size_t len = 0, need = 0;
    make_pair(&ref, &fused, &d, &o);
    memcpy(base, ref.params, sizeof base);
    CHECK_OK(tmlp_arena_size(&d, &(tmlp_opts_t){.optim = &o, .params = base, .no_grad_buffer = 1},
                             &need));
    CHECK_OK(tmlp_net_init(&fused, &d, &(tmlp_opts_t){.optim = &o, .params = base, .n_params = S_PARAMS, .no_grad_buffer = 1}, g_fused_arena, need,
                                          NULL));
    CHECK(run_pair(&ref, &fused, TMLP_LOSS_CE, 10));
    CHECK_OK(tmlp_model_save(&fused, TMLP_SAVE_OPTIM, file, sizeof file, &len));
    CHECK_OK(tmlp_net_init(&again, &d, &(tmlp_opts_t){.optim = &o, .params = base, .n_params = S_PARAMS, .no_grad_buffer = 1}, arena2, need, NULL));
    CHECK_OK(tmlp_net_train_sample(&again, base, TMLP_LOSS_CE, &(tmlp_target_t){NULL, 1}, NULL));
    CHECK(again.bounds_known == 1u);
    CHECK_OK(tmlp_model_load_buf(&again, TMLP_SAVE_OPTIM, file, len));
    CHECK(again.bounds_known == 0u && same_training_state(&fused, &again));
    CHECK(run_pair(&ref, &again, TMLP_LOSS_CE, 10));
    /* The same file with weight decay in its optimizer block: a fused
     * net cannot run it. */
    wd.weight_decay = 0.01f;
    CHECK_OK(tmlp_net_init(&ref, &d, &(tmlp_opts_t){.optim = &wd, .params = base, .n_params = S_PARAMS}, g_ref_arena,
                                    sizeof g_ref_arena, NULL));
    CHECK_OK(tmlp_model_save(&ref, TMLP_SAVE_OPTIM, file, sizeof file, &len));
    CHECK_ERR(tmlp_model_load_buf(&again, TMLP_SAVE_OPTIM, file, len), TMLP_ERR_OPTIM_MISMATCH);
}

/* A hidden layer that overflows to Inf while the output stays finite:
 * 1 -> ReLU 1 -> sigmoid 1, x = 3e38, w1 = 10: a1 = Inf, y = sigmoid(Inf)
 * = 1, half-SSE against 1 gives loss 0 and delta 0, and the output
 * weight's gradient is 0 Inf = NaN. Bounds on D and X would say P = 0: the
 * fused step must see the Inf itself and refuse, in both modes. */
TMLP_TEST(train_sample_hidden_overflow_refused)
{
    static const float w[4] = {10.0f, 0.0f, 1.0f, 0.0f}; /* w1 b1 w2 b2 */
    const float x[1] = {3e38f};
    tmlp_target_t t = {NULL, 1};
    tmlp_optim_t o = s_opt(0.9f, 0.0f);
    tmlp_desc_t d = mlp2(1, 1, 1, TMLP_ACT_RELU, TMLP_ACT_SIGMOID);
    tmlp_net_t net;
    int fused;
    for (fused = 0; fused < 2; fused++) {
        float loss = -1.0f;
        CHECK_OK(tmlp_net_init(&net, &d,
                               &(tmlp_opts_t){.optim = &o, .no_grad_buffer = (uint8_t)fused},
                               g_fused_arena, sizeof g_fused_arena, NULL));
        CHECK_OK(tmlp_net_set_params(&net, w, 4));
        CHECK_OK(tmlp_net_forward(&net, x, NULL));
        CHECK_OK(tmlp_net_loss(&net, TMLP_LOSS_HALF_SSE, &t, &loss));
        CHECK(loss == 0.0f);
        CHECK_ERR(tmlp_net_train_sample(&net, x, TMLP_LOSS_HALF_SSE, &t, NULL),
                  TMLP_ERR_NUMERIC);
        CHECK(memcmp(net.train_params, w, sizeof w) == 0 && net.opt_state[2] == 0.0f);
        CHECK(net.steps == 0u && net.batch_count == 0u);
    }
}

/* Momentum switched off by tmlp_net_set_optim: the arena keeps its
 * momentum buffer (net->slots stays 1) but the optimizer is plain SGD,
 * which ignores dampening and keeps no state. The fused step must follow
 * the optimizer, not the arena: w -= lr g, state untouched, in both
 * modes. */
TMLP_TEST(train_sample_momentum_switched_off_same_bits)
{
    static const float damp[] = {0.0f, 0.5f, 1.0f};
    size_t k;
    int fused_mode;
    for (fused_mode = 0; fused_mode < 2; fused_mode++) {
        for (k = 0; k < sizeof damp / sizeof damp[0]; k++) {
            tmlp_net_t ref, fused;
            tmlp_desc_t d = s_desc(TMLP_ACT_SOFTMAX, 0);
            tmlp_optim_t o = s_opt(0.9f, damp[k]), off = s_opt(0.0f, damp[k]);
            make_pair(&ref, &fused, &d, &o);
            if (fused_mode) {
                CHECK_OK(tmlp_net_init(&fused, &d, &(tmlp_opts_t){.optim = &o, .no_grad_buffer = 1}, g_fused_arena,
                                       sizeof g_fused_arena, NULL));
                CHECK_OK(tmlp_net_set_params(&fused, ref.params, S_PARAMS));
            }
            CHECK(run_pair(&ref, &fused, TMLP_LOSS_CE, 3));
            CHECK_OK(tmlp_net_set_optim(&ref, &off));
            CHECK_OK(tmlp_net_set_optim(&fused, &off));
            CHECK(fused.slots == 1u);
            CHECK(run_pair(&ref, &fused, TMLP_LOSS_CE, 6));
            /* The momentum buffer was cleared by set_optim and stays 0. */
            CHECK(fused.opt_state[0] == 0.0f && fused.opt_state[S_PARAMS - 1u] == 0.0f);
        }
    }
}

/* Dampening 1 keeps the gradient out of the momentum (v' = mu v + 0 g), so
 * a huge gradient leaves W' and V' small. But tmlp_net_step also needs the
 * gradient's norm, and |g| = 2.85e38 twice has a norm beyond FLT_MAX: the
 * three calls refuse the step (TMLP_ERR_NUMERIC). The fused step must not
 * take it either: P itself must be below the limit (then the norm, at most
 * sqrt(n) P, is finite). 2 -> sigmoid 1, BCE against 0; the first sample
 * (x = 0) moves only the bias and makes the second step not the first. */
TMLP_TEST(train_sample_gradient_norm_overflow_refused)
{
    static const float w[3] = {1e-38f, 0.0f, 0.0f};
    const float x0[2] = {0.0f, 0.0f}, x[2] = {3e38f, 3e38f};
    tmlp_desc_t d = tiny_desc();
    tmlp_optim_t o = s_opt(0.5f, 1.0f);
    tmlp_target_t t = {NULL, 0};
    tmlp_net_t ref, net;
    float w1[3], v1[3], loss = -1.0f;
    int mode;
    o.lr = 0.1f;
    for (mode = 0; mode < 2; mode++) {
        CHECK_OK(tmlp_net_init(&ref, &d, &(tmlp_opts_t){.optim = &o}, g_ref_arena, sizeof g_ref_arena,
                               NULL));
        CHECK_OK(tmlp_net_set_params(&ref, w, 3));
        CHECK_OK(tmlp_net_init(&net, &d,
                               &(tmlp_opts_t){.optim = &o, .no_grad_buffer = (uint8_t)mode},
                               g_fused_arena, sizeof g_fused_arena, NULL));
        CHECK_OK(tmlp_net_set_params(&net, w, 3));
        CHECK_OK(tmlp_net_forward(&ref, x0, NULL));
        CHECK_OK(tmlp_net_backward(&ref, TMLP_LOSS_BCE, &t, NULL));
        CHECK_OK(tmlp_net_step(&ref));
        CHECK_OK(tmlp_net_train_sample(&net, x0, TMLP_LOSS_BCE, &t, NULL));
        CHECK(same_training_state(&ref, &net));
        /* The three calls: finite gradient elements, a norm beyond FLT_MAX. */
        CHECK_OK(tmlp_net_forward(&ref, x, NULL));
        CHECK_OK(tmlp_net_backward(&ref, TMLP_LOSS_BCE, &t, NULL));
        CHECK(ref.grad[0] > 2e38f && ref.grad[1] > 2e38f);
        CHECK_ERR(tmlp_net_step(&ref), TMLP_ERR_NUMERIC);
        CHECK_OK(tmlp_net_zero_grad(&ref));
        memcpy(w1, net.train_params, sizeof w1);
        memcpy(v1, net.opt_state, sizeof v1);
        CHECK_ERR(tmlp_net_train_sample(&net, x, TMLP_LOSS_BCE, &t, &loss), TMLP_ERR_NUMERIC);
        CHECK(memcmp(w1, net.train_params, sizeof w1) == 0);
        CHECK(memcmp(v1, net.opt_state, sizeof v1) == 0);
        CHECK(net.steps == 1u && net.batch_count == 0u && loss == -1.0f);
        CHECK(mode || net.grad[0] == 0.0f);
        CHECK(same_training_state(&ref, &net));
    }
}

void suite_train_sample(void)
{
    RUN(train_sample_same_bits_every_sgd_variant);
    RUN(train_sample_same_bits_other_losses_and_frozen);
    RUN(train_sample_unfusable_optimizers_take_the_checked_path);
    RUN(train_sample_overflow_refused_net_unchanged);
    RUN(train_sample_errors);
    RUN(train_sample_other_writes_forget_the_bounds);
    RUN(train_sample_loop_batch1_same_bits);
    RUN(train_sample_fused_modes_arena_and_bits);
    RUN(train_sample_fused_modes_refuse_what_needs_a_gradient);
    RUN(train_sample_fused_finetune_save_load);
    RUN(train_sample_hidden_overflow_refused);
    RUN(train_sample_momentum_switched_off_same_bits);
    RUN(train_sample_gradient_norm_overflow_refused);
}
