/* SPDX-License-Identifier: MIT */
/* Checkpoints in flash, on the simulated NOR flash: round trips, blank and
 * corrupt flash, wear levelling, sequence wrap-around, the simulator's own
 * rules, and a power cut at every program and erase step of a save (and of
 * the save after a cut one), each with several outcomes. */
#include <stdio.h>
#include <string.h>

#include "sim/tmlp_flash_sim.h"
#include "suites.h"
#include "tinymlp.h"
#include "tmlp_test.h"

#define CI 2
#define CH 3
#define CO 1
#define C_BYTES TMLP_MLP2_BYTES(CI, CH, CO, TMLP_SLOTS_MOMENTUM, TMLP_BUILD_TRAIN)
#define DEV_BYTES 1024u

static float c_src[C_BYTES / sizeof(float)];
static float c_dst[C_BYTES / sizeof(float)];
static uint8_t dev[DEV_BYTES];
static uint8_t snap[DEV_BYTES], snap2[DEV_BYTES]; /* device states to return to */
static uint32_t wear[16];

/* One flash geometry for the power-cut sweep, and which first cuts are
 * followed by a sweep of every cut point of the next save: all outcomes or
 * one (rotating), every point or every stride-th plus the last `tail`
 * (the header) and the first two (the erases). */
typedef struct {
    uint32_t sector_bytes, prog_bytes, sector_count, slot_sectors;
    uint32_t pair_all_modes, pair_stride, pair_tail;
} geo_t;

static const geo_t GEOS[] = {
    {128, 8, 4, 2, 1, 1, 0},    /* two slots of two sectors, 8-byte units (STM32L4-like) */
    {64, 4, 12, 4, 0, 1, 0},    /* three slots, word-programmable (nRF52-like) */
    {512, 128, 2, 1, 1, 1, 0},  /* page-programmable, the largest unit allowed (TMLP_CKPT_MAX_PROG) */
    {256, 1, 2, 1, 0, 16, 24}   /* byte-programmable (STM32F4-like): every byte a step */
};

static tmlp_desc_t c_desc(void)
{
    tmlp_desc_t d;
    memset(&d, 0, sizeof d);
    d.n_in = CI;
    d.n_layers = 2;
    d.layer[0].units = CH;
    d.layer[0].act = TMLP_ACT_TANH;
    d.layer[1].units = CO;
    d.layer[1].act = TMLP_ACT_SIGMOID;
    return d;
}

static uint32_t c_hash(const tmlp_net_t *net)
{
    uint32_t h = 0;
    CHECK_OK(tmlp_net_crc32(net, &h));
    return h;
}

/* A training net whose weights depend on seed; returns its weights-hash. */
static uint32_t c_build(tmlp_net_t *net, float *arena, uint32_t seed)
{
    tmlp_desc_t d = c_desc();
    tmlp_optim_t o;
    tmlp_init_t init;
    tmlp_rng_t rng;
    memset(&o, 0, sizeof o);
    memset(&init, 0, sizeof init);
    o.kind = TMLP_OPT_SGD;
    o.lr = 0.1f;
    o.momentum = 0.9f;
    init.init_bias = 1;
    CHECK_OK(tmlp_net_init(net, &d, &(tmlp_opts_t){.optim = &o}, arena, C_BYTES, NULL));
    CHECK_OK(tmlp_rng_seed(&rng, seed));
    CHECK_OK(tmlp_net_init_weights(net, &init, &rng));
    return c_hash(net);
}

/* See suites.h. */
uint32_t ckpt_test_net(tmlp_net_t *net, int which, uint32_t seed)
{
    return c_build(net, which ? c_dst : c_src, seed);
}

static void c_train(tmlp_net_t *net, int steps)
{
    static const float X[4][CI] = {{0, 0}, {0, 1}, {1, 0}, {1, 1}};
    static const float Y[4] = {0, 1, 1, 0};
    int s, i;
    for (s = 0; s < steps; s++) {
        for (i = 0; i < 4; i++) {
            tmlp_target_t t;
            t.values = &Y[i];
            t.label = 0;
            CHECK_OK(tmlp_net_forward(net, X[i], NULL));
            CHECK_OK(tmlp_net_backward(net, TMLP_LOSS_MSE, &t, NULL));
        }
        CHECK_OK(tmlp_net_step(net));
    }
}

static void sim_setup(tmlp_flash_sim_t *sim, tmlp_flash_t *fl, const geo_t *g)
{
    CHECK(g->sector_bytes * g->sector_count <= DEV_BYTES && g->sector_count <= 16u);
    CHECK_OK(tmlp_flash_sim_init(sim, dev, g->sector_bytes, g->prog_bytes, g->sector_count, wear));
    CHECK_OK(tmlp_flash_sim_flash(sim, fl));
    fl->slot_sectors = g->slot_sectors;
}

