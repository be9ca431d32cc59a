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
    uint32_t first, n_slots; /* the slots find_newest scans: first..n_slots-1 */
    uint32_t slot_bytes; /* slot_sectors * sector_bytes */
    uint32_t hdr_bytes;  /* header rounded up to the program unit */
} geom_t;

/* Reads a record's model file for the verification and the load, and
 * keeps the flash's own read errors apart from "the file is malformed". */
typedef struct {
    const tmlp_flash_t *f;
    uint32_t addr; /* device address of the model file */
    uint32_t len;  /* its bytes, from the header */
    tmlp_status_t io;
} reader_t;

/* A valid record found by a scan: only where it is; its shape is
 * verified again when needed (stack: docs/quality.md). */
typedef struct {
    int found;
    uint32_t slot, seq;
    reader_t r; /* its model file */
} newest_t;

/* The program unit, large enough for the header's units too: ROUND_UP(20,
 * p) is below 40 for p < 20, and p itself for p >= 20. */
#define CKPT_UNIT_BYTES (TMLP_CKPT_MAX_PROG > 40u ? TMLP_CKPT_MAX_PROG : 40u)

/* Streams a model file into a slot, one program unit at a time. */
typedef struct {
    const tmlp_flash_t *f;
    uint32_t addr; /* device address of the next unit to program */
    uint32_t len;  /* bytes of the model file so far */
    uint8_t unit[CKPT_UNIT_BYTES];
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
    g->first = 0;
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

/* Scans slots g->first..g->n_slots-1 for the newest valid record: a header
 * whose CRC verifies, the same model CRC at the end of its model file, and
 * that model file verified as by tmlp_model_peek. Blank, half-written,
 * half-erased or corrupt slots are skipped; only a read error fails.
 * Keeps only where the record is: the verification's buffers stay in this
 * frame, which is never on the stack together with a save's program unit
 * or a load's own verification (stack: docs/quality.md). */
TMLP_I_NOINLINE static tmlp_status_t find_newest(const tmlp_flash_t *f, const geom_t *g,
                                                 newest_t *best)
{
    tmlp_i_model_scratch_t scr;
    uint8_t *h = scr.buf; /* the header, then the model file's last 4 bytes at h + 20 */
    reader_t r;
    uint32_t s, crc, seq;
    tmlp_status_t st;
    memset(best, 0, sizeof *best); /* found = 0; and no field is left unset */
    r.f = f;
    for (s = g->first; s < g->n_slots; s++) {
        uint32_t at = f->base + s * g->slot_bytes;
        st = f->read(f->ctx, at, h, TMLP_CKPT_HEADER_BYTES);
        if (st != TMLP_OK) {
            return st;
        }
        crc = 0;
        (void)tmlp_crc32(0, h, 16, &crc);
        r.addr = at + g->hdr_bytes;
        r.len = tmlp_i_get_u32(h + 8);
        /* An erased header (all 0xFF) fails the magic test. */
        if (tmlp_i_get_u32(h) != CKPT_MAGIC || tmlp_i_get_u32(h + 16) != crc ||
            r.len < TMLP_MODEL_BASE_BYTES(1) || r.len > g->slot_bytes - g->hdr_bytes) {
            continue;
        }
        st = f->read(f->ctx, r.addr + r.len - 4u, h + 20, 4);
        if (st != TMLP_OK) {
            return st;
        }
        if (tmlp_i_get_u32(h + 20) != tmlp_i_get_u32(h + 12)) {
            continue;
        }
        seq = tmlp_i_get_u32(h + 4);
        r.io = TMLP_OK;
        st = tmlp_i_model_verify(read_model, &r, r.len, &scr);
        if (r.io != TMLP_OK) {
            return r.io;
        }
        if (st == TMLP_OK && (!best->found || seq_newer(seq, best->seq))) {
            best->found = 1;
            best->slot = s;
            best->seq = seq;
            best->r = r;
        }
    }
    return TMLP_OK;
}

/* The sink of tmlp_i_model_save_units: buf is k->unit, holding len bytes;
 * programs it as one unit. */
static tmlp_status_t write_unit(void *ctx, const void *buf, size_t len)
{
    ckpt_sink_t *k = (ckpt_sink_t *)ctx;
    uint32_t unit = k->f->prog_bytes;
    tmlp_status_t st;
    TMLP_ASSERT(buf == k->unit && len > 0u && len <= unit);
    (void)buf;
    /* Padding stays erased: programming 0xFF changes no bit. */
    memset(k->unit + len, 0xFF, unit - len);
    st = k->f->prog(k->f->ctx, k->addr, k->unit, unit);
    k->addr += unit;
    k->len += (uint32_t)len;
    return st;
}

/* Erase (header sector first, so the slot's old record is gone from the
 * first step on), the model file, then the header: the commit. Its program
 * unit is never on the stack together with find_newest's buffers. */
TMLP_I_NOINLINE static tmlp_status_t write_record(const tmlp_flash_t *f, const geom_t *g,
                                                  const tmlp_net_t *net, uint32_t what,
                                                  const newest_t *rec)
{
    ckpt_sink_t sink, *k = &sink;
    uint32_t at = f->base + rec->slot * g->slot_bytes, off, crc = 0;
    tmlp_status_t st = TMLP_OK;
    for (off = 0; off < g->slot_bytes && st == TMLP_OK; off += f->sector_bytes) {
        st = f->erase(f->ctx, at + off);
    }
    if (st != TMLP_OK) {
        return st;
    }
    k->f = f;
    k->addr = at + g->hdr_bytes;
    k->len = 0;
    st = tmlp_i_model_save_units(net, what, k->unit, f->prog_bytes, write_unit, k, &crc);
    if (st != TMLP_OK) {
        return st;
    }
    memset(k->unit, 0xFF, g->hdr_bytes);
    tmlp_i_put_u32(k->unit, CKPT_MAGIC);
    tmlp_i_put_u32(k->unit + 4, rec->seq);
    tmlp_i_put_u32(k->unit + 8, k->len);
    tmlp_i_put_u32(k->unit + 12, crc); /* the model file's last 4 bytes */
    (void)tmlp_crc32(0, k->unit, 16, &crc);
    tmlp_i_put_u32(k->unit + 16, crc);
    return f->prog(f->ctx, at, k->unit, g->hdr_bytes);
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
    uint32_t new_seq;
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
    /* The record to write: in the slot after the newest, the next number. */
    n.slot = n.found ? (n.slot + 1u) % g.n_slots : 0u;
    n.seq = new_seq = n.found ? n.seq + 1u : 1u;
    st = write_record(flash, &g, net, what, &n);
    if (st == TMLP_OK) {
        /* Read back: a scan of that slot alone. */
        g.first = n.slot;
        g.n_slots = n.slot + 1u;
        st = find_newest(flash, &g, &n);
    }
    if (st == TMLP_OK && (!n.found || n.seq != new_seq)) {
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
    /* The scan kept only where the newest record is: verify it again for
     * its shape. It verified a moment ago, so a failure now is the flash's. */
    n.r.io = TMLP_OK;
    st = tmlp_model_peek(read_model, &n.r, n.r.len, desc, info);
    if (n.r.io != TMLP_OK) {
        return n.r.io;
    }
    if (st != TMLP_OK) {
        return TMLP_ERR_IO;
    }
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
    if (net == NULL || (what & ~(TMLP_SAVE_OPTIM | TMLP_SAVE_FULL)) != 0u) {
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
