/* SPDX-License-Identifier: MIT */
/* Checkpoints on a simulated NOR flash with weak bits: cells that a cut
 * program or erase left between programmed and erased, which read 0 on one
 * read (or boot) and 1 on another. The rule checked, across boots: a load
 * or peek never hands out a checkpoint older than one a save reported saved
 * or a load or peek returned, never TMLP_ERR_NOT_FOUND once a save
 * completed, and what it loads is what that sequence number's save wrote.
 * Also: the simulator's weak-bit physics, the repair's cost, a flash that
 * refuses programs at boot, and the default two slots. */
#include <stdio.h>
#include <string.h>

#include "sim/tmlp_flash_sim.h"
#include "suites.h"
#include "tinymlp.h"
#include "tmlp_test.h"

#define W_DEV 1536u  /* device bytes, the largest geometry below */
#define W_SEQS 64u   /* sequence numbers a run can reach */
#define W_BOOTS 6u   /* boots after each first cut */
#define CKPT_W_UNIT 64u /* the largest prog call the faults below alter */

static uint8_t w_mem[W_DEV], w_map[W_DEV], w_snap[W_DEV];
static uint32_t w_wear[8];

/* The flash under test, through wrappers that see what each save
 * programs: the test's own record of which model each sequence number's
 * save wrote. */
typedef struct {
    tmlp_flash_sim_t sim;
    tmlp_flash_t fl;
    tmlp_net_t src, dst;
    uint32_t what;          /* what every save of the run stores */
    uint32_t slot_bytes;
    uint32_t in_save;       /* a save is running ... */
    uint32_t erased;        /* ... and has erased: its header programs are its record's */
    uint32_t saving;        /* weights-hash of the model that save writes */
    uint32_t expect[W_SEQS]; /* weights-hash each sequence number's save wrote (0: none) */
    uint32_t hi;            /* highest sequence number reported saved or handed out */
    uint32_t readonly;      /* prog refuses (TMLP_ERR_STATE), as a flash locked at boot */
    uint32_t reads, progs;  /* callback calls, for the faults below */
    uint32_t read_fail;     /* read call number that fails (TMLP_ERR_SHAPE); 0: none */
    uint32_t prog_fail;     /* prog call number that fails (TMLP_ERR_NUMERIC); 0: none */
    uint32_t prog_bad, bad; /* prog call number that goes wrong, and how: 1 keeps
                               nothing, 2 clears one more bit (the first 1 of its data) */
    uint32_t actions, handed, refused_io, repaired;
} rig_t;

static rig_t w_rig; /* every test's, one at a time */

static tmlp_status_t r_read(void *ctx, uint32_t addr, void *buf, size_t len)
{
    rig_t *r = (rig_t *)ctx;
    if (++r->reads == r->read_fail) {
        return TMLP_ERR_SHAPE;
    }
    return tmlp_flash_sim_read(&r->sim, addr, buf, len);
}

static tmlp_status_t r_prog(void *ctx, uint32_t addr, const void *buf, size_t len)
{
    rig_t *r = (rig_t *)ctx;
    const uint8_t *b = (const uint8_t *)buf;
    uint32_t seq;
    static uint8_t worse[CKPT_W_UNIT];
    size_t k;
    if (r->readonly) {
        return TMLP_ERR_STATE;
    }
    if (++r->progs == r->prog_fail) {
        return TMLP_ERR_NUMERIC;
    }
    if (r->progs == r->prog_bad && r->bad == 1u) {
        return TMLP_OK;
    }
    if (r->progs == r->prog_bad && len <= sizeof worse) {
        memcpy(worse, buf, len);
        for (k = 0; k < len && worse[k] == 0u; k++) {
        }
        if (k < len) {
            worse[k] = (uint8_t)(worse[k] & (uint8_t)(worse[k] - 1u));
        }
        return tmlp_flash_sim_prog(&r->sim, addr, worse, len);
    }
    /* A save's own header: at a slot's start, after its erase. */
    if (r->in_save && r->erased && addr % r->slot_bytes == 0u && len >= 20u) {
        seq = (uint32_t)b[4] | (uint32_t)b[5] << 8 | (uint32_t)b[6] << 16 | (uint32_t)b[7] << 24;
        CHECK(seq < W_SEQS);
        if (seq < W_SEQS) {
            r->expect[seq] = r->saving;
        }
    }
    return tmlp_flash_sim_prog(&r->sim, addr, buf, len);
}

static tmlp_status_t r_erase(void *ctx, uint32_t addr)
{
    rig_t *r = (rig_t *)ctx;
    r->erased |= r->in_save;
    return tmlp_flash_sim_erase(&r->sim, addr);
}

static uint32_t w_hash(const tmlp_net_t *net)
{
    uint32_t h = 0;
    CHECK_OK(tmlp_net_crc32(net, &h));
    return h;
}