TMLP_TEST(ckpt_round_trip_and_exact_resume)
{
    tmlp_flash_sim_t sim;
    tmlp_flash_t fl;
    tmlp_net_t a, b;
    tmlp_desc_t d;
    tmlp_model_info_t info;
    uint32_t seq = 0, seq2 = 0;
    size_t need = 0, model = 0;
    sim_setup(&sim, &fl, &GEOS[0]);
    (void)c_build(&a, c_src, 1);
    c_train(&a, 4);
    (void)c_build(&b, c_dst, 2);
    CHECK_OK(tmlp_model_size(&a, TMLP_SAVE_OPTIM, &model));
    CHECK_OK(tmlp_ckpt_size(&a, TMLP_SAVE_OPTIM, 8, &need));
    /* A 24-byte header unit, an 8-byte confirm unit, the model file. */
    CHECK(need == TMLP_CKPT_SLOT_BYTES(model, 8) && need == 32u + TMLP_CKPT_ROUND_UP(model, 8));
    CHECK_OK(tmlp_ckpt_save(&fl, &a, TMLP_SAVE_OPTIM, &seq));
    CHECK(seq == 1u);
    CHECK_OK(tmlp_ckpt_peek(&fl, &d, &info, &seq2));
    CHECK(seq2 == 1u && d.n_in == CI && d.n_layers == 2 && info.has_optim && info.steps == 4u);
    CHECK_OK(tmlp_ckpt_load(&fl, &b, TMLP_SAVE_OPTIM, &seq2));
    CHECK(seq2 == 1u && c_hash(&a) == c_hash(&b));
    /* The momentum state and step count came along: training goes on bit
     * for bit. */
    c_train(&a, 3);
    c_train(&b, 3);
    CHECK(c_hash(&a) == c_hash(&b));
    /* A newer checkpoint without optimizer state: loads as a model only,
     * and asking it for the state fails without touching the net. */
    CHECK_OK(tmlp_ckpt_save(&fl, &a, 0, &seq));
    CHECK(seq == 2u);
    CHECK_ERR(tmlp_ckpt_load(&fl, &b, TMLP_SAVE_OPTIM, NULL), TMLP_ERR_OPTIM_MISMATCH);
    CHECK(c_hash(&a) == c_hash(&b));
    c_train(&a, 1);
    CHECK_OK(tmlp_ckpt_load(&fl, &a, 0, &seq));
    CHECK(seq == 2u && c_hash(&a) == c_hash(&b));
    CHECK(sim.violations == 0u);
}

TMLP_TEST(ckpt_blank_flash_leaves_net_unchanged)
{
    static float before[C_BYTES / sizeof(float)];
    tmlp_flash_sim_t sim;
    tmlp_flash_t fl;
    tmlp_net_t b, b0;
    tmlp_desc_t d;
    tmlp_model_info_t info;
    uint32_t seq = 77;
    sim_setup(&sim, &fl, &GEOS[1]);
    (void)c_build(&b, c_dst, 3);
    memcpy(&b0, &b, sizeof b);
    memcpy(before, c_dst, sizeof before);
    CHECK_ERR(tmlp_ckpt_load(&fl, &b, 0, &seq), TMLP_ERR_NOT_FOUND);
    CHECK_ERR(tmlp_ckpt_load(&fl, &b, TMLP_SAVE_OPTIM, &seq), TMLP_ERR_NOT_FOUND);
    CHECK_ERR(tmlp_ckpt_peek(&fl, &d, &info, &seq), TMLP_ERR_NOT_FOUND);
    CHECK(seq == 77u);
    CHECK(memcmp(&b0, &b, sizeof b) == 0 && memcmp(before, c_dst, sizeof before) == 0);
    CHECK(sim.ops == 0u && sim.violations == 0u);
}

TMLP_TEST(ckpt_bad_geometry_and_arguments)
{
    tmlp_flash_sim_t sim;
    tmlp_flash_t fl, bad;
    tmlp_net_t a;
    size_t need = 0;
    sim_setup(&sim, &fl, &GEOS[0]);
    (void)c_build(&a, c_src, 1);
    bad = fl;
    bad.prog_bytes = 0;
    CHECK_ERR(tmlp_ckpt_save(&bad, &a, 0, NULL), TMLP_ERR_GEOMETRY);
    bad.prog_bytes = 512;
    CHECK_ERR(tmlp_ckpt_save(&bad, &a, 0, NULL), TMLP_ERR_GEOMETRY);
    bad = fl;
    bad.prog_bytes = 48; /* does not divide the sector */
    CHECK_ERR(tmlp_ckpt_save(&bad, &a, 0, NULL), TMLP_ERR_GEOMETRY);
    bad = fl;
    bad.slot_sectors = 3; /* one slot only */
    CHECK_ERR(tmlp_ckpt_load(&bad, &a, 0, NULL), TMLP_ERR_GEOMETRY);
    bad = fl;
    bad.base = 64; /* not on a sector boundary */
    CHECK_ERR(tmlp_ckpt_save(&bad, &a, 0, NULL), TMLP_ERR_GEOMETRY);
    bad = fl;
    bad.erase = NULL;
    CHECK_ERR(tmlp_ckpt_save(&bad, &a, 0, NULL), TMLP_ERR_ARG);
    bad = fl;
    bad.slot_sectors = 1; /* 128-byte slots: too small for this model */
    CHECK_ERR(tmlp_ckpt_save(&bad, &a, TMLP_SAVE_OPTIM, NULL), TMLP_ERR_SLOT_SIZE);
    CHECK_ERR(tmlp_ckpt_save(&fl, &a, 4u, NULL), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_ckpt_save(&fl, NULL, 0, NULL), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_ckpt_load(&fl, NULL, 0, NULL), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_ckpt_size(&a, 0, 0, &need), TMLP_ERR_GEOMETRY);
    CHECK(sim.ops == 0u && sim.violations == 0u);
}

