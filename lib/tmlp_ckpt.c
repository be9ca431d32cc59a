/* SPDX-License-Identifier: MIT */
/* Checkpoints in NOR flash (docs/checkpoints.md): N slots used round-robin,
 * each holding at most one record, a header plus a model file. The header
 * is programmed after the whole model file and is the commit: a record
 * counts only when its header CRC, its copy of the model CRC and the model
 * file itself all verify, so a save cut short leaves a slot that is simply
 * not valid, and the previous newest record is never touched. */
#include "tmlp_format.h"
#include "tmlp_internal.h"

#define CKPT_MAGIC 0x504B4354u /* "TCKP" as stored, little-endian */

/* Geometry of a checked tmlp_flash_t. */
typedef struct {
    uint32_t n_slots;
    uint32_t slot_bytes; /* slot_sectors * sector_bytes */
    uint32_t hdr_bytes;  /* header rounded up to the program unit */
} geom_t;

/* Reads a record's model file for tmlp_model_peek/load, and keeps the
 * flash's own read errors apart from "the file is malformed". */
typedef struct {
    const tmlp_flash_t *f;
    uint32_t addr; /* device address of the model file */
    uint32_t len;  /* its bytes, from the header */
    tmlp_status_t io;
} reader_t;

/* The newest valid record found by a scan. */
typedef struct {
    int found;
    uint32_t slot, seq;
    reader_t r;
    tmlp_desc_t desc;
    tmlp_model_info_t info;
} newest_t;

/* Streams a model file into a slot, one program unit at a time. */
typedef struct {
    const tmlp_flash_t *f;
    uint32_t addr; /* device address of the next unit to program */
    uint32_t fill; /* bytes waiting in unit */
    uint32_t len;  /* bytes of the model file so far */
    uint8_t tail[4]; /* the last 4 bytes written: the model file's CRC */
    uint8_t unit[TMLP_CKPT_MAX_PROG];
} ckpt_sink_t;

static tmlp_status_t geom_check(const tmlp_flash_t *f, geom_t *g)
{
    uint32_t per;
    uint64_t end;
    if (f == NULL || f->read == NULL || f->prog == NULL || f->erase == NULL ||
        f->prog_bytes == 0u || f->prog_bytes > TMLP_CKPT_MAX_PROG || f->sector_bytes == 0u ||
        f->sector_bytes % f->prog_bytes != 0u || f->base % f->sector_bytes != 0u) {
        return TMLP_ERR_ARG;
    }
    per = f->slot_sectors != 0u ? f->slot_sectors : f->sector_count / 2u;
    end = (uint64_t)f->base + (uint64_t)f->sector_bytes * f->sector_count;
    if (per == 0u || f->sector_count / per < 2u || end > (uint64_t)UINT32_MAX) {
        return TMLP_ERR_ARG;
    }
    g->n_slots = f->sector_count / per;
    g->slot_bytes = per * f->sector_bytes;
    g->hdr_bytes = (uint32_t)TMLP_CKPT_ROUND_UP(TMLP_CKPT_HEADER_BYTES, f->prog_bytes);
    /* The header is one program call, which must stay inside a sector. */
    return g->hdr_bytes <= f->sector_bytes ? TMLP_OK : TMLP_ERR_ARG;
}

/* a is newer than b in serial-number arithmetic (RFC 1982): a - b, modulo
 * 2^32, is in [1, 2^31). Records in use are at most n_slots apart, so the
 * comparison stays right when the counter wraps from 0xFFFFFFFF to 0. */
static int seq_newer(uint32_t a, uint32_t b)
{
    return (uint32_t)(a - b - 1u) < 0x7FFFFFFFu;
}

static tmlp_status_t read_model(void *ctx, uint32_t off, void *buf, size_t len)
{
    reader_t *r = (reader_t *)ctx;
    tmlp_status_t st;
    if (off > r->len || len > r->len - off) {
        return TMLP_ERR_FORMAT;
    }
    st = r->f->read(r->f->ctx, r->addr + off, buf, len);
    if (st != TMLP_OK && r->io == TMLP_OK) {
        r->io = st;
    }
    return st;
}

/* Checks the record in slot s. TMLP_OK: valid, with its sequence number,
 * reader, shape and info filled in; TMLP_ERR_FORMAT: blank, half-written,
 * half-erased or corrupt; anything else: the flash's read failed. */