/* A blank device of the given geometry with a weak-bit map. */
static void rig_setup(rig_t *r, uint32_t sector_bytes, uint32_t prog_bytes, uint32_t sectors,
                      uint32_t slot_sectors, uint32_t what)
{
    uint32_t per = slot_sectors != 0u ? slot_sectors : sectors / 2u;
    CHECK(sector_bytes * sectors <= W_DEV && sectors <= 8u);
    memset(r->expect, 0, sizeof r->expect);
    CHECK_OK(tmlp_flash_sim_init(&r->sim, w_mem, sector_bytes, prog_bytes, sectors, w_wear));
    CHECK_OK(tmlp_flash_sim_weak(&r->sim, w_map));
    CHECK_OK(tmlp_flash_sim_flash(&r->sim, &r->fl));
    r->fl.read = r_read;
    r->fl.prog = r_prog;
    r->fl.erase = r_erase;
    r->fl.ctx = r;
    r->fl.slot_sectors = slot_sectors;
    r->slot_bytes = per * sector_bytes;
    r->what = what;
    r->hi = 0;
    r->readonly = 0;
    r->read_fail = r->prog_fail = r->prog_bad = 0;
}

/* Saves model `model` (ckpt_test_net's seed); returns the save's status,
 * after the rule's checks when it reports success. */
static tmlp_status_t rig_save(rig_t *r, uint32_t model)
{
    uint32_t seq = 0;
    tmlp_status_t st;
    r->saving = ckpt_test_net(&r->src, 0, model);
    r->in_save = 1;
    r->erased = 0;
    st = tmlp_ckpt_save(&r->fl, &r->src, r->what, &seq);
    r->in_save = 0;
    r->actions++;
    if (st == TMLP_OK) {
        CHECK(seq < W_SEQS && seq > r->hi && r->expect[seq] == r->saving);
        r->hi = seq;
    }
    return st;
}

/* Loads (peek = 0) or peeks (peek = 1) and checks the rule: never older
 * than r->hi, never NOT_FOUND once a save completed, the bytes that
 * sequence number's save wrote. TMLP_ERR_IO is allowed only where weak
 * bits read afresh on every read (a repair that read them differently). */
static void rig_use(rig_t *r, int peek)
{
    tmlp_desc_t d;
    tmlp_model_info_t info;
    uint32_t seq = 0;
    tmlp_status_t st;
    uint32_t ops = r->sim.ops;
    (void)ckpt_test_net(&r->dst, 1, 999u);
    if (peek) {
        st = tmlp_ckpt_peek(&r->fl, &d, &info, &seq);
    } else {
        st = tmlp_ckpt_load(&r->fl, &r->dst, r->what, &seq);
    }
    r->actions++;
    r->repaired += r->sim.ops != ops ? 1u : 0u;
    if (st == TMLP_ERR_IO && r->sim.read_mode == (uint8_t)TMLP_SIM_READ_PER_READ) {
        r->refused_io++;
        return;
    }
    if (r->hi == 0u && st == TMLP_ERR_NOT_FOUND) {
        return;
    }
    CHECK_OK(st);
    if (st != TMLP_OK) {
        return;
    }
    r->handed++;
    CHECK(seq < W_SEQS && seq >= r->hi && r->expect[seq] != 0u);
    if (!peek && seq < W_SEQS) {
        CHECK(w_hash(&r->dst) == r->expect[seq]);
    }
    r->hi = seq;
}

/* Record layout of an 8-byte program unit: header unit 24 bytes, confirm
 * unit 8, model file from slot offset 32. */
#define H8 24u

/* The reproduction: 512-byte sectors, one slot each, 8-byte units. Save A
 * completes; save B is cut at the end of its header program, byte 19 (the
 * header CRC's top byte) left weak; boot 1 reads the weak bits 0 and loads
 * B; a save of C erases the slot after B and is cut at its first program;
 * boot 2 reads the weak bits 1. Without the repair, boot 2 finds nothing
 * (two slots) or A again (three). */
static void repro(uint32_t sectors)
{
    rig_t *const w = &w_rig;
    uint32_t steps, ops0, seq = 0, hb;
    rig_setup(w, 512, 8, sectors, 1, TMLP_SAVE_OPTIM);
    ops0 = w->sim.ops;
    CHECK_OK(rig_save(w, 1));
    steps = w->sim.ops - ops0;
    CHECK(w->hi == 1u);
    /* B: erase, model file, header (3 units), confirm: cut on the
     * header's last unit, which completes; then byte 19 made weak. */
    CHECK_OK(tmlp_flash_sim_cut(&w->sim, steps - 2u, TMLP_SIM_CUT_DONE, 0));
    CHECK_ERR(rig_save(w, 2), TMLP_ERR_IO);
    CHECK_OK(tmlp_flash_sim_make_weak(&w->sim, 512u + 19u, 1));
    CHECK(w_map[512u + 19u] != 0u && w_map[512u + 24u] == 0u);
    hb = w->expect[2];
    /* Boot 1: the weak bits read 0, B verifies. */
    CHECK_OK(tmlp_flash_sim_reboot(&w->sim));
    CHECK_OK(tmlp_flash_sim_weak_reads(&w->sim, TMLP_SIM_READ_ZERO, 0));
    (void)ckpt_test_net(&w->dst, 1, 999u);
    CHECK_OK(tmlp_ckpt_load(&w->fl, &w->dst, TMLP_SAVE_OPTIM, &seq));
    CHECK(seq == 2u && w_hash(&w->dst) == hb);
    /* C: erases the slot after B's (A's with two slots), cut at its
     * first program. */
    CHECK_OK(tmlp_flash_sim_cut(&w->sim, 1, TMLP_SIM_CUT_NONE, 0));
    CHECK_ERR(rig_save(w, 3), TMLP_ERR_IO);
    /* Boot 2: the weak bits (if any are left) read 1. */
    CHECK_OK(tmlp_flash_sim_reboot(&w->sim));
    CHECK_OK(tmlp_flash_sim_weak_reads(&w->sim, TMLP_SIM_READ_ONE, 0));
    (void)ckpt_test_net(&w->dst, 1, 999u);
    seq = 0;
    CHECK_OK(tmlp_ckpt_load(&w->fl, &w->dst, TMLP_SAVE_OPTIM, &seq));
    CHECK(seq == 2u && w_hash(&w->dst) == hb);
    CHECK(w->sim.violations == 0u);
}