TMLP_TEST(ckpt_slots_alternate_and_wear_evenly)
{
    tmlp_flash_sim_t sim;
    tmlp_flash_t fl;
    tmlp_net_t a, b;
    uint32_t k, seq = 0, h = 0;
    sim_setup(&sim, &fl, &GEOS[1]);
    (void)c_build(&b, c_dst, 2);
    for (k = 1; k <= 9; k++) {
        h = c_build(&a, c_src, 100u + k);
        CHECK_OK(tmlp_ckpt_save(&fl, &a, TMLP_SAVE_OPTIM, &seq));
        CHECK(seq == k);
    }
    /* 9 saves over 3 slots of 4 sectors: every sector erased 3 times. */
    for (k = 0; k < 12u; k++) {
        CHECK(wear[k] == 3u);
    }
    CHECK_OK(tmlp_ckpt_load(&fl, &b, TMLP_SAVE_OPTIM, &seq));
    CHECK(seq == 9u && c_hash(&b) == h);
}

/* Rewrites the sequence number of the record in the slot at dev[at]. */
static void patch_seq(uint32_t at, uint32_t seq)
{
    uint32_t crc = 0;
    int i;
    for (i = 0; i < 4; i++) {
        dev[at + 4u + (uint32_t)i] = (uint8_t)(seq >> (8 * i));
    }
    CHECK_OK(tmlp_crc32(0, dev + at, 16, &crc));
    for (i = 0; i < 4; i++) {
        dev[at + 16u + (uint32_t)i] = (uint8_t)(crc >> (8 * i));
    }
}

TMLP_TEST(ckpt_sequence_wraps_and_corrupt_newest_falls_back)
{
    tmlp_flash_sim_t sim;
    tmlp_flash_t fl;
    tmlp_net_t a, b;
    uint32_t seq = 0, hb, hc;
    sim_setup(&sim, &fl, &GEOS[0]);
    (void)c_build(&b, c_dst, 9);
    (void)c_build(&a, c_src, 21);
    CHECK_OK(tmlp_ckpt_save(&fl, &a, 0, &seq));
    patch_seq(0, 0xFFFFFFFFu);
    hb = c_build(&a, c_src, 22);
    CHECK_OK(tmlp_ckpt_save(&fl, &a, 0, &seq));
    CHECK(seq == 0u); /* 0xFFFFFFFF + 1 */
    CHECK_OK(tmlp_ckpt_load(&fl, &b, 0, &seq));
    CHECK(seq == 0u && c_hash(&b) == hb);
    hc = c_build(&a, c_src, 23);
    CHECK_OK(tmlp_ckpt_save(&fl, &a, 0, &seq));
    CHECK(seq == 1u);
    CHECK_OK(tmlp_ckpt_load(&fl, &b, 0, &seq));
    CHECK(seq == 1u && c_hash(&b) == hc);
    /* A flipped bit in the newest record's parameters (its model file starts
     * at slot offset 32): the one before wins. */
    dev[32u + 80u] ^= 0x04u;
    CHECK_OK(tmlp_ckpt_load(&fl, &b, 0, &seq));
    CHECK(seq == 0u && c_hash(&b) == hb);
}

/* Check 4 alone: the header (its CRC recomputed) holds a copy of the model
 * CRC that is not the model file's last 4 bytes: not valid. */
TMLP_TEST(ckpt_model_crc_copy_must_match)
{
    tmlp_flash_sim_t sim;
    tmlp_flash_t fl;
    tmlp_net_t a;
    uint32_t seq = 0, crc = 0;
    int i;
    sim_setup(&sim, &fl, &GEOS[0]);
    (void)c_build(&a, c_src, 1);
    CHECK_OK(tmlp_ckpt_save(&fl, &a, 0, &seq));
    dev[12] ^= 0x01u;
    CHECK_OK(tmlp_crc32(0, dev, 16, &crc));
    for (i = 0; i < 4; i++) {
        dev[16 + i] = (uint8_t)(crc >> (8 * i));
    }
    CHECK_ERR(tmlp_ckpt_load(&fl, &a, 0, &seq), TMLP_ERR_NOT_FOUND);
}

