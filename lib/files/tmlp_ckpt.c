/* SPDX-License-Identifier: MIT */
/* Checkpoints in NOR flash (docs/checkpoints.md): N slots used round-robin,
 * each holding at most one record: a header, a confirm mark, a model file.
 * The header is programmed after the whole model file and is the commit: a
 * record counts only when its header CRC, its copy of the model CRC and the
 * model file itself all verify, so a save cut short leaves a slot that is
 * simply not valid, and the previous newest record is never touched. The
 * confirm mark, programmed after the header, never decides validity: it
 * proves that the header's program completed. A record adopted without it
 * may hold half-programmed (weak) bits that read differently on another
 * boot, so it is programmed again with the bytes just verified (repair)
 * before it is handed out or any slot is erased. */
#include "tmlp_format.h"
#include "tmlp_internal.h"

#define CKPT_MAGIC 0x324B4354u /* "TCK2" as stored, little-endian */

/* The header's and the confirm mark's bytes in the slot, rounded up to the
 * program unit p. */
#define CKPT_HDR(p) ((uint32_t)TMLP_CKPT_ROUND_UP(TMLP_CKPT_HEADER_BYTES, p))
#define CKPT_CONF(p) ((uint32_t)TMLP_CKPT_ROUND_UP(TMLP_CKPT_CONFIRM_BYTES, p))

/* Geometry of a checked tmlp_flash_t. */
typedef struct {
    uint32_t first, n_slots; /* the slots find_newest scans: first..n_slots-1 */
    uint32_t slot_bytes; /* slot_sectors * sector_bytes */
    uint32_t file_off;   /* slot offset of the model file: CKPT_HDR + CKPT_CONF */
} geom_t;

/* Reads a record's model file for the verification and the load, and
 * keeps the flash's own read errors apart from "the file is malformed". */
typedef struct {
    const tmlp_flash_t *f;
    uint32_t addr; /* device address of the model file */
    uint32_t len;  /* its bytes, from the header */
    tmlp_status_t io;
} reader_t;

/* A valid record found by a scan: only where it is (its model file, at
 * slot address + file_off); its shape is verified again when needed
 * (stack: docs/quality.md). found is 0 (none), FOUND, or CONFIRMED once
 * read_confirm has read its confirm mark exactly as programmed. */
#define FOUND 1
#define CONFIRMED 2
typedef struct {
    int found;
    uint32_t seq;
    reader_t r; /* its model file */
} newest_t;

/* The program unit, large enough for the header's units too: ROUND_UP(20,
 * p) is below 40 for p < 20, and p itself for p >= 20 (and the confirm
 * mark's: ROUND_UP(4, p) is 4 or p). */
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
    if (f == NULL || f->read == NULL || f->prog == NULL || f->erase == NULL) {
        return TMLP_ERR_ARG;
    }
    if (f->prog_bytes == 0u || f->prog_bytes > TMLP_CKPT_MAX_PROG || f->sector_bytes == 0u ||
        f->sector_bytes % f->prog_bytes != 0u || f->base % f->sector_bytes != 0u) {
        return TMLP_ERR_GEOMETRY;
    }
    /* slot_sectors 0: two slots of sector_count / 2 sectors, the odd
     * sector (if any) unused. */
    per = f->slot_sectors != 0u ? f->slot_sectors : f->sector_count / 2u;
    end = (uint64_t)f->base + (uint64_t)f->sector_bytes * f->sector_count;
    if (per == 0u || f->sector_count / per < 2u || end > (uint64_t)UINT32_MAX) {
        return TMLP_ERR_GEOMETRY;
    }
    g->first = 0;
    g->n_slots = f->slot_sectors != 0u ? f->sector_count / per : 2u;
    g->slot_bytes = per * f->sector_bytes;
    g->file_off = CKPT_HDR(f->prog_bytes) + CKPT_CONF(f->prog_bytes);
    /* The header and the confirm mark are one program call each, and each
     * must stay inside a sector. */
    if (CKPT_HDR(f->prog_bytes) > f->sector_bytes ||
        CKPT_HDR(f->prog_bytes) % f->sector_bytes + CKPT_CONF(f->prog_bytes) > f->sector_bytes) {
        return TMLP_ERR_GEOMETRY;
    }
    return TMLP_OK;
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
 * half-erased or corrupt slots are skipped; only a read error fails. Its
 * confirm mark is read afterwards (read_confirm), outside this frame.
 * Keeps only where the record is: the verification's buffers stay in this
 * frame, which is never on the stack together with a save's program unit
 * or a load's own verification (stack: docs/quality.md). */
