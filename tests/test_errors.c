/* SPDX-License-Identifier: MIT */
/* Every error path of the public API, and that it leaves the model as it
 * was: tinymlp.h promises that on any error "parameters, optimizer state,
 * step counts and accumulated gradients are exactly as before the call
 * (scratch buffers in the arena may differ)". Each case snapshots
 *   - the handle tmlp_net_t, byte for byte,
 *   - the parameters as tmlp_net_params() shows them,
 *   - for arena-backed nets, the arena's leading region that holds the
 *     parameters, gradient sums and optimizer state (n_params (2 + slots)
 *     floats for training, n_params for inference: the order the header's
 *     arena formula lists them in; the activations after it are scratch),
 * makes the failing call, and compares. Where the handle legitimately
 * changes on an error, the test says so and checks everything else.
 * Plus the canary: training in an arena of exactly tmlp_arena_size() bytes
 * surrounded by guard floats never writes outside it. */
#include "suites.h"
#include "tinymlp.h"
#include "tmlp_test.h"

#include <stdio.h>
#include <string.h>

/* ------------------------------------------------------------------------ */
/* Helpers                                                                   */
/* ------------------------------------------------------------------------ */

static float from_bits(uint32_t u)
{
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

static float qnan(void)
{
    return from_bits(0x7fc00000u);
}

static float pinf(void)
{
    return from_bits(0x7f800000u);
}

static int is_finite(float x)
{
    return (tmlp_test_bits(x) & 0x7f800000u) != 0x7f800000u;
}

static tmlp_optim_t make_opt(uint8_t kind, float lr, float momentum)
{
    tmlp_optim_t o;
    memset(&o, 0, sizeof o);
    o.kind = kind;
    o.lr = lr;
    o.momentum = momentum;
    return o;
}

/* A valid 2-3-2 model: tanh hidden layer, the given output activation. */
static void base_desc(tmlp_desc_t *d, uint8_t out_act)
{
    memset(d, 0, sizeof *d);
    d->n_in = 2;
    d->n_layers = 2;
    d->layer[0].units = 3;
    d->layer[0].act = TMLP_ACT_TANH;
    d->layer[1].units = 2;
    d->layer[1].act = out_act;
}

#define NP TMLP_MLP2_PARAMS(2, 3, 2) /* 17 */

static const float X0[2] = {0.5f, -1.0f};
static const float X1[2] = {-0.25f, 0.75f};
static const float T0[2] = {0.3f, -0.2f};
static const float T_BCE[2] = {1.0f, 0.0f};

/* A loss and target that suit the output activation. */
static tmlp_loss_t fx_loss(uint8_t out_act, tmlp_target_t *t)
{
    t->label = 1;
    t->values = NULL;
    if (out_act == TMLP_ACT_SOFTMAX) {
        return TMLP_LOSS_CE;
    }
    if (out_act == TMLP_ACT_SIGMOID) {
        t->values = T_BCE;
        return TMLP_LOSS_BCE;
    }
    t->values = T0;
    return TMLP_LOSS_HALF_SSE;
}

/* ---- snapshots ----------------------------------------------------------- */

static unsigned char snap_handle[sizeof(tmlp_net_t)];
static float snap_region[NP * 4u];
static float snap_params[NP];
static const float *snap_arena;
static size_t snap_keep, snap_np;

static void snapshot(const tmlp_net_t *net, const float *arena, size_t keep)
{
    const float *p = NULL;
    size_t n = 0;
    memcpy(snap_handle, net, sizeof *net);
    snap_arena = arena;
    snap_keep = keep <= sizeof snap_region / sizeof snap_region[0] ? keep : 0u;
    if (arena != NULL && snap_keep > 0u) {
        memcpy(snap_region, arena, snap_keep * sizeof(float));
    }
    snap_np = 0;
    if (tmlp_net_params(net, &p, &n) == TMLP_OK && n <= NP) {
        memcpy(snap_params, p, n * sizeof(float));
        snap_np = n;
    }
}

/* Bit mask of what differs from the snapshot: 1 handle, 2 arena region
 * (parameters, gradients, optimizer state), 4 parameters. */
static unsigned changes(const tmlp_net_t *net)
{
    const float *p = NULL;
    size_t n = 0;
    unsigned m = 0;
    if (memcmp(snap_handle, net, sizeof *net) != 0) {
        m |= 1u;
    }
    if (snap_arena != NULL && snap_keep > 0u &&
        memcmp(snap_region, snap_arena, snap_keep * sizeof(float)) != 0) {
        m |= 2u;
    }
    if (tmlp_net_params(net, &p, &n) != TMLP_OK || n != snap_np ||
        memcmp(snap_params, p, n * sizeof(float)) != 0) {
        m |= 4u;
    }
    return m;
}

/* 1 if nothing but the parts in `ignore` changed; says what did otherwise. */
static int unchanged(const tmlp_net_t *net, unsigned ignore)
{
    unsigned m = changes(net) & ~ignore;
    if (m != 0u) {
        printf("  (changed: %s%s%s)\n", (m & 1u) ? "handle " : "", (m & 2u) ? "arena " : "",
               (m & 4u) ? "params" : "");
    }
    return m == 0u;
}

#define CHECK_UNCHANGED(net) CHECK(unchanged(net, 0u))

/* After a failed init: the handle is refused (TMLP_ERR_UNINIT) and differs
 * from the snapshot in its init marker only; the arena is untouched. */
static int failed_init_refused(const tmlp_net_t *net)
{
    tmlp_net_t expect;
    size_t a = 0, b = 0, c = 0;
    memcpy(&expect, snap_handle, sizeof expect);
    expect.magic = 0;
    return memcmp(&expect, net, sizeof expect) == 0 &&
           (snap_arena == NULL || snap_keep == 0u ||
            memcmp(snap_region, snap_arena, snap_keep * sizeof(float)) == 0) &&
           tmlp_net_shape(net, &a, &b, &c) == TMLP_ERR_UNINIT;
}
#define CHECK_FAILED_INIT_REFUSED(net) CHECK(failed_init_refused(net))
/* Parameters, gradients and optimizer state as before; the handle may differ. */
#define CHECK_MODEL_UNCHANGED(net) CHECK(unchanged(net, 1u))

/* ---- fixtures ------------------------------------------------------------ */

static float fx_arena[TMLP_MLP2_BYTES(2, 3, 2, TMLP_SLOTS_ADAM, TMLP_BUILD_TRAIN) / sizeof(float)];
static tmlp_net_t fx_net;
static size_t fx_keep;

static float inf_arena[TMLP_MLP2_BYTES(2, 3, 2, 0, 0) / sizeof(float)];
static tmlp_net_t inf_net;
static float const_arena[TMLP_MLP2_BYTES(2, 3, 2, 0, TMLP_BUILD_BORROW) / sizeof(float)];
static tmlp_net_t const_net;
static const float const_params[NP] = {0.5f,  -0.25f, 0.125f, 1.0f,  -0.75f, 0.375f, 0.1f,
                                       -0.2f, 0.3f,   0.4f,   -0.5f, 0.6f,   0.7f,   -0.8f,
                                       0.9f,  0.05f,  -0.05f};

/* Shared scratch (the Cortex-M0 has 16 KB of RAM for every suite): a spare
 * handle and its byte copy, a copy of fx_arena, a parameter vector. */
static tmlp_net_t aux_net, aux_expect;
static unsigned char fx_copy[sizeof fx_arena];
static float tmp_p[NP + 1u];

/* Training net in fx_net / fx_arena: weights from a fixed seed, then
 * `history` steps of one sample each (so the optimizer state is not zero);
 * if busy, one more sample back-propagated without a step (batch_count 1)
 * and one more forward (backward_ready 1). */
static tmlp_net_t *train_fx(const tmlp_optim_t *opt, uint8_t out_act, int history, int busy)
{
    tmlp_desc_t d;
    tmlp_init_t init;
    tmlp_rng_t rng;
    tmlp_target_t t;
    tmlp_loss_t loss = fx_loss(out_act, &t);
    const float *p = NULL;
    uint32_t slots = 0;
    size_t n_in = 0, n_out = 0, n_params = 0;
    int k;
    base_desc(&d, out_act);
    memset(&init, 0, sizeof init);
    init.kind = TMLP_INIT_FANIN_UNIFORM;
    init.init_bias = 1;
    CHECK_OK(tmlp_net_init(&fx_net, &d, &(tmlp_opts_t){.optim = opt}, fx_arena, sizeof fx_arena, NULL));
    CHECK_OK(tmlp_rng_seed(&rng, 1234u));
    CHECK_OK(tmlp_net_init_weights(&fx_net, &init, &rng));
    for (k = 0; k < history; k++) {
        CHECK_OK(tmlp_net_forward(&fx_net, (k & 1) ? X1 : X0, NULL));
        CHECK_OK(tmlp_net_backward(&fx_net, loss, &t, NULL));
        CHECK_OK(tmlp_net_step(&fx_net));
    }
    if (busy) {
        CHECK_OK(tmlp_net_forward(&fx_net, X1, NULL));
        CHECK_OK(tmlp_net_backward(&fx_net, loss, &t, NULL));
        CHECK_OK(tmlp_net_forward(&fx_net, X0, NULL));
    }
    CHECK_OK(tmlp_optim_slots(opt, &slots));
    CHECK_OK(tmlp_net_shape(&fx_net, &n_in, &n_out, &n_params));
    CHECK(n_params == NP);
    /* The layout the snapshot relies on: parameters first. */
    CHECK_OK(tmlp_net_params(&fx_net, &p, &n_params));
    CHECK(p == fx_arena);
    fx_keep = n_params * (2u + slots);
    snapshot(&fx_net, fx_arena, fx_keep);
    return &fx_net;
}

static tmlp_net_t *busy_fx(void)
{
    tmlp_optim_t o = make_opt(TMLP_OPT_SGD, 0.05f, 0.9f);
    return train_fx(&o, TMLP_ACT_IDENTITY, 3, 1);
}

/* Inference net (parameters in the arena) after one forward. */
static tmlp_net_t *infer_fx(void)
{
    tmlp_desc_t d;
    float y[2];
    base_desc(&d, TMLP_ACT_IDENTITY);
    CHECK_OK(tmlp_net_init(&inf_net, &d, NULL, inf_arena, sizeof inf_arena, NULL));
    CHECK_OK(tmlp_net_set_params(&inf_net, const_params, NP));
    CHECK_OK(tmlp_net_forward(&inf_net, X0, y));
    snapshot(&inf_net, inf_arena, NP);
    return &inf_net;
}

/* Inference net with const parameters, after one forward. */
static tmlp_net_t *const_fx(void)
{
    tmlp_desc_t d;
    float y[2];
    base_desc(&d, TMLP_ACT_IDENTITY);
    CHECK_OK(tmlp_net_init(&const_net, &d, &(tmlp_opts_t){.params = const_params, .n_params = NP}, const_arena, sizeof const_arena,
                                 NULL));
    CHECK_OK(tmlp_net_forward(&const_net, X0, y));
    snapshot(&const_net, NULL, 0);
    return &const_net;
}

/* ---- invalid descriptions and optimizers ---------------------------------- */

/* The i-th invalid description (the valid 2-3-2 one with one thing broken)
 * and the status it must give; 0 past the last one. */
static int bad_desc(int i, tmlp_desc_t *d, tmlp_status_t *want)
{
    base_desc(d, TMLP_ACT_IDENTITY);
    *want = TMLP_ERR_SHAPE;
    switch (i) {
    case 0: d->n_in = 0; break;
    case 1: d->n_in = (uint16_t)(TMLP_MAX_WIDTH + 1); break;
    case 2: d->n_in = (uint16_t)0xffffu; break;
    case 3: d->n_layers = 0; break;
    case 4: d->n_layers = (uint8_t)(TMLP_MAX_LAYERS + 1); break;
    case 5: d->n_layers = (uint8_t)0xffu; break;
    case 6: d->layer[0].units = 0; break;
    case 7: d->layer[1].units = 0; break;
    case 8: d->layer[0].units = (uint16_t)(TMLP_MAX_WIDTH + 1); break;
    case 9: d->layer[1].units = (uint16_t)(TMLP_MAX_WIDTH + 1); break;
    case 10: d->n_layers = 3; break; /* layer[2] left zero: units 0 */
    case 11: *want = TMLP_ERR_ARG; d->flags = 0x80; break; /* unknown TMLP_DESC_ bit */
    case 12: *want = TMLP_ERR_ARG; d->layer[0].flags = 2; break; /* unknown TMLP_LAYER_ bit */
    case 13: *want = TMLP_ERR_ARG; d->layer[1].flags = 0x80; break;
    case 14: *want = TMLP_ERR_ARG; d->layer[0].act = 6; break;
    case 15: *want = TMLP_ERR_ARG; d->layer[1].act = 0xff; break;
    case 16: *want = TMLP_ERR_ARG; d->layer[0].act = TMLP_ACT_SOFTMAX; break; /* hidden */
    case 17: /* softmax on the middle one of three layers */
        *want = TMLP_ERR_ARG;
        d->n_layers = 3;
        d->layer[1].act = TMLP_ACT_SOFTMAX;
        d->layer[2].units = 2;
        d->layer[2].act = TMLP_ACT_SOFTMAX;
        break;
    case 18: *want = TMLP_ERR_ARG; d->layer[0].act = TMLP_ACT_LEAKY_RELU; d->layer[0].act_param = 1.0f; break;
    case 19: *want = TMLP_ERR_ARG; d->layer[0].act = TMLP_ACT_LEAKY_RELU; d->layer[0].act_param = 1.5f; break;
    case 20: *want = TMLP_ERR_ARG; d->layer[0].act = TMLP_ACT_LEAKY_RELU; d->layer[0].act_param = -0.1f; break;
    case 21: *want = TMLP_ERR_ARG; d->layer[0].act = TMLP_ACT_LEAKY_RELU; d->layer[0].act_param = qnan(); break;
    case 22: *want = TMLP_ERR_ARG; d->layer[0].act = TMLP_ACT_LEAKY_RELU; d->layer[0].act_param = pinf(); break;
    case 23: *want = TMLP_ERR_ARG; d->layer[1].act = TMLP_ACT_LEAKY_RELU; d->layer[1].act_param = 2.0f; break;
    case 24: *want = TMLP_ERR_ARG; d->layer[0].act = TMLP_ACT_SIGMOID; d->layer[0].act_param = -1.0f; break;
    case 25: *want = TMLP_ERR_ARG; d->layer[0].act = TMLP_ACT_SIGMOID; d->layer[0].act_param = qnan(); break;
    case 26: *want = TMLP_ERR_ARG; d->layer[0].act = TMLP_ACT_SIGMOID; d->layer[0].act_param = -pinf(); break;
    case 27: *want = TMLP_ERR_ARG; d->layer[1].act = TMLP_ACT_SIGMOID; d->layer[1].act_param = -0.5f; break;
    case 28: *want = TMLP_ERR_ARG; d->layer[1].act = TMLP_ACT_SIGMOID; d->layer[1].act_param = pinf(); break;
    default: return 0;
    }
    return 1;
}

/* The i-th invalid optimizer; 0 past the last one. */
static int bad_opt(int i, tmlp_optim_t *o)
{
    *o = make_opt(TMLP_OPT_SGD, 0.1f, 0.9f);
    switch (i) {
    case 0: o->lr = 0.0f; break;
    case 1: o->lr = -0.1f; break;
    case 2: o->lr = qnan(); break;
    case 3: o->lr = pinf(); break;
    case 4: o->momentum = 1.0f; break;
    case 5: o->momentum = -0.1f; break;
    case 6: o->momentum = qnan(); break;
    case 7: o->dampening = -0.1f; break;
    case 8: o->dampening = 1.5f; break;
    case 9: o->weight_decay = -1e-4f; break;
    case 10: o->weight_decay = pinf(); break;
    case 11: o->nesterov = 1; o->dampening = 0.1f; break; /* nesterov with dampening */
    case 12: o->nesterov = 1; o->momentum = 0.0f; break;  /* nesterov without momentum */
    case 13: o->nesterov = 2; break;
    case 14: o->maximize = 2; break;
    case 15: o->decoupled_wd = 1; break; /* AdamW's decay on SGD */
    case 16: o->kind = TMLP_OPT_EMA; o->decoupled_wd = 1; break;
    case 17: o->kind = 4; break;
    case 18: o->kind = 0xff; break;
    case 19: o->kind = TMLP_OPT_EMA; o->momentum = 1.0f; break;
    case 20: o->kind = TMLP_OPT_ADAM; o->momentum = 0.0f; o->beta1 = 1.0f; break;
    case 21: o->kind = TMLP_OPT_ADAM; o->momentum = 0.0f; o->beta2 = 1.0f; break;
    case 22: o->kind = TMLP_OPT_ADAM; o->momentum = 0.0f; o->beta1 = -0.5f; break;
    case 23: o->kind = TMLP_OPT_ADAM; o->momentum = 0.0f; o->beta2 = pinf(); break;
    case 24: o->kind = TMLP_OPT_ADAM; o->momentum = 0.0f; o->eps = -1e-8f; break;
    case 25: o->kind = TMLP_OPT_ADAM; o->nesterov = 1; break;
    case 26: o->kind = TMLP_OPT_ADAM; o->momentum = 0.0f; o->decoupled_wd = 2; break;
    case 27: o->kind = TMLP_OPT_ADAM; o->momentum = 0.0f; o->lr = 0.0f; break;
    case 28: o->kind = TMLP_OPT_RMSPROP; o->alpha = 1.0f; break;
    case 29: o->kind = TMLP_OPT_RMSPROP; o->alpha = -0.1f; break;
    case 30: o->kind = TMLP_OPT_RMSPROP; o->eps = qnan(); break;
    case 31: o->kind = TMLP_OPT_RMSPROP; o->momentum = 1.0f; break;
    case 32: o->clip_norm = -1.0f; break;
    case 33: o->clip_norm = qnan(); break;
    default: return 0;
    }
    return 1;
}

/* ------------------------------------------------------------------------ */
/* Status strings                                                            */
/* ------------------------------------------------------------------------ */

TMLP_TEST(status_strings_distinct)
{
    static const tmlp_status_t codes[] = {TMLP_OK,        TMLP_ERR_ARG,     TMLP_ERR_SHAPE,
                                          TMLP_ERR_NOMEM, TMLP_ERR_STATE,   TMLP_ERR_NUMERIC,
                                          TMLP_ERR_FORMAT, TMLP_ERR_LABEL,  TMLP_ERR_IO,
                                          TMLP_ERR_NOT_FOUND};
    const size_t n = sizeof codes / sizeof codes[0];
    size_t i, j;
    CHECK(tmlp_status_str((tmlp_status_t)-99) != NULL);
    CHECK(tmlp_status_str((tmlp_status_t)7) != NULL);
#ifndef TMLP_NO_STRINGS
    for (i = 0; i < n; i++) {
        const char *a = tmlp_status_str(codes[i]);
        CHECK(a != NULL && a[0] != '\0');
        for (j = 0; j < i; j++) {
            const char *b = tmlp_status_str(codes[j]);
            CHECK(a != NULL && b != NULL && strcmp(a, b) != 0);
        }
    }
    /* An unknown code is not described as success. */
    CHECK(strcmp(tmlp_status_str((tmlp_status_t)-99), tmlp_status_str(TMLP_OK)) != 0);
#else
    for (i = 0; i < n; i++) {
        CHECK(tmlp_status_str(codes[i]) != NULL);
    }
    (void)j;
#endif
}

/* ------------------------------------------------------------------------ */
/* Optimizers on flat vectors                                                */
/* ------------------------------------------------------------------------ */

TMLP_TEST(optim_slots_errors)
{
    tmlp_optim_t o;
    uint32_t slots = 77;
    int i;
    o = make_opt(TMLP_OPT_SGD, 0.1f, 0.0f);
    CHECK_ERR(tmlp_optim_slots(NULL, &slots), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_optim_slots(&o, NULL), TMLP_ERR_ARG);
    for (i = 0; bad_opt(i, &o); i++) {
        if (!CHECK_ERR(tmlp_optim_slots(&o, &slots), TMLP_ERR_ARG)) {
            printf("  (bad optimizer #%d)\n", i);
        }
    }
    CHECK(i == 34);
    /* Controls: the valid ones near the edges pass. */
    o = make_opt(TMLP_OPT_SGD, 1e-30f, 0.999999f);
    o.nesterov = 1;
    o.dampening = 0.0f;
    CHECK_OK(tmlp_optim_slots(&o, &slots));
    CHECK(slots == TMLP_SLOTS_MOMENTUM);
    o = make_opt(TMLP_OPT_SGD, 0.1f, 0.0f);
    o.dampening = 1.0f;
    o.weight_decay = 0.0f;
    CHECK_OK(tmlp_optim_slots(&o, &slots));
    CHECK(slots == TMLP_SLOTS_SGD);
    o = make_opt(TMLP_OPT_ADAM, 0.1f, 0.0f);
    o.decoupled_wd = 1;
    o.weight_decay = 0.01f;
    CHECK_OK(tmlp_optim_slots(&o, &slots));
    CHECK(slots == TMLP_SLOTS_ADAM);
}

/* w, g, state and step of the flat-vector tests, with copies to compare. */
static float ow[3], og[3], ostate[6], ow0[3], ostate0[6];
static uint32_t ostep, ostep0;

static void optim_setup(float w0, float w1, float w2, float g0, float g1, float g2)
{
    size_t k;
    ow[0] = w0;
    ow[1] = w1;
    ow[2] = w2;
    og[0] = g0;
    og[1] = g1;
    og[2] = g2;
    for (k = 0; k < 6; k++) {
        ostate[k] = 0.25f * (float)(k + 1u);
    }
    ostep = 5;
    memcpy(ow0, ow, sizeof ow);
    memcpy(ostate0, ostate, sizeof ostate);
    ostep0 = ostep;
}

static int optim_unchanged(void)
{
    return memcmp(ow, ow0, sizeof ow) == 0 && memcmp(ostate, ostate0, sizeof ostate) == 0 &&
           ostep == ostep0;
}

TMLP_TEST(optim_step_errors)
{
    tmlp_optim_t o = make_opt(TMLP_OPT_SGD, 0.1f, 0.9f);
    tmlp_optim_t plain = make_opt(TMLP_OPT_SGD, 0.1f, 0.0f);
    int i;
    optim_setup(1.0f, 2.0f, 3.0f, 0.5f, -0.5f, 0.25f);
    CHECK_ERR(tmlp_optim_step(NULL, ow, og, ostate, 3, &ostep), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_optim_step(&o, NULL, og, ostate, 3, &ostep), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_optim_step(&o, ow, NULL, ostate, 3, &ostep), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_optim_step(&o, ow, og, ostate, 3, NULL), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_optim_step(&o, ow, og, ostate, 0, &ostep), TMLP_ERR_ARG);
    /* state NULL while the optimizer keeps state */
    CHECK_ERR(tmlp_optim_step(&o, ow, og, NULL, 3, &ostep), TMLP_ERR_ARG);
    o.kind = TMLP_OPT_EMA;
    CHECK_ERR(tmlp_optim_step(&o, ow, og, NULL, 3, &ostep), TMLP_ERR_ARG);
    o = make_opt(TMLP_OPT_ADAM, 0.1f, 0.0f);
    CHECK_ERR(tmlp_optim_step(&o, ow, og, NULL, 3, &ostep), TMLP_ERR_ARG);
    o = make_opt(TMLP_OPT_RMSPROP, 0.1f, 0.0f);
    CHECK_ERR(tmlp_optim_step(&o, ow, og, NULL, 3, &ostep), TMLP_ERR_ARG);
    CHECK(optim_unchanged());
    for (i = 0; bad_opt(i, &o); i++) {
        if (!CHECK_ERR(tmlp_optim_step(&o, ow, og, ostate, 3, &ostep), TMLP_ERR_ARG)) {
            printf("  (bad optimizer #%d)\n", i);
        }
    }
    CHECK(optim_unchanged());
    /* Non-finite w or g: TMLP_ERR_NUMERIC, nothing written. */
    o = make_opt(TMLP_OPT_SGD, 0.1f, 0.9f);
    ow[2] = qnan();
    ow0[2] = ow[2];
    CHECK_ERR(tmlp_optim_step(&o, ow, og, ostate, 3, &ostep), TMLP_ERR_NUMERIC);
    CHECK(optim_unchanged());
    optim_setup(pinf(), 2.0f, 3.0f, 0.5f, -0.5f, 0.25f);
    CHECK_ERR(tmlp_optim_step(&plain, ow, og, NULL, 3, &ostep), TMLP_ERR_NUMERIC);
    CHECK(optim_unchanged());
    optim_setup(1.0f, 2.0f, 3.0f, 0.5f, qnan(), 0.25f);
    CHECK_ERR(tmlp_optim_step(&o, ow, og, ostate, 3, &ostep), TMLP_ERR_NUMERIC);
    CHECK(optim_unchanged());
    optim_setup(1.0f, 2.0f, 3.0f, 0.5f, -0.5f, -pinf());
    o = make_opt(TMLP_OPT_ADAM, 0.1f, 0.0f);
    CHECK_ERR(tmlp_optim_step(&o, ow, og, ostate, 3, &ostep), TMLP_ERR_NUMERIC);
    CHECK(optim_unchanged());
    /* Control: the same call with finite values succeeds and writes. */
    optim_setup(1.0f, 2.0f, 3.0f, 0.5f, -0.5f, 0.25f);
    CHECK_OK(tmlp_optim_step(&plain, ow, og, NULL, 3, &ostep));
    CHECK(ostep == 6u);
    CHECK_BITS(ow[0], 1.0f - 0.1f * 0.5f);
}

/* An update that overflows: TMLP_ERR_NUMERIC, w, state and step unchanged;
 * all or nothing, so also when only the last element overflows. */
TMLP_TEST(optim_step_overflow)
{
    static const uint8_t kinds[] = {TMLP_OPT_SGD, TMLP_OPT_SGD, TMLP_OPT_EMA, TMLP_OPT_ADAM,
                                    TMLP_OPT_RMSPROP, TMLP_OPT_RMSPROP};
    static const float moms[] = {0.0f, 0.9f, 0.9f, 0.0f, 0.0f, 0.9f};
    size_t c;
    for (c = 0; c < sizeof kinds / sizeof kinds[0]; c++) {
        tmlp_optim_t o = make_opt(kinds[c], 1e30f, moms[c]);
        /* g = 1e10: its squared norm (1e20) is finite; lr g = 1e40 is not.
         * Adam's step is about lr / (1 - beta1^t): lr = 3e38 overflows. */
        if (kinds[c] == TMLP_OPT_ADAM || kinds[c] == TMLP_OPT_RMSPROP) {
            o.lr = 3e38f;
        }
        optim_setup(1.0f, -2.0f, 3.0f, 1e-3f, -1e-3f, 1e10f);
        if (!CHECK_ERR(tmlp_optim_step(&o, ow, og, ostate, 3, &ostep), TMLP_ERR_NUMERIC)) {
            printf("  (optimizer #%u)\n", (unsigned)c);
        }
        CHECK(optim_unchanged());
        /* Control: with a small gradient in the last element it succeeds. */
        o.lr = 1e-3f;
        CHECK_OK(tmlp_optim_step(&o, ow, og, ostate, 3, &ostep));
        CHECK(ostep == ostep0 + 1u);
    }
    /* lr g finite (1e38), w - lr g not: -3e38 - 1e38 overflows. */
    {
        tmlp_optim_t o = make_opt(TMLP_OPT_SGD, 1e28f, 0.0f);
        optim_setup(1.0f, 2.0f, -3e38f, 0.0f, 0.0f, 1e10f);
        CHECK_ERR(tmlp_optim_step(&o, ow, og, NULL, 3, &ostep), TMLP_ERR_NUMERIC);
        CHECK(optim_unchanged());
        ow[2] = 3e38f; /* control: the other way it is finite */
        ow0[2] = ow[2];
        CHECK_OK(tmlp_optim_step(&o, ow, og, NULL, 3, &ostep));
        CHECK_BITS(ow[2], 3e38f - 1e28f * 1e10f);
    }
}

/* A finite gradient whose update is finite must be applied: the header
 * reports TMLP_ERR_NUMERIC only for a "non-finite gradient or result". */
TMLP_TEST(optim_step_huge_finite_gradient)
{
    tmlp_optim_t o = make_opt(TMLP_OPT_SGD, 1e-30f, 0.0f);
    float w[2] = {0.0f, 1.0f};
    const float g[2] = {1e20f, 1e20f}; /* finite; its squared norm 2e40 is not */
    uint32_t step = 0;
    CHECK_OK(tmlp_optim_step(&o, w, g, NULL, 2, &step));
    CHECK_BITS(w[0], 0.0f - 1e-30f * 1e20f);
    CHECK_BITS(w[1], 1.0f - 1e-30f * 1e20f);
    CHECK(step == 1u);
}

/* ------------------------------------------------------------------------ */
/* Arena size and net construction                                           */
/* ------------------------------------------------------------------------ */

TMLP_TEST(arena_size_errors)
{
    tmlp_desc_t d;
    tmlp_optim_t o = make_opt(TMLP_OPT_SGD, 0.1f, 0.0f), bad;
    tmlp_status_t want = TMLP_OK;
    size_t bytes = 0;
    int i, m;
    base_desc(&d, TMLP_ACT_IDENTITY);
    CHECK_ERR(tmlp_arena_size(NULL, NULL, &bytes), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_arena_size(&d, NULL, NULL), TMLP_ERR_ARG);
    /* No gradient buffer: only for training, only with plain SGD, a 0/1 flag. */
    CHECK_ERR(tmlp_arena_size(&d, &(tmlp_opts_t){.no_grad_buffer = 1}, &bytes), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_arena_size(&d, &(tmlp_opts_t){.optim = &o, .no_grad_buffer = 2}, &bytes),
              TMLP_ERR_ARG);
    {
        tmlp_optim_t adam = make_opt(TMLP_OPT_ADAM, 0.1f, 0.0f);
        CHECK_ERR(tmlp_arena_size(&d, &(tmlp_opts_t){.optim = &adam, .no_grad_buffer = 1}, &bytes),
                  TMLP_ERR_ARG);
    }
    CHECK_OK(tmlp_arena_size(&d, &(tmlp_opts_t){.optim = &o, .no_grad_buffer = 1}, &bytes));
    for (i = 0; bad_opt(i, &bad); i++) {
        if (!CHECK_ERR(tmlp_arena_size(&d, &(tmlp_opts_t){.optim = &bad}, &bytes), TMLP_ERR_ARG)) {
            printf("  (bad optimizer #%d)\n", i);
        }
        /* ignored outside training */
        CHECK_OK(tmlp_arena_size(&d, NULL, &bytes));
    }
    for (i = 0; bad_desc(i, &d, &want); i++) {
        for (m = 0; m <= 2; m++) { /* inference, borrowed parameters, training */
            tmlp_opts_t op;
            memset(&op, 0, sizeof op);
            op.optim = m == 2 ? &o : NULL;
            op.params = m == 1 ? const_params : NULL;
            if (!CHECK_ERR(tmlp_arena_size(&d, &op, &bytes), want)) {
                printf("  (bad desc #%d, mode %d)\n", i, m);
            }
        }
    }
    CHECK(i == 29);
    /* The description's own check gives the same verdicts. */
    for (i = 0; bad_desc(i, &d, &want); i++) {
        size_t at = 99;
        if (!CHECK_ERR(tmlp_desc_check(&d, &at), want)) {
            printf("  (bad desc #%d)\n", i);
        }
        CHECK(at <= TMLP_MAX_LAYERS);
    }
    /* It names the layer at fault: a softmax on layer 0 of 2, a zero-width
     * layer 1; the input width is no layer's fault. */
    {
        size_t at = 99;
        base_desc(&d, TMLP_ACT_SOFTMAX);
        CHECK_OK(tmlp_desc_check(&d, &at));
        CHECK(at == 99u);
        d.layer[0].act = TMLP_ACT_SOFTMAX;
        CHECK_ERR(tmlp_desc_check(&d, &at), TMLP_ERR_ARG);
        CHECK(at == 0u);
        base_desc(&d, TMLP_ACT_SOFTMAX);
        d.layer[1].units = 0;
        CHECK_ERR(tmlp_desc_check(&d, &at), TMLP_ERR_SHAPE);
        CHECK(at == 1u);
        base_desc(&d, TMLP_ACT_SOFTMAX);
        d.n_in = 0;
        CHECK_ERR(tmlp_desc_check(&d, NULL), TMLP_ERR_SHAPE);
        CHECK_ERR(tmlp_desc_check(&d, &at), TMLP_ERR_SHAPE);
        CHECK(at == TMLP_MAX_LAYERS);
        CHECK_ERR(tmlp_desc_check(NULL, &at), TMLP_ERR_ARG);
    }
    /* Controls: the limits themselves, defaults, and garbage past n_layers. */
    base_desc(&d, TMLP_ACT_SOFTMAX);
    d.n_in = TMLP_MAX_WIDTH;
    d.layer[0].units = TMLP_MAX_WIDTH;
    d.layer[0].act = TMLP_ACT_LEAKY_RELU; /* slope 0: default 0.01 */
    d.layer[2].act = 0xff;
    d.layer[3].flags = 0xff;
    CHECK_OK(tmlp_arena_size(&d, &(tmlp_opts_t){.optim = &o}, &bytes));
    CHECK(bytes == TMLP_MLP2_BYTES(TMLP_MAX_WIDTH, TMLP_MAX_WIDTH, 2, 0, TMLP_BUILD_TRAIN));
    base_desc(&d, TMLP_ACT_SIGMOID);
    d.layer[1].act_param = 1e-3f;
    d.layer[0].act = TMLP_ACT_LEAKY_RELU;
    d.layer[0].act_param = 0.999f;
    d.n_layers = TMLP_MAX_LAYERS;
    for (i = 1; i < TMLP_MAX_LAYERS; i++) {
        d.layer[i].units = 2;
        d.layer[i].act = TMLP_ACT_SIGMOID;
    }
    CHECK_OK(tmlp_arena_size(&d, &(tmlp_opts_t){.params = const_params}, &bytes));
    CHECK(bytes == TMLP_MLP2_BYTES(2, 3, 2, 0, TMLP_BUILD_BORROW));
}

/* Failing tmlp_net_init on a live training net leaves the handle and the
 * whole arena (not only its model region) untouched. */
TMLP_TEST(net_init_errors)
{
    unsigned char *arena_copy = fx_copy;
    tmlp_net_t *net = busy_fx();
    tmlp_desc_t d;
    tmlp_optim_t o = make_opt(TMLP_OPT_SGD, 0.1f, 0.9f), bad;
    tmlp_status_t want = TMLP_OK;
    size_t needed = 12345;
    int i, m;
    memcpy(arena_copy, fx_arena, sizeof fx_arena);
    base_desc(&d, TMLP_ACT_IDENTITY);
    CHECK_ERR(tmlp_net_init(NULL, &d, &(tmlp_opts_t){.optim = &o}, fx_arena, sizeof fx_arena, NULL),
              TMLP_ERR_ARG);
    CHECK_ERR(tmlp_net_init(net, NULL, &(tmlp_opts_t){.optim = &o}, fx_arena, sizeof fx_arena, NULL),
              TMLP_ERR_ARG);
    CHECK_ERR(tmlp_net_init(net, &d, &(tmlp_opts_t){.optim = &o}, NULL, sizeof fx_arena, NULL),
              TMLP_ERR_ARG);
    CHECK_ERR(tmlp_net_init(net, &d, NULL, NULL, sizeof fx_arena, &needed),
              TMLP_ERR_ARG);
    /* Choices that do not go together */
    CHECK_ERR(tmlp_net_init(net, &d, &(tmlp_opts_t){.no_grad_buffer = 1}, fx_arena,
                            sizeof fx_arena, NULL),
              TMLP_ERR_ARG);
    CHECK_ERR(tmlp_net_init(net, &d, &(tmlp_opts_t){.optim = &o, .no_grad_buffer = 0xff},
                            fx_arena, sizeof fx_arena, NULL),
              TMLP_ERR_ARG);
    /* misaligned arena */
    CHECK_ERR(tmlp_net_init(net, &d, &(tmlp_opts_t){.optim = &o}, (unsigned char *)fx_arena + 1,
                            sizeof fx_arena - 4u, NULL),
              TMLP_ERR_ARG);
    CHECK_ERR(tmlp_net_init(net, &d, NULL, (unsigned char *)fx_arena + 2,
                            sizeof fx_arena - 4u, NULL),
              TMLP_ERR_ARG);
    for (i = 0; bad_opt(i, &bad); i++) {
        if (!CHECK_ERR(tmlp_net_init(net, &d, &(tmlp_opts_t){.optim = &bad}, fx_arena, sizeof fx_arena,
                                     NULL),
                       TMLP_ERR_ARG)) {
            printf("  (bad optimizer #%d)\n", i);
        }
    }
    for (i = 0; bad_desc(i, &d, &want); i++) {
        for (m = 0; m <= 1; m++) { /* inference, training */
            if (!CHECK_ERR(tmlp_net_init(net, &d, &(tmlp_opts_t){.optim = m ? &o : NULL}, fx_arena,
                                         sizeof fx_arena, &needed),
                           want)) {
                printf("  (bad desc #%d, mode %d)\n", i, m);
            }
        }
    }
    CHECK_FAILED_INIT_REFUSED(net);
    CHECK(memcmp(arena_copy, fx_arena, sizeof fx_arena) == 0);
}

/* Arena one byte, one float, half, or all too small: TMLP_ERR_NOMEM with the
 * size tmlp_arena_size() reports; exactly that size works. */
TMLP_TEST(net_init_nomem)
{
    unsigned char *arena_copy = fx_copy;
    static const uint8_t kinds[] = {TMLP_OPT_SGD, TMLP_OPT_SGD, TMLP_OPT_EMA, TMLP_OPT_ADAM,
                                    TMLP_OPT_RMSPROP, TMLP_OPT_RMSPROP};
    static const float moms[] = {0.0f, 0.9f, 0.9f, 0.0f, 0.0f, 0.9f};
    tmlp_net_t *net = busy_fx();
    tmlp_desc_t d;
    size_t c, s;
    memcpy(arena_copy, fx_arena, sizeof fx_arena);
    base_desc(&d, TMLP_ACT_SOFTMAX);
    for (c = 0; c <= sizeof kinds / sizeof kinds[0]; c++) {
        /* c == count: inference */
        int infer = c == sizeof kinds / sizeof kinds[0];
        tmlp_optim_t o = make_opt(infer ? TMLP_OPT_SGD : kinds[c], 0.1f, infer ? 0.0f : moms[c]);
        tmlp_opts_t mode;
        size_t want = 0;
        memset(&mode, 0, sizeof mode);
        mode.optim = infer ? NULL : &o;
        CHECK_OK(tmlp_arena_size(&d, &mode, &want));
        CHECK(want > 0u && want <= sizeof fx_arena);
        for (s = 0; s < 4; s++) {
            size_t have = s == 0 ? want - 1u : s == 1 ? want - sizeof(float) : s == 2 ? want / 2u : 0u;
            size_t needed = 1;
            if (!CHECK_ERR(tmlp_net_init(net, &d, &mode, fx_arena, have, &needed),
                           TMLP_ERR_NOMEM)) {
                printf("  (optimizer #%u, case %u)\n", (unsigned)c, (unsigned)s);
            }
            CHECK(needed == want);
            CHECK_ERR(tmlp_net_init(net, &d, &mode, fx_arena, have, NULL), TMLP_ERR_NOMEM);
        }
        CHECK_FAILED_INIT_REFUSED(net);
        CHECK(memcmp(arena_copy, fx_arena, sizeof fx_arena) == 0);
    }
    /* Controls: exactly the size works, and reports it. */
    {
        tmlp_optim_t o = make_opt(TMLP_OPT_ADAM, 0.1f, 0.0f);
        size_t want = 0, needed = 0;
        CHECK_OK(tmlp_arena_size(&d, &(tmlp_opts_t){.optim = &o}, &want));
        CHECK_OK(tmlp_net_init(net, &d, &(tmlp_opts_t){.optim = &o}, fx_arena, want, &needed));
        CHECK(needed == want);
    }
}

TMLP_TEST(net_init_borrowed_errors)
{
    float *bad_params = tmp_p;
    tmlp_net_t *net = const_fx();
    tmlp_desc_t d;
    tmlp_status_t want = TMLP_OK;
    size_t needed = 0, size = 0;
    int i;
    base_desc(&d, TMLP_ACT_IDENTITY);
    CHECK_ERR(tmlp_net_init(NULL, &d, &(tmlp_opts_t){.params = const_params, .n_params = NP}, const_arena, sizeof const_arena, NULL),
              TMLP_ERR_ARG);
    CHECK_ERR(tmlp_net_init(net, NULL, &(tmlp_opts_t){.params = const_params, .n_params = NP}, const_arena, sizeof const_arena, NULL),
              TMLP_ERR_ARG);
    /* Without borrowed parameters they need room in the arena. */
    CHECK_ERR(tmlp_net_init(net, &d, &(tmlp_opts_t){.params = NULL, .n_params = NP}, const_arena,
                            sizeof const_arena, NULL),
              TMLP_ERR_NOMEM);
    CHECK_ERR(tmlp_net_init(net, &d, &(tmlp_opts_t){.params = const_params, .n_params = NP}, NULL, sizeof const_arena, NULL),
              TMLP_ERR_ARG);
    CHECK_ERR(tmlp_net_init(net, &d, &(tmlp_opts_t){.params = const_params, .n_params = NP}, (unsigned char *)const_arena + 1,
                                  sizeof const_arena - 4u, NULL),
              TMLP_ERR_ARG);
    CHECK_ERR(tmlp_net_init(net, &d, &(tmlp_opts_t){.params = const_params, .n_params = NP - 1u}, const_arena, sizeof const_arena,
                                  NULL),
              TMLP_ERR_SHAPE);
    CHECK_ERR(tmlp_net_init(net, &d, &(tmlp_opts_t){.params = const_params, .n_params = NP + 1u}, const_arena, sizeof const_arena,
                                  NULL),
              TMLP_ERR_SHAPE);
    CHECK_ERR(tmlp_net_init(net, &d, &(tmlp_opts_t){.params = const_params, .n_params = 0}, const_arena, sizeof const_arena, NULL),
              TMLP_ERR_SHAPE);
    memcpy(bad_params, const_params, NP * sizeof(float));
    bad_params[NP - 1u] = qnan();
    CHECK_ERR(tmlp_net_init(net, &d, &(tmlp_opts_t){.params = bad_params, .n_params = NP}, const_arena, sizeof const_arena, NULL),
              TMLP_ERR_NUMERIC);
    bad_params[NP - 1u] = 0.0f;
    bad_params[0] = -pinf();
    CHECK_ERR(tmlp_net_init(net, &d, &(tmlp_opts_t){.params = bad_params, .n_params = NP}, const_arena, sizeof const_arena, NULL),
              TMLP_ERR_NUMERIC);
    CHECK_OK(tmlp_arena_size(&d, &(tmlp_opts_t){.params = const_params}, &size));
    CHECK(size == sizeof const_arena);
    CHECK_ERR(tmlp_net_init(net, &d, &(tmlp_opts_t){.params = const_params, .n_params = NP}, const_arena, size - 1u, &needed),
              TMLP_ERR_NOMEM);
    CHECK(needed == size);
    CHECK_ERR(tmlp_net_init(net, &d, &(tmlp_opts_t){.params = const_params, .n_params = NP}, const_arena, 0, &needed),
              TMLP_ERR_NOMEM);
    CHECK(needed == size);
    for (i = 0; bad_desc(i, &d, &want); i++) {
        if (!CHECK_ERR(tmlp_net_init(net, &d, &(tmlp_opts_t){.params = const_params, .n_params = NP}, const_arena,
                                           sizeof const_arena, NULL),
                       want)) {
            printf("  (bad desc #%d)\n", i);
        }
    }
    CHECK_FAILED_INIT_REFUSED(net);
}

/* ------------------------------------------------------------------------ */
/* Optimizer replacement, parameter access                                   */
/* ------------------------------------------------------------------------ */

TMLP_TEST(set_optim_errors)
{
    tmlp_net_t *net = busy_fx(); /* SGD momentum 0.9: one slot */
    tmlp_optim_t o, bad;
    int i;
    o = make_opt(TMLP_OPT_SGD, 0.01f, 0.5f);
    CHECK_ERR(tmlp_net_set_optim(NULL, &o), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_net_set_optim(net, NULL), TMLP_ERR_ARG);
    for (i = 0; bad_opt(i, &bad); i++) {
        if (!CHECK_ERR(tmlp_net_set_optim(net, &bad), TMLP_ERR_ARG)) {
            printf("  (bad optimizer #%d)\n", i);
        }
    }
    CHECK_UNCHANGED(net);
    /* Another kind, even with the same number of slots (EMA: 1). */
    o = make_opt(TMLP_OPT_EMA, 0.01f, 0.9f);
    CHECK_ERR(tmlp_net_set_optim(net, &o), TMLP_ERR_STATE);
    o = make_opt(TMLP_OPT_ADAM, 0.01f, 0.0f);
    CHECK_ERR(tmlp_net_set_optim(net, &o), TMLP_ERR_STATE);
    o = make_opt(TMLP_OPT_RMSPROP, 0.01f, 0.0f);
    CHECK_ERR(tmlp_net_set_optim(net, &o), TMLP_ERR_STATE);
    CHECK_UNCHANGED(net);
    /* Inference nets have no optimizer. */
    o = make_opt(TMLP_OPT_SGD, 0.01f, 0.0f);
    net = infer_fx();
    CHECK_ERR(tmlp_net_set_optim(net, &o), TMLP_ERR_STATE);
    CHECK_UNCHANGED(net);
    net = const_fx();
    CHECK_ERR(tmlp_net_set_optim(net, &o), TMLP_ERR_STATE);
    CHECK_UNCHANGED(net);
    /* More slots than at init: plain SGD (0) -> momentum (1); RMSprop (1)
     * -> RMSprop with momentum (2). */
    o = make_opt(TMLP_OPT_SGD, 0.05f, 0.0f);
    net = train_fx(&o, TMLP_ACT_IDENTITY, 2, 1);
    o.momentum = 0.9f;
    CHECK_ERR(tmlp_net_set_optim(net, &o), TMLP_ERR_STATE);
    o.momentum = 0.0f;
    o.nesterov = 1;
    CHECK_ERR(tmlp_net_set_optim(net, &o), TMLP_ERR_ARG);
    CHECK_UNCHANGED(net);
    o = make_opt(TMLP_OPT_RMSPROP, 0.01f, 0.0f);
    net = train_fx(&o, TMLP_ACT_IDENTITY, 2, 1);
    o.momentum = 0.5f;
    CHECK_ERR(tmlp_net_set_optim(net, &o), TMLP_ERR_STATE);
    CHECK_UNCHANGED(net);
    /* Controls: same kind, fewer or equal slots. */
    o.momentum = 0.0f;
    o.lr = 0.5f;
    CHECK_OK(tmlp_net_set_optim(net, &o));
    CHECK(changes(net) == 1u); /* the handle holds the new optimizer */
}

TMLP_TEST(params_shape_misc_errors)
{
    tmlp_net_t *net = busy_fx();
    const float *p = NULL;
    size_t n = 0, a = 0, b = 0;
    float norm = 0.0f;
    uint32_t crc = 0, idx = 0;
    const float y[3] = {1.0f, 3.0f, 2.0f};
    CHECK_ERR(tmlp_net_params(NULL, &p, &n), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_net_params(net, NULL, &n), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_net_params(net, &p, NULL), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_net_shape(NULL, &a, &b, &n), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_net_shape(net, NULL, &b, &n), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_net_shape(net, &a, NULL, &n), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_net_shape(net, &a, &b, NULL), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_net_grad_norm(NULL, &norm), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_net_grad_norm(net, NULL), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_net_crc32(NULL, &crc), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_net_crc32(net, NULL), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_net_zero_grad(NULL), TMLP_ERR_ARG);
    CHECK_UNCHANGED(net);
    CHECK_ERR(tmlp_crc32(0, NULL, 1, &crc), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_crc32(0, "123456789", 9, NULL), TMLP_ERR_ARG);
    CHECK_OK(tmlp_crc32(0x1234u, NULL, 0, &crc)); /* control: nothing to read */
    CHECK(crc == 0x1234u);
    CHECK_ERR(tmlp_argmax(NULL, 3, &idx), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_argmax(y, 3, NULL), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_argmax(y, 0, &idx), TMLP_ERR_ARG);
    CHECK_OK(tmlp_argmax(y, 3, &idx));
    CHECK(idx == 1u);
    /* inference nets have no gradients */
    net = infer_fx();
    CHECK_ERR(tmlp_net_zero_grad(net), TMLP_ERR_STATE);
    CHECK_UNCHANGED(net);
    net = const_fx();
    CHECK_ERR(tmlp_net_zero_grad(net), TMLP_ERR_STATE);
    CHECK_UNCHANGED(net);
}

TMLP_TEST(rng_errors)
{
    tmlp_rng_t rng, copy;
    uint32_t u = 0;
    float f = 0.0f;
    CHECK_ERR(tmlp_rng_seed(NULL, 1u), TMLP_ERR_ARG);
    CHECK_OK(tmlp_rng_seed(&rng, 42u));
    copy = rng;
    CHECK_ERR(tmlp_rng_u32(NULL, &u), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_rng_u32(&rng, NULL), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_rng_uniform(NULL, &f), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_rng_uniform(&rng, NULL), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_rng_normal(NULL, &f), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_rng_normal(&rng, NULL), TMLP_ERR_ARG);
    /* a failed draw does not advance the generator */
    CHECK(memcmp(&rng, &copy, sizeof rng) == 0);
    CHECK_OK(tmlp_rng_u32(&rng, &u));
    CHECK(memcmp(&rng, &copy, sizeof rng) != 0);
}

TMLP_TEST(set_params_errors)
{
    float *p = tmp_p;
    tmlp_net_t *net = busy_fx();
    size_t k;
    for (k = 0; k <= NP; k++) {
        p[k] = 0.01f * (float)k;
    }
    CHECK_ERR(tmlp_net_set_params(NULL, p, NP), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_net_set_params(net, NULL, NP), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_net_set_params(net, p, NP - 1u), TMLP_ERR_SHAPE);
    CHECK_ERR(tmlp_net_set_params(net, p, NP + 1u), TMLP_ERR_SHAPE);
    CHECK_ERR(tmlp_net_set_params(net, p, 0), TMLP_ERR_SHAPE);
    /* one bad value anywhere: nothing copied (not even the values before it) */
    p[NP - 1u] = qnan();
    CHECK_ERR(tmlp_net_set_params(net, p, NP), TMLP_ERR_NUMERIC);
    p[NP - 1u] = 0.0f;
    p[7] = pinf();
    CHECK_ERR(tmlp_net_set_params(net, p, NP), TMLP_ERR_NUMERIC);
    p[7] = -pinf();
    CHECK_ERR(tmlp_net_set_params(net, p, NP), TMLP_ERR_NUMERIC);
    CHECK_UNCHANGED(net);
    p[7] = 0.07f;
    net = infer_fx();
    p[3] = qnan();
    CHECK_ERR(tmlp_net_set_params(net, p, NP), TMLP_ERR_NUMERIC);
    CHECK_ERR(tmlp_net_set_params(net, p, NP + 1u), TMLP_ERR_SHAPE);
    CHECK_UNCHANGED(net);
    p[3] = 0.03f;
    /* const parameters can not be replaced */
    net = const_fx();
    CHECK_ERR(tmlp_net_set_params(net, p, NP), TMLP_ERR_STATE);
    CHECK_UNCHANGED(net);
    /* control */
    net = infer_fx();
    CHECK_OK(tmlp_net_set_params(net, p, NP));
    CHECK(changes(net) == 6u); /* arena and parameters, not the handle */
}

TMLP_TEST(init_weights_errors)
{
    tmlp_net_t *net = busy_fx();
    tmlp_init_t init;
    tmlp_rng_t rng, copy;
    int i;
    CHECK_OK(tmlp_rng_seed(&rng, 7u));
    copy = rng;
    memset(&init, 0, sizeof init);
    CHECK_ERR(tmlp_net_init_weights(NULL, &init, &rng), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_net_init_weights(net, NULL, &rng), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_net_init_weights(net, &init, NULL), TMLP_ERR_ARG);
    for (i = 0; i < 10; i++) {
        memset(&init, 0, sizeof init);
        switch (i) {
        case 0: init.kind = 10; break;
        case 1: init.kind = 0xff; break;
        case 2: init.init_bias = 2; break;
        case 3: init.kind = TMLP_INIT_CONST; init.a = qnan(); break;
        case 4: init.kind = TMLP_INIT_CONST; init.a = pinf(); break;
        case 5: init.kind = TMLP_INIT_UNIFORM; init.a = 1.0f; init.b = -1.0f; break;
        case 6: init.kind = TMLP_INIT_NORMAL; init.a = 0.0f; init.b = -1.0f; break;
        case 7: init.kind = TMLP_INIT_NORMAL; init.b = qnan(); break;
        case 8: init.kind = TMLP_INIT_XAVIER_UNIFORM; init.a = -1.0f; break; /* gain < 0 */
        default: init.kind = TMLP_INIT_HE_NORMAL; init.a = -pinf(); break;
        }
        if (!CHECK_ERR(tmlp_net_init_weights(net, &init, &rng), TMLP_ERR_ARG)) {
            printf("  (bad init #%d)\n", i);
        }
    }
    CHECK_UNCHANGED(net);
    CHECK(memcmp(&rng, &copy, sizeof rng) == 0);
    /* const parameters */
    memset(&init, 0, sizeof init);
    net = const_fx();
    CHECK_ERR(tmlp_net_init_weights(net, &init, &rng), TMLP_ERR_STATE);
    CHECK_UNCHANGED(net);
    CHECK(memcmp(&rng, &copy, sizeof rng) == 0);
}

/* ------------------------------------------------------------------------ */
/* Forward                                                                   */
/* ------------------------------------------------------------------------ */

TMLP_TEST(forward_errors)
{
    float x[2], y[2] = {0.0f, 0.0f};
    tmlp_net_t *net;
    int which, k;
    for (which = 0; which < 3; which++) {
        net = which == 0 ? busy_fx() : which == 1 ? infer_fx() : const_fx();
        CHECK_ERR(tmlp_net_forward(NULL, X0, y), TMLP_ERR_ARG);
        CHECK_ERR(tmlp_net_forward(net, NULL, y), TMLP_ERR_ARG);
        for (k = 0; k < 4; k++) {
            x[0] = k == 0 ? qnan() : k == 1 ? pinf() : 0.5f;
            x[1] = k == 2 ? -pinf() : k == 3 ? -qnan() : 0.5f;
            if (!CHECK_ERR(tmlp_net_forward(net, x, y), TMLP_ERR_NUMERIC)) {
                printf("  (net %d, input %d)\n", which, k);
            }
        }
        /* rejected inputs are caught before anything runs: even the
         * handle's record of the last forward stays */
        CHECK_UNCHANGED(net);
    }
}

TMLP_TEST(forward_batch_errors)
{
    float X[6], Y[6], y0[2];
    size_t done = 99;
    tmlp_net_t *net = infer_fx();
    X[0] = X0[0];
    X[1] = X0[1];
    X[2] = X1[0];
    X[3] = qnan();
    X[4] = 0.0f;
    X[5] = 1.0f;
    CHECK_ERR(tmlp_net_forward_batch(NULL, X, 3, Y, &done), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_net_forward_batch(net, NULL, 3, Y, &done), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_net_forward_batch(net, X, 3, NULL, &done), TMLP_ERR_ARG);
    CHECK_UNCHANGED(net);
    /* Stops at the first bad sample and says how many succeeded. */
    CHECK_ERR(tmlp_net_forward_batch(net, X, 3, Y, &done), TMLP_ERR_NUMERIC);
    CHECK(done == 1u);
    CHECK_MODEL_UNCHANGED(net);
    CHECK_OK(tmlp_net_forward(net, X0, y0));
    CHECK_BITS(Y[0], y0[0]);
    CHECK_BITS(Y[1], y0[1]);
    X[1] = pinf();
    CHECK_ERR(tmlp_net_forward_batch(net, X, 3, Y, NULL), TMLP_ERR_NUMERIC);
    CHECK_ERR(tmlp_net_forward_batch(net, X, 3, Y, &done), TMLP_ERR_NUMERIC);
    CHECK(done == 0u);
    CHECK_MODEL_UNCHANGED(net);
    /* control: the first two are good */
    X[1] = X0[1];
    X[3] = X1[1];
    CHECK_OK(tmlp_net_forward_batch(net, X, 2, Y, &done));
    CHECK(done == 2u);
}

/* Huge weights make the output overflow: TMLP_ERR_NUMERIC. The handle
 * legitimately changes here: the forward ran, so the scratch output now
 * holds a non-finite value and the net must forget that it has an output
 * (tmlp_net_loss and tmlp_net_backward then fail with TMLP_ERR_STATE); only
 * those two flags differ. */
TMLP_TEST(forward_overflow)
{
    float *huge = tmp_p;
    tmlp_net_t *expect = &aux_expect;
    tmlp_target_t t;
    float y[2], v = 0.0f;
    size_t k;
    int which;
    /* W1 = 0, b1 = 1 (h = tanh 1); W2 = 3e38, b2 = 3e38: y = 3e38 (1 + 3 tanh 1) */
    for (k = 0; k < NP; k++) {
        huge[k] = k < 6u ? 0.0f : k < 9u ? 1.0f : 3e38f;
    }
    t.values = T0;
    t.label = 0;
    for (which = 0; which < 2; which++) {
        /* both fixtures have a valid output from their last forward */
        tmlp_net_t *net = which == 0 ? busy_fx() : infer_fx();
        CHECK_OK(tmlp_net_loss(net, TMLP_LOSS_HALF_SSE, &t, &v));
        CHECK_OK(tmlp_net_set_params(net, huge, NP));
        snapshot(net, which == 0 ? fx_arena : inf_arena, which == 0 ? fx_keep : NP);
        CHECK_ERR(tmlp_net_forward(net, X0, y), TMLP_ERR_NUMERIC);
        CHECK_MODEL_UNCHANGED(net);
        /* everything in the handle but the two flags (private fields, read
         * here only to state the exception) is as before */
        memcpy(expect, snap_handle, sizeof *expect);
        expect->have_output = net->have_output;
        expect->backward_ready = net->backward_ready;
        CHECK(memcmp(expect, net, sizeof *expect) == 0);
        CHECK_ERR(tmlp_net_loss(net, TMLP_LOSS_HALF_SSE, &t, &v), TMLP_ERR_STATE);
        CHECK_ERR(tmlp_net_backward(net, TMLP_LOSS_HALF_SSE, &t, &v),
                  TMLP_ERR_STATE); /* inference: STATE anyway */
    }
    /* the same through const parameters */
    {
        tmlp_desc_t d;
        base_desc(&d, TMLP_ACT_IDENTITY);
        CHECK_OK(tmlp_net_init(&aux_net, &d, &(tmlp_opts_t){.params = huge, .n_params = NP}, const_arena, sizeof const_arena, NULL));
        CHECK_ERR(tmlp_net_forward(&aux_net, X0, y), TMLP_ERR_NUMERIC);
        CHECK_ERR(tmlp_net_loss(&aux_net, TMLP_LOSS_HALF_SSE, &t, &v), TMLP_ERR_STATE);
    }
    /* inf - inf = NaN in a hidden layer also ends as NUMERIC */
    {
        tmlp_net_t *net = infer_fx();
        for (k = 0; k < NP; k++) {
            huge[k] = 0.0f;
        }
        huge[0] = 3e38f;  /* h0 = tanh(3e38 x0 - 3e38 x1 ...) */
        huge[1] = 3e38f;
        huge[9] = 1.0f;
        CHECK_OK(tmlp_net_set_params(net, huge, NP));
        CHECK_OK(tmlp_net_forward(net, X0, y)); /* tanh saturates: finite */
        CHECK(is_finite(y[0]));
        huge[1] = -3e38f;
        huge[2] = 3e38f; /* z = 3e38 * 10 + (-3e38 * 10): inf - inf */
        CHECK_OK(tmlp_net_set_params(net, huge, NP));
        {
            const float xb[2] = {10.0f, 10.0f};
            CHECK_ERR(tmlp_net_forward(net, xb, y), TMLP_ERR_NUMERIC);
        }
    }
}

/* ------------------------------------------------------------------------ */
/* Loss, backward, step                                                      */
/* ------------------------------------------------------------------------ */

TMLP_TEST(loss_errors)
{
    tmlp_target_t t, bad;
    float v = 0.0f, tv[2];
    tmlp_optim_t o = make_opt(TMLP_OPT_SGD, 0.05f, 0.9f);
    tmlp_net_t *net = busy_fx(); /* identity output, has an output */
    t.values = T0;
    t.label = 0;
    CHECK_ERR(tmlp_net_loss(NULL, TMLP_LOSS_HALF_SSE, &t, &v), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_net_loss(net, TMLP_LOSS_HALF_SSE, NULL, &v), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_net_loss(net, TMLP_LOSS_HALF_SSE, &t, NULL), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_net_loss(net, (tmlp_loss_t)4, &t, &v), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_net_loss(net, (tmlp_loss_t)0xff, &t, &v), TMLP_ERR_ARG);
    /* losses the output layer can't take */
    CHECK_ERR(tmlp_net_loss(net, TMLP_LOSS_BCE, &t, &v), TMLP_ERR_STATE);
    CHECK_ERR(tmlp_net_loss(net, TMLP_LOSS_CE, &t, &v), TMLP_ERR_STATE);
    /* labels out of range */
    bad.values = NULL;
    bad.label = 2;
    CHECK_ERR(tmlp_net_loss(net, TMLP_LOSS_HALF_SSE, &bad, &v), TMLP_ERR_LABEL);
    CHECK_ERR(tmlp_net_loss(net, TMLP_LOSS_MSE, &bad, &v), TMLP_ERR_LABEL);
    bad.label = UINT32_MAX;
    CHECK_ERR(tmlp_net_loss(net, TMLP_LOSS_HALF_SSE, &bad, &v), TMLP_ERR_LABEL);
    /* non-finite targets */
    tv[0] = 0.0f;
    tv[1] = qnan();
    bad.values = tv;
    CHECK_ERR(tmlp_net_loss(net, TMLP_LOSS_MSE, &bad, &v), TMLP_ERR_NUMERIC);
    tv[0] = pinf();
    tv[1] = 0.0f;
    CHECK_ERR(tmlp_net_loss(net, TMLP_LOSS_HALF_SSE, &bad, &v), TMLP_ERR_NUMERIC);
    CHECK_UNCHANGED(net);
    /* a finite target whose loss overflows: y = 2e19, (y - 0)^2 = inf */
    {
        float *p = tmp_p;
        memset(p, 0, NP * sizeof(float));
        p[15] = 2e19f; /* b2[0] */
        p[16] = 3e38f; /* b2[1] */
        CHECK_OK(tmlp_net_set_params(net, p, NP));
        CHECK_OK(tmlp_net_forward(net, X0, NULL));
        snapshot(net, fx_arena, fx_keep);
        tv[0] = 0.0f;
        tv[1] = 3e38f;
        CHECK_ERR(tmlp_net_loss(net, TMLP_LOSS_MSE, &bad, &v), TMLP_ERR_NUMERIC);
        tv[1] = -3e38f; /* e = 6e38 */
        tv[0] = 2e19f;
        CHECK_ERR(tmlp_net_loss(net, TMLP_LOSS_HALF_SSE, &bad, &v), TMLP_ERR_NUMERIC);
        CHECK_UNCHANGED(net);
        /* control */
        tv[1] = 3e38f;
        CHECK_OK(tmlp_net_loss(net, TMLP_LOSS_HALF_SSE, &bad, &v));
        CHECK_BITS(v, 0.0f);
    }
    /* CE: label range and probability targets; BCE on softmax */
    net = train_fx(&o, TMLP_ACT_SOFTMAX, 2, 1);
    bad.values = NULL;
    bad.label = 2;
    CHECK_ERR(tmlp_net_loss(net, TMLP_LOSS_CE, &bad, &v), TMLP_ERR_LABEL);
    CHECK_ERR(tmlp_net_loss(net, TMLP_LOSS_BCE, &bad, &v), TMLP_ERR_STATE);
    tv[0] = qnan();
    tv[1] = 1.0f;
    bad.values = tv;
    CHECK_ERR(tmlp_net_loss(net, TMLP_LOSS_CE, &bad, &v), TMLP_ERR_NUMERIC);
    CHECK_UNCHANGED(net);
    /* BCE: CE on a sigmoid output */
    net = train_fx(&o, TMLP_ACT_SIGMOID, 2, 1);
    bad.values = NULL;
    bad.label = 1;
    CHECK_ERR(tmlp_net_loss(net, TMLP_LOSS_CE, &bad, &v), TMLP_ERR_STATE);
    bad.label = 5;
    CHECK_ERR(tmlp_net_loss(net, TMLP_LOSS_BCE, &bad, &v), TMLP_ERR_LABEL);
    CHECK_UNCHANGED(net);
    /* no forward yet: fresh training net and fresh inference net */
    net = train_fx(&o, TMLP_ACT_IDENTITY, 0, 0);
    CHECK_ERR(tmlp_net_loss(net, TMLP_LOSS_HALF_SSE, &t, &v), TMLP_ERR_STATE);
    CHECK_UNCHANGED(net);
    {
        tmlp_desc_t d;
        base_desc(&d, TMLP_ACT_IDENTITY);
        CHECK_OK(tmlp_net_init(&inf_net, &d, NULL, inf_arena, sizeof inf_arena,
                               NULL));
        CHECK_ERR(tmlp_net_loss(&inf_net, TMLP_LOSS_HALF_SSE, &t, &v), TMLP_ERR_STATE);
    }
}

TMLP_TEST(backward_errors)
{
    tmlp_target_t t, bad;
    float v = 0.0f, tv[2];
    tmlp_optim_t o = make_opt(TMLP_OPT_SGD, 0.05f, 0.9f);
    tmlp_net_t *net = busy_fx(); /* batch_count 1, backward_ready 1 */
    t.values = T0;
    t.label = 0;
    CHECK_ERR(tmlp_net_backward(NULL, TMLP_LOSS_HALF_SSE, &t, &v), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_net_backward(net, TMLP_LOSS_HALF_SSE, NULL, &v), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_net_backward(net, (tmlp_loss_t)4, &t, &v), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_net_backward(net, TMLP_LOSS_BCE, &t, &v), TMLP_ERR_STATE);
    CHECK_ERR(tmlp_net_backward(net, TMLP_LOSS_CE, &t, &v), TMLP_ERR_STATE);
    bad.values = NULL;
    bad.label = 2;
    CHECK_ERR(tmlp_net_backward(net, TMLP_LOSS_HALF_SSE, &bad, &v), TMLP_ERR_LABEL);
    tv[0] = 0.0f;
    tv[1] = -pinf();
    bad.values = tv;
    CHECK_ERR(tmlp_net_backward(net, TMLP_LOSS_MSE, &bad, &v), TMLP_ERR_NUMERIC);
    CHECK_UNCHANGED(net);
    /* the forward is still usable after the failed attempts */
    CHECK_OK(tmlp_net_backward(net, TMLP_LOSS_HALF_SSE, &t, NULL));
    /* two backwards after one forward */
    snapshot(net, fx_arena, fx_keep);
    CHECK_ERR(tmlp_net_backward(net, TMLP_LOSS_HALF_SSE, &t, &v), TMLP_ERR_STATE);
    CHECK_UNCHANGED(net);
    /* backward after a step, without a new forward */
    CHECK_OK(tmlp_net_step(net));
    snapshot(net, fx_arena, fx_keep);
    CHECK_ERR(tmlp_net_backward(net, TMLP_LOSS_HALF_SSE, &t, &v), TMLP_ERR_STATE);
    CHECK_UNCHANGED(net);
    /* backward without any forward */
    net = train_fx(&o, TMLP_ACT_IDENTITY, 0, 0);
    CHECK_ERR(tmlp_net_backward(net, TMLP_LOSS_HALF_SSE, &t, &v), TMLP_ERR_STATE);
    CHECK_UNCHANGED(net);
    /* after a forward that failed on its input, still no forward */
    tv[0] = qnan();
    tv[1] = 0.0f;
    CHECK_ERR(tmlp_net_forward(net, tv, NULL), TMLP_ERR_NUMERIC);
    CHECK_ERR(tmlp_net_backward(net, TMLP_LOSS_HALF_SSE, &t, &v), TMLP_ERR_STATE);
    CHECK_UNCHANGED(net);
    /* a loss that overflows: the gradient is not accumulated */
    {
        float *p = tmp_p;
        net = busy_fx();
        memset(p, 0, NP * sizeof(float));
        p[15] = 3e38f;
        CHECK_OK(tmlp_net_set_params(net, p, NP));
        CHECK_OK(tmlp_net_forward(net, X0, NULL));
        snapshot(net, fx_arena, fx_keep);
        tv[0] = -3e38f;
        tv[1] = 0.0f;
        bad.values = tv;
        CHECK_ERR(tmlp_net_backward(net, TMLP_LOSS_HALF_SSE, &bad, &v), TMLP_ERR_NUMERIC);
        CHECK_UNCHANGED(net);
    }
    /* inference nets */
    net = infer_fx();
    CHECK_ERR(tmlp_net_backward(net, TMLP_LOSS_HALF_SSE, &t, &v), TMLP_ERR_STATE);
    CHECK_UNCHANGED(net);
    net = const_fx();
    CHECK_ERR(tmlp_net_backward(net, TMLP_LOSS_HALF_SSE, &t, &v), TMLP_ERR_STATE);
    CHECK_UNCHANGED(net);
}

TMLP_TEST(step_errors)
{
    tmlp_optim_t o = make_opt(TMLP_OPT_ADAM, 0.01f, 0.0f);
    tmlp_net_t *net;
    CHECK_ERR(tmlp_net_step(NULL), TMLP_ERR_ARG);
    /* nothing accumulated: fresh, after a forward only, after a step, after
     * zero_grad */
    net = train_fx(&o, TMLP_ACT_IDENTITY, 0, 0);
    CHECK_ERR(tmlp_net_step(net), TMLP_ERR_STATE);
    CHECK_UNCHANGED(net);
    CHECK_OK(tmlp_net_forward(net, X0, NULL));
    snapshot(net, fx_arena, fx_keep);
    CHECK_ERR(tmlp_net_step(net), TMLP_ERR_STATE);
    CHECK_UNCHANGED(net);
    net = train_fx(&o, TMLP_ACT_IDENTITY, 3, 0);
    CHECK_ERR(tmlp_net_step(net), TMLP_ERR_STATE);
    CHECK_UNCHANGED(net);
    net = busy_fx();
    CHECK_OK(tmlp_net_zero_grad(net));
    snapshot(net, fx_arena, fx_keep);
    CHECK_ERR(tmlp_net_step(net), TMLP_ERR_STATE);
    CHECK_UNCHANGED(net);
    /* inference nets */
    net = infer_fx();
    CHECK_ERR(tmlp_net_step(net), TMLP_ERR_STATE);
    CHECK_UNCHANGED(net);
    net = const_fx();
    CHECK_ERR(tmlp_net_step(net), TMLP_ERR_STATE);
    CHECK_UNCHANGED(net);
}

/* lr 3e38 with a gradient around 1e10: every optimizer's update overflows.
 * TMLP_ERR_NUMERIC, and parameters, gradient sums, optimizer state, step
 * count, batch count and last gradient norm all stay; with a sane lr the
 * same accumulated gradient then steps. */
TMLP_TEST(step_overflow)
{
    static const uint8_t kinds[] = {TMLP_OPT_SGD, TMLP_OPT_SGD, TMLP_OPT_SGD,   TMLP_OPT_EMA,
                                    TMLP_OPT_ADAM, TMLP_OPT_ADAM, TMLP_OPT_RMSPROP,
                                    TMLP_OPT_RMSPROP};
    static const float moms[] = {0.0f, 0.9f, 0.9f, 0.9f, 0.0f, 0.0f, 0.0f, 0.9f};
    const float far[2] = {1e10f, -1e10f};
    tmlp_target_t t;
    size_t c;
    t.values = far;
    t.label = 0;
    for (c = 0; c < sizeof kinds / sizeof kinds[0]; c++) {
        tmlp_optim_t o = make_opt(kinds[c], 0.01f, moms[c]);
        tmlp_net_t *net;
        int fresh;
        if (c == 2) {
            o.nesterov = 1;
        }
        if (c == 5) {
            o.decoupled_wd = 1;
            o.weight_decay = 0.01f;
        }
        for (fresh = 0; fresh < 2; fresh++) {
            net = train_fx(&o, TMLP_ACT_IDENTITY, fresh ? 0 : 4, 0);
            CHECK_OK(tmlp_net_forward(net, X0, NULL));
            CHECK_OK(tmlp_net_backward(net, TMLP_LOSS_HALF_SSE, &t, NULL));
            o.lr = 3e38f;
            CHECK_OK(tmlp_net_set_optim(net, &o));
            snapshot(net, fx_arena, fx_keep);
            if (!CHECK_ERR(tmlp_net_step(net), TMLP_ERR_NUMERIC)) {
                printf("  (optimizer #%u, fresh %d)\n", (unsigned)c, fresh);
            }
            CHECK_UNCHANGED(net);
            /* control: the kept gradient steps with a sane lr */
            o.lr = 1e-6f;
            CHECK_OK(tmlp_net_set_optim(net, &o));
            CHECK_OK(tmlp_net_step(net));
            CHECK((changes(net) & 5u) == 5u); /* parameters and handle (step count) */
        }
    }
}

/* A non-finite accumulated gradient: the step fails and changes nothing;
 * tmlp_net_zero_grad() is the way out. */
TMLP_TEST(step_nonfinite_gradient)
{
    float *p = tmp_p;
    tmlp_target_t t;
    const float far[2] = {-3.0f, 0.0f};
    const float xbig[2] = {3e38f, 0.0f};
    tmlp_net_t *net = busy_fx();
    size_t k;
    /* All parameters 0 but W2[0][0] = 1: h = 0 and y = 0 are finite, delta
     * = y - t = 3, the hidden delta is 3, and dL/dW1[0][0] = 3 * 3e38 = inf. */
    for (k = 0; k < NP; k++) {
        p[k] = 0.0f;
    }
    p[9] = 1.0f; /* W2[0][0] */
    CHECK_OK(tmlp_net_set_params(net, p, NP));
    CHECK_OK(tmlp_net_zero_grad(net));
    CHECK_OK(tmlp_net_forward(net, xbig, NULL));
    t.values = far;
    t.label = 0;
    CHECK_OK(tmlp_net_backward(net, TMLP_LOSS_HALF_SSE, &t, NULL));
    snapshot(net, fx_arena, fx_keep);
    CHECK_ERR(tmlp_net_step(net), TMLP_ERR_NUMERIC);
    CHECK_UNCHANGED(net);
    CHECK_ERR(tmlp_net_step(net), TMLP_ERR_NUMERIC); /* still there */
    CHECK_UNCHANGED(net);
    CHECK_OK(tmlp_net_zero_grad(net));
    CHECK_OK(tmlp_net_forward(net, X0, NULL));
    CHECK_OK(tmlp_net_backward(net, TMLP_LOSS_HALF_SSE, &t, NULL));
    CHECK_OK(tmlp_net_step(net));
}

/* ------------------------------------------------------------------------ */
/* Gradient check                                                            */
/* ------------------------------------------------------------------------ */

TMLP_TEST(gradcheck_errors)
{
    tmlp_optim_t o = make_opt(TMLP_OPT_SGD, 0.05f, 0.9f);
    tmlp_target_t t;
    float err = 0.0f;
    tmlp_net_t *net;
    t.values = T0;
    t.label = 0;
    /* accumulated gradient present */
    net = busy_fx();
    CHECK_ERR(tmlp_net_gradcheck(net, X0, TMLP_LOSS_HALF_SSE, &t, 1e-3f, &err), TMLP_ERR_STATE);
    CHECK_UNCHANGED(net);
    /* a forward done, nothing accumulated */
    net = train_fx(&o, TMLP_ACT_IDENTITY, 3, 0);
    CHECK_OK(tmlp_net_forward(net, X1, NULL));
    snapshot(net, fx_arena, fx_keep);
    CHECK_ERR(tmlp_net_gradcheck(NULL, X0, TMLP_LOSS_HALF_SSE, &t, 1e-3f, &err), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_net_gradcheck(net, NULL, TMLP_LOSS_HALF_SSE, &t, 1e-3f, &err), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_net_gradcheck(net, X0, TMLP_LOSS_HALF_SSE, NULL, 1e-3f, &err), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_net_gradcheck(net, X0, TMLP_LOSS_HALF_SSE, &t, 1e-3f, NULL), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_net_gradcheck(net, X0, TMLP_LOSS_HALF_SSE, &t, 0.0f, &err), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_net_gradcheck(net, X0, TMLP_LOSS_HALF_SSE, &t, -1e-3f, &err), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_net_gradcheck(net, X0, TMLP_LOSS_HALF_SSE, &t, qnan(), &err), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_net_gradcheck(net, X0, TMLP_LOSS_HALF_SSE, &t, pinf(), &err), TMLP_ERR_ARG);
    CHECK_UNCHANGED(net);
    /* inference nets */
    CHECK_ERR(tmlp_net_gradcheck(infer_fx(), X0, TMLP_LOSS_HALF_SSE, &t, 1e-3f, &err),
              TMLP_ERR_STATE);
    CHECK_UNCHANGED(&inf_net);
    CHECK_ERR(tmlp_net_gradcheck(const_fx(), X0, TMLP_LOSS_HALF_SSE, &t, 1e-3f, &err),
              TMLP_ERR_STATE);
    CHECK_UNCHANGED(&const_net);
}

/* Errors gradcheck can see in its arguments (as backward reports them):
 * the model must be as before, and so should the handle: these can be
 * detected before the first forward, so the caller's pending forward (and
 * its backward_ready) need not be lost. */
TMLP_TEST(gradcheck_argument_errors_keep_handle)
{
    tmlp_optim_t o = make_opt(TMLP_OPT_SGD, 0.05f, 0.9f);
    tmlp_target_t t, bad;
    float err = 0.0f, tv[2], xb[2];
    int k;
    tmlp_net_t *net = train_fx(&o, TMLP_ACT_IDENTITY, 3, 0);
    t.values = T0;
    t.label = 0;
    bad.values = NULL;
    bad.label = 2;
    tv[0] = qnan();
    tv[1] = 0.0f;
    xb[0] = 0.0f;
    xb[1] = pinf();
    for (k = 0; k < 6; k++) {
        tmlp_status_t st = TMLP_OK, want = TMLP_OK;
        /* a pending forward each time (backward_ready set) */
        CHECK_OK(tmlp_net_forward(net, X1, NULL));
        snapshot(net, fx_arena, fx_keep);
        switch (k) {
        case 0: st = tmlp_net_gradcheck(net, xb, TMLP_LOSS_HALF_SSE, &t, 1e-3f, &err); want = TMLP_ERR_NUMERIC; break;
        case 1: st = tmlp_net_gradcheck(net, X0, TMLP_LOSS_HALF_SSE, &bad, 1e-3f, &err); want = TMLP_ERR_LABEL; break;
        case 2: st = tmlp_net_gradcheck(net, X0, TMLP_LOSS_CE, &t, 1e-3f, &err); want = TMLP_ERR_STATE; break;
        case 3: st = tmlp_net_gradcheck(net, X0, TMLP_LOSS_BCE, &t, 1e-3f, &err); want = TMLP_ERR_STATE; break;
        case 4: st = tmlp_net_gradcheck(net, X0, (tmlp_loss_t)9, &t, 1e-3f, &err); want = TMLP_ERR_ARG; break;
        default:
            bad.values = tv;
            st = tmlp_net_gradcheck(net, X0, TMLP_LOSS_MSE, &bad, 1e-3f, &err);
            want = TMLP_ERR_NUMERIC;
            break;
        }
        if (!CHECK_ERR(st, want)) {
            printf("  (case %d)\n", k);
        }
        CHECK_MODEL_UNCHANGED(net);
        if (!CHECK(memcmp(snap_handle, net, sizeof *net) == 0)) {
            printf("  (case %d: handle changed)\n", k);
        }
    }
}

/* ------------------------------------------------------------------------ */
/* Input scaling, data sources, schedules, the training loop, metrics       */
/* ------------------------------------------------------------------------ */

TMLP_TEST(input_scale_errors)
{
    static float arena[TMLP_MLP2_BYTES(2, 3, 2, 0, TMLP_BUILD_SCALE) /
                       sizeof(float)];
    tmlp_net_t *netp = &aux_net;
    unsigned char *handle = (unsigned char *)&aux_expect;
    unsigned char *arena_copy = fx_copy;
    tmlp_desc_t d;
    const float *po = NULL, *ps = NULL;
    float off[2] = {0.5f, -0.5f}, sc[2] = {2.0f, 4.0f};
    tmlp_net_t *plain = infer_fx(); /* no TMLP_DESC_INPUT_SCALE */
    CHECK_ERR(tmlp_net_set_input_scale(plain, off, sc), TMLP_ERR_STATE);
    CHECK_ERR(tmlp_net_input_scale(plain, &po, &ps), TMLP_ERR_STATE);
    CHECK_UNCHANGED(plain);
    base_desc(&d, TMLP_ACT_IDENTITY);
    d.flags = TMLP_DESC_INPUT_SCALE;
    CHECK_OK(tmlp_net_init(netp, &d, NULL, arena, sizeof arena, NULL));
    CHECK_OK(tmlp_net_set_input_scale(netp, off, sc));
    memcpy(handle, netp, sizeof *netp);
    memcpy(arena_copy, arena, sizeof arena);
    CHECK_ERR(tmlp_net_set_input_scale(NULL, off, sc), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_net_set_input_scale(netp, NULL, sc), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_net_set_input_scale(netp, off, NULL), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_net_input_scale(NULL, &po, &ps), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_net_input_scale(netp, NULL, &ps), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_net_input_scale(netp, &po, NULL), TMLP_ERR_ARG);
    /* a bad value in either vector: neither is copied */
    off[0] = 1.0f;
    sc[1] = qnan();
    CHECK_ERR(tmlp_net_set_input_scale(netp, off, sc), TMLP_ERR_NUMERIC);
    sc[1] = 1.0f;
    off[1] = pinf();
    CHECK_ERR(tmlp_net_set_input_scale(netp, off, sc), TMLP_ERR_NUMERIC);
    CHECK(memcmp(handle, netp, sizeof *netp) == 0);
    CHECK(memcmp(arena_copy, arena, sizeof arena) == 0);
    CHECK_OK(tmlp_net_input_scale(netp, &po, &ps));
    CHECK(po != NULL && ps != NULL && po[0] == 0.5f && ps[1] == 4.0f);
}

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
        case 1: cfg.loss = TMLP_LOSS_BCE; want = TMLP_ERR_STATE; break; /* softmax output */
        case 2: cfg.max_epochs = 0; want = TMLP_ERR_STATE; break;       /* nothing stops it */
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
    CHECK_ERR(tmlp_train_begin(&tr, infer_fx(), &data, &cfg), TMLP_ERR_STATE);
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
    CHECK(unchanged(net, 1u | 2u) && memcmp(snap_region, fx_arena, NP * sizeof(float)) == 0 &&
          memcmp(snap_region + 2u * NP, fx_arena + 2u * NP, NP * sizeof(float)) == 0);
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
    CHECK_ERR(tmlp_evaluate(net, &vdata, TMLP_LOSS_BCE, NULL, &loss, &acc, NULL), TMLP_ERR_STATE);
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
/* Canary: nothing is written outside the arena                             */
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
    tmlp_desc_t d;
    tmlp_init_t init;
    tmlp_rng_t rng;
    size_t need = 0, used;
    int k, b;
    float loss_first = 0.0f, loss_last = 0.0f;
    memset(&d, 0, sizeof d);
    d.n_in = 3;
    d.n_layers = 2;
    d.layer[0].units = 5;
    d.layer[0].act = TMLP_ACT_TANH;
    d.layer[1].units = 3;
    d.layer[1].act = out_act;
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
    tmlp_desc_t d;
    size_t need = 0;
    float y[3];
    int mode, k;
    memset(&d, 0, sizeof d);
    d.n_in = 3;
    d.n_layers = 2;
    d.layer[0].units = 5;
    d.layer[0].act = TMLP_ACT_RELU;
    d.layer[1].units = 3;
    d.layer[1].act = TMLP_ACT_SOFTMAX;
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
void suite_errors(void)
{
    RUN(status_strings_distinct);
    RUN(optim_slots_errors);
    RUN(optim_step_errors);
    RUN(optim_step_overflow);
    RUN(optim_step_huge_finite_gradient);
    RUN(arena_size_errors);
    RUN(net_init_errors);
    RUN(net_init_nomem);
    RUN(net_init_borrowed_errors);
    RUN(set_optim_errors);
    RUN(params_shape_misc_errors);
    RUN(rng_errors);
    RUN(set_params_errors);
    RUN(init_weights_errors);
    RUN(forward_errors);
    RUN(forward_batch_errors);
    RUN(forward_overflow);
    RUN(loss_errors);
    RUN(backward_errors);
    RUN(step_errors);
    RUN(step_overflow);
    RUN(step_nonfinite_gradient);
    RUN(gradcheck_errors);
    RUN(gradcheck_argument_errors_keep_handle);
    RUN(input_scale_errors);
    RUN(data_sched_errors);
    RUN(train_loop_errors);
    RUN(evaluate_baseline_errors);
    RUN(canary_training);
    RUN(canary_inference);
}