TMLP_TEST(sim_enforces_nor_rules)
{
    tmlp_flash_sim_t sim;
    uint8_t u[8], r[8];
    CHECK_OK(tmlp_flash_sim_init(&sim, dev, 64, 4, 4, NULL));
    memset(u, 0x0F, sizeof u);
    CHECK_OK(tmlp_flash_sim_prog(&sim, 8, u, 4));
    memset(u, 0xF0, sizeof u); /* would set bits 4..7 back to 1 */
    CHECK_ERR(tmlp_flash_sim_prog(&sim, 8, u, 4), TMLP_ERR_STATE);
    CHECK(sim.violations == 1u && dev[8] == 0x0Fu);
    memset(u, 0x05, sizeof u); /* clears more bits only: fine */
    CHECK_OK(tmlp_flash_sim_prog(&sim, 8, u, 4));
    CHECK_ERR(tmlp_flash_sim_prog(&sim, 6, u, 4), TMLP_ERR_ARG);   /* unaligned address */
    CHECK_ERR(tmlp_flash_sim_prog(&sim, 16, u, 6), TMLP_ERR_ARG);  /* partial unit */
    CHECK_ERR(tmlp_flash_sim_prog(&sim, 60, u, 8), TMLP_ERR_ARG);  /* crosses a sector */
    CHECK_ERR(tmlp_flash_sim_prog(&sim, 256, u, 4), TMLP_ERR_ARG); /* past the end */
    CHECK_ERR(tmlp_flash_sim_erase(&sim, 32), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_flash_sim_erase(&sim, 256), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_flash_sim_read(&sim, 250, r, 8), TMLP_ERR_ARG);
    CHECK(sim.violations == 8u);
    CHECK_OK(tmlp_flash_sim_read(&sim, 8, r, 4));
    CHECK(r[0] == 0x05u && r[3] == 0x05u);
    CHECK_OK(tmlp_flash_sim_erase(&sim, 0));
    CHECK_OK(tmlp_flash_sim_read(&sim, 8, r, 4));
    CHECK(r[0] == 0xFFu && r[3] == 0xFFu && sim.ops == 3u);
}

TMLP_TEST(sim_power_cut_outcomes)
{
    tmlp_flash_sim_t sim;
    uint8_t u[8], r[8];
    int k;
    CHECK_OK(tmlp_flash_sim_init(&sim, dev, 64, 4, 4, NULL));
    memset(dev, 0xA5, 8); /* some bits already clear */
    memset(u, 0x21, sizeof u);
    /* A two-unit program cut on its second unit: the first is done, the
     * second holds a subset of the clearing, and then all calls fail. */
    CHECK_OK(tmlp_flash_sim_cut(&sim, 1, TMLP_SIM_CUT_RANDOM, 5));
    CHECK_ERR(tmlp_flash_sim_prog(&sim, 0, u, 8), TMLP_ERR_IO);
    CHECK(dev[0] == 0x21u && dev[3] == 0x21u);
    for (k = 4; k < 8; k++) {
        CHECK((dev[k] & (uint8_t)~0xA5u) == 0u && (0x21u & (uint8_t)~dev[k]) == 0u);
    }
    CHECK_ERR(tmlp_flash_sim_read(&sim, 0, r, 4), TMLP_ERR_IO);
    CHECK_ERR(tmlp_flash_sim_erase(&sim, 0), TMLP_ERR_IO);
    CHECK_OK(tmlp_flash_sim_reboot(&sim));
    CHECK_OK(tmlp_flash_sim_read(&sim, 0, r, 4));
    /* A cut erase that did nothing, then one that completed. */
    CHECK_OK(tmlp_flash_sim_cut(&sim, 0, TMLP_SIM_CUT_NONE, 0));
    CHECK_ERR(tmlp_flash_sim_erase(&sim, 0), TMLP_ERR_IO);
    CHECK(dev[0] == 0x21u);
    CHECK_OK(tmlp_flash_sim_reboot(&sim));
    CHECK_OK(tmlp_flash_sim_cut(&sim, 0, TMLP_SIM_CUT_DONE, 0));
    CHECK_ERR(tmlp_flash_sim_erase(&sim, 0), TMLP_ERR_IO);
    CHECK(dev[0] == 0xFFu && dev[63] == 0xFFu);
    CHECK_OK(tmlp_flash_sim_reboot(&sim));
    CHECK(sim.violations == 0u && sim.ops == 4u);
}

/* Power-cut sweep state, shared by the helpers below. */
typedef struct {
    tmlp_flash_sim_t sim;
    tmlp_flash_t fl;
    tmlp_net_t src, dst;
    uint32_t hash[8]; /* weights-hash of model seed k */
    uint32_t steps;   /* operations one save takes */
    uint32_t tried, first, new_won, old_won; /* first: cuts of a save after a good one */
} sweep_t;

static const tmlp_sim_cut_t CUT_MODES[4] = {TMLP_SIM_CUT_NONE, TMLP_SIM_CUT_DONE,
                                            TMLP_SIM_CUT_RANDOM, TMLP_SIM_CUT_RANDOM};

/* Saves model k with a cut at step i, reboots, and checks that the newest
 * valid checkpoint is model `before` (sequence seq) or model k (seq + 1).
 * Returns the model that won. */
static uint32_t cut_save(sweep_t *w, uint32_t k, uint32_t i, uint32_t mode, uint32_t before,
                         uint32_t seq)
{
    uint32_t got = 0;
    (void)c_build(&w->src, c_src, k);
    CHECK_OK(tmlp_flash_sim_cut(&w->sim, i, CUT_MODES[mode], 1000u * i + 7u * mode + k));
    CHECK_ERR(tmlp_ckpt_save(&w->fl, &w->src, TMLP_SAVE_OPTIM, NULL), TMLP_ERR_IO);
    CHECK_OK(tmlp_flash_sim_reboot(&w->sim));
    (void)c_build(&w->dst, c_dst, 7);
    CHECK_OK(tmlp_ckpt_load(&w->fl, &w->dst, TMLP_SAVE_OPTIM, &got));
    w->tried++;
    w->first += k == 3u ? 1u : 0u;
    if (c_hash(&w->dst) == w->hash[k]) {
        w->new_won++;
        CHECK(got == seq + 1u);
        return k;
    }
    w->old_won++;
    CHECK(c_hash(&w->dst) == w->hash[before] && got == seq);
    return before;
}