TMLP_I_NOINLINE static tmlp_status_t find_newest(const tmlp_flash_t *f, const geom_t *g,
                                                 newest_t *best)
{
    tmlp_i_model_scratch_t scr;
    uint8_t *h = scr.buf; /* the header, then the model file's last 4 bytes at h + 20 */
    reader_t *r = &best->r; /* each candidate's model file; at the end, the newest's */
    uint32_t s, seq, addr = 0, len = 0;
    tmlp_status_t st;
    memset(best, 0, sizeof *best); /* found = 0; and no field is left unset */
    r->f = f;
    for (s = g->first; s < g->n_slots; s++) {
        uint32_t at = f->base + s * g->slot_bytes;
        st = f->read(f->ctx, at, h, TMLP_CKPT_HEADER_BYTES);
        if (st != TMLP_OK) {
            return st;
        }
        r->addr = at + g->file_off;
        r->len = tmlp_i_get_u32(h + 8);
        /* An erased header (all 0xFF) fails the magic test. */
        if (tmlp_i_get_u32(h) != CKPT_MAGIC || tmlp_i_get_u32(h + 16) != tmlp_i_crc32(0, h, 16) ||
            r->len < TMLP_MODEL_BASE_BYTES(1) || r->len > g->slot_bytes - g->file_off ||
            !TMLP_I_FITS_SIZE(r->len)) {
            continue;
        }
        st = f->read(f->ctx, r->addr + r->len - 4u, h + 20, 4);
        if (st != TMLP_OK) {
            return st;
        }
        if (tmlp_i_get_u32(h + 20) != tmlp_i_get_u32(h + 12)) {
            continue;
        }
        seq = tmlp_i_get_u32(h + 4);
        r->io = TMLP_OK;
        st = tmlp_i_model_verify(read_model, r, (size_t)r->len, &scr);
        if (r->io != TMLP_OK) {
            return r->io;
        }
        if (st == TMLP_OK && (!best->found || seq_newer(seq, best->seq))) {
            best->found = FOUND;
            best->seq = seq;
            addr = r->addr;
            len = r->len;
        }
    }
    /* Where the newest record's model file is. */
    r->addr = addr;
    r->len = len;
    return TMLP_OK;
}

/* For the record a scan found: n->found becomes CONFIRMED if its confirm
 * mark reads exactly as programmed (4 zero bytes). A frame of its own,
 * after the scan's, never on the stack with it. */
TMLP_I_NOINLINE static tmlp_status_t read_confirm(const tmlp_flash_t *f, const geom_t *g,
                                                  newest_t *n)
{
    uint8_t c[TMLP_CKPT_CONFIRM_BYTES];
    tmlp_status_t st = TMLP_OK;
    if (n->found) {
        st = f->read(f->ctx, n->r.addr - g->file_off + CKPT_HDR(f->prog_bytes), c, sizeof c);
        n->found = st == TMLP_OK && tmlp_i_get_u32(c) == 0u ? CONFIRMED : FOUND;
    }
    return st;
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
    memset(k->unit + len, 0xFF, (size_t)unit - len);
    st = k->f->prog(k->f->ctx, k->addr, k->unit, (size_t)unit);
    k->addr += unit;
    k->len += (uint32_t)len;
    return st;
}

/* Programs the confirm mark of the record at slot address at, through
 * unit (CKPT_UNIT_BYTES): 4 zero bytes, the rest of its unit as it reads
 * (erased), so no bit is asked to be 1 where the flash reads 0. */
static tmlp_status_t prog_confirm(const tmlp_flash_t *f, uint32_t at, uint8_t *unit)
{
    uint32_t c = at + CKPT_HDR(f->prog_bytes);
    tmlp_status_t st = f->read(f->ctx, c, unit, CKPT_CONF(f->prog_bytes));
    if (st == TMLP_OK) {
        memset(unit, 0x00, TMLP_CKPT_CONFIRM_BYTES);
        st = f->prog(f->ctx, c, unit, CKPT_CONF(f->prog_bytes));
    }
    return st;
}

