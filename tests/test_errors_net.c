/* SPDX-License-Identifier: MIT */
/* Error paths of building a net and setting it up: arena sizes and
 * descriptions, tmlp_net_init (arena-backed, borrowed parameters, arenas too
 * small), the optimizer's replacement, parameters, shape and checksum
 * queries, weight initialisation, input scaling. A failing call leaves the
 * model (and, for a failed init, the whole arena) as it was. One of the
 * error suites (test_errors_*.c; fixtures.h says what they check). */
#include "fixtures.h"
#include "suites.h"
#include "tinymlp.h"
#include "tmlp_test.h"

#include <stdio.h>
#include <string.h>

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
    /* The description's own check gives the same verdicts, with a rule. */
    for (i = 0; bad_desc(i, &d, &want); i++) {
        tmlp_desc_fault_t f = {0, 99};
        if (!CHECK_ERR(tmlp_desc_check(&d, &f), want)) {
            printf("  (bad desc #%d)\n", i);
        }
        CHECK(f.rule != TMLP_DESC_OK && f.rule <= TMLP_DESC_FROZEN_ORDER);
        CHECK(f.layer <= TMLP_MAX_LAYERS);
    }
    /* It names the rule and the layer at fault; the input width, the layer
     * count and the desc's flags are no layer's fault. */
    {
        tmlp_desc_fault_t f = {0, 99};
        base_desc(&d, TMLP_ACT_SOFTMAX);
        CHECK_OK(tmlp_desc_check(&d, &f));
        CHECK(f.rule == 0u && f.layer == 99u);
        d.layer[0].act = TMLP_ACT_SOFTMAX;
        CHECK_ERR(tmlp_desc_check(&d, &f), TMLP_ERR_ARG);
        CHECK(f.rule == TMLP_DESC_SOFTMAX && f.layer == 0u);
        base_desc(&d, TMLP_ACT_SOFTMAX);
        d.layer[1].units = 0;
        CHECK_ERR(tmlp_desc_check(&d, &f), TMLP_ERR_SHAPE);
        CHECK(f.rule == TMLP_DESC_UNITS && f.layer == 1u);
        base_desc(&d, TMLP_ACT_SOFTMAX);
        d.layer[0].act = TMLP_ACT_SIGMOID;
        d.layer[0].act_param = -1.0f;
        CHECK_ERR(tmlp_desc_check(&d, &f), TMLP_ERR_ARG);
        CHECK(f.rule == TMLP_DESC_PARAM_RANGE && f.layer == 0u);
        d.layer[0].act = TMLP_ACT_TANH;
        CHECK_ERR(tmlp_desc_check(&d, &f), TMLP_ERR_ARG);
        CHECK(f.rule == TMLP_DESC_PARAM_UNUSED && f.layer == 0u);
        base_desc(&d, TMLP_ACT_SOFTMAX);
        d.layer[1].flags = TMLP_LAYER_FROZEN;
        CHECK_ERR(tmlp_desc_check(&d, &f), TMLP_ERR_ARG);
        CHECK(f.rule == TMLP_DESC_FROZEN_ORDER && f.layer == 1u);
        base_desc(&d, TMLP_ACT_SOFTMAX);
        d.flags = 0x80u;
        CHECK_ERR(tmlp_desc_check(&d, &f), TMLP_ERR_ARG);
        CHECK(f.rule == TMLP_DESC_FLAGS && f.layer == TMLP_MAX_LAYERS);
        base_desc(&d, TMLP_ACT_SOFTMAX);
        d.n_in = 0;
        CHECK_ERR(tmlp_desc_check(&d, NULL), TMLP_ERR_SHAPE);
        CHECK_ERR(tmlp_desc_check(&d, &f), TMLP_ERR_SHAPE);
        CHECK(f.rule == TMLP_DESC_N_IN && f.layer == TMLP_MAX_LAYERS);
        CHECK_ERR(tmlp_desc_check(NULL, &f), TMLP_ERR_ARG);
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
    CHECK_ERR(tmlp_net_set_optim(net, &o), TMLP_ERR_OPTIM_MISMATCH);
    o = make_opt(TMLP_OPT_ADAM, 0.01f, 0.0f);
    CHECK_ERR(tmlp_net_set_optim(net, &o), TMLP_ERR_OPTIM_MISMATCH);
    o = make_opt(TMLP_OPT_RMSPROP, 0.01f, 0.0f);
    CHECK_ERR(tmlp_net_set_optim(net, &o), TMLP_ERR_OPTIM_MISMATCH);
    CHECK_UNCHANGED(net);
    /* Inference nets have no optimizer. */
    o = make_opt(TMLP_OPT_SGD, 0.01f, 0.0f);
    net = infer_fx();
    CHECK_ERR(tmlp_net_set_optim(net, &o), TMLP_ERR_NOT_TRAINING);
    CHECK_UNCHANGED(net);
    net = const_fx();
    CHECK_ERR(tmlp_net_set_optim(net, &o), TMLP_ERR_NOT_TRAINING);
    CHECK_UNCHANGED(net);
    /* More slots than at init: plain SGD (0) -> momentum (1); RMSprop (1)
     * -> RMSprop with momentum (2). */
    o = make_opt(TMLP_OPT_SGD, 0.05f, 0.0f);
    net = train_fx(&o, TMLP_ACT_IDENTITY, 2, 1);
    o.momentum = 0.9f;
    CHECK_ERR(tmlp_net_set_optim(net, &o), TMLP_ERR_OPTIM_MISMATCH);
    o.momentum = 0.0f;
    o.nesterov = 1;
    CHECK_ERR(tmlp_net_set_optim(net, &o), TMLP_ERR_ARG);
    CHECK_UNCHANGED(net);
    o = make_opt(TMLP_OPT_RMSPROP, 0.01f, 0.0f);
    net = train_fx(&o, TMLP_ACT_IDENTITY, 2, 1);
    o.momentum = 0.5f;
    CHECK_ERR(tmlp_net_set_optim(net, &o), TMLP_ERR_OPTIM_MISMATCH);
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
    CHECK_ERR(tmlp_net_zero_grad(net), TMLP_ERR_NOT_TRAINING);
    CHECK_UNCHANGED(net);
    net = const_fx();
    CHECK_ERR(tmlp_net_zero_grad(net), TMLP_ERR_NOT_TRAINING);
    CHECK_UNCHANGED(net);
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
    CHECK_ERR(tmlp_net_set_params(net, p, NP), TMLP_ERR_READ_ONLY);
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
    CHECK_ERR(tmlp_net_init_weights(net, &init, &rng), TMLP_ERR_READ_ONLY);
    CHECK_UNCHANGED(net);
    CHECK(memcmp(&rng, &copy, sizeof rng) == 0);
}

