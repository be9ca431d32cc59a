/* SPDX-License-Identifier: MIT */
/* Building a net in its arena, and access to its parameters. */
#include "tmlp_internal.h"

#include <string.h>

/* See tmlp_internal.h. */
void tmlp_i_reset_training(tmlp_net_t *net)
{
    if (!tmlp_i_trains(net)) {
        return;
    }
    if (net->grad != NULL) {
        memset(net->grad, 0, (size_t)net->n_train * sizeof(float));
    }
    memset(net->opt_state, 0, (size_t)net->n_train * net->slots * sizeof(float));
    net->steps = 0;
    net->batch_count = 0;
    net->backward_ready = 0;
    net->grad_norm = 0.0f;
    tmlp_i_forget_bounds(net);
}

/* Optimizer state vectors a training mode needs (0 for inference). */
static tmlp_status_t slots_of(tmlp_mode_t mode, const tmlp_optim_t *opt, uint32_t *slots)
{
    *slots = 0;
    if (!tmlp_i_mode_trains((unsigned)mode)) {
        return TMLP_OK;
    }
    return tmlp_i_mode_optim_check((unsigned)mode, opt, slots);
}

/* Checks everything the init functions share, and computes the layout. */
static tmlp_status_t prepare(const tmlp_desc_t *desc, tmlp_mode_t mode, uint32_t slots,
                             const void *arena, size_t arena_bytes, size_t *needed_bytes,
                             tmlp_i_layout_t *layout)
{
    tmlp_status_t st;
    if (desc == NULL || arena == NULL || ((uintptr_t)arena % sizeof(float)) != 0u) {
        return TMLP_ERR_ARG;
    }
    st = tmlp_i_desc_check(desc);
    if (st == TMLP_OK) {
        st = tmlp_i_mode_check(desc, mode);
    }
    if (st == TMLP_OK) {
        st = tmlp_i_size_check(desc, slots);
    }
    if (st != TMLP_OK) {
        return st;
    }
    tmlp_i_layout(desc, mode, slots, layout);
    if (needed_bytes != NULL) {
        *needed_bytes = layout->total * sizeof(float);
    }
    return arena_bytes / sizeof(float) < layout->total ? TMLP_ERR_NOMEM : TMLP_OK;
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

static void assemble(tmlp_net_t *net, const tmlp_desc_t *desc, tmlp_mode_t mode,
                     const tmlp_optim_t *opt, uint32_t slots, float *a,
                     const tmlp_i_layout_t *lay)
{
    int train = tmlp_i_mode_trains((unsigned)mode);
    memset(net, 0, sizeof *net);
    net->desc = *desc;
    net->mode = (uint8_t)mode;
    net->slots = (uint8_t)slots;
    net->n_params = (uint32_t)lay->n_params;
    net->max_units = (uint16_t)lay->max_units;
    net->params_rw = (tmlp_i_mode_finetune((unsigned)mode) || mode == TMLP_MODE_INFER_CONST)
                         ? NULL
                         : a + lay->params;
    net->params = net->params_rw;
    net->acts = a + lay->acts;
    if (train) {
        net->opt = *opt;
        assemble_training(net, a, lay);
        net->train_params = a + lay->params + (tmlp_i_mode_finetune((unsigned)mode)
                                                   ? 0u
                                                   : lay->n_params - lay->n_train);
    }
    /* Everything the arena holds starts at zero: parameters, gradients,
     * state, and the activations (so nothing uninitialised is ever read). */
    memset(a, 0, lay->total * sizeof(float));
    if (desc->flags & TMLP_DESC_INPUT_SCALE) {
        size_t i;
        net->in_offset = a + lay->scale;
        net->in_scale = net->in_offset + desc->n_in;
        net->x_scaled = train ? net->input : a + lay->x_scaled;
        for (i = 0; i < desc->n_in; i++) {
            net->in_scale[i] = 1.0f;
        }
    }
    net->magic = TMLP_I_NET_MAGIC;
}

/* See tinymlp.h. */
tmlp_status_t tmlp_net_init(tmlp_net_t *net, const tmlp_desc_t *desc, tmlp_mode_t mode,
                            const tmlp_optim_t *opt, void *arena, size_t arena_bytes,
                            size_t *needed_bytes)
{
    tmlp_i_layout_t lay;
    uint32_t slots = 0;
    tmlp_status_t st;
    if (net == NULL) {
        return TMLP_ERR_ARG;
    }
    net->magic = 0; /* refused until this init succeeds */
    if (mode != TMLP_MODE_INFER && mode != TMLP_MODE_TRAIN && mode != TMLP_MODE_TRAIN_FUSED) {
        return TMLP_ERR_ARG;
    }
    st = slots_of(mode, opt, &slots);
    if (st == TMLP_OK) {
        st = prepare(desc, mode, slots, arena, arena_bytes, needed_bytes, &lay);
    }
    if (st != TMLP_OK) {
        return st;
    }
    assemble(net, desc, mode, opt, slots, (float *)arena, &lay);
    return TMLP_OK;
}

/* See tinymlp.h. */
tmlp_status_t tmlp_net_init_const(tmlp_net_t *net, const tmlp_desc_t *desc, const float *params,
                                  size_t n_params, void *arena, size_t arena_bytes,
                                  size_t *needed_bytes)
{
    tmlp_i_layout_t lay;
    tmlp_status_t st;
    if (net == NULL) {
        return TMLP_ERR_ARG;
    }
    net->magic = 0; /* refused until this init succeeds */
    if (params == NULL) {
        return TMLP_ERR_ARG;
    }
    st = prepare(desc, TMLP_MODE_INFER_CONST, 0, arena, arena_bytes, needed_bytes, &lay);
    if (st != TMLP_OK) {
        return st;
    }
    if (n_params != lay.n_params) {
        return TMLP_ERR_SHAPE;
    }
    if (!tmlp_i_all_finite(params, n_params)) {
        return TMLP_ERR_NUMERIC;
    }
    assemble(net, desc, TMLP_MODE_INFER_CONST, NULL, 0, (float *)arena, &lay);
    net->params = params;
    return TMLP_OK;
}

/* tmlp_net_init_finetune and _fused: mode is one of the fine-tuning modes. */
static tmlp_status_t init_finetune(tmlp_net_t *net, const tmlp_desc_t *desc, tmlp_mode_t mode,
                                   const tmlp_optim_t *opt, const float *base_params,
                                   size_t n_params, void *arena, size_t arena_bytes,
                                   size_t *needed_bytes)
{
    tmlp_i_layout_t lay;
    uint32_t slots = 0;
    tmlp_status_t st;
    if (net == NULL) {
        return TMLP_ERR_ARG;
    }
    net->magic = 0; /* refused until this init succeeds */
    if (base_params == NULL) {
        return TMLP_ERR_ARG;
    }
    st = slots_of(mode, opt, &slots);
    if (st == TMLP_OK) {
        st = prepare(desc, mode, slots, arena, arena_bytes, needed_bytes, &lay);
    }
    if (st != TMLP_OK) {
        return st;
    }
    if (n_params != lay.n_params) {
        return TMLP_ERR_SHAPE;
    }
    if (!tmlp_i_all_finite(base_params, n_params)) {
        return TMLP_ERR_NUMERIC;
    }
    assemble(net, desc, mode, opt, slots, (float *)arena, &lay);
    net->params = base_params;
    memcpy(net->train_params, base_params + (lay.n_params - lay.n_train),
           lay.n_train * sizeof(float));
    return TMLP_OK;
}

/* See tinymlp.h. */
tmlp_status_t tmlp_net_init_finetune(tmlp_net_t *net, const tmlp_desc_t *desc,
                                     const tmlp_optim_t *opt, const float *base_params,
                                     size_t n_params, void *arena, size_t arena_bytes,
                                     size_t *needed_bytes)
{
    return init_finetune(net, desc, TMLP_MODE_FINETUNE, opt, base_params, n_params, arena,
                         arena_bytes, needed_bytes);
}

/* See tinymlp.h. */
tmlp_status_t tmlp_net_init_finetune_fused(tmlp_net_t *net, const tmlp_desc_t *desc,
                                           const tmlp_optim_t *opt, const float *base_params,
                                           size_t n_params, void *arena, size_t arena_bytes,
                                           size_t *needed_bytes)
{
    return init_finetune(net, desc, TMLP_MODE_FINETUNE_FUSED, opt, base_params, n_params, arena,
                         arena_bytes, needed_bytes);
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
    if (!tmlp_i_trains(net) || (tmlp_i_mode_fused(net->mode) && !tmlp_i_optim_fusable(opt))) {
        return TMLP_ERR_STATE;
    }
    have = net->slots;
    if (opt->kind != net->opt.kind || slots > have) {
        return TMLP_ERR_STATE;
    }
    (void)tmlp_i_optim_check(&net->opt, &used);
    if (slots != used) {
        /* A buffer that was not kept up to date (momentum switched off and
         * on again) would come back stale: start the state afresh. */
        memset(net->opt_state, 0, (size_t)have * net->n_train * sizeof(float));
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
        return TMLP_ERR_STATE;
    }
    *params = net->params;
    *n_params = net->n_params;
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
    *n_train = net->n_train;
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
        return TMLP_ERR_STATE;
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
    if (net->in_offset == NULL) {
        return TMLP_ERR_STATE;
    }
    if (!tmlp_i_all_finite(offset, net->desc.n_in) || !tmlp_i_all_finite(scale, net->desc.n_in)) {
        return TMLP_ERR_NUMERIC;
    }
    memmove(net->in_offset, offset, net->desc.n_in * sizeof(float));
    memmove(net->in_scale, scale, net->desc.n_in * sizeof(float));
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
        return TMLP_ERR_STATE;
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
    *n_params = net->n_params;
    return TMLP_OK;
}

/* See tinymlp.h. */
tmlp_status_t tmlp_net_zero_grad(tmlp_net_t *net)
{
    tmlp_status_t st = tmlp_i_net_check(net);
    if (st != TMLP_OK) {
        return st;
    }
    if (net->grad == NULL) { /* inference or fused mode */
        return TMLP_ERR_STATE;
    }
    memset(net->grad, 0, net->n_train * sizeof(float));
    net->batch_count = 0;
    return TMLP_OK;
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
