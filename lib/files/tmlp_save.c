/* SPDX-License-Identifier: MIT */
/* Saving a model file (docs/model-format.md), to a buffer or a stream. */
#include "tmlp_format.h"
#include "tmlp_internal.h"

/* ---- saving ---- */

/* Buffers the output in pieces of cap bytes (the caller's buffer), keeping
 * the running CRC of everything before `sealed`. */
typedef struct {
    tmlp_write_fn write;
    void *ctx;
    uint8_t *buf;
    size_t cap, n;
    uint32_t crc;
    int sealed; /* the CRC is complete: the bytes now buffered are the CRC itself */
    tmlp_status_t st;
} sink_t;

static void flush(sink_t *s)
{
    if (s->st == TMLP_OK && s->n > 0u) {
        if (!s->sealed) {
            s->crc = tmlp_i_crc32(s->crc, s->buf, s->n);
        }
        s->st = s->write(s->ctx, s->buf, s->n);
    }
    s->n = 0;
}

static void put_bytes(sink_t *s, const uint8_t *p, size_t len)
{
    while (len > 0u) {
        size_t k = s->cap - s->n < len ? s->cap - s->n : len;
        memcpy(s->buf + s->n, p, k);
        s->n += k;
        p += k;
        len -= k;
        if (s->n == s->cap) {
            flush(s);
        }
    }
}

/* v as n (1, 2 or 4) little-endian bytes. */
static void put_uint(sink_t *s, uint32_t v, size_t n)
{
    uint8_t le[4];
    tmlp_i_put_u32(le, v);
    put_bytes(s, le, n);
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
    tmlp_status_t st = tmlp_i_net_check(net);
    if (st != TMLP_OK) {
        return st;
    }
    if ((what & ~(TMLP_SAVE_OPTIM | TMLP_SAVE_FULL)) != 0u || net->params == NULL) {
        return TMLP_ERR_ARG;
    }
    if (net->in_offset != NULL && !net->scale_given) {
        return TMLP_ERR_NO_SCALE; /* it would store a scaling nobody gave */
    }
    *slots = 0;
    if (what & TMLP_SAVE_OPTIM) {
        st = tmlp_i_train_check(net);
        if (st != TMLP_OK) {
            return st;
        }
        /* The state vectors the net's optimizer uses, not the arena's
         * net->slots: tmlp_net_set_optim may switch to an optimizer with
         * fewer (momentum off), and a reader expects exactly as many as the
         * file's optimizer block implies; writing net->slots made a file,
         * and a checkpoint, that nothing loads. */
        *slots = tmlp_i_optim_used_slots(&net->opt);
    }
    return TMLP_OK;
}

/* A fine-tuning net's file leaves its frozen layers out unless asked for
 * the whole model. */
static int is_partial(const tmlp_net_t *net, uint32_t what)
{
    return tmlp_i_mode_finetune(net->mode) && (what & TMLP_SAVE_FULL) == 0u;
}

/* The checks of a save, the file's size and the state vectors it holds. */
static tmlp_status_t plan(const tmlp_net_t *net, uint32_t what, size_t *n_bytes,
                          uint32_t *slots)
{
    tmlp_status_t st = save_check(net, what, slots);
    if (st != TMLP_OK) {
        return st;
    }
    *n_bytes = TMLP_MODEL_BYTES(net->desc.n_layers,
                                is_partial(net, what) ? net->n_train : net->n_params);
    if (net->in_offset != NULL) {
        *n_bytes += TMLP_MODEL_SCALE_BYTES(net->desc.n_in);
    }
    if (what & TMLP_SAVE_OPTIM) {
        *n_bytes += TMLP_MODEL_OPTIM_BYTES(net->n_train, *slots);
    }
    return TMLP_OK;
}

/* See tinymlp.h. */
tmlp_status_t tmlp_model_size(const tmlp_net_t *net, uint32_t what, size_t *n_bytes)
{
    uint32_t slots;
    if (n_bytes == NULL) {
        return TMLP_ERR_ARG;
    }
    return plan(net, what, n_bytes, &slots);
}

/* CRC of a fine-tuning net's frozen parameters. Out of line: its frame
 * stays off the path of the writes (stack: docs/quality.md). */
TMLP_I_NOINLINE static uint32_t frozen_crc(const tmlp_net_t *net)
{
    return tmlp_i_crc32_floats(0, net->params, (size_t)(net->n_params - net->n_train));
}

/* Header and layer table, field by field (no copy of them on the stack).
 * A partial file is version 2 and says which layers it leaves out (byte
 * 15) and their CRC (bytes 24..27); a full one is version 1, as it always
 * was, with those bytes 0. */
