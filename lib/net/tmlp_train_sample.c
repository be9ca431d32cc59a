/* SPDX-License-Identifier: MIT */
/* tmlp_net_train_sample: forward, backward and step for one sample, with the
 * gradient folded into the SGD update (tmlp_kernel_sgd.c) when the
 * optimizer allows it.
 *
 * All or nothing without a dry run. tmlp_net_step checks every new value
 * before writing any, which costs a second pass over the parameters. Here a
 * first pass over the deltas (back-propagation only, no update: a few
 * percent of the work) measures D_l = max |delta| and X_l = max(1, max
 * |input|) of each trainable layer l, so every gradient element satisfies
 * |p| <= P = max_l D_l X_l. With bounds W >= |w| and V >= |v| kept in the
 * handle, every new value satisfies
 *   |v'| <= mu V + keep P = V'   and   |w'| <= W + lr V' = W',
 * so if W' and V' are below 1e30 (rounding of these few operations is far
 * inside the margin to FLT_MAX) nothing can overflow, and the fused pass
 * may write as it goes; W' and V' (raised by 0.1 % for rounding) become the
 * new bounds. P must be below 1e30 too (see bounded(): the gradient norm
 * that tmlp_net_step computes must not overflow), and the momentum is the
 * optimizer's (momentum != 0), not the arena's state slots (see update_layer).
 * Any other write to the parameters or state forgets the bounds
 * (tmlp_i_forget_bounds); they are then measured exactly, in one read of
 * the parameters and momentum. If even exact bounds cannot prove the step
 * finite, the checked path (tmlp_net_backward + tmlp_net_step) runs, or, in
 * the fused modes, which have no gradient buffer for it, the step is
 * refused (TMLP_ERR_NUMERIC: values beyond 1e30 mean divergence anyway). */
#include "tmlp_internal.h"

#include <string.h>

/* Below this, the few roundings of the bound arithmetic cannot reach
 * FLT_MAX (about 3.4e38). */
#define SGD1_LIMIT 1e30f

/* max |x[i]|, or -1 if some x[i] is not finite. */
static float abs_max(const float *x, size_t n)
{
    uint32_t m = tmlp_i_abs_max_bits(x, n);
    return m < 0x7f800000u ? tmlp_i_bits_float(m) : -1.0f;
}

/* The fused step's two passes over the backward walk (tmlp_i_backward_walk),
 * which compute the same deltas, bit for bit. */
typedef struct {
    tmlp_net_t *net;
    const tmlp_i_sgd_t *k; /* the update pass: the step's constants */
    float p_max;            /* the measuring pass: P = max_l D_l X_l, or -1 if a
                               delta or an input is not finite (a hidden layer
                               can overflow to Inf while the output stays
                               finite, and 0 Inf is NaN whatever the bounds) */
} sgd1_walk_t;

/* The measuring pass: D_l and X_l of each layer into P, and the delta of
 * the layer below, without touching a parameter. */
static void measure_layer(void *ctx, size_t off, const float *a_prev, const float *delta,
                          float *back, size_t n_in, size_t units)
{
    sgd1_walk_t *c = (sgd1_walk_t *)ctx;
    const float *w = c->net->train_params + off;
    float xm = abs_max(a_prev, n_in), dm = abs_max(delta, units);
    size_t j;
    if (xm < 0.0f || dm < 0.0f || c->p_max < 0.0f) {
        c->p_max = -1.0f;
    } else {
        xm = xm > 1.0f ? xm : 1.0f; /* the biases' input */
        c->p_max = dm * xm > c->p_max ? dm * xm : c->p_max;
    }
    if (back != NULL) {
        memset(back, 0, n_in * sizeof(float));
        for (j = 0; j < units; j++) {
            tmlp_i_axpy(back, delta[j], w + j * n_in, n_in);
        }
    }
}

/* The update pass: each layer's parameters and momentum by the fused kernel.
 * The optimizer's momentum, not the arena's slots: after tmlp_net_set_optim
 * switched momentum off, the buffer stays (net->slots 1) but plain SGD
 * neither reads nor writes it and ignores dampening, as tmlp_net_step does. */
static void update_layer(void *ctx, size_t off, const float *a_prev, const float *delta,
                         float *back, size_t n_in, size_t units)
{
    sgd1_walk_t *c = (sgd1_walk_t *)ctx;
    tmlp_i_dense_sgd1(c->k, c->net->train_params + off,
                      c->k->mu != 0.0f ? c->net->opt_state + off : NULL, a_prev, delta, back,
                      n_in, units);
}