/* ------------------------------------------------------------------------ */
/* Input scaling                                                             */
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
    CHECK_ERR(tmlp_net_set_input_scale(plain, off, sc), TMLP_ERR_SHAPE);
    CHECK_ERR(tmlp_net_input_scale(plain, &po, &ps), TMLP_ERR_SHAPE);
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

/* A net whose description says its inputs are scaled, built without a
 * scaling: it never runs, trains or saves with one nobody gave it
 * (TMLP_ERR_NO_SCALE, nothing changed), until the scaling comes from
 * tmlp_net_set_input_scale, the init's options or a model file. */
TMLP_TEST(scaled_net_refuses_without_scaling)
{
    static float arena[TMLP_MLP2_BYTES(2, 3, 2, TMLP_SLOTS_MOMENTUM,
                                       TMLP_BUILD_TRAIN | TMLP_BUILD_SCALE) /
                       sizeof(float)];
    static float arena2[sizeof arena / sizeof(float)];
    static unsigned char file[512];
    tmlp_net_t net, net2;
    tmlp_desc_t d;
    tmlp_opts_t opts;
    tmlp_optim_t o = make_opt(TMLP_OPT_SGD, 0.1f, 0.9f);
    tmlp_target_t t;
    tmlp_loss_t loss;
    const float x[2] = {3.0f, -1.0f}, off[2] = {0.5f, -0.5f}, sc[2] = {2.0f, 4.0f};
    const float *po = NULL, *ps = NULL;
    float y[2] = {7.0f, 7.0f}, y_set[2], y_opts[2], y_load[2], value = 0.0f;
    size_t len = 0;
    base_desc(&d, TMLP_ACT_IDENTITY);
    d.flags = TMLP_DESC_INPUT_SCALE;
    loss = fx_loss(TMLP_ACT_IDENTITY, &t);
    memset(&opts, 0, sizeof opts);
    opts.optim = &o;
    CHECK_OK(tmlp_net_init(&net, &d, &opts, arena, sizeof arena, NULL));
    CHECK_OK(tmlp_net_params(&net, &po, &len));
    snapshot(&net, po, NP);
    CHECK_ERR(tmlp_net_forward(&net, x, y), TMLP_ERR_NO_SCALE);
    CHECK(y[0] == 7.0f && y[1] == 7.0f);
    CHECK_ERR(tmlp_net_train_sample(&net, x, loss, &t, &value), TMLP_ERR_NO_SCALE);
    CHECK_ERR(tmlp_model_save(&net, 0u, file, sizeof file, &len), TMLP_ERR_NO_SCALE);
    CHECK_ERR(tmlp_net_input_scale(&net, &po, &ps), TMLP_ERR_NO_SCALE);
    CHECK_UNCHANGED(&net);
    /* Given by a call: runs with it. */
    CHECK_OK(tmlp_net_set_input_scale(&net, off, sc));
    CHECK_OK(tmlp_net_forward(&net, x, y_set));
    CHECK_OK(tmlp_model_save(&net, 0u, file, sizeof file, &len));
    /* Given at init: the same outputs. */
    opts.in_offset = off;
    opts.in_scale = sc;
    CHECK_OK(tmlp_net_init(&net2, &d, &opts, arena2, sizeof arena2, NULL));
    CHECK_OK(tmlp_net_forward(&net2, x, y_opts));
    CHECK_BITS(y_opts[0], y_set[0]);
    CHECK_BITS(y_opts[1], y_set[1]);
    /* Given by a model file: a fresh net without scaling takes the file's. */
    opts.in_offset = NULL;
    opts.in_scale = NULL;
    CHECK_OK(tmlp_net_init(&net2, &d, &opts, arena2, sizeof arena2, NULL));
    CHECK_ERR(tmlp_net_forward(&net2, x, y_load), TMLP_ERR_NO_SCALE);
    CHECK_OK(tmlp_model_load_buf(&net2, 0u, file, len));
    CHECK_OK(tmlp_net_forward(&net2, x, y_load));
    CHECK_BITS(y_load[0], y_set[0]);
    CHECK_BITS(y_load[1], y_set[1]);
    CHECK_OK(tmlp_net_input_scale(&net2, &po, &ps));
    CHECK(po[0] == 0.5f && ps[1] == 4.0f);
}