/* One pass over the model file of rec, a program unit at a time through
 * unit: checks that the bytes read are the file the header describes (the
 * CRC of all but the last 4 bytes, and the last 4 bytes, both equal to the
 * header's copy, model_crc) and, if prog, programs every unit again with
 * exactly the bytes just read from it (the last one's padding included).
 * TMLP_ERR_IO if the bytes do not check. */
static tmlp_status_t file_pass(const tmlp_flash_t *f, const newest_t *rec, uint32_t model_crc,
                               uint8_t *unit, int prog)
{
    uint32_t p = f->prog_bytes, len = rec->r.len, body = len - 4u, off, n, k, crc = 0, last = 0;
    tmlp_status_t st = TMLP_OK;
    for (off = 0; off < len && st == TMLP_OK; off += p) {
        n = len - off < p ? len - off : p;
        /* The whole unit: the slot holds it (slot and file offset are
         * multiples of p). */
        st = f->read(f->ctx, rec->r.addr + off, unit, (size_t)p);
        if (st != TMLP_OK) {
            return st;
        }
        if (off < body) {
            crc = tmlp_i_crc32(crc, unit, (size_t)(body - off < n ? body - off : n));
        }
        /* The last 4 bytes, possibly across two units, little-endian. */
        for (k = off < body ? body - off : 0u; k < n; k++) {
            last |= (uint32_t)unit[k] << (8u * (off + k - body));
        }
        if (prog) {
            st = f->prog(f->ctx, rec->r.addr + off, unit, (size_t)p);
        }
    }
    if (st == TMLP_OK && (crc != model_crc || last != model_crc)) {
        st = TMLP_ERR_IO;
    }
    return st;
}

/* Makes the record rec, valid in a scan but without its confirm mark,
 * solid: reads its header units, checks the header is rec's and programs
 * them again with the bytes just read; does the same with the model file,
 * checked as the file the header describes; programs the confirm mark;
 * then reads all three back. Every program repeats bytes just read, so it
 * only clears bits that read 0, i.e. are 0 or half-programmed, and makes
 * them solid; a half-programmed bit that read 1 is left as it is, and then
 * the check fails (TMLP_ERR_IO): nothing may be handed out. Its unit is
 * never on the stack together with find_newest's buffers. */
TMLP_I_NOINLINE static tmlp_status_t repair(const tmlp_flash_t *f, const geom_t *g,
                                            const newest_t *rec)
{
    uint8_t unit[CKPT_UNIT_BYTES];
    uint8_t h[TMLP_CKPT_HEADER_BYTES];
    uint32_t at = rec->r.addr - g->file_off, crc = 0;
    tmlp_status_t st = f->read(f->ctx, at, unit, CKPT_HDR(f->prog_bytes));
    if (st != TMLP_OK) {
        return st;
    }
    memcpy(h, unit, TMLP_CKPT_HEADER_BYTES);
    crc = tmlp_i_crc32(0, h, 16);
    if (tmlp_i_get_u32(h) != CKPT_MAGIC || tmlp_i_get_u32(h + 16) != crc ||
        tmlp_i_get_u32(h + 4) != rec->seq || tmlp_i_get_u32(h + 8) != rec->r.len) {
        return TMLP_ERR_IO; /* the header read differently from the scan */
    }
    st = f->prog(f->ctx, at, unit, CKPT_HDR(f->prog_bytes));
    if (st == TMLP_OK) {
        st = file_pass(f, rec, tmlp_i_get_u32(h + 12), unit, 1);
    }
    if (st == TMLP_OK) {
        st = prog_confirm(f, at, unit);
    }
    /* Read back: the header, the confirm mark, the model file. */
    if (st == TMLP_OK) {
        st = f->read(f->ctx, at, unit, TMLP_CKPT_HEADER_BYTES);
    }
    /* Compared as the scan checks it (no memcmp: lib/ needs no more of the
     * C library than memcpy, memset and memmove). */
    if (st == TMLP_OK && (tmlp_i_get_u32(unit + 4) != rec->seq ||
                          tmlp_i_get_u32(unit + 16) != tmlp_i_get_u32(h + 16) ||
                          tmlp_i_get_u32(unit) != CKPT_MAGIC ||
                          tmlp_i_get_u32(unit + 8) != rec->r.len ||
                          tmlp_i_get_u32(unit + 12) != tmlp_i_get_u32(h + 12))) {
        st = TMLP_ERR_IO;
    }
    if (st == TMLP_OK) {
        st = f->read(f->ctx, at + CKPT_HDR(f->prog_bytes), unit, TMLP_CKPT_CONFIRM_BYTES);
    }
    if (st == TMLP_OK && tmlp_i_get_u32(unit) != 0u) {
        st = TMLP_ERR_IO;
    }
    return st == TMLP_OK ? file_pass(f, rec, tmlp_i_get_u32(h + 12), unit, 0) : st;
}

