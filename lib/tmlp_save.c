/* SPDX-License-Identifier: MIT */
/* Saving a model file (docs/model-format.md), to a buffer or a stream. */
#include "tmlp_format.h"
#include "tmlp_internal.h"

/* ---- saving ---- */

/* Buffers the output in TMLP_F_CHUNK pieces, keeping the running CRC. */
typedef struct {
    tmlp_write_fn write;
    void *ctx;
    uint32_t crc;
    size_t n;
    tmlp_status_t st;
    uint8_t buf[TMLP_F_CHUNK];
} sink_t;

static void flush(sink_t *s)
{
    if (s->st == TMLP_OK && s->n > 0u) {
        (void)tmlp_crc32(s->crc, s->buf, s->n, &s->crc);
        s->st = s->write(s->ctx, s->buf, s->n);
    }
    s->n = 0;
}

static void put_bytes(sink_t *s, const uint8_t *p, size_t len)
{
    while (len > 0u) {
        size_t k = TMLP_F_CHUNK - s->n < len ? TMLP_F_CHUNK - s->n : len;
        memcpy(s->buf + s->n, p, k);
        s->n += k;
        p += k;
        len -= k;
        if (s->n == TMLP_F_CHUNK) {
            flush(s);
        }
    }
}

static void put_floats(sink_t *s, const float *f, size_t n)
{
    size_t i;
    uint8_t le[4];
    for (i = 0; i < n; i++) {
        tmlp_i_put_u32(le, tmlp_i_float_bits(f[i]));
        put_bytes(s, le, 4);
    }
}

static tmlp_status_t save_check(const tmlp_net_t *net, uint32_t what, uint32_t *slots)
{
    if (net == NULL || (what & ~TMLP_SAVE_OPTIM) != 0u || net->params == NULL) {
        return TMLP_ERR_ARG;
    }
    *slots = 0;
    if (what & TMLP_SAVE_OPTIM) {
        if (!tmlp_i_trains(net)) {
            return TMLP_ERR_STATE;
        }
        (void)tmlp_i_optim_check(&net->opt, slots);
    }
    return TMLP_OK;
}

/* See tinymlp.h. */
tmlp_status_t tmlp_model_size(const tmlp_net_t *net, uint32_t what, size_t *n_bytes)
{
    uint32_t slots;
    tmlp_status_t st;
    if (n_bytes == NULL) {
        return TMLP_ERR_ARG;
    }
    st = save_check(net, what, &slots);
    if (st != TMLP_OK) {
        return st;
    }
    *n_bytes = TMLP_MODEL_BASE_BYTES(net->desc.n_layers) + 4u * (size_t)net->n_params;
    if (net->in_offset != NULL) {
        *n_bytes += 8u * (size_t)net->desc.n_in;
    }
    if (what & TMLP_SAVE_OPTIM) {
        *n_bytes += TMLP_F_OPTIM_BYTES + 4u * (size_t)slots * net->n_train;
    }
    return TMLP_OK;
}

static void put_header(sink_t *s, const tmlp_net_t *net, uint32_t what, size_t size)
{
    uint8_t h[TMLP_F_HEADER_BYTES];
    uint8_t e[TMLP_F_LAYER_BYTES];
    size_t l;
    memset(h, 0, sizeof h);
    memcpy(h, TMLP_F_MAGIC, 4);
    tmlp_i_put_u16(h + 4, TMLP_FORMAT_VERSION);
    tmlp_i_put_u16(h + 6, TMLP_F_HEADER_BYTES);
    tmlp_i_put_u32(h + 8, (net->in_offset != NULL ? TMLP_F_FLAG_SCALE : 0u) |
                       ((what & TMLP_SAVE_OPTIM) ? TMLP_F_FLAG_OPTIM : 0u));
    tmlp_i_put_u16(h + 12, net->desc.n_in);
    h[14] = net->desc.n_layers;
    tmlp_i_put_u32(h + 16, net->n_params);
    tmlp_i_put_u32(h + 20, (uint32_t)size);
    put_bytes(s, h, sizeof h);
    for (l = 0; l < net->desc.n_layers; l++) {
        const tmlp_layer_desc_t *ly = &net->desc.layer[l];
        memset(e, 0, sizeof e);
        tmlp_i_put_u16(e, ly->units);
        e[2] = ly->act;
        e[3] = ly->flags;
        tmlp_i_put_u32(e + 4, tmlp_i_float_bits(ly->act_param));
        put_bytes(s, e, sizeof e);
    }
}

