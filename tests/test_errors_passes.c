/* SPDX-License-Identifier: MIT */
/* Error paths of the passes over a net: forward (single and batched),
 * loss, backward, step and the gradient check, including results that
 * overflow and gradients that are not finite. A refused pass leaves the
 * parameters, gradient sums, optimizer state and step count as they were.
 * One of the error suites (test_errors_*.c; fixtures.h says what they
 * check). */
#include "fixtures.h"
#include "suites.h"
#include "tinymlp.h"
#include "tmlp_test.h"

#include <stdio.h>
#include <string.h>

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
        snapshot(net, which == 0 ? fx_base : inf_base, which == 0 ? fx_keep : NP);
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
                  which == 0 ? TMLP_ERR_STATE : TMLP_ERR_NOT_TRAINING);
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
    CHECK_ERR(tmlp_net_loss(net, TMLP_LOSS_BCE, &t, &v), TMLP_ERR_LOSS);
    CHECK_ERR(tmlp_net_loss(net, TMLP_LOSS_CE, &t, &v), TMLP_ERR_LOSS);
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
        snapshot(net, fx_base, fx_keep);
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
    CHECK_ERR(tmlp_net_loss(net, TMLP_LOSS_BCE, &bad, &v), TMLP_ERR_LOSS);
    tv[0] = qnan();
    tv[1] = 1.0f;
    bad.values = tv;
    CHECK_ERR(tmlp_net_loss(net, TMLP_LOSS_CE, &bad, &v), TMLP_ERR_NUMERIC);
    CHECK_UNCHANGED(net);
    /* BCE: CE on a sigmoid output */
    net = train_fx(&o, TMLP_ACT_SIGMOID, 2, 1);
    bad.values = NULL;
    bad.label = 1;
    CHECK_ERR(tmlp_net_loss(net, TMLP_LOSS_CE, &bad, &v), TMLP_ERR_LOSS);
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
    CHECK_ERR(tmlp_net_backward(net, TMLP_LOSS_BCE, &t, &v), TMLP_ERR_LOSS);
    CHECK_ERR(tmlp_net_backward(net, TMLP_LOSS_CE, &t, &v), TMLP_ERR_LOSS);
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
    snapshot(net, fx_base, fx_keep);
    CHECK_ERR(tmlp_net_backward(net, TMLP_LOSS_HALF_SSE, &t, &v), TMLP_ERR_STATE);
    CHECK_UNCHANGED(net);
    /* backward after a step, without a new forward */
    CHECK_OK(tmlp_net_step(net));
    snapshot(net, fx_base, fx_keep);
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
        snapshot(net, fx_base, fx_keep);
        tv[0] = -3e38f;
        tv[1] = 0.0f;
        bad.values = tv;
        CHECK_ERR(tmlp_net_backward(net, TMLP_LOSS_HALF_SSE, &bad, &v), TMLP_ERR_NUMERIC);
        CHECK_UNCHANGED(net);
    }
    /* inference nets */
    net = infer_fx();
    CHECK_ERR(tmlp_net_backward(net, TMLP_LOSS_HALF_SSE, &t, &v), TMLP_ERR_NOT_TRAINING);
    CHECK_UNCHANGED(net);
    net = const_fx();
    CHECK_ERR(tmlp_net_backward(net, TMLP_LOSS_HALF_SSE, &t, &v), TMLP_ERR_NOT_TRAINING);
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
    snapshot(net, fx_base, fx_keep);
    CHECK_ERR(tmlp_net_step(net), TMLP_ERR_STATE);
    CHECK_UNCHANGED(net);
    net = train_fx(&o, TMLP_ACT_IDENTITY, 3, 0);
    CHECK_ERR(tmlp_net_step(net), TMLP_ERR_STATE);
    CHECK_UNCHANGED(net);
    net = busy_fx();
    CHECK_OK(tmlp_net_zero_grad(net));
    snapshot(net, fx_base, fx_keep);
    CHECK_ERR(tmlp_net_step(net), TMLP_ERR_STATE);
    CHECK_UNCHANGED(net);
    /* inference nets */
    net = infer_fx();
    CHECK_ERR(tmlp_net_step(net), TMLP_ERR_NOT_TRAINING);
    CHECK_UNCHANGED(net);
    net = const_fx();
    CHECK_ERR(tmlp_net_step(net), TMLP_ERR_NOT_TRAINING);
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
            snapshot(net, fx_base, fx_keep);
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
    snapshot(net, fx_base, fx_keep);
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
    snapshot(net, fx_base, fx_keep);
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
              TMLP_ERR_NOT_TRAINING);
    CHECK_UNCHANGED(&inf_net);
    CHECK_ERR(tmlp_net_gradcheck(const_fx(), X0, TMLP_LOSS_HALF_SSE, &t, 1e-3f, &err),
              TMLP_ERR_NOT_TRAINING);
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
        snapshot(net, fx_base, fx_keep);
        switch (k) {
        case 0: st = tmlp_net_gradcheck(net, xb, TMLP_LOSS_HALF_SSE, &t, 1e-3f, &err); want = TMLP_ERR_NUMERIC; break;
        case 1: st = tmlp_net_gradcheck(net, X0, TMLP_LOSS_HALF_SSE, &bad, 1e-3f, &err); want = TMLP_ERR_LABEL; break;
        case 2: st = tmlp_net_gradcheck(net, X0, TMLP_LOSS_CE, &t, 1e-3f, &err); want = TMLP_ERR_LOSS; break;
        case 3: st = tmlp_net_gradcheck(net, X0, TMLP_LOSS_BCE, &t, 1e-3f, &err); want = TMLP_ERR_LOSS; break;
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

/* See suites.h. */
void suite_errors_passes(void)
{
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
}
