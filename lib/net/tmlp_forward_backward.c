/* SPDX-License-Identifier: MIT */
/* Forward and backward passes, the loss, and the optimizer step of a net. */
#include "tmlp_internal.h"

#include <string.h>

/* Layer l's parameters (weights [units][in], then biases). `off` is the
 * layer's offset in the canonical vector; a fine-tuning net keeps the
 * trainable layers' parameters apart from the frozen ones. */
static const float *layer_params(const tmlp_net_t *net, int train, size_t l, size_t off)
{
    if (train && l >= net->n_frozen) {
        return net->train_params + (off - (net->n_params - net->n_train));
    }
    return net->params + off;
}

/* Runs every layer on x, leaving net->logits and net->output set. A
 * training net reads its own copy of the input and keeps every layer's
 * output; an inference net ping-pongs between two max_units buffers. */
static void run_layers(tmlp_net_t *net, const float *x)
{
    const tmlp_desc_t *d = &net->desc;
    const float *in = x;
    size_t l, acts_at = 0, off = 0, last = (size_t)d->n_layers - 1u;
    float *z = NULL, *out = NULL;
    int train = tmlp_i_trains(net);
    if (TMLP_WITH_INPUT_SCALE && net->x_scaled != NULL) {
        /* In training x_scaled is the input copy: scaling in place is fine
         * when the loop has read the sample straight into it. */
        size_t i;
        for (i = 0; i < d->n_in; i++) {
            net->x_scaled[i] = (x[i] - net->in_offset[i]) * net->in_scale[i];
        }
        in = net->x_scaled;
    } else if (train) {
        if (net->input != x) {
            memcpy(net->input, x, d->n_in * sizeof(float));
        }
        in = net->input;
    }
    for (l = 0; l <= last; l++) {
        const tmlp_layer_desc_t *layer = &d->layer[l];
        size_t n_in = tmlp_i_layer_in(d, l);
        if (train) {
            out = net->acts + acts_at;
            acts_at += layer->units;
            z = l == last ? net->logits : out;
        } else {
            z = net->acts + (l & 1u) * net->max_units;
            out = l == last ? net->acts + ((l + 1u) & 1u) * net->max_units : z;
        }
        const float *w = layer_params(net, train, l, off);
        tmlp_i_dense_forward(w, w + n_in * layer->units, in, z, n_in, layer->units);
        tmlp_i_act_forward(layer->act, tmlp_i_act_param(layer), z, out, layer->units);
        off += TMLP_DENSE_PARAMS(n_in, layer->units);
        in = out;
    }
    net->logits = z;
    net->output = out;
}

static size_t n_out_of(const tmlp_net_t *net)
{
    return net->desc.layer[net->desc.n_layers - 1].units;
}

/* See tinymlp.h. */
tmlp_status_t tmlp_net_forward(tmlp_net_t *net, const float *x, float *y)
{
    tmlp_status_t st = tmlp_i_net_check(net);
    if (st != TMLP_OK) {
        return st;
    }
    if (x == NULL) {
        return TMLP_ERR_ARG;
    }
    if (TMLP_WITH_INPUT_SCALE && net->x_scaled != NULL && !net->scale_given) { /* x_scaled: the net scales */
        return TMLP_ERR_NO_SCALE;
    }
    if (!tmlp_i_all_finite(x, net->desc.n_in)) {
        return TMLP_ERR_NUMERIC;
    }
    run_layers(net, x);
    if (!tmlp_i_all_finite(net->output, n_out_of(net))) {
        net->have_output = 0;
        net->backward_ready = 0;
        return TMLP_ERR_NUMERIC;
    }
    net->have_output = 1;
    net->backward_ready = tmlp_i_trains(net) ? 1u : 0u;
    if (y != NULL) {
        memcpy(y, net->output, n_out_of(net) * sizeof(float));
    }
    return TMLP_OK;
}

/* See tinymlp.h. */
tmlp_status_t tmlp_net_forward_batch(tmlp_net_t *net, const float *X, size_t n, float *Y,
                                     size_t *n_done)
{
    size_t i;
    tmlp_status_t st = tmlp_i_net_check(net);
    if (st != TMLP_OK) {
        return st;
    }
    if (X == NULL || Y == NULL) {
        return TMLP_ERR_ARG;
    }
    for (i = 0; i < n && st == TMLP_OK; i++) {
        st = tmlp_net_forward(net, X + i * net->desc.n_in, Y + i * n_out_of(net));
    }
    if (n_done != NULL) {
        *n_done = st == TMLP_OK ? n : i - 1u;
    }
    return st;
}

/* See tmlp_internal.h. */
tmlp_status_t tmlp_i_sample_loss(const tmlp_net_t *net, tmlp_loss_t loss,
                                 const tmlp_target_t *target, float *value)
{
    tmlp_status_t st;
    if (!net->have_output) {
        return TMLP_ERR_STATE;
    }
    st = tmlp_i_loss_check(&net->desc, loss, target);
    if (st != TMLP_OK) {
        return st;
    }
    *value = tmlp_i_loss_value(&net->desc.layer[net->desc.n_layers - 1], loss, net->logits,
                               net->output, target, n_out_of(net));
    return tmlp_i_isfinite(*value) ? TMLP_OK : TMLP_ERR_NUMERIC;
}