/* See suites.h. */
/* Every feature tmlp_config.h can leave out: in a build without it the call
 * that needs it returns TMLP_ERR_UNSUPPORTED and changes nothing; with it
 * (the full build) the same calls give their ordinary results. */
#define WANT(with, ordinary) ((with) ? (ordinary) : TMLP_ERR_UNSUPPORTED)

TMLP_TEST(left_out_features_are_refused)
{
    static const struct {
        uint8_t act;
        int with;
    } acts[] = {{TMLP_ACT_SIGMOID, TMLP_WITH_SIGMOID},
                {TMLP_ACT_TANH, TMLP_WITH_TANH},
                {TMLP_ACT_LEAKY_RELU, TMLP_WITH_LEAKY_RELU},
                {TMLP_ACT_SOFTMAX, TMLP_WITH_SOFTMAX}};
    static float arena[TMLP_MLP2_BYTES(2, 3, 2, TMLP_SLOTS_ADAM, TMLP_BUILD_TRAIN | TMLP_BUILD_SCALE) /
                       sizeof(float)];
    tmlp_desc_t d;
    tmlp_desc_fault_t fault;
    tmlp_net_t net;
    tmlp_optim_t o = make_opt(TMLP_OPT_SGD, 0.1f, 0.9f);
    tmlp_sched_t sched;
    tmlp_target_t t = {NULL, 1u};
    float lr = 0.0f, one[2] = {1.0f, 1.0f}, x[2] = {0.5f, -0.5f}, v = 0.0f;
    uint32_t slots = 0;
    size_t i;
    /* Activations: the description is refused, at the layer that names it. */
    for (i = 0; i < sizeof acts / sizeof acts[0]; i++) {
        d = mlp2(2, 3, 2, TMLP_ACT_RELU, acts[i].act);
        fault.rule = 0;
        CHECK_ERR(tmlp_desc_check(&d, &fault), WANT(acts[i].with, TMLP_OK));
        CHECK(acts[i].with || (fault.rule == TMLP_DESC_ACT && fault.layer == 1u));
    }
    /* Input scaling. */
    d = mlp2(2, 3, 2, TMLP_ACT_RELU, TMLP_ACT_IDENTITY);
    d.flags = TMLP_DESC_INPUT_SCALE;
    CHECK_ERR(tmlp_desc_check(&d, &fault), WANT(TMLP_WITH_INPUT_SCALE, TMLP_OK));
    d.flags = 0;
    CHECK_OK(tmlp_net_init(&net, &d, NULL, arena, sizeof arena, NULL));
    CHECK_ERR(tmlp_net_set_input_scale(&net, one, one), WANT(TMLP_WITH_INPUT_SCALE, TMLP_ERR_SHAPE));
    /* Training calls on an inference net. */
    CHECK_ERR(tmlp_net_train_sample(&net, x, TMLP_LOSS_MSE, &t, &v),
              WANT(TMLP_WITH_TRAINING, TMLP_ERR_NOT_TRAINING));
    CHECK_ERR(tmlp_net_backward(&net, TMLP_LOSS_MSE, &t, NULL),
              WANT(TMLP_WITH_TRAINING && TMLP_WITH_CHECKED_STEP, TMLP_ERR_NOT_TRAINING));
    CHECK_ERR(tmlp_net_step(&net), WANT(TMLP_WITH_TRAINING && TMLP_WITH_CHECKED_STEP,
                                        TMLP_ERR_NOT_TRAINING));
    /* A training net: refused whole without training; with training but
     * without the checked path, only without the gradient buffer. */
    snapshot(&net, arena, 0);
    CHECK_ERR(tmlp_net_init(&net, &d, &(tmlp_opts_t){.optim = &o}, arena, sizeof arena, NULL),
              WANT(TMLP_WITH_TRAINING && TMLP_WITH_CHECKED_STEP, TMLP_OK));
    if (!(TMLP_WITH_TRAINING && TMLP_WITH_CHECKED_STEP)) {
        CHECK_FAILED_INIT_REFUSED(&net);
    }
    CHECK_ERR(tmlp_net_init(&net, &d, &(tmlp_opts_t){.optim = &o, .no_grad_buffer = 1}, arena,
                            sizeof arena, NULL),
              WANT(TMLP_WITH_TRAINING, TMLP_OK));
    if (TMLP_WITH_TRAINING) {
        CHECK_ERR(tmlp_net_zero_grad(&net), WANT(TMLP_WITH_CHECKED_STEP, TMLP_ERR_NO_GRAD));
        CHECK_OK(tmlp_net_train_sample(&net, x, TMLP_LOSS_MSE, &t, &v));
        /* What only the checked path takes: Nesterov momentum. */
        o.nesterov = 1;
        CHECK_ERR(tmlp_net_init(&net, &d, &(tmlp_opts_t){.optim = &o, .no_grad_buffer = 1}, arena,
                                sizeof arena, NULL),
                  WANT(TMLP_WITH_CHECKED_STEP, TMLP_ERR_ARG));
        o.nesterov = 0;
    }
    /* Optimizers. */
    o = make_opt(TMLP_OPT_ADAM, 0.01f, 0.0f);
    CHECK_ERR(tmlp_optim_slots(&o, &slots), WANT(TMLP_WITH_ADAM, TMLP_OK));
    o = make_opt(TMLP_OPT_RMSPROP, 0.01f, 0.0f);
    CHECK_ERR(tmlp_optim_slots(&o, &slots), WANT(TMLP_WITH_ADAM, TMLP_OK));
    o = make_opt(TMLP_OPT_EMA, 0.01f, 0.5f);
    CHECK_OK(tmlp_optim_slots(&o, &slots));
    /* Losses: each cross-entropy with its activation. */
    d = mlp2(2, 3, 2, TMLP_ACT_RELU, TMLP_ACT_IDENTITY);
    CHECK_OK(tmlp_net_init(&net, &d, NULL, arena, sizeof arena, NULL));
    CHECK_OK(tmlp_net_forward(&net, x, NULL));
    CHECK_ERR(tmlp_net_loss(&net, TMLP_LOSS_BCE, &t, &v), WANT(TMLP_WITH_SIGMOID, TMLP_ERR_LOSS));
    CHECK_ERR(tmlp_net_loss(&net, TMLP_LOSS_CE, &t, &v), WANT(TMLP_WITH_SOFTMAX, TMLP_ERR_LOSS));
    CHECK_OK(tmlp_net_loss(&net, TMLP_LOSS_MSE, &t, &v));
    /* Schedules: constant always. */
    memset(&sched, 0, sizeof sched);
    CHECK_OK(tmlp_sched_lr(&sched, 0.1f, 3, &lr));
    sched.kind = TMLP_SCHED_COSINE;
    sched.period = 10;
    CHECK_ERR(tmlp_sched_lr(&sched, 0.1f, 3, &lr), WANT(TMLP_WITH_SCHEDULES, TMLP_OK));
}

void suite_errors_net(void)
{
    RUN(left_out_features_are_refused);
    RUN(arena_size_errors);
    RUN(net_init_errors);
    RUN(net_init_nomem);
    RUN(net_init_borrowed_errors);
    RUN(set_optim_errors);
    RUN(params_shape_misc_errors);
    RUN(set_params_errors);
    RUN(init_weights_errors);
    RUN(input_scale_errors);
    RUN(scaled_net_refuses_without_scaling);
}
