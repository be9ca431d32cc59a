/* SPDX-License-Identifier: MIT */
/* Error paths of the calls that take no net: status strings, the random
 * number generator, and the optimizers on flat vectors (tmlp_optim_slots,
 * tmlp_optim_step). A refused call leaves the generator, or w, the state and
 * the step count, as they were. One of the error suites (test_errors_*.c;
 * fixtures.h says what they check). */
#include "fixtures.h"
#include "suites.h"
#include "tinymlp.h"
#include "tmlp_test.h"

#include <stdio.h>
#include <string.h>

/* ------------------------------------------------------------------------ */
/* Status strings                                                            */
/* ------------------------------------------------------------------------ */

TMLP_TEST(status_strings_distinct)
{
    static const tmlp_status_t codes[] = {
        TMLP_OK,          TMLP_ERR_ARG,          TMLP_ERR_SHAPE,     TMLP_ERR_NOMEM,
        TMLP_ERR_STATE,   TMLP_ERR_NUMERIC,      TMLP_ERR_FORMAT,    TMLP_ERR_LABEL,
        TMLP_ERR_IO,      TMLP_ERR_NOT_FOUND,    TMLP_ERR_UNINIT,    TMLP_ERR_NO_SCALE,
        TMLP_ERR_NOT_TRAINING, TMLP_ERR_NO_GRAD, TMLP_ERR_LOSS,      TMLP_ERR_OPTIM_MISMATCH,
        TMLP_ERR_FROZEN,  TMLP_ERR_READ_ONLY,    TMLP_ERR_SLOT_SIZE, TMLP_ERR_GEOMETRY,
        TMLP_ERR_UNSUPPORTED};
    const size_t n = sizeof codes / sizeof codes[0];
    size_t i, j;
    /* The numbers are part of the interface: 0, then -1, -2, ... in order. */
    for (i = 0; i < n; i++) {
        CHECK((int)codes[i] == -(int)i);
    }
    CHECK(tmlp_status_str((tmlp_status_t)-99) != NULL);
    CHECK(tmlp_status_str((tmlp_status_t)7) != NULL);
#ifndef TMLP_NO_STRINGS
    for (i = 0; i < n; i++) {
        const char *a = tmlp_status_str(codes[i]);
        CHECK(a != NULL && a[0] != '\0');
        /* every code has a string of its own, not the unknown one */
        CHECK(a != NULL && strcmp(a, tmlp_status_str((tmlp_status_t)-99)) != 0);
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

/* Every stop reason has its own description; an unknown one is not taken
 * for any of them. */
TMLP_TEST(stop_strings_distinct)
{
    static const tmlp_stop_t stops[] = {
        TMLP_STOP_NONE,    TMLP_STOP_MAX_EPOCHS, TMLP_STOP_MAX_STEPS,
        TMLP_STOP_GRAD_NORM, TMLP_STOP_PLATEAU,  TMLP_STOP_TIME,
        TMLP_STOP_EARLY,   TMLP_STOP_CALLBACK,   TMLP_STOP_ERROR};
    const size_t n = sizeof stops / sizeof stops[0];
    size_t i, j;
    for (i = 0; i < n; i++) {
        CHECK((int)stops[i] == (int)i);
    }
    CHECK(tmlp_stop_str((tmlp_stop_t)9) != NULL);
    CHECK(tmlp_stop_str((tmlp_stop_t)-1) != NULL);
#ifndef TMLP_NO_STRINGS
    CHECK(strcmp(tmlp_stop_str(TMLP_STOP_MAX_EPOCHS), "max_epochs reached") == 0);
    CHECK(strcmp(tmlp_stop_str(TMLP_STOP_EARLY),
                 "validation loss stopped improving (patience)") == 0);
    CHECK(strcmp(tmlp_stop_str((tmlp_stop_t)9), "unknown stop reason") == 0);
    for (i = 0; i < n; i++) {
        const char *a = tmlp_stop_str(stops[i]);
        CHECK(a != NULL && a[0] != '\0');
        CHECK(a != NULL && strcmp(a, tmlp_stop_str((tmlp_stop_t)9)) != 0);
        for (j = 0; j < i; j++) {
            const char *b = tmlp_stop_str(stops[j]);
            CHECK(a != NULL && b != NULL && strcmp(a, b) != 0);
        }
    }
#else
    for (i = 0; i < n; i++) {
        CHECK(tmlp_stop_str(stops[i]) != NULL && tmlp_stop_str(stops[i])[0] == '\0');
    }
    (void)j;
#endif
}

/* ------------------------------------------------------------------------ */
/* Random numbers                                                            */
/* ------------------------------------------------------------------------ */

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

/* See suites.h. */
void suite_errors_optim(void)
{
    RUN(status_strings_distinct);
    RUN(stop_strings_distinct);
    RUN(rng_errors);
    RUN(optim_slots_errors);
    RUN(optim_step_errors);
    RUN(optim_step_overflow);
    RUN(optim_step_huge_finite_gradient);
}