static tmlp_status_t slot_check(const tmlp_flash_t *f, const geom_t *g, uint32_t s, newest_t *n)
{
    uint8_t h[TMLP_CKPT_HEADER_BYTES], tail[4];
    uint32_t crc = 0, len, at = f->base + s * g->slot_bytes;
    tmlp_status_t st = f->read(f->ctx, at, h, sizeof h);
    if (st != TMLP_OK) {
        return st;
    }
    (void)tmlp_crc32(0, h, 16, &crc);
    len = tmlp_i_get_u32(h + 8);
    /* An erased header (all 0xFF) fails the magic test. */
    if (tmlp_i_get_u32(h) != CKPT_MAGIC || tmlp_i_get_u32(h + 16) != crc ||
        len < TMLP_MODEL_BASE_BYTES(1) || len > g->slot_bytes - g->hdr_bytes) {
        return TMLP_ERR_FORMAT;
    }
    st = f->read(f->ctx, at + g->hdr_bytes + len - 4u, tail, sizeof tail);
    if (st != TMLP_OK) {
        return st;
    }
    if (tmlp_i_get_u32(tail) != tmlp_i_get_u32(h + 12)) {
        return TMLP_ERR_FORMAT;
    }
    n->r.f = f;
    n->r.addr = at + g->hdr_bytes;
    n->r.len = len;
    n->r.io = TMLP_OK;
    st = tmlp_model_peek(read_model, &n->r, len, &n->desc, &n->info);
    if (n->r.io != TMLP_OK) {
        return n->r.io;
    }
    n->slot = s;
    n->seq = tmlp_i_get_u32(h + 4);
    return st == TMLP_OK ? TMLP_OK : TMLP_ERR_FORMAT;
}

/* Scans every slot for the newest valid record. Only a read error fails. */
static tmlp_status_t find_newest(const tmlp_flash_t *f, const geom_t *g, newest_t *best)
{
    newest_t cur;
    uint32_t s;
    tmlp_status_t st;
    memset(best, 0, sizeof *best); /* found = 0; and no field is left unset */
    for (s = 0; s < g->n_slots; s++) {
        st = slot_check(f, g, s, &cur);
        if (st == TMLP_ERR_FORMAT) {
            continue;
        }
        if (st != TMLP_OK) {
            return st;
        }
        if (!best->found || seq_newer(cur.seq, best->seq)) {
            *best = cur;
            best->found = 1;
        }
    }
    return TMLP_OK;
}

static tmlp_status_t flush_unit(ckpt_sink_t *k)
{
    tmlp_status_t st;
    if (k->fill == 0u) {
        return TMLP_OK;
    }
    /* Padding stays erased: programming 0xFF changes no bit. */
    memset(k->unit + k->fill, 0xFF, k->f->prog_bytes - k->fill);
    st = k->f->prog(k->f->ctx, k->addr, k->unit, k->f->prog_bytes);
    k->addr += k->f->prog_bytes;
    k->fill = 0;
    return st;
}

static tmlp_status_t write_unit(void *ctx, const void *buf, size_t len)
{
    ckpt_sink_t *k = (ckpt_sink_t *)ctx;
    const uint8_t *p = (const uint8_t *)buf;
    size_t i;
    tmlp_status_t st = TMLP_OK;
    k->len += (uint32_t)len;
    for (i = 0; i < len && st == TMLP_OK; i++) {
        k->tail[0] = k->tail[1];
        k->tail[1] = k->tail[2];
        k->tail[2] = k->tail[3];
        k->tail[3] = p[i];
        k->unit[k->fill++] = p[i];
        if (k->fill == k->f->prog_bytes) {
            st = flush_unit(k);
        }
    }
    return st;
}

/* Erase (header sector first, so the slot's old record is gone from the
 * first step on), the model file, then the header: the commit. */
static tmlp_status_t write_record(const tmlp_flash_t *f, const geom_t *g, uint32_t slot,
                                  const tmlp_net_t *net, uint32_t what, uint32_t seq)
{
    ckpt_sink_t k;
    uint32_t at = f->base + slot * g->slot_bytes, off, crc = 0;
    tmlp_status_t st = TMLP_OK;
    for (off = 0; off < g->slot_bytes && st == TMLP_OK; off += f->sector_bytes) {
        st = f->erase(f->ctx, at + off);
    }
    if (st != TMLP_OK) {
        return st;
    }
    memset(&k, 0, sizeof k);
    k.f = f;
    k.addr = at + g->hdr_bytes;
    st = tmlp_model_save_stream(net, what, write_unit, &k);
    if (st == TMLP_OK) {
        st = flush_unit(&k);
    }
    if (st != TMLP_OK) {
        return st;
    }
    memset(k.unit, 0xFF, g->hdr_bytes);
    tmlp_i_put_u32(k.unit, CKPT_MAGIC);
    tmlp_i_put_u32(k.unit + 4, seq);
    tmlp_i_put_u32(k.unit + 8, k.len);
    memcpy(k.unit + 12, k.tail, 4);
    (void)tmlp_crc32(0, k.unit, 16, &crc);
    tmlp_i_put_u32(k.unit + 16, crc);
    return f->prog(f->ctx, at, k.unit, g->hdr_bytes);
}

