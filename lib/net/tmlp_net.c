/* SPDX-License-Identifier: MIT */
/* Building a net in its arena, and access to its parameters. */
#include "tmlp_internal.h"

#include <string.h>

/* See tmlp_internal.h. */
tmlp_status_t tmlp_i_net_check(const tmlp_net_t *net)
{
    if (net == NULL) {
        return TMLP_ERR_ARG;
    }
    if (net->magic != TMLP_I_NET_MAGIC || net->desc.n_layers == 0u ||
        net->desc.n_layers > TMLP_MAX_LAYERS) {
        return TMLP_ERR_UNINIT;
    }
    return TMLP_OK;
}

/* See tmlp_internal.h. */
void tmlp_i_reset_training(tmlp_net_t *net)
{
    if (!tmlp_i_trains(net)) {
        return;
    }
    if (tmlp_i_has_grad(net)) {
        memset(net->grad, 0, (size_t)net->n_train * sizeof(float));
    }
    memset(net->opt_state, 0, (size_t)net->n_train * net->slots * sizeof(float));
    net->steps = 0;
    net->batch_count = 0;
    net->backward_ready = 0;
    net->grad_norm = 0.0f;
    tmlp_i_forget_bounds(net);
}

static void assemble_training(tmlp_net_t *net, float *a, const tmlp_i_layout_t *lay)
{
    net->grad = tmlp_i_mode_fused(net->mode) ? NULL : a + lay->grad;
    net->opt_state = a + lay->state;
    net->input = a + lay->input;
    net->logits = a + lay->logits;
    net->target = a + lay->target;
    net->delta = a + lay->delta;
    net->n_train = (uint32_t)lay->n_train;
    net->n_frozen = (uint8_t)lay->n_frozen;
    net->max_units = (uint16_t)lay->max_train;
}

/* Lays the net out from a, the buffers' base (lay->total - TMLP_I_LEAD
 * floats, all zeroed), and fills the handle; `params` are the caller's borrowed ones, or NULL. */
static void assemble(tmlp_net_t *net, const tmlp_desc_t *desc, tmlp_i_mode_t mode,
                     const tmlp_optim_t *opt, uint32_t slots, const float *params, float *a,
                     const tmlp_i_layout_t *lay)
{
    int train = tmlp_i_mode_trains((unsigned)mode);
    int in_place = tmlp_i_mode_finetune((unsigned)mode) || mode == TMLP_I_INFER_BORROWED;
    memset(net, 0, sizeof *net);
    net->desc = *desc;
    net->mode = (uint8_t)mode;
    net->slots = (uint8_t)slots;
    net->n_params = (uint32_t)lay->n_params;
    net->max_units = (uint16_t)lay->max_units;
    net->params_rw = in_place ? NULL : a + lay->params;
    net->params = in_place ? params : net->params_rw;
    net->acts = a + lay->acts;
    if (train && opt != NULL) { /* the build check gives an optimizer exactly to training */
        net->opt = *opt;
        assemble_training(net, a, lay);
        net->train_params = a + lay->params + (tmlp_i_mode_finetune((unsigned)mode)
                                                   ? 0u
                                                   : lay->n_params - lay->n_train);
    }
    /* Everything the arena holds starts at zero: parameters, gradients,
     * state, and the activations (so nothing uninitialised is ever read). */
    memset(a, 0, (lay->total - TMLP_I_LEAD) * sizeof(float));
    if (tmlp_i_desc_scaled(desc)) {
        size_t i;
        net->in_offset = a + lay->scale;
        net->in_scale = net->in_offset + desc->n_in;
        net->x_scaled = train ? net->input : a + lay->x_scaled;
        for (i = 0; i < desc->n_in; i++) {
            net->in_scale[i] = 1.0f;
        }
    }
    /* Borrowed parameters the net trains are copied in: all of them
     * without frozen layers, else the trainable suffix. */
    if (params != NULL && train) {
        memcpy(net->train_params, params + (lay->n_params - lay->n_train),
               lay->n_train * sizeof(float));
    }
    net->magic = TMLP_I_NET_MAGIC;
}

/* The alignment of a float: 4 on 32-bit cores, 1 on the AVR, whose float
 * arrays may start at any address. */
typedef struct {
    char c;
    float f;
} float_align_t;

/* Floats from a float-aligned arena to its first TMLP_CACHE_LINE boundary,
 * where the buffers start: at most TMLP_I_LEAD. */
static size_t line_pad(const void *arena)
{
#if TMLP_CACHE_LINE > 0
    size_t past = (size_t)((uintptr_t)arena % (uintptr_t)TMLP_CACHE_LINE);
    return past == 0u ? 0u : ((size_t)TMLP_CACHE_LINE - past) / sizeof(float);
#else
    (void)arena;
    return 0;
#endif
}

