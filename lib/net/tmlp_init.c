/* SPDX-License-Identifier: MIT */
/* Parameter initialisers. Random draws are consumed in canonical order (per
 * layer: the weights row by row, then the biases if they are drawn), so a
 * seed gives the same model on every target. */
#include "tmlp_internal.h"

/* A distribution: uniform in [lo, hi) or normal(mean = lo, std = hi). */
typedef struct {
    int normal;
    float lo, hi;
} dist_t;

static uint8_t resolve_kind(const tmlp_init_t *init, const tmlp_layer_desc_t *layer)
{
    if (init->kind != TMLP_INIT_AUTO) {
        return init->kind;
    }
    return (layer->act == TMLP_ACT_RELU || layer->act == TMLP_ACT_LEAKY_RELU)
               ? (uint8_t)TMLP_INIT_HE_UNIFORM
               : (uint8_t)TMLP_INIT_XAVIER_UNIFORM;
}

static dist_t layer_dist(const tmlp_init_t *init, uint8_t kind, float fan_in, float fan_out)
{
    dist_t d = {0, 0.0f, 0.0f};
    float gain = init->a != 0.0f ? init->a : 1.0f;
    float s = 0.0f;
    switch (kind) {
    case TMLP_INIT_CONST:
        d.lo = init->a;
        d.hi = init->a;
        return d;
    case TMLP_INIT_UNIFORM:
        d.lo = init->a;
        d.hi = init->b;
        return d;
    case TMLP_INIT_NORMAL:
        d.normal = 1;
        d.lo = init->a;
        d.hi = init->b;
        return d;
    case TMLP_INIT_FANIN_UNIFORM:
        s = 1.0f / tmlp_i_sqrtf(fan_in);
        break;
    case TMLP_INIT_XAVIER_UNIFORM:
        s = gain * tmlp_i_sqrtf(6.0f / (fan_in + fan_out));
        break;
    case TMLP_INIT_XAVIER_NORMAL:
        d.normal = 1;
        d.hi = gain * tmlp_i_sqrtf(2.0f / (fan_in + fan_out));
        return d;
    case TMLP_INIT_HE_UNIFORM:
        s = gain * tmlp_i_sqrtf(6.0f / fan_in);
        break;
    case TMLP_INIT_HE_NORMAL:
        d.normal = 1;
        d.hi = gain * tmlp_i_sqrtf(2.0f / fan_in);
        return d;
    default: /* zeros */
        return d;
    }
    d.lo = -s;
    d.hi = s;
    return d;
}

static float draw(const dist_t *d, tmlp_rng_t *rng)
{
    float u;
    if (d->normal) {
        u = tmlp_i_rng_normal(rng);
        return d->lo + d->hi * u;
    }
    if (d->lo == d->hi) {
        return d->lo; /* constants and zeros consume no random numbers */
    }
    u = tmlp_i_rng_uniform(rng);
    return d->lo + (d->hi - d->lo) * u;
}

static tmlp_status_t init_check(const tmlp_init_t *init)
{
    const float f[] = {init->a, init->b};
    if (init->kind > TMLP_INIT_HE_NORMAL || init->init_bias > 1u || !tmlp_i_all_finite(f, 2)) {
        return TMLP_ERR_ARG;
    }
    if ((init->kind == TMLP_INIT_UNIFORM && !(init->a <= init->b)) ||
        (init->kind == TMLP_INIT_NORMAL && !(init->b >= 0.0f)) ||
        (init->kind >= TMLP_INIT_FANIN_UNIFORM && !(init->a >= 0.0f))) {
        return TMLP_ERR_ARG;
    }
    return TMLP_OK;
}

/* Every value a layer's distribution can give must be finite (huge bounds
 * or gains overflow): checked for every layer before anything is written.
 * A normal draw is within 9 standard deviations (the polar method on 24-bit
 * uniforms gives |z| < 8.2). */
static tmlp_status_t dists_finite(const tmlp_net_t *net, const tmlp_init_t *init)
{
    size_t l;
    for (l = 0; l < net->desc.n_layers; l++) {
        const tmlp_layer_desc_t *layer = &net->desc.layer[l];
        size_t n_in = tmlp_i_layer_in(&net->desc, l);
        dist_t d = layer_dist(init, resolve_kind(init, layer), (float)n_in, (float)layer->units);
        float spread = d.normal ? 9.0f * (d.hi < 0.0f ? -d.hi : d.hi) : d.hi - d.lo;
        const float f[] = {d.lo, d.hi, spread, d.lo + spread, d.lo - spread};
        if (!tmlp_i_all_finite(f, 5)) {
            return TMLP_ERR_ARG;
        }
    }
    return TMLP_OK;
}

/* See tinymlp.h. */
tmlp_status_t tmlp_net_init_weights(tmlp_net_t *net, const tmlp_init_t *init, tmlp_rng_t *rng)
{
    size_t l, k;
    float *p;
    tmlp_status_t st = tmlp_i_net_check(net);
    if (st != TMLP_OK) {
        return st;
    }
    if (init == NULL || rng == NULL) {
        return TMLP_ERR_ARG;
    }
    st = init_check(init);
    if (st != TMLP_OK) {
        return st;
    }
    if (net->params_rw == NULL) {
        return TMLP_ERR_READ_ONLY;
    }
    st = dists_finite(net, init);
    if (st != TMLP_OK) {
        return st;
    }
    p = net->params_rw;
    for (l = 0; l < net->desc.n_layers; l++) {
        const tmlp_layer_desc_t *layer = &net->desc.layer[l];
        size_t n_in = tmlp_i_layer_in(&net->desc, l);
        size_t n_w = n_in * layer->units;
        dist_t d = layer_dist(init, resolve_kind(init, layer), (float)n_in, (float)layer->units);
        for (k = 0; k < n_w; k++) {
            *p++ = draw(&d, rng);
        }
        for (k = 0; k < layer->units; k++) {
            *p++ = init->init_bias ? draw(&d, rng) : 0.0f;
        }
    }
    tmlp_i_reset_training(net);
    return TMLP_OK;
}
