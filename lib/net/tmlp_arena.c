/* SPDX-License-Identifier: MIT */
/* The model description's rules and the arena layout: the only code that
 * knows where each buffer lives. */
#include "tmlp_internal.h"

#include <float.h>

size_t tmlp_i_layer_in(const tmlp_desc_t *desc, size_t l)
{
    return l == 0 ? (size_t)desc->n_in : (size_t)desc->layer[l - 1].units;
}

size_t tmlp_i_layer_offset(const tmlp_desc_t *desc, size_t l)
{
    size_t off = 0;
    size_t k;
    for (k = 0; k < l; k++) {
        off += TMLP_DENSE_PARAMS(tmlp_i_layer_in(desc, k), desc->layer[k].units);
    }
    return off;
}

float tmlp_i_act_param(const tmlp_layer_desc_t *layer)
{
    if (layer->act_param != 0.0f) {
        return layer->act_param;
    }
    return layer->act == TMLP_ACT_LEAKY_RELU ? 0.01f : 1.0f;
}

/* 1 if this build has activation act (tmlp_config.h); values beyond the
 * enum are another rule's business. */
static int act_built(unsigned act)
{
    switch (act) {
    case TMLP_ACT_SIGMOID:
        return TMLP_WITH_SIGMOID;
    case TMLP_ACT_TANH:
        return TMLP_WITH_TANH;
    case TMLP_ACT_LEAKY_RELU:
        return TMLP_WITH_LEAKY_RELU;
    case TMLP_ACT_SOFTMAX:
        return TMLP_WITH_SOFTMAX;
    default:
        return 1;
    }
}

/* The rule layer l of desc breaks, or TMLP_DESC_OK. */
static tmlp_desc_rule_t layer_rule(const tmlp_desc_t *desc, size_t l)
{
    const tmlp_layer_desc_t *layer = &desc->layer[l];
    float p = tmlp_i_act_param(layer);
    if (layer->units == 0 || layer->units > TMLP_MAX_WIDTH) {
        return TMLP_DESC_UNITS;
    }
    if (layer->act > TMLP_ACT_SOFTMAX || (layer->flags & ~TMLP_LAYER_FROZEN) != 0u ||
        !act_built(layer->act)) {
        return TMLP_DESC_ACT;
    }
    if (layer->act == TMLP_ACT_SOFTMAX && l + 1u != desc->n_layers) {
        return TMLP_DESC_SOFTMAX;
    }
    /* A parameter on an activation that has none would be kept in files
     * and make equal models compare unequal. */
    if (layer->act_param != 0.0f && layer->act != TMLP_ACT_SIGMOID &&
        layer->act != TMLP_ACT_LEAKY_RELU) {
        return TMLP_DESC_PARAM_UNUSED;
    }
    /* The derivative is computed from the output, which needs the slope
     * positive (so the output's sign tells the input's) and a finite
     * lambda > 0 (NaN fails every comparison). */
    if ((layer->act == TMLP_ACT_LEAKY_RELU && !(p > 0.0f && p < 1.0f)) ||
        (layer->act == TMLP_ACT_SIGMOID && !(p > 0.0f && p <= FLT_MAX))) {
        return TMLP_DESC_PARAM_RANGE;
    }
    /* Frozen layers form a prefix: a trainable layer is never followed by
     * a frozen one. */
    if (l > 0 && (layer->flags & TMLP_LAYER_FROZEN) &&
        !(desc->layer[l - 1].flags & TMLP_LAYER_FROZEN)) {
        return TMLP_DESC_FROZEN_ORDER;
    }
    return TMLP_DESC_OK;
}

/* See tinymlp.h: the one owner of the description's rules (the library's
 * checks and the tool's JSON reader both ask it). */