TMLP_TEST(ckpt_weak_header_never_lost_two_slots)
{
    repro(2);
}

TMLP_TEST(ckpt_weak_header_never_rolls_back_three_slots)
{
    repro(3);
}

/* A record whose header program was cut (never confirmed), read as not
 * valid by a save that then erases its slot, and that erase cut with every
 * programmed bit of the sector left weak: on a boot that reads them 0 the
 * record is whole again, newer than anything handed out. It is handed out
 * only after all of it (the model file too, whose bits the cut erase
 * weakened) is programmed again: the next boot, reading the weak bits 1,
 * still loads it. */
TMLP_TEST(ckpt_record_under_cut_erase_repaired_whole)
{
    rig_t *const w = &w_rig;
    uint32_t steps, ops0, seq = 0, hb;
    rig_setup(w, 512, 8, 2, 1, TMLP_SAVE_OPTIM);
    CHECK_OK(rig_save(w, 1));
    ops0 = w->sim.ops;
    CHECK_OK(rig_save(w, 2));
    steps = w->sim.ops - ops0;
    /* Seq 3 into slot 0, its header's last unit left weak (cut). */
    CHECK_OK(tmlp_flash_sim_cut(&w->sim, steps - 2u, TMLP_SIM_CUT_WEAK, 0));
    CHECK_ERR(rig_save(w, 3), TMLP_ERR_IO);
    hb = w->expect[3];
    /* Boot 1 reads them 1: seq 2 loads, and the next save erases slot 0,
     * cut with every programmed bit of the sector left weak. */
    CHECK_OK(tmlp_flash_sim_reboot(&w->sim));
    CHECK_OK(tmlp_flash_sim_weak_reads(&w->sim, TMLP_SIM_READ_ONE, 0));
    rig_use(w, 0);
    CHECK(w->hi == 2u);
    CHECK_OK(tmlp_flash_sim_cut(&w->sim, 0, TMLP_SIM_CUT_WEAK, 0));
    CHECK_ERR(rig_save(w, 4), TMLP_ERR_IO);
    /* Boot 2 reads them 0: seq 3 is whole again, and newest. */
    CHECK_OK(tmlp_flash_sim_reboot(&w->sim));
    CHECK_OK(tmlp_flash_sim_weak_reads(&w->sim, TMLP_SIM_READ_ZERO, 0));
    (void)ckpt_test_net(&w->dst, 1, 999u);
    CHECK_OK(tmlp_ckpt_load(&w->fl, &w->dst, TMLP_SAVE_OPTIM, &seq));
    CHECK(seq == 3u && w_hash(&w->dst) == hb);
    /* Boot 3 reads every weak bit left 1: it must find seq 3 again. */
    CHECK_OK(tmlp_flash_sim_reboot(&w->sim));
    CHECK_OK(tmlp_flash_sim_weak_reads(&w->sim, TMLP_SIM_READ_ONE, 0));
    (void)ckpt_test_net(&w->dst, 1, 999u);
    seq = 0;
    CHECK_OK(tmlp_ckpt_load(&w->fl, &w->dst, TMLP_SAVE_OPTIM, &seq));
    CHECK(seq == 3u && w_hash(&w->dst) == hb);
    CHECK(w->sim.violations == 0u);
}

/* What a repair costs and when it happens: a complete save leaves nothing
 * to repair (loads and peeks write nothing); after a save cut in its
 * header, the first load programs the record once more (every unit of the
 * model file and of the header, then the confirm unit) and later ones
 * write nothing. A flash that refuses programs at boot gets the prog
 * callback's error from that first load, nothing handed out and the net
 * unchanged, and the record is still there for a boot that may write. */
