/* SPDX-License-Identifier: MIT */
/* Simulated NOR flash in RAM with rule checks, power cuts and weak bits:
 * see tmlp_flash_sim.h. A weak bit is stored as 0 in mem with its bit set
 * in the map; mem alone is what the device holds when no bit is weak. */
#include "tmlp_flash_sim.h"

#include <string.h>

static uint32_t device_bytes(const tmlp_flash_sim_t *sim)
{
    return sim->sector_bytes * sim->sector_count;
}

static int in_range(const tmlp_flash_sim_t *sim, uint32_t addr, size_t len)
{
    uint32_t size = device_bytes(sim);
    return addr <= size && len <= (size_t)(size - addr);
}

static uint8_t rand_byte(tmlp_flash_sim_t *sim)
{
    uint32_t u = 0;
    /* Fails only for NULL pointers, which these are not. */
    tmlp_status_t st = tmlp_rng_u32(&sim->rng, &u);
    return st == TMLP_OK ? (uint8_t)(u >> 24) : 0u;
}

/* A 32-bit mix (the finaliser of MurmurHash3): weak bits' readings. */
static uint32_t mix32(uint32_t x)
{
    x ^= x >> 16;
    x *= 0x85EBCA6Bu;
    x ^= x >> 13;
    x *= 0xC2B2AE35u;
    x ^= x >> 16;
    return x;
}

/* How the weak bits of the byte at addr read now (1 = reads 1), for the
 * read call number sim->reads. */
static uint8_t weak_reading(const tmlp_flash_sim_t *sim, uint32_t addr)
{
    switch (sim->read_mode) {
    case TMLP_SIM_READ_ZERO: return 0x00u;
    case TMLP_SIM_READ_ONE: return 0xFFu;
    case TMLP_SIM_READ_PER_BOOT: return (uint8_t)(mix32(sim->read_seed + 0x9E3779B9u * addr) >> 24);
    default:
        return (uint8_t)(mix32(sim->read_seed ^ mix32(sim->reads + 0x85EBCA6Bu * addr)) >> 24);
    }
}

/* Counts one operation; 1 if it is the one the power fails on. */
static int take_op(tmlp_flash_sim_t *sim)
{
    sim->ops++;
    if (sim->cut_at != 0u && sim->ops == sim->cut_at) {
        sim->powered = 0;
        return 1;
    }
    return 0;
}

static tmlp_status_t refuse(tmlp_flash_sim_t *sim, tmlp_status_t st)
{
    sim->violations++;
    return st;
}

/* See tmlp_flash_sim.h. */
tmlp_status_t tmlp_flash_sim_init(tmlp_flash_sim_t *sim, void *mem, uint32_t sector_bytes,
                                  uint32_t prog_bytes, uint32_t sector_count,
                                  uint32_t *erase_counts)
{
    uint64_t size = (uint64_t)sector_bytes * sector_count;
    tmlp_status_t st;
    if (sim == NULL || mem == NULL || sector_bytes == 0u || prog_bytes == 0u ||
        sector_count == 0u || sector_bytes % prog_bytes != 0u || size > (uint64_t)UINT32_MAX) {
        return TMLP_ERR_ARG;
    }
    memset(sim, 0, sizeof *sim);
    st = tmlp_rng_seed(&sim->rng, 1u);
    if (st != TMLP_OK) {
        return st;
    }
    sim->mem = (uint8_t *)mem;
    sim->erase_counts = erase_counts;
    sim->sector_bytes = sector_bytes;
    sim->prog_bytes = prog_bytes;
    sim->sector_count = sector_count;
    sim->powered = 1;
    sim->read_seed = 1u;
    memset(mem, 0xFF, (size_t)size);
    if (erase_counts != NULL) {
        memset(erase_counts, 0, sizeof(uint32_t) * sector_count);
    }
    return TMLP_OK;
}

/* See tmlp_flash_sim.h. */
tmlp_status_t tmlp_flash_sim_flash(tmlp_flash_sim_t *sim, tmlp_flash_t *flash)
{
    if (sim == NULL || flash == NULL) {
        return TMLP_ERR_ARG;
    }
    memset(flash, 0, sizeof *flash);
    flash->read = tmlp_flash_sim_read;
    flash->prog = tmlp_flash_sim_prog;
    flash->erase = tmlp_flash_sim_erase;
    flash->ctx = sim;
    flash->sector_bytes = sim->sector_bytes;
    flash->prog_bytes = sim->prog_bytes;
    flash->sector_count = sim->sector_count;
    return TMLP_OK;
}