tmlp_status_t tmlp_desc_check(const tmlp_desc_t *desc, tmlp_desc_fault_t *fault)
{
    tmlp_desc_rule_t rule = TMLP_DESC_OK;
    size_t l = TMLP_MAX_LAYERS;
    int left_out = 0; /* the rule is broken only because a feature is left out */
    if (desc == NULL) {
        return TMLP_ERR_ARG;
    }
    if (desc->n_in == 0 || desc->n_in > TMLP_MAX_WIDTH) {
        rule = TMLP_DESC_N_IN;
    } else if (desc->n_layers == 0 || desc->n_layers > TMLP_MAX_LAYERS) {
        rule = TMLP_DESC_N_LAYERS;
    } else if ((desc->flags & ~TMLP_DESC_INPUT_SCALE) != 0u) {
        rule = TMLP_DESC_FLAGS;
    } else if (!TMLP_WITH_INPUT_SCALE && desc->flags != 0u) {
        rule = TMLP_DESC_FLAGS;
        left_out = 1;
    } else {
        for (l = 0; l < desc->n_layers && rule == TMLP_DESC_OK; l++) {
            rule = layer_rule(desc, l);
        }
        l--; /* the layer at fault */
        left_out = rule == TMLP_DESC_ACT && !act_built(desc->layer[l].act);
    }
    if (rule == TMLP_DESC_OK) {
        return TMLP_OK;
    }
    if (fault != NULL) {
        fault->rule = (uint8_t)rule;
        fault->layer = (uint8_t)l;
    }
    if (left_out) {
        return TMLP_ERR_UNSUPPORTED;
    }
    return rule <= TMLP_DESC_UNITS ? TMLP_ERR_SHAPE : TMLP_ERR_ARG;
}

/* See tmlp_internal.h. */
size_t tmlp_i_n_frozen(const tmlp_desc_t *desc)
{
    size_t n = 0;
    while (n < desc->n_layers && (desc->layer[n].flags & TMLP_LAYER_FROZEN)) {
        n++;
    }
    return n;
}

/* Counts the widths the layout needs (see the macros in tinymlp.h). */
static void count_units(const tmlp_desc_t *desc, tmlp_i_layout_t *layout, size_t *n_units)
{
    size_t l;
    *n_units = 0;
    layout->max_units = 0;
    layout->max_train = 0;
    layout->n_frozen = tmlp_i_n_frozen(desc);
    for (l = 0; l < desc->n_layers; l++) {
        size_t u = desc->layer[l].units;
        *n_units += u;
        layout->max_units = TMLP_MAX2(layout->max_units, u);
        if (l >= layout->n_frozen) {
            layout->max_train = TMLP_MAX2(layout->max_train, u);
        }
    }
    layout->n_params = tmlp_i_layer_offset(desc, desc->n_layers);
    layout->n_train = layout->n_params - tmlp_i_layer_offset(desc, layout->n_frozen);
}

/* n floats rounded up to whole cache lines (TMLP_CACHE_LINE; none: n). */
static size_t line_round(size_t n)
{
    return TMLP_LINE_ROUND(n, TMLP_CACHE_LINE);
}

/* See tmlp_internal.h. */
void tmlp_i_layout(const tmlp_desc_t *desc, tmlp_i_mode_t mode, uint32_t slots,
                   tmlp_i_layout_t *layout)
{
    size_t n_units, at = 0, n_in = desc->n_in;
    size_t n_out = desc->layer[desc->n_layers - 1].units;
    int train = tmlp_i_mode_trains((unsigned)mode);
    count_units(desc, layout, &n_units);
    /* The buffers of TMLP_ARENA_BYTES_LINE (tinymlp.h), in its order and
     * sizes, each rounded up to whole lines; the offsets count from the
     * first line boundary in the arena, at most TMLP_I_LEAD floats in. */
    layout->params = at;
    at += line_round(mode == TMLP_I_INFER_BORROWED               ? 0u
                     : tmlp_i_mode_finetune((unsigned)mode) ? layout->n_train
                                                              : layout->n_params);
    layout->grad = at;
    at += line_round(train && !tmlp_i_mode_fused((unsigned)mode) ? layout->n_train : 0u);
    layout->state = at;
    at += line_round(train ? (size_t)slots * layout->n_train : 0u);
    layout->input = at;
    at += line_round(train ? n_in : 0u);
    layout->acts = at;
    at += line_round(train ? n_units : 2u * layout->max_units);
    layout->logits = at;
    at += line_round(train ? n_out : 0u);
    layout->target = at;
    at += line_round(train ? n_out : 0u);
    layout->delta = at;
    at += line_round(train ? 2u * layout->max_train : 0u);
    layout->scale = at;
    at += line_round(tmlp_i_desc_scaled(desc) ? 2u * n_in : 0u);
    layout->x_scaled = at;
    at += line_round((tmlp_i_desc_scaled(desc) && !train) ? n_in : 0u);
    layout->total = TMLP_I_LEAD + at;
}

/* The largest layout the limits allow, in bytes (parameters with the most
 * optimizer state, plus every other buffer, bounded generously). With the
 * default limits it is about 2^31 and fits a 32-bit size_t, so the check
 * below compiles to nothing; a configuration with wider layers or more of
 * them, or a 16-bit size_t (AVR), gets the check, so the arena can never be
 * under-sized by a wrap. The check bounds this net's own layout (every
 * buffer but the parameters and their state is at most 8 floats per input
 * and unit, plus 16 cache lines of padding), not the limits', which alone
 * pass 64 KB. */
