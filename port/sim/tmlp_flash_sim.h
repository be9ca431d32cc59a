/* SPDX-License-Identifier: MIT */
/* A simulated NOR flash in RAM, for tests on the host and on the Cortex-M
 * targets (portable C99, no POSIX). It enforces the rules a real chip
 * imposes and the library must respect, and it can lose power in the
 * middle of any program or erase operation.
 *
 * Rules enforced (a violation is refused, changes nothing, returns an error
 * and is counted in `violations`):
 * - program: address and length multiples of prog_bytes, inside one sector
 *   and inside the device; no bit may go from 0 to 1 (TMLP_ERR_STATE);
 * - erase: address a multiple of sector_bytes, inside the device;
 * - read: inside the device.
 *
 * Power cuts: tmlp_flash_sim_cut() arms a countdown of operations, where an
 * operation is one program unit or one sector erase. The operation it lands
 * on is "cut": a program unit ends up with an arbitrary subset of the bits
 * it was clearing, an erase leaves arbitrary content in its sector, and from
 * then on every call (reads too) fails with TMLP_ERR_IO until
 * tmlp_flash_sim_reboot(). The arbitrary outcomes come from a seeded
 * generator inside the struct, so every run repeats exactly.
 *
 * Weak bits (marginal cells), with a weak-bit map attached by
 * tmlp_flash_sim_weak(); without one (the default) no bit is ever weak.
 * A weak bit is a cell left between programmed and erased: it reads 0 on
 * some reads and 1 on others. The physics:
 * - only a cut operation leaves weak bits: a cut program among the bits it
 *   was clearing (each one cleared, left as it was, or weak), a cut erase
 *   among the sector's programmed bits (each one erased, left 0, or weak);
 * - a program that completes leaves every bit it clears solid, weak ones
 *   included (programming a weak bit to 0 makes it solid), and leaves the
 *   bits it does not clear as they were;
 * - an erase that completes leaves its whole sector solid (0xFF);
 * - how a weak bit reads is set by tmlp_flash_sim_weak_reads(): afresh on
 *   every read, the same for a whole boot (a per-boot seed that
 *   tmlp_flash_sim_reboot() changes), or always 0 or always 1;
 * - a weak bit may be programmed with either value: 0 makes it solid, 1
 *   leaves it weak (the caller cannot know which bits are weak; the 0 -> 1
 *   rule applies to solid 0 bits only).
 * The map is caller-owned: one bit per device bit (sector_count *
 * sector_bytes bytes, bit b of byte a = bit b of the device's byte a).
 * tmlp_flash_sim_make_weak() places weak bits directly, as a chosen cut
 * would leave them, to reproduce one exact state.
 *
 * Include as "sim/tmlp_flash_sim.h" with -Iport (or "tmlp_flash_sim.h" with
 * -Iport/sim); link port/sim/tmlp_flash_sim.c. */
#ifndef TMLP_FLASH_SIM_H
#define TMLP_FLASH_SIM_H

#include <stddef.h>
#include <stdint.h>

#include "tinymlp.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What a cut operation leaves behind. */
typedef enum {
    TMLP_SIM_CUT_RANDOM = 0, /* program: a random subset of the bits being cleared;
                                erase: each byte randomly half-erased (old | random
                                bits) or, per sector, wholly random bytes */
    TMLP_SIM_CUT_NONE = 1,   /* nothing changed: power failed just before the operation */
    TMLP_SIM_CUT_DONE = 2,   /* completed: power failed just after it */
    TMLP_SIM_CUT_WEAK = 3    /* program: every bit it was clearing left weak; erase:
                                every programmed bit of the sector left weak (needs a
                                weak-bit map) */
} tmlp_sim_cut_t;
/* With a weak-bit map, TMLP_SIM_CUT_RANDOM draws per bit among the three
 * outcomes of the physics above (cleared / left / weak for a program,
 * erased / left / weak for an erase), or for an erase, per sector, wholly
 * random solid bytes; without a map it is as described on the enum. */

/* How weak bits read (tmlp_flash_sim_weak_reads). */
typedef enum {
    TMLP_SIM_READ_PER_READ = 0, /* every read of a weak bit draws 0 or 1 afresh */
    TMLP_SIM_READ_PER_BOOT = 1, /* each weak bit reads the same until the next reboot */
    TMLP_SIM_READ_ZERO = 2,     /* every weak bit reads 0 (as programmed) */
    TMLP_SIM_READ_ONE = 3       /* every weak bit reads 1 (as erased) */
} tmlp_sim_read_t;

/* The simulator's state; caller-owned, fields read-only for the caller
 * except through the functions below. */