TMLP_TEST(ckpt_repair_once_per_cut_save_and_only_then)
{
    rig_t *const w = &w_rig;
    tmlp_desc_t d;
    tmlp_model_info_t info;
    size_t model = 0;
    uint32_t steps, ops0, seq = 0, h0;
    rig_setup(w, 512, 8, 2, 1, TMLP_SAVE_OPTIM);
    ops0 = w->sim.ops;
    CHECK_OK(rig_save(w, 1));
    steps = w->sim.ops - ops0;
    CHECK_OK(tmlp_model_size(&w->src, TMLP_SAVE_OPTIM, &model));
    /* erase, model units, 3 header units, 1 confirm unit */
    CHECK(steps == 1u + (uint32_t)TMLP_CKPT_ROUND_UP(model, 8) / 8u + 3u + 1u);
    ops0 = w->sim.ops;
    rig_use(w, 0);
    rig_use(w, 1);
    CHECK(w->sim.ops == ops0 && w->hi == 1u);
    /* Cut on the header's last unit, left weak; the weak bits read 0. */
    CHECK_OK(tmlp_flash_sim_cut(&w->sim, steps - 2u, TMLP_SIM_CUT_WEAK, 0));
    CHECK_ERR(rig_save(w, 2), TMLP_ERR_IO);
    CHECK_OK(tmlp_flash_sim_reboot(&w->sim));
    CHECK_OK(tmlp_flash_sim_weak_reads(&w->sim, TMLP_SIM_READ_ZERO, 0));
    /* Read-only at this boot: the prog callback's error, nothing handed
     * out, the net unchanged. */
    w->readonly = 1;
    h0 = ckpt_test_net(&w->dst, 1, 999u);
    CHECK_ERR(tmlp_ckpt_load(&w->fl, &w->dst, TMLP_SAVE_OPTIM, &seq), TMLP_ERR_STATE);
    CHECK_ERR(tmlp_ckpt_peek(&w->fl, &d, &info, &seq), TMLP_ERR_STATE);
    CHECK(seq == 0u && w_hash(&w->dst) == h0 && w->sim.ops == ops0 + steps - 1u);
    w->readonly = 0;
    ops0 = w->sim.ops;
    rig_use(w, 1);
    CHECK(w->hi == 2u && w->sim.ops == ops0 + steps - 1u); /* all but the erase */
    ops0 = w->sim.ops;
    rig_use(w, 0);
    rig_use(w, 1);
    CHECK(w->hi == 2u && w->sim.ops == ops0);
    CHECK(w->sim.violations == 0u && w_wear[0] == 1u && w_wear[1] == 1u);
}

/* One weak bit in the header of a record whose save was cut, read afresh on
 * every read: a load either finds the record not valid and loads the one
 * before, or finds it valid and repairs it, or finds it valid in the scan
 * and not in the repair's second reading: TMLP_ERR_IO, nothing handed out,
 * the net unchanged, nothing erased; a later load still obeys the rule. */
TMLP_TEST(ckpt_repair_refused_when_reads_differ)
{
    rig_t *const w = &w_rig;
    uint32_t steps, ops0, seed, seq, h0, old = 0, fixed = 0, refused = 0, b = 512u + 17u;
    uint8_t bit;
    tmlp_status_t st;
    rig_setup(w, 512, 8, 2, 1, TMLP_SAVE_OPTIM);
    ops0 = w->sim.ops;
    CHECK_OK(rig_save(w, 1));
    steps = w->sim.ops - ops0;
    CHECK_OK(tmlp_flash_sim_cut(&w->sim, steps - 2u, TMLP_SIM_CUT_DONE, 0));
    CHECK_ERR(rig_save(w, 2), TMLP_ERR_IO);
    CHECK_OK(tmlp_flash_sim_reboot(&w->sim));
    /* One programmed bit of the header CRC left weak. */
    CHECK_OK(tmlp_flash_sim_make_weak(&w->sim, b, 1));
    CHECK(w_map[b] != 0u);
    bit = (uint8_t)(w_map[b] & (uint8_t)(0u - w_map[b]));
    memcpy(w_snap, w_mem, W_DEV);
    for (seed = 0; seed < 64u; seed++) {
        memcpy(w_mem, w_snap, W_DEV);
        memset(w_map, 0, W_DEV);
        w_map[b] = bit;
        w->hi = 1;
        CHECK_OK(tmlp_flash_sim_weak_reads(&w->sim, TMLP_SIM_READ_PER_READ, seed));
        h0 = ckpt_test_net(&w->dst, 1, 999u);
        seq = 0;
        ops0 = w->sim.ops;
        st = tmlp_ckpt_load(&w->fl, &w->dst, TMLP_SAVE_OPTIM, &seq);
        if (st == TMLP_ERR_IO) {
            refused++;
            CHECK(seq == 0u && w_hash(&w->dst) == h0 && w_wear[0] == 1u && w_wear[1] == 1u);
            CHECK(w->sim.ops == ops0); /* refused before any program */
        } else {
            CHECK_OK(st);
            CHECK((seq == 1u && w_hash(&w->dst) == w->expect[1]) ||
                  (seq == 2u && w_hash(&w->dst) == w->expect[2] && w->sim.ops > ops0));
            old += seq == 1u ? 1u : 0u;
            fixed += seq == 2u ? 1u : 0u;
        }
        /* Whatever that load did, the next ones obey the rule. */
        w->hi = st == TMLP_OK ? seq : 1u;
        rig_use(w, 0);
        rig_use(w, 1);
    }
    CHECK(old > 0u && fixed > 0u && refused > 0u && w->sim.violations == 0u);
}

/* A repair that meets a failing flash: a read or a program that fails at
 * any point, a program that keeps nothing or clears a bit too many. The
 * load returns the callback's error or TMLP_ERR_IO and hands nothing out;
 * a program fault leaves the net unchanged; nothing is erased. */