static void put_header(sink_t *s, const tmlp_net_t *net, uint32_t what, size_t size)
{
    size_t l;
    int partial = is_partial(net, what);
    put_bytes(s, (const uint8_t *)TMLP_F_MAGIC, 4);
    put_uint(s, partial ? TMLP_F_VERSION_PARTIAL : TMLP_F_VERSION_FULL, 2);
    put_uint(s, TMLP_F_HEADER_BYTES, 2);
    put_uint(s, (net->in_offset != NULL ? TMLP_F_FLAG_SCALE : 0u) |
                    ((what & TMLP_SAVE_OPTIM) ? TMLP_F_FLAG_OPTIM : 0u) |
                    (partial ? TMLP_F_FLAG_PARTIAL : 0u), 4);
    put_uint(s, net->desc.n_in, 2);
    put_uint(s, net->desc.n_layers, 1);
    put_uint(s, partial ? net->n_frozen : 0u, 1);
    put_uint(s, net->n_params, 4);
    put_uint(s, (uint32_t)size, 4);
    put_uint(s, partial ? frozen_crc(net) : 0u, 4);
    put_uint(s, 0, 4);
    for (l = 0; l < net->desc.n_layers; l++) {
        const tmlp_layer_desc_t *ly = &net->desc.layer[l];
        put_uint(s, ly->units, 2);
        put_uint(s, ly->act, 1);
        put_uint(s, ly->flags, 1);
        put_uint(s, tmlp_i_float_bits(ly->act_param), 4);
        put_uint(s, 0, 4);
    }
}

static void put_optim(sink_t *s, const tmlp_net_t *net, uint32_t slots)
{
    const tmlp_optim_t *o = &net->opt;
    put_uint(s, o->kind, 1);
    put_uint(s, o->nesterov, 1);
    put_uint(s, o->maximize, 1);
    put_uint(s, o->decoupled_wd, 1);
    put_uint(s, net->steps, 4);
    put_floats(s, &o->lr, 1);
    put_floats(s, &o->momentum, 1);
    put_floats(s, &o->dampening, 1);
    put_floats(s, &o->weight_decay, 1);
    put_floats(s, &o->beta1, 1);
    put_floats(s, &o->beta2, 1);
    put_floats(s, &o->alpha, 1);
    put_floats(s, &o->eps, 1);
    put_floats(s, &o->clip_norm, 1);
    put_floats(s, net->opt_state, (size_t)slots * (size_t)net->n_train);
}

/* Checks, then the whole file but its CRC into a sink over buf[0..cap).
 * Returns TMLP_OK with the body written (or s->st holding the callback's
 * error), or the error of the checks with nothing written. */
static tmlp_status_t put_body(sink_t *s, const tmlp_net_t *net, uint32_t what, tmlp_write_fn write,
                              void *ctx, uint8_t *buf, size_t cap)
{
    size_t size = 0;
    uint32_t slots = 0;
    tmlp_status_t st = plan(net, what, &size, &slots);
    if (st != TMLP_OK) {
        return st;
    }
    if (write == NULL || TMLP_I_OVER_U32(size)) {
        return TMLP_ERR_ARG;
    }
    memset(s, 0, sizeof *s);
    s->write = write;
    s->ctx = ctx;
    s->buf = buf;
    s->cap = cap;
    put_header(s, net, what, size);
    if (net->in_offset != NULL) {
        put_floats(s, net->in_offset, net->desc.n_in);
        put_floats(s, net->in_scale, net->desc.n_in);
    }
    if (!tmlp_i_mode_finetune(net->mode)) {
        put_floats(s, net->params, (size_t)net->n_params);
    } else {
        /* Frozen layers from flash (left out of a partial file), then the
         * trained ones from the arena. */
        if (what & TMLP_SAVE_FULL) {
            put_floats(s, net->params, (size_t)(net->n_params - net->n_train));
        }
        put_floats(s, net->train_params, (size_t)net->n_train);
    }
    if (what & TMLP_SAVE_OPTIM) {
        put_optim(s, net, slots); /* a training net: plan() checked */
    }
    return TMLP_OK;
}

/* See tinymlp.h. */
tmlp_status_t tmlp_model_save_stream(const tmlp_net_t *net, uint32_t what, tmlp_write_fn write,
                                     void *ctx)
{
    sink_t s;
    uint8_t chunk[TMLP_F_CHUNK];
    tmlp_status_t st = put_body(&s, net, what, write, ctx, chunk, sizeof chunk);
    if (st != TMLP_OK) {
        return st;
    }
    flush(&s);
    /* The CRC: a write of its own. */
    tmlp_i_put_u32(chunk, s.crc);
    if (s.st == TMLP_OK) {
        s.st = write(ctx, chunk, 4);
    }
    return s.st;
}

/* See tmlp_format.h. */
tmlp_status_t tmlp_i_model_save_units(const tmlp_net_t *net, uint32_t what, uint8_t *unit,
                                      size_t unit_bytes, tmlp_write_fn write, void *ctx,
                                      uint32_t *crc)
{
    sink_t s;
    tmlp_status_t st = put_body(&s, net, what, write, ctx, unit, unit_bytes);
    if (st != TMLP_OK) {
        return st;
    }
    /* The CRC of the bytes still buffered, then the CRC itself after them. */
    s.crc = tmlp_i_crc32(s.crc, s.buf, s.n);
    s.sealed = 1;
    put_uint(&s, s.crc, 4);
    flush(&s);
    *crc = s.crc;
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