typedef struct {
    uint8_t *mem;            /* the device's bytes, sector_count * sector_bytes (borrowed) */
    uint32_t *erase_counts;  /* optional, sector_count entries: erases per sector (borrowed) */
    uint8_t *weak;           /* optional weak-bit map, one bit per device bit (borrowed) */
    uint32_t sector_bytes;   /* erase unit, bytes */
    uint32_t prog_bytes;     /* program unit, bytes */
    uint32_t sector_count;
    uint32_t ops;            /* program units and sector erases attempted since init */
    uint32_t cut_at;         /* the value of `ops` whose operation is cut; 0 = none armed */
    uint32_t violations;     /* refused calls that broke a rule (not counting power-off) */
    uint32_t read_seed;      /* weak bits' readings: the seed of this boot */
    uint32_t reads;          /* read calls so far (per-read readings) */
    tmlp_rng_t rng;          /* the cut outcomes' generator */
    uint8_t cut_mode;        /* a tmlp_sim_cut_t */
    uint8_t powered;         /* 0 from a cut until tmlp_flash_sim_reboot() */
    uint8_t read_mode;       /* a tmlp_sim_read_t */
    uint8_t reserved;
} tmlp_flash_sim_t;

/* Sets up a blank device (every byte 0xFF) in mem[sector_count *
 * sector_bytes], borrowed for the simulator's lifetime; erase_counts (may be
 * NULL) is zeroed. Errors: TMLP_ERR_ARG (NULL mem, zero sizes, sector_bytes
 * not a multiple of prog_bytes, a device of 2^32 bytes or more). */
tmlp_status_t tmlp_flash_sim_init(tmlp_flash_sim_t *sim, void *mem, uint32_t sector_bytes,
                                  uint32_t prog_bytes, uint32_t sector_count,
                                  uint32_t *erase_counts);

/* Fills *flash with the simulator's callbacks and geometry: the whole
 * device (base 0), two slots (slot_sectors 0). The caller may then narrow
 * base, sector_count and slot_sectors. Errors: TMLP_ERR_ARG. */
tmlp_status_t tmlp_flash_sim_flash(tmlp_flash_sim_t *sim, tmlp_flash_t *flash);

/* Arms a power cut: after `after` more operations complete, the next one is
 * cut with outcome `mode`; seed drives TMLP_SIM_CUT_RANDOM. Errors:
 * TMLP_ERR_ARG (NULL, unknown mode, powered off, TMLP_SIM_CUT_WEAK without
 * a weak-bit map). */
tmlp_status_t tmlp_flash_sim_cut(tmlp_flash_sim_t *sim, uint32_t after, tmlp_sim_cut_t mode,
                                 uint32_t seed);

/* Powers the device on again and disarms any cut; the contents stay as the
 * cut left them, weak bits included, and the per-boot readings of weak bits
 * change (a new seed derived from the last). Errors: TMLP_ERR_ARG. */
tmlp_status_t tmlp_flash_sim_reboot(tmlp_flash_sim_t *sim);

/* Attaches a weak-bit map of sector_count * sector_bytes bytes (borrowed,
 * zeroed here: no bit weak), or detaches it with NULL (weak bits then stay
 * at 0, solid). Weak bits read as TMLP_SIM_READ_PER_READ, seed 1, until
 * tmlp_flash_sim_weak_reads(). Errors: TMLP_ERR_ARG (NULL sim). */
tmlp_status_t tmlp_flash_sim_weak(tmlp_flash_sim_t *sim, uint8_t *map);

/* Sets how weak bits read from now on; seed drives the per-read and
 * per-boot readings (two runs with the same seeds read alike). Errors:
 * TMLP_ERR_ARG (NULL, unknown mode). */
tmlp_status_t tmlp_flash_sim_weak_reads(tmlp_flash_sim_t *sim, tmlp_sim_read_t mode,
                                        uint32_t seed);

/* Makes every programmed (0) bit of addr..addr+len weak, as a program
 * clearing them, cut at the right moment, would leave them. Not an
 * operation: counts nothing, works powered off too. Errors: TMLP_ERR_ARG
 * (NULL, no weak-bit map, out of range). */
tmlp_status_t tmlp_flash_sim_make_weak(tmlp_flash_sim_t *sim, uint32_t addr, size_t len);

/* The tmlp_flash_t callbacks; ctx is the tmlp_flash_sim_t. Errors:
 * TMLP_ERR_ARG (misaligned, out of range, NULL), TMLP_ERR_STATE (a 0 -> 1
 * bit: a 1 asked where a solid bit is 0), TMLP_ERR_IO (powered off,
 * including the cut operation itself). */
tmlp_status_t tmlp_flash_sim_read(void *ctx, uint32_t addr, void *buf, size_t len);
tmlp_status_t tmlp_flash_sim_prog(void *ctx, uint32_t addr, const void *buf, size_t len);
tmlp_status_t tmlp_flash_sim_erase(void *ctx, uint32_t addr);

#ifdef __cplusplus
}
#endif

#endif
