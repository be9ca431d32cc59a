/* SPDX-License-Identifier: MIT */
/* Back-propagation against finite differences for every activation and
 * every loss that suits the output layer, on a 4-5-6-3 net. The tolerance
 * (2e-3 relative to max(1, |g|)) is about 20 times the float noise of a
 * central difference with h = 1e-3 here, and 100 times smaller than the error
 * of a wrong derivative (a missing lambda, a missing 1/n or a sign). */
#include <string.h>

#include "fixtures.h"
#include "suites.h"
#include "tinymlp.h"
#include "tmlp_test.h"

#define GC_TOL 2e-3f
#define GC_H 1e-3f

static float g_arena[TMLP_MLP3_BYTES(4, 5, 6, 3, TMLP_SLOTS_SGD, TMLP_BUILD_TRAIN) / sizeof(float)];

/* Builds the net with the given activations, draws its weights, runs the
 * library's gradient check on one sample and returns the worst error (or 1
 * if a call failed). */
static float check_pair(uint8_t act_h, float param_h, uint8_t act_o, tmlp_loss_t loss,
                        const tmlp_target_t *t, uint32_t seed)
{
    static const float x[4] = {0.7f, -1.3f, 0.25f, 2.0f};
    tmlp_desc_t d;
    tmlp_net_t net;
    tmlp_optim_t o;
    tmlp_init_t init;
    tmlp_rng_t rng;
    float err = 1.0f;
    tmlp_status_t st;
    memset(&d, 0, sizeof d);
    memset(&o, 0, sizeof o);
    memset(&init, 0, sizeof init);
    o.lr = 0.1f;
    init.kind = TMLP_INIT_UNIFORM;
    init.a = -1.0f;
    init.b = 1.0f;
    init.init_bias = 1;
    d.n_in = 4;
    d.n_layers = 3;
    d.layer[0].units = 5;
    d.layer[0].act = act_h;
    d.layer[0].act_param = param_h;
    d.layer[1].units = 6;
    d.layer[1].act = act_h == TMLP_ACT_RELU ? TMLP_ACT_TANH : act_h;
    d.layer[1].act_param = param_h;
    d.layer[2].units = 3;
    d.layer[2].act = act_o;
    d.layer[2].act_param = act_o == TMLP_ACT_SIGMOID ? param_h : 0.0f;
    st = tmlp_net_init(&net, &d, &(tmlp_opts_t){.optim = &o}, g_arena, sizeof g_arena, NULL);
    if (st == TMLP_OK) {
        st = tmlp_rng_seed(&rng, seed);
    }
    if (st == TMLP_OK) {
        st = tmlp_net_init_weights(&net, &init, &rng);
    }
    if (st == TMLP_OK) {
        st = tmlp_net_gradcheck(&net, x, loss, t, GC_H, &err);
    }
    SKIP_IF_UNSUPPORTED(st);
    return st == TMLP_OK ? err : 1.0f;
}

TMLP_TEST(gradcheck_hidden_activations_with_each_loss)
{
    static const float y_reg[3] = {0.3f, -0.8f, 1.5f};
    static const float y_prob[3] = {0.2f, 0.7f, 0.1f};
    static const float y_bin[3] = {1.0f, 0.0f, 1.0f};
    static const uint8_t hidden[] = {TMLP_ACT_IDENTITY, TMLP_ACT_SIGMOID, TMLP_ACT_TANH,
                                     TMLP_ACT_RELU, TMLP_ACT_LEAKY_RELU};
    tmlp_target_t reg, prob, bin, label;
    size_t h;
    reg.values = y_reg;
    prob.values = y_prob;
    bin.values = y_bin;
    label.values = NULL;
    label.label = 1;
    for (h = 0; h < sizeof hidden; h++) {
        uint8_t a = hidden[h];
        uint32_t s = (uint32_t)h + 10u;
        CHECK(check_pair(a, 0.0f, TMLP_ACT_IDENTITY, TMLP_LOSS_HALF_SSE, &reg, s) < GC_TOL);
        CHECK(check_pair(a, 0.0f, TMLP_ACT_IDENTITY, TMLP_LOSS_MSE, &reg, s) < GC_TOL);
        CHECK(check_pair(a, 0.0f, TMLP_ACT_TANH, TMLP_LOSS_MSE, &prob, s) < GC_TOL);
        CHECK(check_pair(a, 0.0f, TMLP_ACT_SIGMOID, TMLP_LOSS_HALF_SSE, &bin, s) < GC_TOL);
        CHECK(check_pair(a, 0.0f, TMLP_ACT_SIGMOID, TMLP_LOSS_BCE, &bin, s) < GC_TOL);
        CHECK(check_pair(a, 0.0f, TMLP_ACT_SIGMOID, TMLP_LOSS_BCE, &label, s) < GC_TOL);
        CHECK(check_pair(a, 0.0f, TMLP_ACT_SOFTMAX, TMLP_LOSS_CE, &label, s) < GC_TOL);
        CHECK(check_pair(a, 0.0f, TMLP_ACT_SOFTMAX, TMLP_LOSS_CE, &prob, s) < GC_TOL);
        CHECK(check_pair(a, 0.0f, TMLP_ACT_SOFTMAX, TMLP_LOSS_MSE, &prob, s) < GC_TOL);
        CHECK(check_pair(a, 0.0f, TMLP_ACT_RELU, TMLP_LOSS_HALF_SSE, &reg, s) < GC_TOL);
        CHECK(check_pair(a, 0.0f, TMLP_ACT_LEAKY_RELU, TMLP_LOSS_MSE, &reg, s) < GC_TOL);
    }
}

