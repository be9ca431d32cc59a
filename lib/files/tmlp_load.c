/* SPDX-License-Identifier: MIT */
/* Loading a model file (docs/model-format.md): a first pass verifies the
 * whole file, a second writes into the net, so a bad file changes nothing. */
#include "tmlp_format.h"
#include "tmlp_internal.h"

/* ---- loading ---- */

/* A verified file: its shape, where each section starts, and the one
 * chunk buffer that the header, layer, optimizer and CRC passes and the
 * load share (tmlp_format.h). */
typedef tmlp_i_model_scratch_t parsed_t;

static tmlp_status_t rd(tmlp_pread_fn read, void *ctx, uint32_t off, void *buf, size_t n)
{
    return read(ctx, off, buf, n);
}

/* The header's flags and the bytes whose use depends on them: flag bits of
 * the file's version only; byte 15 (layers left out) and bytes 24..27
 * (their CRC) set only in a partial file, which leaves out at least one
 * layer (the count is checked against the layer table in place_sections);
 * bytes 28..31 reserved. */
static int header_fields_ok(const uint8_t *h)
{
    uint32_t flags = tmlp_i_get_u32(h + 8), k;
    uint32_t known = TMLP_F_FLAG_SCALE | TMLP_F_FLAG_OPTIM |
                     (tmlp_i_get_u16(h + 4) >= TMLP_F_VERSION_PARTIAL ? TMLP_F_FLAG_PARTIAL : 0u);
    if ((flags & ~known) != 0u) {
        return 0;
    }
    if ((flags & TMLP_F_FLAG_PARTIAL) ? h[15] == 0u
                                       : (h[15] != 0u || tmlp_i_get_u32(h + 24) != 0u)) {
        return 0;
    }
    for (k = 28; k < TMLP_F_HEADER_BYTES; k++) {
        if (h[k] != 0u) {
            return 0;
        }
    }
    return 1;
}

static tmlp_status_t parse_header(size_t len, parsed_t *p, uint32_t *hdr)
{
    const uint8_t *h = p->buf; /* the header, read by the caller */
    uint32_t flags = tmlp_i_get_u32(h + 8);
    if (tmlp_i_get_u32(h) != TMLP_F_MAGIC_U32 || tmlp_i_get_u16(h + 4) == 0u ||
        tmlp_i_get_u16(h + 4) > TMLP_FORMAT_VERSION || !header_fields_ok(h) ||
        tmlp_i_get_u32(h + 20) != len) {
        return TMLP_ERR_FORMAT;
    }
    *hdr = tmlp_i_get_u16(h + 6);
    /* A multiple of 4 keeps every float of the file 4-byte aligned, which
     * the finiteness check of check_body() relies on. */
    if (*hdr < TMLP_F_HEADER_BYTES || *hdr % 4u != 0u || h[14] == 0u ||
        h[14] > TMLP_MAX_LAYERS) {
        return TMLP_ERR_FORMAT;
    }
    /* Everything but buf, which holds h. */
    memset(&p->desc, 0, sizeof p->desc);
    memset(&p->info, 0, sizeof p->info);
    p->slots = 0;
    p->off_scale = p->off_params = p->off_optim = p->off_state = p->off_crc = 0;
    p->info.version = tmlp_i_get_u16(h + 4);
    p->info.n_params = tmlp_i_get_u32(h + 16);
    p->info.file_bytes = (uint32_t)len;
    p->info.has_scale = (flags & TMLP_F_FLAG_SCALE) != 0u;
    p->info.has_optim = (flags & TMLP_F_FLAG_OPTIM) != 0u;
    p->info.partial = (flags & TMLP_F_FLAG_PARTIAL) != 0u;
    p->info.n_frozen = h[15];
    p->info.base_crc = tmlp_i_get_u32(h + 24);
    p->desc.n_in = (uint16_t)tmlp_i_get_u16(h + 12);
    p->desc.n_layers = h[14];
    p->desc.flags = p->info.has_scale ? (uint8_t)TMLP_DESC_INPUT_SCALE : 0u;
    return TMLP_OK;
}