/* After the cuts: a complete save of model 6 is the one that loads. */
static void save_after(sweep_t *w, uint32_t seq)
{
    uint32_t got = 0;
    (void)c_build(&w->src, c_src, 6);
    CHECK_OK(tmlp_ckpt_save(&w->fl, &w->src, TMLP_SAVE_OPTIM, &got));
    CHECK(got == seq + 1u);
    CHECK_OK(tmlp_ckpt_load(&w->fl, &w->dst, TMLP_SAVE_OPTIM, &got));
    CHECK(got == seq + 1u && c_hash(&w->dst) == w->hash[6]);
}

static int pair_this(const geo_t *g, uint32_t i, uint32_t m, uint32_t steps)
{
    return (g->pair_all_modes || m == i % 4u) &&
           (i % g->pair_stride == 0u || i < 2u || i + g->pair_tail >= steps);
}

/* After a cut save that left model `won` newest: every cut point j of the
 * next save (outcome rotating with j), each followed by a complete save. */
static void second_cuts(sweep_t *w, uint32_t m, uint32_t won)
{
    uint32_t j, seq;
    memcpy(snap2, dev, DEV_BYTES);
    for (j = 0; j < w->steps; j++) {
        memcpy(dev, snap2, DEV_BYTES);
        seq = won == 3u ? 3u : 2u;
        seq += cut_save(w, 4, j, (j + m) % 4u, won, seq) == 4u ? 1u : 0u;
        save_after(w, seq);
    }
}

/* Every cut point i of the save of model 3 over (model 1, model 2), each
 * with every outcome, then a complete save or (as pair_this() selects) the
 * sweep of the next save. */
static void sweep_geometry(sweep_t *w, const geo_t *g)
{
    uint32_t i, m, won, ops0;
    sim_setup(&w->sim, &w->fl, g);
    (void)c_build(&w->src, c_src, 1);
    CHECK_OK(tmlp_ckpt_save(&w->fl, &w->src, TMLP_SAVE_OPTIM, NULL));
    (void)c_build(&w->src, c_src, 2);
    ops0 = w->sim.ops;
    CHECK_OK(tmlp_ckpt_save(&w->fl, &w->src, TMLP_SAVE_OPTIM, NULL));
    w->steps = w->sim.ops - ops0;
    memcpy(snap, dev, DEV_BYTES);
    for (i = 0; i < w->steps; i++) {
        for (m = 0; m < 4u; m++) {
            memcpy(dev, snap, DEV_BYTES);
            won = cut_save(w, 3, i, m, 2, 2);
            if (pair_this(g, i, m, w->steps)) {
                second_cuts(w, m, won);
            } else {
                save_after(w, won == 3u ? 3u : 2u);
            }
        }
    }
    CHECK(w->sim.violations == 0u);
}

TMLP_TEST(ckpt_power_cut_at_every_step)
{
    static sweep_t w;
    uint32_t g, k;
    for (k = 1; k < 8u; k++) {
        w.hash[k] = c_build(&w.src, c_src, k);
    }
    for (g = 0; g < sizeof GEOS / sizeof GEOS[0]; g++) {
        sweep_geometry(&w, &GEOS[g]);
    }
    /* Both outcomes happen: the sweep reaches past the commit. */
    CHECK(w.new_won > 0u && w.old_won > 0u);
    printf("ckpt power-cut points tried: %lu (%lu after a good save, %lu after a cut one; "
           "new model loaded %lu, old %lu)\n",
           (unsigned long)w.tried, (unsigned long)w.first, (unsigned long)(w.tried - w.first),
           (unsigned long)w.new_won, (unsigned long)w.old_won);
}

/* ---- fine-tuning nets: partial checkpoints ---- */

/* Layer 0 of the 2-3-1 net frozen, its weights in "flash" (ft_base, model
 * 1's); the output layer (4 parameters) trained. */
#define FT_PARAMS TMLP_MLP2_PARAMS(CI, CH, CO)
#define FT_TRAIN TMLP_DENSE_PARAMS(CH, CO)
/* 136 bytes (header, 2 layers, 4 parameters, optimizer block, CRC); 172 whole. */
#define FT_PARTIAL_BYTES (TMLP_MODEL_PARTIAL_BYTES(2, FT_TRAIN) + TMLP_MODEL_OPTIM_BYTES(FT_TRAIN, 1))
#define FT_FULL_BYTES (TMLP_MODEL_BYTES(2, FT_PARAMS) + TMLP_MODEL_OPTIM_BYTES(FT_TRAIN, 1))
static float ft_base[FT_PARAMS], ft_base2[FT_PARAMS];

static void ft_make_base(void)
{
    tmlp_net_t t;
    const float *p;
    size_t n = 0;
    (void)c_build(&t, c_src, 1);
    CHECK_OK(tmlp_net_params(&t, &p, &n));
    memcpy(ft_base, p, sizeof ft_base);
}