TMLP_TEST(ckpt_repair_failures_hand_out_nothing)
{
    rig_t *const w = &w_rig;
    uint32_t steps, ops0, k, seq, h0, reads, progs, kind, failed = 0;
    tmlp_status_t st;
    rig_setup(w, 512, 8, 2, 1, TMLP_SAVE_OPTIM);
    ops0 = w->sim.ops;
    CHECK_OK(rig_save(w, 1));
    steps = w->sim.ops - ops0;
    CHECK_OK(tmlp_flash_sim_cut(&w->sim, steps - 2u, TMLP_SIM_CUT_WEAK, 0));
    CHECK_ERR(rig_save(w, 2), TMLP_ERR_IO);
    CHECK_OK(tmlp_flash_sim_reboot(&w->sim));
    CHECK_OK(tmlp_flash_sim_weak_reads(&w->sim, TMLP_SIM_READ_ZERO, 0));
    memcpy(w_snap, w_mem, 1024u);
    memcpy(w_snap + 1024u, w_map, 512u); /* the weak bits are all in the second sector */
    /* A clean run: how many reads and programs the load makes. */
    w->reads = w->progs = 0;
    (void)ckpt_test_net(&w->dst, 1, 999u);
    CHECK_OK(tmlp_ckpt_load(&w->fl, &w->dst, TMLP_SAVE_OPTIM, &seq));
    /* calls: the header (3 units), each model file unit, the confirm unit */
    CHECK(seq == 2u && w->progs == steps - 3u);
    reads = w->reads;
    progs = w->progs;
    for (kind = 0; kind < 4u; kind++) {
        uint32_t n = kind == 0u ? reads : progs;
        for (k = 1; k <= n; k++) {
            memcpy(w_mem, w_snap, 1024u);
            memset(w_map, 0, 512u);
            memcpy(w_map + 512u, w_snap + 1024u, 512u);
            w->reads = w->progs = 0;
            w->read_fail = kind == 0u ? k : 0u;
            w->prog_fail = kind == 1u ? k : 0u;
            w->prog_bad = kind >= 2u ? k : 0u;
            w->bad = kind - 1u;
            h0 = ckpt_test_net(&w->dst, 1, 999u);
            seq = 0;
            st = tmlp_ckpt_load(&w->fl, &w->dst, TMLP_SAVE_OPTIM, &seq);
            if (st == TMLP_OK) {
                /* a fault the load does not see: the header's padding, or a
                 * read after the record's last check */
                CHECK(seq == 2u && w_hash(&w->dst) == w->expect[2]);
                continue;
            }
            failed++;
            CHECK(st == (kind == 0u   ? TMLP_ERR_SHAPE
                         : kind == 1u ? TMLP_ERR_NUMERIC
                                      : TMLP_ERR_IO));
            CHECK(seq == 0u && w_wear[0] == 1u && w_wear[1] == 1u);
            /* A read failing in tmlp_model_load's write pass may leave the
             * net partly written (its contract); a repair's faults never. */
            CHECK(kind == 0u || w_hash(&w->dst) == h0);
        }
    }
    w->read_fail = w->prog_fail = w->prog_bad = 0;
    CHECK(failed > reads / 2u && w->sim.violations == 0u);
}

/* ---- the sweep ---- */

typedef struct {
    uint32_t sector_bytes, prog_bytes, sectors, slot_sectors, what;
} wgeo_t;

static const wgeo_t WGEOS[] = {
    {512, 8, 2, 1, TMLP_SAVE_OPTIM}, /* the reproduction's flash */
    {256, 8, 3, 1, 0},               /* three slots, a smaller model file */
    {128, 4, 6, 3, TMLP_SAVE_OPTIM}, /* slots of three sectors: a cut erase of one of them */
    {512, 32, 3, 1, 0}               /* 32-byte units (STM32H7-like), three slots */
};

static const tmlp_sim_read_t READS[4] = {TMLP_SIM_READ_PER_BOOT, TMLP_SIM_READ_ZERO,
                                         TMLP_SIM_READ_PER_READ, TMLP_SIM_READ_ONE};

/* A save of model `model` cut at operation `at` of it (past its end: not
 * cut) with outcome `mode`, then a reboot (which also disarms a cut that a
 * complete save did not reach). */
static void cut_save(rig_t *r, uint32_t model, uint32_t at, tmlp_sim_cut_t mode, uint32_t seed)
{
    tmlp_status_t st;
    CHECK_OK(tmlp_flash_sim_cut(&r->sim, at, mode, seed));
    st = rig_save(r, model);
    CHECK(st == TMLP_OK || st == TMLP_ERR_IO);
    CHECK_OK(tmlp_flash_sim_reboot(&r->sim));
}

/* A complete save: it succeeds, unless a repair it needed read weak bits
 * differently (per-read readings only). */
static void full_save(rig_t *r, uint32_t model)
{
    tmlp_status_t st = rig_save(r, model);
    if (st != TMLP_OK) {
        CHECK_ERR(st, TMLP_ERR_IO);
        CHECK(r->sim.read_mode == (uint8_t)TMLP_SIM_READ_PER_READ);
        r->refused_io++;
    }
}