TMLP_I_NOINLINE static tmlp_status_t parse_layers(tmlp_pread_fn read, void *ctx, uint32_t at,
                                                  parsed_t *p)
{
    const uint8_t *e = p->buf;
    size_t l;
    tmlp_status_t st;
    for (l = 0; l < p->desc.n_layers; l++, at += TMLP_F_LAYER_BYTES) {
        tmlp_layer_desc_t *ly = &p->desc.layer[l];
        st = rd(read, ctx, at, p->buf, TMLP_F_LAYER_BYTES);
        if (st != TMLP_OK) {
            return st;
        }
        if ((e[3] & ~TMLP_LAYER_FROZEN) != 0u || tmlp_i_get_u32(e + 8) != 0u || tmlp_i_get_u16(e) > TMLP_MAX_WIDTH ||
            e[2] > TMLP_ACT_SOFTMAX) {
            return TMLP_ERR_FORMAT;
        }
        ly->units = (uint16_t)tmlp_i_get_u16(e);
        ly->act = e[2];
        ly->flags = e[3];
        ly->act_param = tmlp_i_bits_float(tmlp_i_get_u32(e + 4));
    }
    return TMLP_OK;
}

TMLP_I_NOINLINE static tmlp_status_t parse_optim(tmlp_pread_fn read, void *ctx, parsed_t *p)
{
    const uint8_t *b = p->buf;
    tmlp_optim_t *o = &p->info.optim;
    size_t k;
    tmlp_status_t st = rd(read, ctx, p->off_optim, p->buf, TMLP_F_OPTIM_BYTES);
    if (st != TMLP_OK) {
        return st;
    }
    /* The 9 hyperparameters, bytes 8..43: all finite, then decoded. */
    for (k = 8; k < TMLP_F_OPTIM_BYTES; k += 4u) {
        if (!tmlp_i_isfinite(tmlp_i_bits_float(tmlp_i_get_u32(b + k)))) {
            return TMLP_ERR_NUMERIC;
        }
    }
    o->kind = b[0];
    o->nesterov = b[1];
    o->maximize = b[2];
    o->decoupled_wd = b[3];
    o->lr = tmlp_i_bits_float(tmlp_i_get_u32(b + 8));
    o->momentum = tmlp_i_bits_float(tmlp_i_get_u32(b + 12));
    o->dampening = tmlp_i_bits_float(tmlp_i_get_u32(b + 16));
    o->weight_decay = tmlp_i_bits_float(tmlp_i_get_u32(b + 20));
    o->beta1 = tmlp_i_bits_float(tmlp_i_get_u32(b + 24));
    o->beta2 = tmlp_i_bits_float(tmlp_i_get_u32(b + 28));
    o->alpha = tmlp_i_bits_float(tmlp_i_get_u32(b + 32));
    o->eps = tmlp_i_bits_float(tmlp_i_get_u32(b + 36));
    o->clip_norm = tmlp_i_bits_float(tmlp_i_get_u32(b + 40));
    p->info.steps = tmlp_i_get_u32(b + 4);
    return TMLP_OK;
}

/* Parameters of the trainable layers: the optimizer state's length. */
static uint64_t train_params(const tmlp_desc_t *d)
{
    return tmlp_i_layer_offset(d, d->n_layers) - tmlp_i_layer_offset(d, tmlp_i_n_frozen(d));
}

/* Offsets of the sections, computed in 64 bits so no size can wrap, and
 * checked against the file's length before they are narrowed. A partial
 * file stores the trainable layers' parameters only, and must leave out
 * exactly the frozen layers, with at least one trainable layer after them. */