/* See tmlp_flash_sim.h. */
tmlp_status_t tmlp_flash_sim_cut(tmlp_flash_sim_t *sim, uint32_t after, tmlp_sim_cut_t mode,
                                 uint32_t seed)
{
    if (sim == NULL || !sim->powered || (uint32_t)mode > (uint32_t)TMLP_SIM_CUT_WEAK ||
        (mode == TMLP_SIM_CUT_WEAK && sim->weak == NULL) || after >= UINT32_MAX - sim->ops) {
        return TMLP_ERR_ARG;
    }
    sim->cut_at = sim->ops + after + 1u;
    sim->cut_mode = (uint8_t)mode;
    return tmlp_rng_seed(&sim->rng, seed);
}

/* See tmlp_flash_sim.h. */
tmlp_status_t tmlp_flash_sim_reboot(tmlp_flash_sim_t *sim)
{
    if (sim == NULL) {
        return TMLP_ERR_ARG;
    }
    sim->powered = 1;
    sim->cut_at = 0;
    sim->read_seed = mix32(sim->read_seed + 0x9E3779B9u);
    return TMLP_OK;
}

/* See tmlp_flash_sim.h. */
tmlp_status_t tmlp_flash_sim_weak(tmlp_flash_sim_t *sim, uint8_t *map)
{
    if (sim == NULL) {
        return TMLP_ERR_ARG;
    }
    sim->weak = map;
    sim->read_mode = (uint8_t)TMLP_SIM_READ_PER_READ;
    sim->read_seed = 1u;
    if (map != NULL) {
        memset(map, 0, device_bytes(sim));
    }
    return TMLP_OK;
}

/* See tmlp_flash_sim.h. */
tmlp_status_t tmlp_flash_sim_weak_reads(tmlp_flash_sim_t *sim, tmlp_sim_read_t mode,
                                        uint32_t seed)
{
    if (sim == NULL || (uint32_t)mode > (uint32_t)TMLP_SIM_READ_ONE) {
        return TMLP_ERR_ARG;
    }
    sim->read_mode = (uint8_t)mode;
    sim->read_seed = seed;
    return TMLP_OK;
}

/* See tmlp_flash_sim.h. */
tmlp_status_t tmlp_flash_sim_make_weak(tmlp_flash_sim_t *sim, uint32_t addr, size_t len)
{
    size_t k;
    if (sim == NULL || sim->weak == NULL || !in_range(sim, addr, len)) {
        return TMLP_ERR_ARG;
    }
    for (k = 0; k < len; k++) {
        sim->weak[addr + k] = (uint8_t)(sim->weak[addr + k] | (uint8_t)~sim->mem[addr + k]);
    }
    return TMLP_OK;
}

/* See tmlp_flash_sim.h. */
tmlp_status_t tmlp_flash_sim_read(void *ctx, uint32_t addr, void *buf, size_t len)
{
    tmlp_flash_sim_t *sim = (tmlp_flash_sim_t *)ctx;
    if (sim == NULL) {
        return TMLP_ERR_ARG;
    }
    if (!sim->powered) {
        return TMLP_ERR_IO;
    }
    if ((buf == NULL && len > 0u) || !in_range(sim, addr, len)) {
        return refuse(sim, TMLP_ERR_ARG);
    }
    if (len > 0u) {
        memcpy(buf, sim->mem + addr, len);
    }
    if (sim->weak != NULL) {
        uint8_t *b = (uint8_t *)buf;
        size_t k;
        sim->reads++;
        for (k = 0; k < len; k++) {
            uint8_t w = sim->weak[addr + k];
            if (w != 0u) {
                b[k] = (uint8_t)(b[k] | (w & weak_reading(sim, addr + (uint32_t)k)));
            }
        }
    }
    return TMLP_OK;
}

/* The unit at m (weak-bit map w, NULL without one), being programmed with
 * d, loses power. */
static void cut_prog(tmlp_flash_sim_t *sim, uint8_t *m, uint8_t *w, const uint8_t *d)
{
    uint32_t k;
    for (k = 0; k < sim->prog_bytes; k++) {
        uint8_t weak = w != NULL ? w[k] : 0u;
        uint8_t clearing = (uint8_t)((m[k] | weak) & (uint8_t)~d[k]);
        uint8_t solid = 0, left_weak = 0;
        if (sim->cut_mode == TMLP_SIM_CUT_DONE) {
            solid = clearing;
        } else if (sim->cut_mode == TMLP_SIM_CUT_WEAK) {
            left_weak = clearing;
        } else if (sim->cut_mode == TMLP_SIM_CUT_RANDOM) {
            solid = (uint8_t)(clearing & rand_byte(sim));
            if (w != NULL) {
                left_weak = (uint8_t)(clearing & (uint8_t)~solid & rand_byte(sim));
            }
        }
        m[k] = (uint8_t)(m[k] & (uint8_t)~(solid | left_weak));
        if (w != NULL) {
            w[k] = (uint8_t)((weak & (uint8_t)~solid) | left_weak);
        }
    }
}