/* See tinymlp.h. */
tmlp_status_t tmlp_net_loss(const tmlp_net_t *net, tmlp_loss_t loss, const tmlp_target_t *target,
                            float *value)
{
    tmlp_status_t st = tmlp_i_net_check(net);
    if (st != TMLP_OK) {
        return st;
    }
    if (target == NULL || value == NULL) {
        return TMLP_ERR_ARG;
    }
    return tmlp_i_sample_loss(net, loss, target, value);
}

/* See tmlp_internal.h. */
void tmlp_i_output_delta(tmlp_net_t *net, tmlp_loss_t loss, const tmlp_target_t *target)
{
    const tmlp_layer_desc_t *out = &net->desc.layer[net->desc.n_layers - 1];
    tmlp_i_loss_delta(out, loss, net->output, target, net->delta, out->units);
}

/* See tmlp_internal.h. */
void tmlp_i_backward_walk(tmlp_net_t *net, tmlp_i_layer_fn layer_fn, void *ctx)
{
    const tmlp_desc_t *d = &net->desc;
    float *delta = net->delta, *delta_in = net->delta + net->max_units, *tmp;
    /* off (in the trainable parameters) and acts_at start past their ends. */
    size_t l, off = (size_t)net->n_train;
    size_t acts_at = (size_t)(net->output - net->acts) + n_out_of(net);
    for (l = d->n_layers; l-- > net->n_frozen;) {
        size_t n_in = tmlp_i_layer_in(d, l), units = d->layer[l].units;
        const float *a_prev = net->input;
        float *back = l > net->n_frozen ? delta_in : NULL; /* none into a frozen layer */
        off -= TMLP_DENSE_PARAMS(n_in, units);
        acts_at -= units;
        if (l > 0) {
            a_prev = net->acts + acts_at - n_in;
        }
        layer_fn(ctx, off, a_prev, delta, back, n_in, units);
        if (back != NULL) {
            const tmlp_layer_desc_t *prev = &d->layer[l - 1u];
            tmlp_i_act_backward(prev->act, tmlp_i_act_param(prev), a_prev, back, n_in);
            tmp = delta;
            delta = delta_in;
            delta_in = tmp;
        }
    }
}

/* The checked path's layer work: the sample's gradient added to the sums. */
static void accumulate_layer(void *ctx, size_t off, const float *a_prev, const float *delta,
                             float *back, size_t n_in, size_t units)
{
    tmlp_net_t *net = (tmlp_net_t *)ctx;
    tmlp_i_dense_backward(net->train_params + off, net->grad + off,
                          net->grad + off + n_in * units, a_prev, delta, back, n_in, units);
}

/* See tinymlp.h. */
tmlp_status_t tmlp_net_backward(tmlp_net_t *net, tmlp_loss_t loss, const tmlp_target_t *target,
                                float *value)
{
    float v;
    tmlp_status_t st = tmlp_i_net_check(net);
    if (st != TMLP_OK) {
        return st;
    }
    if (target == NULL) {
        return TMLP_ERR_ARG;
    }
    st = tmlp_i_grad_check(net);
    if (st != TMLP_OK) {
        return st;
    }
    if (!net->backward_ready) {
        return TMLP_ERR_STATE;
    }
    st = tmlp_i_sample_loss(net, loss, target, &v);
    if (st != TMLP_OK) {
        return st;
    }
    tmlp_i_output_delta(net, loss, target);
    tmlp_i_backward_walk(net, accumulate_layer, net);
    net->batch_count++;
    net->backward_ready = 0;
    if (value != NULL) {
        *value = v;
    }
    return TMLP_OK;
}

/* See tinymlp.h. */
tmlp_status_t tmlp_net_step(tmlp_net_t *net)
{
    tmlp_status_t st = tmlp_i_net_check(net);
    if (st != TMLP_OK) {
        return st;
    }
    return tmlp_i_net_step(net, net->want_norm);
}

/* See tmlp_internal.h. */
tmlp_status_t tmlp_i_net_step(tmlp_net_t *net, int want_norm)
{
    tmlp_status_t st = tmlp_i_net_check(net);
    if (st != TMLP_OK) {
        return st;
    }
    st = tmlp_i_grad_check(net);
    if (st != TMLP_OK) {
        return st;
    }
    if (net->batch_count == 0u) {
        return TMLP_ERR_STATE;
    }
    /* The commit pass also zeroes the gradient sums for the next batch. */
    st = tmlp_i_optim_apply_zero(&net->opt, net->train_params, net->grad,
                                 1.0f / (float)net->batch_count, net->opt_state, (size_t)net->n_train,
                                 net->steps, want_norm ? &net->grad_norm : NULL);
    if (st != TMLP_OK) {
        return st; /* the norm is written only on success */
    }
    if (!want_norm) {
        net->grad_norm = -1.0f; /* unknown: not computed */
    }
    tmlp_i_forget_bounds(net);
    if (net->steps < UINT32_MAX) {
        net->steps++;
    }
    net->batch_count = 0;
    return TMLP_OK;
}

/* See tmlp_internal.h. */
uint32_t tmlp_i_argmax(const float *y, size_t n)
{
    size_t k, best = 0;
    for (k = 1; k < n; k++) {
        if (y[k] > y[best]) {
            best = k;
        }
    }
    return (uint32_t)best;
}

/* See tinymlp.h. */
tmlp_status_t tmlp_argmax(const float *y, size_t n, uint32_t *index)
{
    if (y == NULL || index == NULL || n == 0u) {
        return TMLP_ERR_ARG;
    }
    *index = tmlp_i_argmax(y, n);
    return TMLP_OK;
}