TMLP_I_NOINLINE static tmlp_status_t place_sections(parsed_t *p, uint32_t hdr, size_t len)
{
    size_t left_out = p->info.n_frozen; /* 0 unless partial (parse_header) */
    uint64_t n_params, scale, params, optim, after;
    if (left_out != 0u &&
        (tmlp_i_n_frozen(&p->desc) != left_out || left_out == p->desc.n_layers)) {
        return TMLP_ERR_FORMAT;
    }
    n_params = tmlp_i_layer_offset(&p->desc, p->desc.n_layers);
    scale = (uint64_t)hdr + (uint64_t)TMLP_F_LAYER_BYTES * p->desc.n_layers;
    params = scale + (p->info.has_scale ? 8u * (uint64_t)p->desc.n_in : 0u);
    optim = params + 4u * (n_params - tmlp_i_layer_offset(&p->desc, left_out));
    after = optim + (p->info.has_optim ? TMLP_F_OPTIM_BYTES : 0u);
    if (n_params != p->info.n_params || after + 4u > len) {
        return TMLP_ERR_FORMAT;
    }
    p->off_scale = (uint32_t)scale;
    p->off_params = (uint32_t)params;
    p->off_optim = (uint32_t)optim;
    p->off_state = (uint32_t)after;
    return TMLP_OK;
}

/* Checks the floats of buf[0..n), read at file offset `off` (before the
 * CRC), that fall in the scale, parameter and state sections: every one
 * finite (else TMLP_ERR_NUMERIC), and optimizer state that training can
 * produce (else TMLP_ERR_FORMAT): all zero before the first step (the
 * state starts zeroed), and a second-moment vector (Adam's second, RMSprop's
 * first: a weighted sum of squares) never negative. */
TMLP_I_NOINLINE static tmlp_status_t chunk_check(const parsed_t *p, uint32_t off, uint32_t n)
{
    /* The state is `slots` vectors of equal length up to the CRC. */
    uint32_t vec = p->slots != 0u ? (p->off_crc - p->off_state) / p->slots : 0u;
    uint32_t sq = p->off_state + (p->info.optim.kind == TMLP_OPT_ADAM ? vec : 0u);
    int has_sq = p->info.has_optim && (p->info.optim.kind == TMLP_OPT_ADAM ||
                                       p->info.optim.kind == TMLP_OPT_RMSPROP);
    uint32_t k;
    for (k = 0; k + 4u <= n; k += 4u) {
        uint32_t at = off + k;
        int is_state = p->info.has_optim && at >= p->off_state;
        float v = tmlp_i_bits_float(tmlp_i_get_u32(p->buf + k));
        if (((at >= p->off_scale && at < p->off_optim) || is_state) && !tmlp_i_isfinite(v)) {
            return TMLP_ERR_NUMERIC;
        }
        if (is_state && ((p->info.steps == 0u && v != 0.0f) ||
                         (has_sq && at >= sq && at - sq < vec && v < 0.0f))) {
            return TMLP_ERR_FORMAT;
        }
    }
    return TMLP_OK;
}

/* CRC of bytes [0, off_crc), checking that every float in the scale,
 * parameter and state sections is finite. */
TMLP_I_NOINLINE static tmlp_status_t check_body(tmlp_pread_fn read, void *ctx, parsed_t *p)
{
    uint32_t off = 0, crc = 0, n;
    tmlp_status_t st;
    while (off < p->off_crc) {
        n = p->off_crc - off < TMLP_F_RCHUNK ? p->off_crc - off : TMLP_F_RCHUNK;
        st = rd(read, ctx, off, p->buf, (size_t)n);
        if (st != TMLP_OK) {
            return st;
        }
        crc = tmlp_i_crc32(crc, p->buf, (size_t)n);
        st = chunk_check(p, off, n);
        if (st != TMLP_OK) {
            return st;
        }
        off += n;
    }
    st = rd(read, ctx, p->off_crc, p->buf, 4);
    if (st != TMLP_OK) {
        return st;
    }
    return tmlp_i_get_u32(p->buf) == crc ? TMLP_OK : TMLP_ERR_FORMAT;
}