/* ft_build's nets: 1 for fine-tuning without a gradient buffer (trained by
 * fused batch-1 steps), 0 with one. */
static int ft_fused;

/* Batch-1 training for the fused mode: the samples of c_train, one step each. */
static void ft_train_fused(tmlp_net_t *net, int steps)
{
    static const float X[4][CI] = {{0, 0}, {0, 1}, {1, 0}, {1, 1}};
    static const float Y[4] = {0, 1, 1, 0};
    int s;
    for (s = 0; s < steps; s++) {
        tmlp_target_t t;
        t.values = &Y[s % 4];
        t.label = 0;
        CHECK_OK(tmlp_net_train_sample(net, X[s % 4], TMLP_LOSS_MSE, &t, NULL));
    }
}

/* A fine-tuning net on `base` trained `steps` steps; returns its hash. */
static uint32_t ft_build(tmlp_net_t *net, float *arena, const float *base, int steps)
{
    tmlp_desc_t d = c_desc();
    tmlp_optim_t o;
    memset(&o, 0, sizeof o);
    o.kind = TMLP_OPT_SGD;
    o.lr = 0.1f;
    o.momentum = 0.9f;
    d.layer[0].flags = TMLP_LAYER_FROZEN;
    if (ft_fused) {
        CHECK_OK(tmlp_net_init(net, &d, &(tmlp_opts_t){.optim = &o, .params = base, .n_params = FT_PARAMS, .no_grad_buffer = 1}, arena, C_BYTES,
                                              NULL));
        ft_train_fused(net, steps);
    } else {
        CHECK_OK(tmlp_net_init(net, &d, &(tmlp_opts_t){.optim = &o, .params = base, .n_params = FT_PARAMS}, arena, C_BYTES, NULL));
        c_train(net, steps);
    }
    return c_hash(net);
}

/* The checkpoint load must fail with `want`, the net's bytes unchanged. */
static int ckpt_refused(const tmlp_flash_t *fl, tmlp_net_t *net, const float *arena,
                        tmlp_status_t want)
{
    static tmlp_net_t before;
    static float arena_before[C_BYTES / sizeof(float)];
    memcpy(&before, net, sizeof before);
    memcpy(arena_before, arena, sizeof arena_before);
    return tmlp_ckpt_load(fl, net, TMLP_SAVE_OPTIM, NULL) == want &&
           memcmp(&before, net, sizeof before) == 0 &&
           memcmp(arena_before, arena, sizeof arena_before) == 0;
}

TMLP_TEST(ckpt_finetune_saves_partial)
{
    tmlp_flash_sim_t sim;
    tmlp_flash_t fl;
    tmlp_net_t a, b;
    tmlp_desc_t d;
    tmlp_model_info_t info;
    uint32_t seq = 0, ha, crc = 0;
    size_t need = 0;
    sim_setup(&sim, &fl, &GEOS[0]);
    ft_make_base();
    ha = ft_build(&a, c_src, ft_base, 4);
    /* 24-byte header unit + 8-byte confirm unit + 136 bytes, against
     * 32 + 176 for the whole. */
    CHECK_OK(tmlp_ckpt_size(&a, TMLP_SAVE_OPTIM, 8, &need));
    CHECK(need == TMLP_CKPT_SLOT_BYTES(FT_PARTIAL_BYTES, 8) && need == 168u);
    CHECK_OK(tmlp_ckpt_size(&a, TMLP_SAVE_OPTIM | TMLP_SAVE_FULL, 8, &need));
    CHECK(need == TMLP_CKPT_SLOT_BYTES(FT_FULL_BYTES, 8) && need == 208u);
    CHECK_OK(tmlp_ckpt_save(&fl, &a, TMLP_SAVE_OPTIM, &seq));
    CHECK_OK(tmlp_ckpt_peek(&fl, &d, &info, &seq));
    /* The base CRC: on these little-endian targets, of the floats' bytes. */
    CHECK_OK(tmlp_crc32(0, ft_base, sizeof(float) * (FT_PARAMS - FT_TRAIN), &crc));
    CHECK(seq == 1u && info.partial && info.n_frozen == 1u && info.base_crc == crc);
    CHECK(info.file_bytes == FT_PARTIAL_BYTES && info.n_params == FT_PARAMS && info.steps == 4u);
    /* After a "reset": a new net on the same base resumes bit for bit. */
    (void)ft_build(&b, c_dst, ft_base, 0);
    CHECK_OK(tmlp_ckpt_load(&fl, &b, TMLP_SAVE_OPTIM, &seq));
    CHECK(seq == 1u && c_hash(&b) == ha);
    c_train(&a, 3);
    c_train(&b, 3);
    CHECK(c_hash(&a) == c_hash(&b));
    /* Another base (one frozen bit) or a training net: refused, unchanged. */
    memcpy(ft_base2, ft_base, sizeof ft_base);
    ft_base2[2] = -ft_base2[2];
    (void)ft_build(&b, c_dst, ft_base2, 1);
    CHECK(ckpt_refused(&fl, &b, c_dst, TMLP_ERR_FROZEN));
    (void)c_build(&b, c_dst, 5);
    CHECK(ckpt_refused(&fl, &b, c_dst, TMLP_ERR_FROZEN));
    /* TMLP_SAVE_FULL: the whole model, which a training net takes (its
     * parameters; the state is the trained layer's only). */
    CHECK_OK(tmlp_ckpt_save(&fl, &a, TMLP_SAVE_OPTIM | TMLP_SAVE_FULL, &seq));
    CHECK_OK(tmlp_ckpt_peek(&fl, &d, &info, NULL));
    CHECK(seq == 2u && !info.partial && info.file_bytes == FT_FULL_BYTES);
    CHECK_OK(tmlp_ckpt_load(&fl, &b, 0, NULL));
    CHECK(c_hash(&b) == c_hash(&a));
    CHECK(sim.violations == 0u);
}