/* See tinymlp.h. */
tmlp_status_t tmlp_net_init(tmlp_net_t *net, const tmlp_desc_t *desc, const tmlp_opts_t *opts,
                            void *arena, size_t arena_bytes, size_t *needed_bytes)
{
    tmlp_i_layout_t lay;
    tmlp_i_mode_t mode = TMLP_I_INFER;
    uint32_t slots = 0;
    const float *params = opts != NULL ? opts->params : NULL;
    tmlp_status_t st;
    if (net == NULL) {
        return TMLP_ERR_ARG;
    }
    net->magic = 0; /* refused until this init succeeds */
    if (arena == NULL || ((uintptr_t)arena % offsetof(float_align_t, f)) != 0u) {
        return TMLP_ERR_ARG;
    }
    st = tmlp_i_build_check(desc, opts, &mode, &slots);
    if (st != TMLP_OK) {
        return st;
    }
    tmlp_i_layout(desc, mode, slots, &lay);
    if (needed_bytes != NULL) {
        *needed_bytes = lay.total * sizeof(float);
    }
    if (arena_bytes / sizeof(float) < lay.total) {
        return TMLP_ERR_NOMEM;
    }
    if (params != NULL && opts->n_params != lay.n_params) {
        return TMLP_ERR_SHAPE;
    }
    if (params != NULL && !tmlp_i_all_finite(params, lay.n_params)) {
        return TMLP_ERR_NUMERIC;
    }
    if (opts != NULL && (opts->in_offset != NULL || opts->in_scale != NULL)) {
        if (opts->in_offset == NULL || opts->in_scale == NULL ||
            !(desc->flags & TMLP_DESC_INPUT_SCALE)) {
            return TMLP_ERR_ARG;
        }
        if (!tmlp_i_all_finite(opts->in_offset, desc->n_in) ||
            !tmlp_i_all_finite(opts->in_scale, desc->n_in)) {
            return TMLP_ERR_NUMERIC;
        }
    }
    assemble(net, desc, mode, opts != NULL ? opts->optim : NULL, slots, params,
             (float *)arena + line_pad(arena), &lay);
    if (opts != NULL) {
        net->want_norm = opts->grad_norm;
    }
    if (tmlp_i_desc_scaled(desc) && opts != NULL && opts->in_offset != NULL) {
        memcpy(net->in_offset, opts->in_offset, desc->n_in * sizeof(float));
        memcpy(net->in_scale, opts->in_scale, desc->n_in * sizeof(float));
        net->scale_given = 1;
    }
    return TMLP_OK;
}

/* See tinymlp.h. */
tmlp_status_t tmlp_net_set_optim(tmlp_net_t *net, const tmlp_optim_t *opt)
{
    uint32_t slots = 0, have = 0, used = 0;
    tmlp_status_t st = tmlp_i_net_check(net);
    if (st != TMLP_OK) {
        return st;
    }
    if (opt == NULL) {
        return TMLP_ERR_ARG;
    }
    st = tmlp_i_optim_check(opt, &slots);
    if (st != TMLP_OK) {
        return st;
    }
    st = tmlp_i_train_check(net);
    if (st != TMLP_OK) {
        return st;
    }
    have = net->slots;
    if (opt->kind != net->opt.kind || slots > have ||
        (tmlp_i_mode_fused(net->mode) && !tmlp_i_optim_fusable(opt))) {
        return TMLP_ERR_OPTIM_MISMATCH;
    }
    (void)tmlp_i_optim_check(&net->opt, &used);
    if (slots != used) {
        /* A buffer that was not kept up to date (momentum switched off and
         * on again) would come back stale: start the state afresh. */
        memset(net->opt_state, 0, (size_t)have * (size_t)net->n_train * sizeof(float));
        net->steps = 0;
    }
    net->opt = *opt;
    tmlp_i_forget_bounds(net);
    return TMLP_OK;
}

/* See tinymlp.h. */
tmlp_status_t tmlp_net_params(const tmlp_net_t *net, const float **params, size_t *n_params)
{
    tmlp_status_t st = tmlp_i_net_check(net);
    if (st != TMLP_OK) {
        return st;
    }
    if (params == NULL || n_params == NULL) {
        return TMLP_ERR_ARG;
    }
    if (tmlp_i_mode_finetune(net->mode)) {
        return TMLP_ERR_FROZEN;
    }
    *params = net->params;
    *n_params = (size_t)net->n_params;
    return TMLP_OK;
}