/* Erase (header sector first, so the slot's old record is gone from the
 * first step on), the model file, the header (the commit), then the confirm
 * mark. Its program unit is never on the stack together with find_newest's
 * buffers. */
TMLP_I_NOINLINE static tmlp_status_t write_record(const tmlp_flash_t *f, const geom_t *g,
                                                  const tmlp_net_t *net, uint32_t what,
                                                  uint32_t slot, uint32_t seq)
{
    ckpt_sink_t sink, *k = &sink;
    uint32_t at = f->base + slot * g->slot_bytes, off, crc = 0;
    tmlp_status_t st = TMLP_OK;
    for (off = 0; off < g->slot_bytes && st == TMLP_OK; off += f->sector_bytes) {
        st = f->erase(f->ctx, at + off);
    }
    if (st != TMLP_OK) {
        return st;
    }
    k->f = f;
    k->addr = at + g->file_off;
    k->len = 0;
    st = tmlp_i_model_save_units(net, what, k->unit, (size_t)f->prog_bytes, write_unit, k, &crc);
    if (st != TMLP_OK) {
        return st;
    }
    memset(k->unit, 0xFF, CKPT_HDR(f->prog_bytes));
    tmlp_i_put_u32(k->unit, CKPT_MAGIC);
    tmlp_i_put_u32(k->unit + 4, seq);
    tmlp_i_put_u32(k->unit + 8, k->len);
    tmlp_i_put_u32(k->unit + 12, crc); /* the model file's last 4 bytes */
    crc = tmlp_i_crc32(0, k->unit, 16);
    tmlp_i_put_u32(k->unit + 16, crc);
    st = f->prog(f->ctx, at, k->unit, CKPT_HDR(f->prog_bytes));
    return st == TMLP_OK ? prog_confirm(f, at, k->unit) : st;
}

/* After a scan: TMLP_ERR_NOT_FOUND if it found no record; otherwise reads
 * the record's confirm mark and, if it is not exactly as programmed,
 * repairs the record. Called after find_newest returns (peek and load call
 * both directly, one frame less under the scan: docs/quality.md). */
static tmlp_status_t adopt(const tmlp_flash_t *f, const geom_t *g, newest_t *n)
{
    tmlp_status_t st = n->found ? read_confirm(f, g, n) : TMLP_ERR_NOT_FOUND;
    if (st == TMLP_OK && n->found == FOUND) {
        st = repair(f, g, n);
    }
    return st;
}

/* See tinymlp.h. */
tmlp_status_t tmlp_ckpt_size(const tmlp_net_t *net, uint32_t what, uint32_t prog_bytes,
                             size_t *n_bytes)
{
    size_t model = 0;
    tmlp_status_t st;
    if (n_bytes == NULL) {
        return TMLP_ERR_ARG;
    }
    if (prog_bytes == 0u || prog_bytes > TMLP_CKPT_MAX_PROG) {
        return TMLP_ERR_GEOMETRY;
    }
    st = tmlp_model_size(net, what, &model);
    if (st == TMLP_OK) {
        *n_bytes = TMLP_CKPT_SLOT_BYTES(model, prog_bytes);
    }
    return st;
}

/* TMLP_OK if a record of the net saved with `what` fits a slot of
 * slot_bytes, else TMLP_ERR_SLOT_SIZE or tmlp_ckpt_size's error. A frame of its
 * own, off tmlp_ckpt_save's (stack: docs/quality.md). */