/* Every cut point of a partial save (model 3 over model 2) on geometry g,
 * each with every outcome: the old or the new model loads, and a complete
 * save afterwards (model 4) loads. *tried and *won (new model) count. */
static void ft_cut_sweep(const geo_t *g, uint32_t *tried, uint32_t *won)
{
    static tmlp_flash_sim_t sim;
    tmlp_flash_t fl;
    tmlp_net_t src, dst;
    uint32_t h[5], i, m, k, steps, ops0, got = 0;
    for (k = 1; k < 5u; k++) {
        h[k] = ft_build(&src, c_src, ft_base, (int)k);
    }
    CHECK(h[2] != h[3] && h[3] != h[4]);
    sim_setup(&sim, &fl, g);
    (void)ft_build(&src, c_src, ft_base, 1);
    CHECK_OK(tmlp_ckpt_save(&fl, &src, TMLP_SAVE_OPTIM, NULL));
    (void)ft_build(&src, c_src, ft_base, 2);
    ops0 = sim.ops;
    CHECK_OK(tmlp_ckpt_save(&fl, &src, TMLP_SAVE_OPTIM, NULL));
    steps = sim.ops - ops0;
    memcpy(snap, dev, DEV_BYTES);
    for (i = 0; i < steps; i++) {
        for (m = 0; m < 4u; m++) {
            memcpy(dev, snap, DEV_BYTES);
            (void)ft_build(&src, c_src, ft_base, 3);
            CHECK_OK(tmlp_flash_sim_cut(&sim, i, CUT_MODES[m], 1000u * i + 7u * m));
            CHECK_ERR(tmlp_ckpt_save(&fl, &src, TMLP_SAVE_OPTIM, NULL), TMLP_ERR_IO);
            CHECK_OK(tmlp_flash_sim_reboot(&sim));
            (void)ft_build(&dst, c_dst, ft_base, 0);
            CHECK_OK(tmlp_ckpt_load(&fl, &dst, TMLP_SAVE_OPTIM, &got));
            CHECK((got == 3u && c_hash(&dst) == h[3]) || (got == 2u && c_hash(&dst) == h[2]));
            (*tried)++;
            *won += got == 3u ? 1u : 0u;
            (void)ft_build(&src, c_src, ft_base, 4);
            CHECK_OK(tmlp_ckpt_save(&fl, &src, TMLP_SAVE_OPTIM, NULL));
            CHECK_OK(tmlp_ckpt_load(&fl, &dst, TMLP_SAVE_OPTIM, &got));
            CHECK(c_hash(&dst) == h[4]);
        }
    }
    CHECK(sim.violations == 0u);
}

TMLP_TEST(ckpt_finetune_power_cut_at_every_step)
{
    uint32_t g, tried = 0, won = 0;
    ft_make_base();
    for (g = 0; g < sizeof GEOS / sizeof GEOS[0]; g++) {
        ft_cut_sweep(&GEOS[g], &tried, &won);
    }
    CHECK(won > 0u && won < tried);
    printf("ckpt partial-file power-cut points tried: %lu (new model loaded %lu, old %lu)\n",
           (unsigned long)tried, (unsigned long)won, (unsigned long)(tried - won));
}

/* The same for a fused fine-tuning net (no gradient buffer): its
 * partial checkpoints round trip bit for bit, resume training exactly, go
 * into a fine-tuning net with a gradient buffer too, and survive a power
 * cut at every step of a save. */