static void put_optim(sink_t *s, const tmlp_net_t *net, uint32_t slots)
{
    const tmlp_optim_t *o = &net->opt;
    const float hyper[9] = {o->lr,    o->momentum, o->dampening, o->weight_decay, o->beta1,
                            o->beta2, o->alpha,    o->eps,       o->clip_norm};
    uint8_t b[8];
    b[0] = o->kind;
    b[1] = o->nesterov;
    b[2] = o->maximize;
    b[3] = o->decoupled_wd;
    tmlp_i_put_u32(b + 4, net->steps);
    put_bytes(s, b, sizeof b);
    put_floats(s, hyper, 9);
    put_floats(s, net->opt_state, (size_t)slots * net->n_train);
}

/* See tinymlp.h. */
tmlp_status_t tmlp_model_save_stream(const tmlp_net_t *net, uint32_t what, tmlp_write_fn write,
                                     void *ctx)
{
    sink_t s;
    uint32_t slots = 0;
    size_t size = 0;
    uint8_t le[4];
    tmlp_status_t st = tmlp_model_size(net, what, &size);
    if (st != TMLP_OK) {
        return st;
    }
    if (write == NULL || size > UINT32_MAX) {
        return TMLP_ERR_ARG;
    }
    (void)save_check(net, what, &slots);
    memset(&s, 0, sizeof s);
    s.write = write;
    s.ctx = ctx;
    put_header(&s, net, what, size);
    if (net->in_offset != NULL) {
        put_floats(&s, net->in_offset, net->desc.n_in);
        put_floats(&s, net->in_scale, net->desc.n_in);
    }
    if (net->mode == TMLP_MODE_FINETUNE) {
        /* Frozen layers from flash, then the trained ones. */
        put_floats(&s, net->params, net->n_params - net->n_train);
        put_floats(&s, net->train_params, net->n_train);
    } else {
        put_floats(&s, net->params, net->n_params);
    }
    if (what & TMLP_SAVE_OPTIM) {
        put_optim(&s, net, slots);
    }
    flush(&s);
    tmlp_i_put_u32(le, s.crc);
    if (s.st == TMLP_OK) {
        s.st = write(ctx, le, 4);
    }
    return s.st;
}

static tmlp_status_t write_mem(void *ctx, const void *buf, size_t len)
{
    tmlp_i_membuf_t *m = (tmlp_i_membuf_t *)ctx;
    memcpy(m->p + m->len, buf, len);
    m->len += len;
    return TMLP_OK;
}

/* See tinymlp.h. */
tmlp_status_t tmlp_model_save(const tmlp_net_t *net, uint32_t what, void *buf, size_t cap,
                              size_t *len)
{
    tmlp_i_membuf_t m;
    size_t size = 0;
    tmlp_status_t st;
    if (buf == NULL || len == NULL) {
        return TMLP_ERR_ARG;
    }
    st = tmlp_model_size(net, what, &size);
    if (st != TMLP_OK) {
        return st;
    }
    if (cap < size) {
        return TMLP_ERR_NOMEM;
    }
    m.p = (uint8_t *)buf;
    m.cap = cap;
    m.len = 0;
    st = tmlp_model_save_stream(net, what, write_mem, &m);
    if (st == TMLP_OK) {
        *len = m.len;
    }
    return st;
}