/* See tinymlp.h. */
tmlp_status_t tmlp_net_train_params(const tmlp_net_t *net, const float **params, size_t *n_train)
{
    tmlp_status_t st = tmlp_i_net_check(net);
    if (st != TMLP_OK) {
        return st;
    }
    if (params == NULL || n_train == NULL) {
        return TMLP_ERR_ARG;
    }
    *params = net->train_params;
    *n_train = (size_t)net->n_train;
    return TMLP_OK;
}

/* See tinymlp.h. */
tmlp_status_t tmlp_net_set_params(tmlp_net_t *net, const float *params, size_t n_params)
{
    tmlp_status_t st = tmlp_i_net_check(net);
    if (st != TMLP_OK) {
        return st;
    }
    if (params == NULL) {
        return TMLP_ERR_ARG;
    }
    if (net->params_rw == NULL) {
        return TMLP_ERR_READ_ONLY;
    }
    if (n_params != net->n_params) {
        return TMLP_ERR_SHAPE;
    }
    if (!tmlp_i_all_finite(params, n_params)) {
        return TMLP_ERR_NUMERIC;
    }
    memmove(net->params_rw, params, n_params * sizeof(float));
    tmlp_i_forget_bounds(net);
    return TMLP_OK;
}

/* See tinymlp.h. */
tmlp_status_t tmlp_net_set_input_scale(tmlp_net_t *net, const float *offset, const float *scale)
{
    tmlp_status_t st = tmlp_i_net_check(net);
    if (st != TMLP_OK) {
        return st;
    }
    if (offset == NULL || scale == NULL) {
        return TMLP_ERR_ARG;
    }
    if (!TMLP_WITH_INPUT_SCALE) {
        return TMLP_ERR_UNSUPPORTED;
    }
    if (net->in_offset == NULL) {
        return TMLP_ERR_SHAPE;
    }
    if (!tmlp_i_all_finite(offset, net->desc.n_in) || !tmlp_i_all_finite(scale, net->desc.n_in)) {
        return TMLP_ERR_NUMERIC;
    }
    memmove(net->in_offset, offset, net->desc.n_in * sizeof(float));
    memmove(net->in_scale, scale, net->desc.n_in * sizeof(float));
    net->scale_given = 1;
    return TMLP_OK;
}

/* See tinymlp.h. */
tmlp_status_t tmlp_net_input_scale(const tmlp_net_t *net, const float **offset,
                                   const float **scale)
{
    tmlp_status_t st = tmlp_i_net_check(net);
    if (st != TMLP_OK) {
        return st;
    }
    if (offset == NULL || scale == NULL) {
        return TMLP_ERR_ARG;
    }
    if (net->in_offset == NULL) {
        return TMLP_ERR_SHAPE;
    }
    if (!net->scale_given) {
        return TMLP_ERR_NO_SCALE;
    }
    *offset = net->in_offset;
    *scale = net->in_scale;
    return TMLP_OK;
}

/* See tinymlp.h. */
tmlp_status_t tmlp_net_shape(const tmlp_net_t *net, size_t *n_in, size_t *n_out, size_t *n_params)
{
    tmlp_status_t st = tmlp_i_net_check(net);
    if (st != TMLP_OK) {
        return st;
    }
    if (n_in == NULL || n_out == NULL || n_params == NULL) {
        return TMLP_ERR_ARG;
    }
    *n_in = net->desc.n_in;
    *n_out = net->desc.layer[net->desc.n_layers - 1].units;
    *n_params = (size_t)net->n_params;
    return TMLP_OK;
}

/* See tinymlp.h. */
tmlp_status_t tmlp_net_zero_grad(tmlp_net_t *net)
{
    tmlp_status_t st = tmlp_i_net_check(net);
    if (st != TMLP_OK) {
        return st;
    }
    st = tmlp_i_grad_check(net);
    if (st != TMLP_OK) {
        return st;
    }
    tmlp_i_zero_grad(net);
    return TMLP_OK;
}

/* See tmlp_internal.h. */
void tmlp_i_zero_grad(tmlp_net_t *net)
{
    if (tmlp_i_has_grad(net)) {
        memset(net->grad, 0, (size_t)net->n_train * sizeof(float));
        net->batch_count = 0;
    }
}

/* See tinymlp.h. */
tmlp_status_t tmlp_net_grad_norm(const tmlp_net_t *net, float *norm)
{
    tmlp_status_t st = tmlp_i_net_check(net);
    if (st != TMLP_OK) {
        return st;
    }
    if (norm == NULL) {
        return TMLP_ERR_ARG;
    }
    if (net->grad_norm < 0.0f) {
        return TMLP_ERR_STATE;
    }
    *norm = net->grad_norm;
    return TMLP_OK;
}