/* See tmlp_flash_sim.h. */
tmlp_status_t tmlp_flash_sim_prog(void *ctx, uint32_t addr, const void *buf, size_t len)
{
    tmlp_flash_sim_t *sim = (tmlp_flash_sim_t *)ctx;
    const uint8_t *d = (const uint8_t *)buf;
    size_t u, k;
    if (sim == NULL) {
        return TMLP_ERR_ARG;
    }
    if (!sim->powered) {
        return TMLP_ERR_IO;
    }
    if (d == NULL || len == 0u || !in_range(sim, addr, len) || addr % sim->prog_bytes != 0u ||
        len % sim->prog_bytes != 0u ||
        addr / sim->sector_bytes != (addr + (uint32_t)len - 1u) / sim->sector_bytes) {
        return refuse(sim, TMLP_ERR_ARG);
    }
    /* All or nothing: a 0 -> 1 bit anywhere refuses the whole call (a weak
     * bit may be asked for either value). */
    for (k = 0; k < len; k++) {
        uint8_t weak = sim->weak != NULL ? sim->weak[addr + k] : 0u;
        if ((d[k] & (uint8_t)~(sim->mem[addr + k] | weak)) != 0u) {
            return refuse(sim, TMLP_ERR_STATE);
        }
    }
    for (u = 0; u < len; u += sim->prog_bytes) {
        uint8_t *m = sim->mem + addr + u;
        uint8_t *w = sim->weak != NULL ? sim->weak + addr + u : NULL;
        if (take_op(sim)) {
            cut_prog(sim, m, w, d + u);
            return TMLP_ERR_IO;
        }
        /* The bits cleared become solid 0; the others stay as they were. */
        for (k = 0; k < sim->prog_bytes; k++) {
            m[k] = (uint8_t)(m[k] & d[u + k]);
            if (w != NULL) {
                w[k] = (uint8_t)(w[k] & d[u + k]);
            }
        }
    }
    return TMLP_OK;
}

/* The sector at m (weak-bit map w, NULL without one), being erased, loses
 * power. */
static void cut_erase(tmlp_flash_sim_t *sim, uint8_t *m, uint8_t *w)
{
    uint32_t k;
    int garbage = (rand_byte(sim) & 1u) != 0u;
    for (k = 0; k < sim->sector_bytes; k++) {
        uint8_t zeros = (uint8_t)~m[k]; /* programmed bits, weak ones included */
        if (sim->cut_mode == TMLP_SIM_CUT_DONE) {
            m[k] = 0xFF;
            zeros = 0;
        } else if (sim->cut_mode == TMLP_SIM_CUT_WEAK) {
            /* every programmed bit left weak: m keeps them at 0 */
        } else if (sim->cut_mode != TMLP_SIM_CUT_RANDOM) {
            zeros = w != NULL ? w[k] : 0u; /* nothing done */
        } else if (garbage || w == NULL) {
            m[k] = garbage ? rand_byte(sim) : (uint8_t)(m[k] | rand_byte(sim));
            zeros = 0;
        } else {
            uint8_t erased = (uint8_t)(zeros & rand_byte(sim));
            m[k] = (uint8_t)(m[k] | erased);
            zeros = (uint8_t)((zeros & (uint8_t)~erased & rand_byte(sim)) | w[k]);
            zeros = (uint8_t)(zeros & (uint8_t)~erased);
        }
        if (w != NULL) {
            w[k] = zeros;
        }
    }
}

/* See tmlp_flash_sim.h. */
tmlp_status_t tmlp_flash_sim_erase(void *ctx, uint32_t addr)
{
    tmlp_flash_sim_t *sim = (tmlp_flash_sim_t *)ctx;
    uint8_t *m;
    if (sim == NULL) {
        return TMLP_ERR_ARG;
    }
    if (!sim->powered) {
        return TMLP_ERR_IO;
    }
    if (addr % sim->sector_bytes != 0u || addr >= device_bytes(sim)) {
        return refuse(sim, TMLP_ERR_ARG);
    }
    m = sim->mem + addr;
    if (sim->erase_counts != NULL) {
        /* A started erase wears the sector whether or not it completes. */
        sim->erase_counts[addr / sim->sector_bytes]++;
    }
    if (take_op(sim)) {
        cut_erase(sim, m, sim->weak != NULL ? sim->weak + addr : NULL);
        return TMLP_ERR_IO;
    }
    memset(m, 0xFF, sim->sector_bytes);
    if (sim->weak != NULL) {
        memset(sim->weak + addr, 0, sim->sector_bytes);
    }
    return TMLP_OK;
}