/* See tinymlp.h. */
tmlp_status_t tmlp_ckpt_size(const tmlp_net_t *net, uint32_t what, uint32_t prog_bytes,
                             size_t *n_bytes)
{
    size_t model = 0;
    tmlp_status_t st;
    if (n_bytes == NULL || prog_bytes == 0u || prog_bytes > TMLP_CKPT_MAX_PROG) {
        return TMLP_ERR_ARG;
    }
    st = tmlp_model_size(net, what, &model);
    if (st == TMLP_OK) {
        *n_bytes = TMLP_CKPT_SLOT_BYTES(model, prog_bytes);
    }
    return st;
}

/* See tinymlp.h. */
tmlp_status_t tmlp_ckpt_save(const tmlp_flash_t *flash, const tmlp_net_t *net, uint32_t what,
                             uint32_t *seq)
{
    geom_t g;
    newest_t n;
    size_t need = 0;
    uint32_t slot, new_seq;
    tmlp_status_t st = geom_check(flash, &g);
    if (st == TMLP_OK) {
        st = tmlp_ckpt_size(net, what, flash->prog_bytes, &need);
    }
    if (st == TMLP_OK && need > g.slot_bytes) {
        st = TMLP_ERR_NOMEM;
    }
    if (st == TMLP_OK) {
        /* Full verification, not just headers: the slot after the newest
         * valid record is erased, so a wrong "newest" could cost the only
         * good copy. */
        st = find_newest(flash, &g, &n);
    }
    if (st != TMLP_OK) {
        return st;
    }
    slot = n.found ? (n.slot + 1u) % g.n_slots : 0u;
    new_seq = n.found ? n.seq + 1u : 1u;
    st = write_record(flash, &g, slot, net, what, new_seq);
    if (st == TMLP_OK) {
        st = slot_check(flash, &g, slot, &n);
    }
    if (st == TMLP_ERR_FORMAT || (st == TMLP_OK && n.seq != new_seq)) {
        st = TMLP_ERR_IO; /* the flash did not keep what was written */
    }
    if (st == TMLP_OK && seq != NULL) {
        *seq = new_seq;
    }
    return st;
}

/* The newest valid record of a flash whose geometry is checked first;
 * TMLP_ERR_NOT_FOUND if there is none. Shared by peek and load. */
static tmlp_status_t newest_record(const tmlp_flash_t *flash, newest_t *n)
{
    geom_t g;
    tmlp_status_t st = geom_check(flash, &g);
    if (st == TMLP_OK) {
        st = find_newest(flash, &g, n);
    }
    if (st == TMLP_OK && !n->found) {
        st = TMLP_ERR_NOT_FOUND;
    }
    return st;
}

/* See tinymlp.h. */
tmlp_status_t tmlp_ckpt_peek(const tmlp_flash_t *flash, tmlp_desc_t *desc,
                             tmlp_model_info_t *info, uint32_t *seq)
{
    newest_t n;
    tmlp_status_t st;
    if (desc == NULL || info == NULL) {
        return TMLP_ERR_ARG;
    }
    st = newest_record(flash, &n);
    if (st != TMLP_OK) {
        return st;
    }
    *desc = n.desc;
    *info = n.info;
    if (seq != NULL) {
        *seq = n.seq;
    }
    return TMLP_OK;
}

/* See tinymlp.h. */
tmlp_status_t tmlp_ckpt_load(const tmlp_flash_t *flash, tmlp_net_t *net, uint32_t what,
                             uint32_t *seq)
{
    newest_t n;
    tmlp_status_t st;
    if (net == NULL || (what & ~TMLP_SAVE_OPTIM) != 0u) {
        return TMLP_ERR_ARG;
    }
    st = newest_record(flash, &n);
    if (st != TMLP_OK) {
        return st;
    }
    n.r.io = TMLP_OK;
    st = tmlp_model_load(net, what, read_model, &n.r, n.r.len);
    if (n.r.io != TMLP_OK) {
        st = n.r.io;
    }
    if (st == TMLP_OK && seq != NULL) {
        *seq = n.seq;
    }
    return st;
}