/* Pass 1: everything but writing. See tmlp_format.h. */
tmlp_status_t tmlp_i_model_verify(tmlp_pread_fn read, void *ctx, size_t len, parsed_t *p)
{
    uint32_t hdr = 0;
    uint64_t end;
    tmlp_status_t st;
    if (len < TMLP_MODEL_BASE_BYTES(1) || TMLP_I_OVER_U32(len)) {
        return TMLP_ERR_FORMAT;
    }
    st = rd(read, ctx, 0, p->buf, TMLP_F_HEADER_BYTES);
    if (st == TMLP_OK) {
        st = parse_header(len, p, &hdr);
    }
    if (st == TMLP_OK && (uint64_t)hdr + (uint64_t)TMLP_F_LAYER_BYTES * p->buf[14] > len) {
        st = TMLP_ERR_FORMAT;
    }
    if (st == TMLP_OK) {
        st = parse_layers(read, ctx, hdr, p);
    }
    /* The checks that call deep are made here, not in parse_layers and
     * parse_optim: one frame less under them. */
    if (st == TMLP_OK && tmlp_desc_check(&p->desc, NULL) != TMLP_OK) {
        st = TMLP_ERR_FORMAT;
    }
    if (st == TMLP_OK) {
        st = place_sections(p, hdr, len);
    }
    /* Optimizer state for a model with nothing to train can go nowhere. */
    if (st == TMLP_OK && p->info.has_optim && train_params(&p->desc) == 0u) {
        st = TMLP_ERR_FORMAT;
    }
    if (st == TMLP_OK && p->info.has_optim) {
        st = parse_optim(read, ctx, p);
        if (st == TMLP_OK && tmlp_i_optim_check(&p->info.optim, &p->slots) != TMLP_OK) {
            st = TMLP_ERR_FORMAT;
        }
    }
    if (st != TMLP_OK) {
        return st;
    }
    end = (uint64_t)(p->info.has_optim ? p->off_state : p->off_optim) +
          4u * (uint64_t)p->slots * train_params(&p->desc) + 4u;
    if (end != len) {
        return TMLP_ERR_FORMAT;
    }
    p->off_crc = (uint32_t)len - 4u;
    return check_body(read, ctx, p);
}

/* See tinymlp.h. */
tmlp_status_t tmlp_model_peek(tmlp_pread_fn read, void *ctx, size_t len, tmlp_desc_t *desc,
                              tmlp_model_info_t *info)
{
    parsed_t p;
    tmlp_status_t st;
    if (read == NULL || desc == NULL || info == NULL) {
        return TMLP_ERR_ARG;
    }
    st = tmlp_i_model_verify(read, ctx, len, &p);
    if (st == TMLP_OK) {
        *desc = p.desc;
        *info = p.info;
    }
    return st;
}

/* Reads n floats stored at `off` into dst, TMLP_F_RCHUNK bytes at a time. */
static tmlp_status_t read_floats(tmlp_pread_fn read, void *ctx, uint8_t *buf, uint32_t off,
                                 float *dst, size_t n)
{
    size_t i = 0, k;
    tmlp_status_t st;
    while (i < n) {
        size_t m = n - i < TMLP_F_RCHUNK / 4u ? n - i : TMLP_F_RCHUNK / 4u;
        st = rd(read, ctx, off + (uint32_t)(4u * i), buf, 4u * m);
        if (st != TMLP_OK) {
            return st;
        }
        for (k = 0; k < m; k++) {
            dst[i + k] = tmlp_i_bits_float(tmlp_i_get_u32(buf + 4u * k));
        }
        i += m;
    }
    return TMLP_OK;
}