/* Bounds W' and V' of the new values (see the top of the file) into nb[0],
 * nb[1]; 1 if both, and P, are below SGD1_LIMIT (never with p_max or a
 * bound < 0: something not finite). P too: tmlp_net_step refuses a step
 * whose gradient norm overflows although every element is finite, and
 * with dampening 1 (or near it) a huge gradient leaves V' and W' small.
 * With P < 1e30 the norm is at most sqrt(n) P < 2^16 1e30, finite, so
 * the fused step never takes a step the three calls would refuse. */
static int bounded(const tmlp_net_t *net, const tmlp_i_sgd_t *k, float p_max, float nb[2])
{
    float v = p_max;
    if (!(p_max >= 0.0f && p_max < SGD1_LIMIT) || net->wbound < 0.0f || net->vbound < 0.0f) {
        return 0;
    }
    if (k->mu != 0.0f && !k->first) { /* momentum as the optimizer has it (see update_layer) */
        v = k->mu * net->vbound + k->keep * p_max;
    }
    nb[0] = net->wbound + k->lr * v;
    nb[1] = v;
    return nb[0] < SGD1_LIMIT && nb[1] < SGD1_LIMIT;
}

/* The fused step; TMLP_ERR_NUMERIC if it cannot be proven finite (nothing
 * written then). The loss has been checked. Not inlined: its frame would
 * otherwise sit under tmlp_net_step's on the checked path. */
TMLP_I_NOINLINE static tmlp_status_t fused_step(tmlp_net_t *net, tmlp_loss_t loss,
                                                const tmlp_target_t *target)
{
    tmlp_i_sgd_t k;
    sgd1_walk_t c;
    float p_max, nb[2];
    int ok;
    k.lr = net->opt.lr;
    k.mu = net->opt.momentum;
    k.keep = 1.0f - net->opt.dampening;
    k.first = net->steps == 0u;
    k.from_zero = 1;
    c.net = net;
    c.k = &k;
    c.p_max = 0.0f;
    tmlp_i_output_delta(net, loss, target);
    tmlp_i_backward_walk(net, measure_layer, &c);
    p_max = c.p_max;
    ok = net->bounds_known && bounded(net, &k, p_max, nb);
    if (!ok) {
        /* Measure exactly, then try again. */
        net->wbound = abs_max(net->train_params, (size_t)net->n_train);
        net->vbound = k.mu != 0.0f ? abs_max(net->opt_state, (size_t)net->n_train) : 0.0f;
        net->bounds_known = 1;
        ok = bounded(net, &k, p_max, nb);
    }
    if (!ok) {
        return TMLP_ERR_NUMERIC;
    }
    /* The first walk overwrote the output's delta (the two delta buffers
     * alternate): compute it again. */
    tmlp_i_output_delta(net, loss, target);
    tmlp_i_backward_walk(net, update_layer, &c);
    net->wbound = nb[0] * 1.001f;
    net->vbound = nb[1] * 1.001f;
    return TMLP_OK;
}

/* See tinymlp.h. */
tmlp_status_t tmlp_net_train_sample(tmlp_net_t *net, const float *x, tmlp_loss_t loss,
                                    const tmlp_target_t *target, float *value)
{
    tmlp_status_t st;
    float v = 0.0f;
    st = tmlp_i_net_check(net);
    if (st != TMLP_OK) {
        return st;
    }
    if (x == NULL || target == NULL) {
        return TMLP_ERR_ARG;
    }
    st = tmlp_i_train_check(net);
    if (st != TMLP_OK) {
        return st;
    }
    if (net->batch_count != 0u) {
        return TMLP_ERR_STATE;
    }
    st = tmlp_net_forward(net, x, NULL);
    if (st == TMLP_OK) {
        st = tmlp_i_sample_loss(net, loss, target, &v);
    }
    if (st != TMLP_OK) {
        return st;
    }
    st = TMLP_ERR_NUMERIC;
    if (tmlp_i_optim_fusable(&net->opt)) {
        st = fused_step(net, loss, target);
    }
    if (st != TMLP_OK && !tmlp_i_has_grad(net)) {
        /* A fused mode has no gradient buffer for the checked path: a step
         * the bounds cannot prove finite is refused. */
        return st;
    }
    if (st == TMLP_OK) {
        net->grad_norm = -1.0f;
        net->backward_ready = 0;
        if (net->steps < UINT32_MAX) {
            net->steps++;
        }
    } else {
        /* The checked path; on failure, no gradient stays behind. */
        st = tmlp_net_backward(net, loss, target, NULL);
        if (st == TMLP_OK) {
            st = tmlp_i_net_step(net, net->want_norm);
        }
        if (st != TMLP_OK) {
            tmlp_i_zero_grad(net);
            return st;
        }
    }
    if (value != NULL) {
        *value = v;
    }
    return TMLP_OK;
}