TMLP_TEST(ckpt_finetune_fused_round_trip_and_power_cuts)
{
    tmlp_flash_sim_t sim;
    tmlp_flash_t fl;
    tmlp_net_t a, b;
    tmlp_desc_t d;
    tmlp_model_info_t info;
    uint32_t g, seq = 0, ha, crc = 0, tried = 0, won = 0;
    ft_make_base();
    ft_fused = 1;
    sim_setup(&sim, &fl, &GEOS[1]);
    ha = ft_build(&a, c_src, ft_base, 6);
    CHECK(a.grad == NULL && a.steps == 6u);
    CHECK_OK(tmlp_ckpt_save(&fl, &a, TMLP_SAVE_OPTIM, &seq));
    CHECK_OK(tmlp_ckpt_peek(&fl, &d, &info, NULL));
    CHECK_OK(tmlp_crc32(0, ft_base, sizeof(float) * (FT_PARAMS - FT_TRAIN), &crc));
    CHECK(info.partial && info.n_frozen == 1u && info.base_crc == crc && info.steps == 6u);
    CHECK(info.file_bytes == FT_PARTIAL_BYTES);
    (void)ft_build(&b, c_dst, ft_base, 1);
    CHECK_OK(tmlp_ckpt_load(&fl, &b, TMLP_SAVE_OPTIM, &seq));
    CHECK(seq == 1u && c_hash(&b) == ha && b.steps == 6u);
    CHECK(memcmp(a.opt_state, b.opt_state, sizeof(float) * FT_TRAIN) == 0);
    ft_train_fused(&a, 3);
    ft_train_fused(&b, 3);
    CHECK(c_hash(&a) == c_hash(&b));
    /* Another base: refused, the fused net unchanged. */
    memcpy(ft_base2, ft_base, sizeof ft_base);
    ft_base2[0] = -ft_base2[0];
    (void)ft_build(&b, c_dst, ft_base2, 1);
    CHECK(ckpt_refused(&fl, &b, c_dst, TMLP_ERR_FROZEN));
    /* Into a fine-tuning net with a gradient buffer: the same state. */
    ft_fused = 0;
    (void)ft_build(&b, c_dst, ft_base, 1);
    CHECK_OK(tmlp_ckpt_load(&fl, &b, TMLP_SAVE_OPTIM, NULL));
    CHECK(c_hash(&b) == ha && b.steps == 6u);
    ft_fused = 1;
    /* TMLP_SAVE_FULL from the fused net: a full file a training net takes. */
    CHECK_OK(tmlp_ckpt_save(&fl, &a, TMLP_SAVE_OPTIM | TMLP_SAVE_FULL, &seq));
    CHECK_OK(tmlp_ckpt_peek(&fl, &d, &info, NULL));
    CHECK(seq == 2u && !info.partial && info.version == 1u && info.file_bytes == FT_FULL_BYTES);
    (void)c_build(&b, c_dst, 5);
    CHECK_OK(tmlp_ckpt_load(&fl, &b, 0, NULL));
    CHECK(c_hash(&b) == c_hash(&a));
    CHECK(sim.violations == 0u);
    for (g = 0; g < sizeof GEOS / sizeof GEOS[0]; g++) {
        ft_cut_sweep(&GEOS[g], &tried, &won);
    }
    ft_fused = 0;
    CHECK(won > 0u && won < tried);
}

/* A net built with momentum whose optimizer is switched to plain SGD keeps
 * a state vector in its arena that the optimizer no longer uses: its
 * checkpoint must still verify (it used to hold that vector, which no
 * reader expects, so every save failed its read-back with TMLP_ERR_IO). */
TMLP_TEST(ckpt_save_after_momentum_off)
{
    tmlp_flash_sim_t sim;
    tmlp_flash_t fl;
    tmlp_net_t a, b;
    tmlp_optim_t plain;
    uint32_t seq = 0;
    sim_setup(&sim, &fl, &GEOS[0]);
    ft_make_base();
    for (ft_fused = 0; ft_fused < 2; ft_fused++) {
        (void)ft_build(&a, c_src, ft_base, 3);
        plain = a.opt;
        plain.momentum = 0.0f;
        CHECK_OK(tmlp_net_set_optim(&a, &plain));
        if (ft_fused) {
            ft_train_fused(&a, 2);
        } else {
            c_train(&a, 2);
        }
        CHECK_OK(tmlp_ckpt_save(&fl, &a, TMLP_SAVE_OPTIM, &seq));
        CHECK_OK(tmlp_ckpt_save(&fl, &a, TMLP_SAVE_OPTIM | TMLP_SAVE_FULL, &seq));
        (void)ft_build(&b, c_dst, ft_base, 0);
        CHECK_OK(tmlp_net_set_optim(&b, &plain));
        CHECK_OK(tmlp_ckpt_load(&fl, &b, TMLP_SAVE_OPTIM, NULL));
        CHECK(c_hash(&a) == c_hash(&b) && b.steps == 2u);
    }
    ft_fused = 0;
    (void)c_build(&a, c_src, 3);
    c_train(&a, 2);
    CHECK_OK(tmlp_net_set_optim(&a, &plain));
    c_train(&a, 1);
    CHECK_OK(tmlp_ckpt_save(&fl, &a, TMLP_SAVE_OPTIM, &seq));
    CHECK(sim.violations == 0u);
}

void suite_ckpt(void)
{
    RUN(ckpt_round_trip_and_exact_resume);
    RUN(ckpt_blank_flash_leaves_net_unchanged);
    RUN(ckpt_bad_geometry_and_arguments);
    RUN(ckpt_slots_alternate_and_wear_evenly);
    RUN(ckpt_sequence_wraps_and_corrupt_newest_falls_back);
    RUN(ckpt_model_crc_copy_must_match);
    RUN(sim_enforces_nor_rules);
    RUN(sim_power_cut_outcomes);
    RUN(ckpt_power_cut_at_every_step);
    RUN(ckpt_finetune_saves_partial);
    RUN(ckpt_finetune_power_cut_at_every_step);
    RUN(ckpt_finetune_fused_round_trip_and_power_cuts);
    RUN(ckpt_save_after_momentum_off);
}