static int same_shape(const tmlp_desc_t *a, const tmlp_desc_t *b)
{
    size_t l;
    if (a->n_in != b->n_in || a->n_layers != b->n_layers) {
        return 0;
    }
    for (l = 0; l < a->n_layers; l++) {
        const tmlp_layer_desc_t *x = &a->layer[l], *y = &b->layer[l];
        if (x->units != y->units || x->act != y->act ||
            tmlp_i_float_bits(tmlp_i_act_param(x)) != tmlp_i_float_bits(tmlp_i_act_param(y))) {
            return 0;
        }
    }
    return 1;
}

/* A fine-tuning net's frozen layers stay in flash: a full file's must be
 * theirs, bit for bit, or the file belongs to another base model. A
 * partial file has only their CRC, which must be theirs too. */
static tmlp_status_t same_frozen(const tmlp_net_t *net, tmlp_pread_fn read, void *ctx,
                                 parsed_t *p)
{
    uint8_t *buf = p->buf;
    size_t n = (size_t)net->n_params - (size_t)net->n_train, i = 0, k;
    tmlp_status_t st;
    if (p->info.partial) {
        return tmlp_i_crc32_floats(0, net->params, n) == p->info.base_crc ? TMLP_OK
                                                                          : TMLP_ERR_FROZEN;
    }
    while (i < n) {
        size_t m = n - i < TMLP_F_RCHUNK / 4u ? n - i : TMLP_F_RCHUNK / 4u;
        st = rd(read, ctx, p->off_params + (uint32_t)(4u * i), buf, 4u * m);
        if (st != TMLP_OK) {
            return st;
        }
        for (k = 0; k < m; k++) {
            if (tmlp_i_get_u32(buf + 4u * k) != tmlp_i_float_bits(net->params[i + k])) {
                return TMLP_ERR_FROZEN;
            }
        }
        i += m;
    }
    return TMLP_OK;
}

/* Whether the verified file `p` can go into `net` as asked. */
static tmlp_status_t load_check(const tmlp_net_t *net, uint32_t what, const parsed_t *p)
{
    uint32_t slots = 0;
    if (!same_shape(&net->desc, &p->desc) || (p->info.has_scale && net->in_offset == NULL)) {
        return TMLP_ERR_SHAPE;
    }
    /* A partial file completes only the base of a fine-tuning net that
     * keeps in flash exactly the layers the file leaves out. */
    if (p->info.partial &&
        (!tmlp_i_mode_finetune(net->mode) || net->n_frozen != p->info.n_frozen)) {
        return TMLP_ERR_FROZEN;
    }
    if (what & TMLP_SAVE_OPTIM) {
        tmlp_status_t st = tmlp_i_train_check(net);
        if (st != TMLP_OK) {
            return st;
        }
        /* The file's state must be what this net's optimizer keeps: none
         * at all, another kind, one the net cannot run, or another count
         * of state vectors or trainable parameters is refused. */
        (void)tmlp_i_optim_check(&net->opt, &slots);
        if (!p->info.has_optim || p->info.optim.kind != net->opt.kind ||
            (tmlp_i_mode_fused(net->mode) && !tmlp_i_optim_fusable(&p->info.optim)) ||
            slots != p->slots || net->n_train != train_params(&p->desc)) {
            return TMLP_ERR_OPTIM_MISMATCH;
        }
    }
    return TMLP_OK;
}

/* Pass 2: the file is known good; write. A function of its own, so its
 * frame and the verification's are never on the stack together. */
