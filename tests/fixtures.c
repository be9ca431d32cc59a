/* SPDX-License-Identifier: MIT */
/* Fixtures shared by the test files: see fixtures.h. Every static buffer
 * behind them is defined here, once (RAM on the Cortex-M0). */
#include "fixtures.h"

#include <stdio.h>
#include <string.h>

/* ------------------------------------------------------------------------ */
/* Numbers                                                                   */
/* ------------------------------------------------------------------------ */

float from_bits(uint32_t u)
{
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

float qnan(void)
{
    return from_bits(0x7fc00000u);
}

float pinf(void)
{
    return from_bits(0x7f800000u);
}

int is_finite(float x)
{
    return (tmlp_test_bits(x) & 0x7f800000u) != 0x7f800000u;
}

float absf(float x)
{
    return x < 0.0f ? -x : x;
}

/* ------------------------------------------------------------------------ */
/* Builders                                                                  */
/* ------------------------------------------------------------------------ */

tmlp_optim_t make_opt(uint8_t kind, float lr, float momentum)
{
    tmlp_optim_t o;
    memset(&o, 0, sizeof o);
    o.kind = kind;
    o.lr = lr;
    o.momentum = momentum;
    return o;
}

tmlp_desc_t mlp1(uint16_t n_in, uint16_t units, uint8_t act)
{
    tmlp_desc_t d;
    memset(&d, 0, sizeof d);
    d.n_in = n_in;
    d.n_layers = 1;
    d.layer[0].units = units;
    d.layer[0].act = act;
    return d;
}

tmlp_desc_t mlp2(uint16_t n_in, uint16_t hidden, uint16_t n_out, uint8_t act_h, uint8_t act_o)
{
    tmlp_desc_t d;
    memset(&d, 0, sizeof d);
    d.n_in = n_in;
    d.n_layers = 2;
    d.layer[0].units = hidden;
    d.layer[0].act = act_h;
    d.layer[1].units = n_out;
    d.layer[1].act = act_o;
    return d;
}

void seeded_net(tmlp_net_t *net, const tmlp_desc_t *d, const tmlp_optim_t *o, float *arena,
                size_t bytes, uint32_t seed, uint8_t init_bias)
{
    seeded_net_opts(net, d, &(tmlp_opts_t){.optim = o}, arena, bytes, seed, init_bias);
}

void seeded_net_opts(tmlp_net_t *net, const tmlp_desc_t *d, const tmlp_opts_t *opts, float *arena,
                     size_t bytes, uint32_t seed, uint8_t init_bias)
{
    tmlp_init_t init;
    tmlp_rng_t rng;
    memset(&init, 0, sizeof init);
    init.init_bias = init_bias;
    CHECK_OK(tmlp_net_init(net, d, opts, arena, bytes, NULL));
    CHECK_OK(tmlp_rng_seed(&rng, seed));
    CHECK_OK(tmlp_net_init_weights(net, &init, &rng));
}

void label_data(tmlp_data_t *data, tmlp_arrays_t *a, const float *X, uint16_t n_in,
                const uint32_t *labels, uint32_t n)
{
    memset(a, 0, sizeof *a);
    a->X = X;
    a->labels = labels;
    a->n_in = n_in;
    CHECK_OK(tmlp_data_arrays(data, a, n));
}

void label_u8_data(tmlp_data_t *data, tmlp_arrays_t *a, const float *X, uint16_t n_in,
                   const uint8_t *labels, uint32_t n)
{
    memset(a, 0, sizeof *a);
    a->X = X;
    a->labels_u8 = labels;
    a->n_in = n_in;
    CHECK_OK(tmlp_data_arrays(data, a, n));
}

void vector_data(tmlp_data_t *data, tmlp_arrays_t *a, const float *X, uint16_t n_in,
                 const float *Y, uint16_t n_out, uint32_t n)
{
    memset(a, 0, sizeof *a);
    a->X = X;
    a->Y = Y;
    a->n_in = n_in;
    a->n_out = n_out;
    CHECK_OK(tmlp_data_arrays(data, a, n));
}

/* ------------------------------------------------------------------------ */
/* The error suites' 2-3-2 model                                             */
/* ------------------------------------------------------------------------ */

void base_desc(tmlp_desc_t *d, uint8_t out_act)
{
    *d = mlp2(2, 3, 2, TMLP_ACT_TANH, out_act);
}

const float X0[2] = {0.5f, -1.0f};
const float X1[2] = {-0.25f, 0.75f};
const float T0[2] = {0.3f, -0.2f};
const float T_BCE[2] = {1.0f, 0.0f};

tmlp_loss_t fx_loss(uint8_t out_act, tmlp_target_t *t)
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

/* ------------------------------------------------------------------------ */
/* Snapshots                                                                 */
/* ------------------------------------------------------------------------ */

unsigned char snap_handle[sizeof(tmlp_net_t)];
float snap_region[TMLP_MLP2_BYTES(2, 3, 2, TMLP_SLOTS_ADAM, TMLP_BUILD_TRAIN) /
                  sizeof(float)];
static float snap_params[NP];
static const float *snap_arena;
static size_t snap_keep, snap_np;

void snapshot(const tmlp_net_t *net, const float *region, size_t keep)
{
    const float *p = NULL;
    size_t n = 0;
    memcpy(snap_handle, net, sizeof *net);
    snap_arena = region;
    snap_keep = keep <= sizeof snap_region / sizeof snap_region[0] ? keep : 0u;
    if (region != NULL && snap_keep > 0u) {
        memcpy(snap_region, region, snap_keep * sizeof(float));
    }
    snap_np = 0;
    if (tmlp_net_params(net, &p, &n) == TMLP_OK && n <= NP) {
        memcpy(snap_params, p, n * sizeof(float));
        snap_np = n;
    }
}

unsigned changes(const tmlp_net_t *net)
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

int unchanged(const tmlp_net_t *net, unsigned ignore)
{
    unsigned m = changes(net) & ~ignore;
    if (m != 0u) {
        printf("  (changed: %s%s%s)\n", (m & 1u) ? "handle " : "", (m & 2u) ? "arena " : "",
               (m & 4u) ? "params" : "");
    }
    return m == 0u;
}

int failed_init_refused(const tmlp_net_t *net)
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

/* ------------------------------------------------------------------------ */
/* Fixture nets                                                              */
/* ------------------------------------------------------------------------ */

/* 1 if a net's buffers start where they should in `arena`: at its first
 * TMLP_CACHE_LINE boundary (its start without one). */
static int aligned_base(const float *base, const float *arena)
{
    uintptr_t line = (uintptr_t)(FX_LINES(1u) * sizeof(float)), a = (uintptr_t)arena;
    if (TMLP_CACHE_LINE == 0) {
        return base == arena;
    }
    return (uintptr_t)base == (a + line - 1u) / line * line;
}

float fx_arena[TMLP_MLP2_BYTES(2, 3, 2, TMLP_SLOTS_ADAM, TMLP_BUILD_TRAIN) / sizeof(float)];
tmlp_net_t fx_net;
const float *fx_base;
size_t fx_keep;

float inf_arena[TMLP_MLP2_BYTES(2, 3, 2, 0, 0) / sizeof(float)];
const float *inf_base;
tmlp_net_t inf_net;
float const_arena[TMLP_MLP2_BYTES(2, 3, 2, 0, TMLP_BUILD_BORROW) / sizeof(float)];
tmlp_net_t const_net;
const float const_params[NP] = {0.5f,  -0.25f, 0.125f, 1.0f,  -0.75f, 0.375f, 0.1f,
                                -0.2f, 0.3f,   0.4f,   -0.5f, 0.6f,   0.7f,   -0.8f,
                                0.9f,  0.05f,  -0.05f};

tmlp_net_t aux_net, aux_expect;
unsigned char fx_copy[sizeof fx_arena];
float tmp_p[NP + 1u];

tmlp_net_t *train_fx(const tmlp_optim_t *opt, uint8_t out_act, int history, int busy)
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
    /* The layout the snapshot relies on: parameters first, at the arena's
     * first cache-line boundary, then gradients and state. */
    CHECK_OK(tmlp_net_params(&fx_net, &p, &n_params));
    CHECK(aligned_base(p, fx_arena));
    fx_base = p;
    fx_keep = 2u * FX_LINES(n_params) + FX_LINES(slots * n_params);
    snapshot(&fx_net, fx_base, fx_keep);
    return &fx_net;
}