static const tmlp_sim_cut_t MODES[2] = {TMLP_SIM_CUT_WEAK, TMLP_SIM_CUT_RANDOM};

/* A boot reading weak bits as `mode`. */
static void boot(rig_t *r, tmlp_sim_read_t mode, uint32_t seed)
{
    CHECK_OK(tmlp_flash_sim_reboot(&r->sim));
    CHECK_OK(tmlp_flash_sim_weak_reads(&r->sim, mode, seed));
}

/* Back to the snapshot (models 1 and 2 saved, seq 2), then the save of
 * model 3 cut at operation i with outcome MODES[m]. */
static void first_cut(rig_t *r, uint32_t g, uint32_t i, uint32_t m)
{
    memcpy(w_mem, w_snap, W_DEV);
    memset(w_map, 0, W_DEV);
    memset(r->expect + 3, 0, sizeof r->expect - 3u * sizeof r->expect[0]);
    r->hi = 2;
    CHECK_OK(tmlp_flash_sim_reboot(&r->sim));
    cut_save(r, 3, i, MODES[m], 1000u * i + 7u * m + g);
}

/* Last, a boot that saves and loads: the newest model comes back. */
static void last_boot(rig_t *r, uint32_t model, uint32_t seed)
{
    uint32_t seq = 0;
    boot(r, TMLP_SIM_READ_PER_BOOT, seed);
    CHECK_OK(rig_save(r, model));
    (void)ckpt_test_net(&r->dst, 1, 999u);
    CHECK_OK(tmlp_ckpt_load(&r->fl, &r->dst, r->what, &seq));
    CHECK(seq == r->hi && w_hash(&r->dst) == r->expect[seq]);
}

/* After first_cut(i, m): W_BOOTS boots, each reading weak bits its own way
 * and doing one of: load, peek, a save cut somewhere, a complete save; the
 * rule checked after each. */
static void scenario(rig_t *r, uint32_t g, uint32_t i, uint32_t m, uint32_t steps)
{
    uint32_t b, model = 4, x;
    first_cut(r, g, i, m);
    for (b = 0; b < W_BOOTS; b++) {
        x = i + 3u * b + m + g;
        boot(r, READS[x % 4u], 77u * i + b);
        switch ((i + 2u * b + m) % 5u) {
        case 0: rig_use(r, 0); break;
        case 1: rig_use(r, 1); break;
        case 2: full_save(r, model++); break;
        default:
            cut_save(r, model++, (i * 5u + b * 3u) % (steps + 1u), MODES[(b + m) & 1u],
                     i * 31u + b);
            break;
        }
        if (b % 2u == 1u) {
            rig_use(r, (int)(b / 2u) & 1);
        }
    }
    last_boot(r, model, i);
}

/* After first_cut(i, m), a chain: a load or peek; a save cut at its
 * operation j (erases, header and confirm, every 4th other), on a boot
 * where the first cut's record may read not valid; then boots reading weak
 * bits 0, 1, afresh, each loading, peeking or saving. */
static void chain(rig_t *r, uint32_t g, uint32_t i, uint32_t m, uint32_t j)
{
    first_cut(r, g, i, m);
    boot(r, READS[j % 4u], j);
    rig_use(r, (int)(j & 1u));
    boot(r, (j / 2u) % 2u == 0u ? TMLP_SIM_READ_ONE : TMLP_SIM_READ_PER_BOOT, j);
    cut_save(r, 4, j, MODES[(j + m) & 1u], 31u * i + j);
    boot(r, TMLP_SIM_READ_ZERO, 0);
    rig_use(r, 0);
    boot(r, TMLP_SIM_READ_ONE, 0);
    rig_use(r, 1);
    rig_use(r, 0);
    boot(r, TMLP_SIM_READ_PER_READ, i + j);
    full_save(r, 5);
    rig_use(r, 0);
    last_boot(r, 6, j);
}

TMLP_TEST(ckpt_weak_bits_never_roll_back_across_boots)
{
    rig_t *const w = &w_rig;
    uint32_t g, i, m, j, steps, ops0, cuts = 0, chains = 0;
    size_t need = 0;
    memset(w, 0, sizeof *w);
    for (g = 0; g < sizeof WGEOS / sizeof WGEOS[0]; g++) {
        const wgeo_t *geo = &WGEOS[g];
        rig_setup(w, geo->sector_bytes, geo->prog_bytes, geo->sectors, geo->slot_sectors,
                  geo->what);
        (void)ckpt_test_net(&w->src, 0, 1);
        CHECK_OK(tmlp_ckpt_size(&w->src, geo->what, geo->prog_bytes, &need));
        CHECK(need <= w->slot_bytes);
        CHECK_OK(rig_save(w, 1));
        ops0 = w->sim.ops;
        CHECK_OK(rig_save(w, 2));
        steps = w->sim.ops - ops0;
        memcpy(w_snap, w_mem, W_DEV);
        for (i = 0; i < steps; i++) {
            for (m = 0; m < 2u; m++) {
                scenario(w, g, i, m, steps);
                cuts++;
                for (j = 0; j <= steps; j++) {
                    if (j < geo->slot_sectors || j + 6u > steps || j % 4u == 0u) {
                        chain(w, g, i, m, j);
                        chains++;
                    }
                }
            }
        }
        CHECK(w->sim.violations == 0u);
    }
    /* Records were handed out, some after a repair. */
    CHECK(w->handed > 0u && w->repaired > 0u);
    printf("ckpt weak-bit scenarios: %lu first cuts, %lu chains, %lu calls, %lu loads/peeks "
           "handed out (%lu repaired first, %lu refused: TMLP_ERR_IO)\n",
           (unsigned long)cuts, (unsigned long)chains, (unsigned long)w->actions,
           (unsigned long)w->handed, (unsigned long)w->repaired, (unsigned long)w->refused_io);
}