TMLP_I_NOINLINE static tmlp_status_t load_write(tmlp_net_t *net, uint32_t what,
                                                tmlp_pread_fn read, void *ctx, parsed_t *p)
{
    size_t i;
    tmlp_status_t st = TMLP_OK;
    if (p->info.has_scale) {
        st = read_floats(read, ctx, p->buf, p->off_scale, net->in_offset, net->desc.n_in);
        if (st == TMLP_OK) {
            st = read_floats(read, ctx, p->buf, p->off_scale + 4u * net->desc.n_in, net->in_scale,
                             net->desc.n_in);
        }
    } else if (net->in_offset != NULL) {
        for (i = 0; i < net->desc.n_in; i++) {
            net->in_offset[i] = 0.0f;
            net->in_scale[i] = 1.0f;
        }
    }
    if (st == TMLP_OK && net->in_offset != NULL) {
        net->scale_given = 1; /* the file's scaling (identity if it has none) */
    }
    if (st == TMLP_OK) {
        /* Fine-tuning: only the trainable layers, the canonical vector's
         * last n_train (the frozen ones were checked equal above, and a
         * partial file holds nothing else). */
        int fine = tmlp_i_mode_finetune(net->mode);
        uint32_t skip = fine && !p->info.partial ? 4u * (net->n_params - net->n_train) : 0u;
        st = read_floats(read, ctx, p->buf, p->off_params + skip,
                         fine ? net->train_params : net->params_rw,
                         (size_t)(fine ? net->n_train : net->n_params));
    }
    if (st != TMLP_OK || !(what & TMLP_SAVE_OPTIM)) {
        tmlp_i_reset_training(net);
        return st;
    }
    st = read_floats(read, ctx, p->buf, p->off_state, net->opt_state,
                     (size_t)p->slots * (size_t)net->n_train);
    tmlp_i_zero_grad(net);
    tmlp_i_forget_bounds(net);
    net->opt = p->info.optim;
    net->steps = p->info.steps;
    return st;
}

/* See tinymlp.h. */
tmlp_status_t tmlp_model_load(tmlp_net_t *net, uint32_t what, tmlp_pread_fn read, void *ctx,
                              size_t len)
{
    parsed_t p;
    tmlp_status_t st = tmlp_i_net_check(net);
    if (st != TMLP_OK) {
        return st;
    }
    if (read == NULL || (what & ~(TMLP_SAVE_OPTIM | TMLP_SAVE_FULL)) != 0u) {
        return TMLP_ERR_ARG;
    }
    if (net->params_rw == NULL && !tmlp_i_mode_finetune(net->mode)) {
        return TMLP_ERR_READ_ONLY;
    }
    st = tmlp_i_model_verify(read, ctx, len, &p);
    if (st == TMLP_OK) {
        st = load_check(net, what, &p);
    }
    if (st == TMLP_OK && tmlp_i_mode_finetune(net->mode)) {
        st = same_frozen(net, read, ctx, &p);
    }
    if (st != TMLP_OK) {
        return st;
    }
    return load_write(net, what, read, ctx, &p);
}

static tmlp_status_t read_mem(void *ctx, uint32_t offset, void *buf, size_t len)
{
    const tmlp_i_membuf_t *m = (const tmlp_i_membuf_t *)ctx;
    if ((size_t)offset > m->len || len > m->len - offset) {
        return TMLP_ERR_FORMAT;
    }
    memcpy(buf, m->p + offset, len);
    return TMLP_OK;
}

/* A read callback over buf[0..len): the *_buf functions' reader. */
static void mem_reader(tmlp_i_membuf_t *m, const void *buf, size_t len)
{
    /* Read-only use of m->p; the struct is shared with the writer. */
    m->p = (uint8_t *)(uintptr_t)buf;
    m->cap = len;
    m->len = len;
}

/* See tinymlp.h. */
tmlp_status_t tmlp_model_peek_buf(const void *buf, size_t len, tmlp_desc_t *desc,
                                  tmlp_model_info_t *info)
{
    tmlp_i_membuf_t m;
    if (buf == NULL) {
        return TMLP_ERR_ARG;
    }
    mem_reader(&m, buf, len);
    return tmlp_model_peek(read_mem, &m, len, desc, info);
}

/* See tinymlp.h. */
tmlp_status_t tmlp_model_load_buf(tmlp_net_t *net, uint32_t what, const void *buf, size_t len)
{
    tmlp_i_membuf_t m;
    if (buf == NULL) {
        return TMLP_ERR_ARG;
    }
    mem_reader(&m, buf, len);
    return tmlp_model_load(net, what, read_mem, &m, len);
}