tmlp_net_t *busy_fx(void)
{
    tmlp_optim_t o = make_opt(TMLP_OPT_SGD, 0.05f, 0.9f);
    return train_fx(&o, TMLP_ACT_IDENTITY, 3, 1);
}

tmlp_net_t *infer_fx(void)
{
    tmlp_desc_t d;
    float y[2];
    size_t n = 0;
    base_desc(&d, TMLP_ACT_IDENTITY);
    CHECK_OK(tmlp_net_init(&inf_net, &d, NULL, inf_arena, sizeof inf_arena, NULL));
    CHECK_OK(tmlp_net_set_params(&inf_net, const_params, NP));
    CHECK_OK(tmlp_net_forward(&inf_net, X0, y));
    CHECK_OK(tmlp_net_params(&inf_net, &inf_base, &n));
    CHECK(aligned_base(inf_base, inf_arena));
    snapshot(&inf_net, inf_base, NP);
    return &inf_net;
}

tmlp_net_t *const_fx(void)
{
    tmlp_desc_t d;
    float y[2];
    base_desc(&d, TMLP_ACT_IDENTITY);
    CHECK_OK(tmlp_net_init(&const_net, &d, &(tmlp_opts_t){.params = const_params, .n_params = NP},
                           const_arena, sizeof const_arena, NULL));
    CHECK_OK(tmlp_net_forward(&const_net, X0, y));
    snapshot(&const_net, NULL, 0);
    return &const_net;
}

/* ------------------------------------------------------------------------ */
/* Invalid descriptions and optimizers                                       */
/* ------------------------------------------------------------------------ */

int bad_desc(int i, tmlp_desc_t *d, tmlp_status_t *want)
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

int bad_opt(int i, tmlp_optim_t *o)
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