/* ---- the simulator's weak bits ---- */

TMLP_TEST(sim_weak_bits_read_both_ways)
{
    static tmlp_flash_sim_t sim;
    uint8_t u[4], r[4], first = 0;
    uint32_t k, ones = 0, zeros = 0, changed = 0;
    CHECK_OK(tmlp_flash_sim_init(&sim, w_mem, 64, 4, 4, NULL));
    CHECK_ERR(tmlp_flash_sim_cut(&sim, 0, TMLP_SIM_CUT_WEAK, 0), TMLP_ERR_ARG); /* no map */
    CHECK_ERR(tmlp_flash_sim_make_weak(&sim, 0, 4), TMLP_ERR_ARG);
    CHECK_OK(tmlp_flash_sim_weak(&sim, w_map));
    CHECK_ERR(tmlp_flash_sim_make_weak(&sim, 252, 8), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_flash_sim_weak_reads(&sim, (tmlp_sim_read_t)4, 0), TMLP_ERR_ARG);
    /* A program of 0x00 cut with every bit it clears left weak. */
    memset(u, 0x00, sizeof u);
    CHECK_OK(tmlp_flash_sim_cut(&sim, 0, TMLP_SIM_CUT_WEAK, 0));
    CHECK_ERR(tmlp_flash_sim_prog(&sim, 8, u, 4), TMLP_ERR_IO);
    CHECK_OK(tmlp_flash_sim_reboot(&sim));
    CHECK(w_map[8] == 0xFFu && w_mem[8] == 0x00u && w_map[12] == 0u);
    CHECK_OK(tmlp_flash_sim_weak_reads(&sim, TMLP_SIM_READ_ZERO, 0));
    CHECK_OK(tmlp_flash_sim_read(&sim, 8, r, 4));
    CHECK(r[0] == 0x00u && r[3] == 0x00u);
    CHECK_OK(tmlp_flash_sim_weak_reads(&sim, TMLP_SIM_READ_ONE, 0));
    CHECK_OK(tmlp_flash_sim_read(&sim, 8, r, 4));
    CHECK(r[0] == 0xFFu && r[3] == 0xFFu);
    /* Per read: bit 0 of byte 8 reads both ways over 64 reads. */
    CHECK_OK(tmlp_flash_sim_weak_reads(&sim, TMLP_SIM_READ_PER_READ, 5));
    for (k = 0; k < 64u; k++) {
        CHECK_OK(tmlp_flash_sim_read(&sim, 8, r, 1));
        ones += r[0] & 1u;
        zeros += (r[0] & 1u) ^ 1u;
    }
    CHECK(ones > 0u && zeros > 0u);
    /* Per boot: the same within a boot, different across some boots. */
    CHECK_OK(tmlp_flash_sim_weak_reads(&sim, TMLP_SIM_READ_PER_BOOT, 5));
    for (k = 0; k < 16u; k++) {
        CHECK_OK(tmlp_flash_sim_read(&sim, 8, u, 4));
        CHECK_OK(tmlp_flash_sim_read(&sim, 8, r, 4));
        CHECK(memcmp(u, r, 4) == 0);
        changed += k > 0u && r[0] != first ? 1u : 0u;
        first = r[0];
        CHECK_OK(tmlp_flash_sim_reboot(&sim));
    }
    CHECK(changed > 0u && sim.violations == 0u);
}