TMLP_I_NOINLINE static tmlp_status_t slot_fits(const tmlp_net_t *net, uint32_t what,
                                               uint32_t prog_bytes, uint32_t slot_bytes)
{
    size_t need = 0;
    tmlp_status_t st = tmlp_ckpt_size(net, what, prog_bytes, &need);
    return st == TMLP_OK && need > slot_bytes ? TMLP_ERR_SLOT_SIZE : st;
}

/* See tinymlp.h. */
tmlp_status_t tmlp_ckpt_save(const tmlp_flash_t *flash, const tmlp_net_t *net, uint32_t what,
                             uint32_t *seq)
{
    geom_t g;
    newest_t n;
    uint32_t slot, new_seq;
    tmlp_status_t st = geom_check(flash, &g);
    if (st == TMLP_OK) {
        st = slot_fits(net, what, flash->prog_bytes, g.slot_bytes);
    }
    if (st == TMLP_OK) {
        /* Full verification, not just headers: the slot after the newest
         * valid record is erased, so a wrong "newest" could cost the only
         * good copy. */
        st = find_newest(flash, &g, &n);
    }
    if (st == TMLP_OK && n.found) {
        /* The newest record, repaired if it may be half-programmed, before
         * the slot after it (possibly the only other copy) is erased. */
        st = adopt(flash, &g, &n);
    }
    if (st != TMLP_OK) {
        return st;
    }
    /* The record to write: in the slot after the newest, the next number. */
    slot = n.found ? ((n.r.addr - g.file_off - flash->base) / g.slot_bytes + 1u) % g.n_slots
                   : 0u;
    new_seq = n.found ? n.seq + 1u : 1u;
    st = write_record(flash, &g, net, what, slot, new_seq);
    if (st == TMLP_OK) {
        /* Read back: a scan of that slot alone. */
        g.first = slot;
        g.n_slots = slot + 1u;
        st = find_newest(flash, &g, &n);
    }
    if (st == TMLP_OK) {
        st = read_confirm(flash, &g, &n);
    }
    if (st == TMLP_OK && (n.found != CONFIRMED || n.seq != new_seq)) {
        st = TMLP_ERR_IO; /* the flash did not keep what was written */
    }
    if (st == TMLP_OK && seq != NULL) {
        *seq = new_seq;
    }
    return st;
}

/* See tinymlp.h. */
tmlp_status_t tmlp_ckpt_peek(const tmlp_flash_t *flash, tmlp_desc_t *desc,
                             tmlp_model_info_t *info, uint32_t *seq)
{
    geom_t g;
    newest_t n;
    tmlp_status_t st;
    if (desc == NULL || info == NULL) {
        return TMLP_ERR_ARG;
    }
    st = geom_check(flash, &g);
    if (st == TMLP_OK) {
        st = find_newest(flash, &g, &n);
    }
    if (st == TMLP_OK) {
        st = adopt(flash, &g, &n);
    }
    if (st != TMLP_OK) {
        return st;
    }
    /* The scan kept only where the newest record is: verify it again for
     * its shape. It verified a moment ago, so a failure now is the flash's. */
    n.r.io = TMLP_OK;
    st = tmlp_model_peek(read_model, &n.r, (size_t)n.r.len, desc, info);
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
    geom_t g;
    newest_t n;
    tmlp_status_t st = tmlp_i_net_check(net); /* before the flash is touched */
    if (st != TMLP_OK) {
        return st;
    }
    if ((what & ~(TMLP_SAVE_OPTIM | TMLP_SAVE_FULL)) != 0u) {
        return TMLP_ERR_ARG;
    }
    st = geom_check(flash, &g);
    if (st == TMLP_OK) {
        st = find_newest(flash, &g, &n);
    }
    if (st == TMLP_OK) {
        st = adopt(flash, &g, &n);
    }
    if (st != TMLP_OK) {
        return st;
    }
    n.r.io = TMLP_OK;
    st = tmlp_model_load(net, what, read_model, &n.r, (size_t)n.r.len);
    if (n.r.io != TMLP_OK) {
        st = n.r.io;
    }
    if (st == TMLP_OK && seq != NULL) {
        *seq = n.seq;
    }
    return st;
}