TMLP_TEST(gradcheck_activation_parameters)
{
    /* Sigmoid steepness lambda = 2 (derivative lambda y (1 - y))
     * in the hidden and output layers, and a leaky slope of 0.2. */
    static const float y_bin[3] = {1.0f, 0.0f, 0.0f};
    tmlp_target_t bin, label;
    bin.values = y_bin;
    label.values = NULL;
    label.label = 2;
    CHECK(check_pair(TMLP_ACT_SIGMOID, 2.0f, TMLP_ACT_SIGMOID, TMLP_LOSS_HALF_SSE, &bin, 3) < GC_TOL);
    CHECK(check_pair(TMLP_ACT_SIGMOID, 2.0f, TMLP_ACT_SIGMOID, TMLP_LOSS_BCE, &bin, 4) < GC_TOL);
    CHECK(check_pair(TMLP_ACT_LEAKY_RELU, 0.2f, TMLP_ACT_SOFTMAX, TMLP_LOSS_CE, &label, 5) < GC_TOL);
}

/* An independent check of the gradient check itself: the gradient read back
 * from one plain SGD step with lr = 1 (w_new = w - g) agrees with central
 * differences computed here through the public forward and loss only. */
TMLP_TEST(gradient_from_step_matches_own_differences)
{
    static float arena[TMLP_MLP2_BYTES(3, 4, 2, TMLP_SLOTS_SGD, TMLP_BUILD_TRAIN) / sizeof(float)];
    static const float x[3] = {0.5f, -1.0f, 2.0f};
    float p0[TMLP_MLP2_PARAMS(3, 4, 2)], p1[TMLP_MLP2_PARAMS(3, 4, 2)], p[TMLP_MLP2_PARAMS(3, 4, 2)];
    tmlp_desc_t d = mlp2(3, 4, 2, TMLP_ACT_TANH, TMLP_ACT_SOFTMAX);
    tmlp_net_t net;
    tmlp_optim_t o = make_opt(TMLP_OPT_SGD, 1.0f, 0.0f);
    tmlp_target_t t;
    const float *q;
    size_t n, i;
    float worst = 0.0f;
    t.values = NULL;
    t.label = 0;
    seeded_net(&net, &d, &o, arena, sizeof arena, 5, 1);
    CHECK_OK(tmlp_net_params(&net, &q, &n));
    memcpy(p0, q, sizeof p0);
    CHECK_OK(tmlp_net_forward(&net, x, NULL));
    CHECK_OK(tmlp_net_backward(&net, TMLP_LOSS_CE, &t, NULL));
    CHECK_OK(tmlp_net_step(&net));
    memcpy(p1, q, sizeof p1);
    for (i = 0; i < n; i++) {
        float g = p0[i] - p1[i], lp = 0.0f, lm = 0.0f, num, e;
        memcpy(p, p0, sizeof p);
        p[i] = p0[i] + 1e-2f;
        CHECK_OK(tmlp_net_set_params(&net, p, n));
        CHECK_OK(tmlp_net_forward(&net, x, NULL));
        CHECK_OK(tmlp_net_loss(&net, TMLP_LOSS_CE, &t, &lp));
        p[i] = p0[i] - 1e-2f;
        CHECK_OK(tmlp_net_set_params(&net, p, n));
        CHECK_OK(tmlp_net_forward(&net, x, NULL));
        CHECK_OK(tmlp_net_loss(&net, TMLP_LOSS_CE, &t, &lm));
        num = (lp - lm) / 2e-2f;
        e = g > num ? g - num : num - g;
        worst = e > worst ? e : worst;
    }
    CHECK(worst < 1e-3f);
}

void suite_gradcheck(void)
{
    RUN(gradcheck_hidden_activations_with_each_loss);
    RUN(gradcheck_activation_parameters);
    RUN(gradient_from_step_matches_own_differences);
}