TMLP_TEST(sim_weak_bits_made_solid_by_program_and_erase)
{
    static tmlp_flash_sim_t sim;
    uint8_t u[4], r[4];
    uint32_t k;
    CHECK_OK(tmlp_flash_sim_init(&sim, w_mem, 64, 4, 4, NULL));
    CHECK_OK(tmlp_flash_sim_weak(&sim, w_map));
    CHECK_OK(tmlp_flash_sim_weak_reads(&sim, TMLP_SIM_READ_ONE, 0));
    u[0] = 0x0F;
    u[1] = 0x00;
    u[2] = 0xF0;
    u[3] = 0xFF;
    CHECK_OK(tmlp_flash_sim_prog(&sim, 0, u, 4));
    CHECK_OK(tmlp_flash_sim_make_weak(&sim, 0, 4)); /* every 0 bit weak */
    CHECK(w_map[0] == 0xF0u && w_map[1] == 0xFFu && w_map[3] == 0u);
    CHECK_OK(tmlp_flash_sim_read(&sim, 0, r, 4));
    CHECK(r[0] == 0xFFu && r[1] == 0xFFu && r[3] == 0xFFu);
    /* A weak bit may be asked for a 1 (it stays weak), a solid 0 may not. */
    memset(u + 1, 0xFF, 1);
    u[0] = 0xFF;
    u[2] = 0xFF;
    u[3] = 0xFF;
    CHECK_OK(tmlp_flash_sim_prog(&sim, 0, u, 4));
    CHECK(w_map[0] == 0xF0u && sim.violations == 0u);
    /* Programmed again with the same bytes: solid, read 1 or not. */
    u[0] = 0x0F;
    u[1] = 0x00;
    u[2] = 0xF0;
    u[3] = 0xFF;
    CHECK_OK(tmlp_flash_sim_prog(&sim, 0, u, 4));
    CHECK(w_map[0] == 0u && w_map[1] == 0u && w_map[2] == 0u);
    CHECK_OK(tmlp_flash_sim_read(&sim, 0, r, 4));
    CHECK(memcmp(r, u, 4) == 0);
    u[0] = 0x1F; /* a 1 over a solid 0: refused */
    CHECK_ERR(tmlp_flash_sim_prog(&sim, 0, u, 4), TMLP_ERR_STATE);
    /* A cut erase leaves programmed bits weak (at 1); one that completes
     * makes the sector solid. */
    CHECK_OK(tmlp_flash_sim_cut(&sim, 0, TMLP_SIM_CUT_WEAK, 0));
    CHECK_ERR(tmlp_flash_sim_erase(&sim, 0), TMLP_ERR_IO);
    CHECK_OK(tmlp_flash_sim_reboot(&sim));
    CHECK(w_map[0] == 0xF0u && w_map[1] == 0xFFu && w_map[3] == 0u);
    CHECK_OK(tmlp_flash_sim_weak_reads(&sim, TMLP_SIM_READ_ZERO, 0));
    CHECK_OK(tmlp_flash_sim_read(&sim, 0, r, 4));
    u[0] = 0x0F;
    CHECK(memcmp(r, u, 4) == 0); /* reads as before the erase */
    CHECK_OK(tmlp_flash_sim_erase(&sim, 0));
    CHECK_OK(tmlp_flash_sim_read(&sim, 0, r, 4));
    CHECK(r[0] == 0xFFu && r[1] == 0xFFu);
    for (k = 0; k < 64u; k++) {
        CHECK(w_map[k] == 0u && w_mem[k] == 0xFFu);
    }
    /* A random cut program with a map: each bit it clears ends cleared,
     * left 1 or weak, never anything else. */
    memset(u, 0x00, sizeof u);
    CHECK_OK(tmlp_flash_sim_cut(&sim, 0, TMLP_SIM_CUT_RANDOM, 9));
    CHECK_ERR(tmlp_flash_sim_prog(&sim, 4, u, 4), TMLP_ERR_IO);
    CHECK_OK(tmlp_flash_sim_reboot(&sim));
    for (k = 4; k < 8u; k++) {
        CHECK((w_map[k] & w_mem[k]) == 0u); /* weak bits are stored at 0 */
    }
    CHECK(w_map[4] != 0u || w_map[5] != 0u || w_map[6] != 0u || w_map[7] != 0u);
    CHECK(sim.violations == 1u);
    /* Detached: no bit weak any more, reads as stored. */
    CHECK_OK(tmlp_flash_sim_weak(&sim, NULL));
    CHECK_OK(tmlp_flash_sim_read(&sim, 4, r, 4));
    CHECK(memcmp(r, w_mem + 4, 4) == 0);
}

/* slot_sectors 0 means two slots of sector_count / 2 sectors: with three
 * sectors, the third is never written nor erased. */
TMLP_TEST(ckpt_two_slots_by_default_odd_sector_unused)
{
    rig_t *const w = &w_rig;
    uint32_t k, seq = 0;
    rig_setup(w, 512, 8, 3, 0, TMLP_SAVE_OPTIM);
    for (k = 1; k <= 5u; k++) {
        CHECK_OK(rig_save(w, k));
        CHECK(w->hi == k);
    }
    CHECK(w_wear[0] == 3u && w_wear[1] == 2u && w_wear[2] == 0u);
    for (k = 1024; k < 1536u; k++) {
        CHECK(w_mem[k] == 0xFFu);
    }
    (void)ckpt_test_net(&w->dst, 1, 999u);
    CHECK_OK(tmlp_ckpt_load(&w->fl, &w->dst, TMLP_SAVE_OPTIM, &seq));
    CHECK(seq == 5u && w_hash(&w->dst) == w->expect[5]);
}

void suite_ckpt_weak(void)
{
    RUN(sim_weak_bits_read_both_ways);
    RUN(sim_weak_bits_made_solid_by_program_and_erase);
    RUN(ckpt_weak_header_never_lost_two_slots);
    RUN(ckpt_weak_header_never_rolls_back_three_slots);
    RUN(ckpt_record_under_cut_erase_repaired_whole);
    RUN(ckpt_repair_once_per_cut_save_and_only_then);
    RUN(ckpt_repair_refused_when_reads_differ);
    RUN(ckpt_repair_failures_hand_out_nothing);
    RUN(ckpt_two_slots_by_default_odd_sector_unused);
    RUN(ckpt_weak_bits_never_roll_back_across_boots);
}