#if (TMLP_MAX_WIDTH) * ((TMLP_MAX_WIDTH) + 1) * (TMLP_MAX_LAYERS) * 16 + \
        (TMLP_MAX_WIDTH) * (TMLP_MAX_LAYERS) * 64 + (TMLP_CACHE_LINE) * 16 > SIZE_MAX
#define TMLP_I_CHECK_SIZES 1
#endif

/* See tmlp_internal.h. */
tmlp_status_t tmlp_i_size_check(const tmlp_desc_t *desc, uint32_t slots)
{
#ifdef TMLP_I_CHECK_SIZES
    uint64_t n_params = 0, n_units = desc->n_in, bound;
    size_t l;
    for (l = 0; l < desc->n_layers; l++) {
        n_params += (uint64_t)desc->layer[l].units * ((uint64_t)tmlp_i_layer_in(desc, l) + 1u);
        n_units += desc->layer[l].units;
    }
    /* + 16 lines: every buffer's rounding and the lead */
    bound = n_params * (2u + (uint64_t)slots) + 8u * n_units +
            16u * (uint64_t)(TMLP_CACHE_LINE / sizeof(float));
    if (n_params > UINT32_MAX || bound > (uint64_t)(SIZE_MAX / sizeof(float))) {
        return TMLP_ERR_SHAPE;
    }
#else
    (void)desc;
    (void)slots;
#endif
    return TMLP_OK;
}

/* See tmlp_internal.h. */
tmlp_status_t tmlp_i_build_check(const tmlp_desc_t *desc, const tmlp_opts_t *opts,
                                 tmlp_i_mode_t *mode, uint32_t *slots)
{
    static const tmlp_opts_t none = {NULL, NULL, 0, 0, NULL, NULL, 0};
    size_t n_frozen;
    tmlp_status_t st;
    const tmlp_opts_t *o = opts != NULL ? opts : &none;
    *slots = 0;
    if (desc == NULL || o->no_grad_buffer > 1u || (o->no_grad_buffer && o->optim == NULL) ||
        o->grad_norm > 1u || (o->grad_norm && (o->optim == NULL || o->no_grad_buffer))) {
        return TMLP_ERR_ARG;
    }
    st = tmlp_desc_check(desc, NULL);
    if (st != TMLP_OK) {
        return st;
    }
    n_frozen = tmlp_i_n_frozen(desc);
#if !TMLP_WITH_TRAINING
    if (o->optim != NULL) {
        return TMLP_ERR_UNSUPPORTED;
    }
#elif !TMLP_WITH_CHECKED_STEP
    if (o->optim != NULL && !o->no_grad_buffer) {
        return TMLP_ERR_UNSUPPORTED; /* only the fused step: no gradient buffer */
    }
#endif
    if (o->optim == NULL) {
        *mode = o->params != NULL ? TMLP_I_INFER_BORROWED : TMLP_I_INFER;
    } else {
        /* Borrowed parameters stay in place only for frozen layers; without
         * any, the net is an ordinary training net started from them. */
        int borrow = o->params != NULL && n_frozen > 0u;
        *mode = borrow ? (o->no_grad_buffer ? TMLP_I_FINETUNE_NO_GRAD : TMLP_I_FINETUNE)
                       : (o->no_grad_buffer ? TMLP_I_TRAIN_NO_GRAD : TMLP_I_TRAIN);
        if (n_frozen == desc->n_layers) {
            return TMLP_ERR_FROZEN; /* training needs a layer to train */
        }
        st = tmlp_i_mode_optim_check((unsigned)*mode, o->optim, slots);
        if (st != TMLP_OK) {
            return st;
        }
    }
    return tmlp_i_size_check(desc, *slots);
}

/* See tinymlp.h. */
tmlp_status_t tmlp_arena_size(const tmlp_desc_t *desc, const tmlp_opts_t *opts, size_t *n_bytes)
{
    tmlp_i_layout_t layout;
    tmlp_i_mode_t mode = TMLP_I_INFER;
    uint32_t slots = 0;
    tmlp_status_t st;
    if (n_bytes == NULL) {
        return TMLP_ERR_ARG;
    }
    st = tmlp_i_build_check(desc, opts, &mode, &slots);
    if (st != TMLP_OK) {
        return st;
    }
    tmlp_i_layout(desc, mode, slots, &layout);
    *n_bytes = layout.total * sizeof(float);
    return TMLP_OK;
}
