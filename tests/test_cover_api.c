/* SPDX-License-Identifier: MIT */
/* Error and edge paths the other suites do not reach (found with `make
 * coverage`): argument checks, failing and lying storage callbacks,
 * crafted model files, counters at their limits. Every case also checks
 * that the failing call changed nothing it promises not to change. */
#include <string.h>

#include "fixtures.h"
#include "sim/tmlp_flash_sim.h"
#include "test_cover.h"
#include "tinymlp.h"
#include "tmlp_test.h"

#define K_BYTES TMLP_MLP2_BYTES(2, 3, 1, TMLP_SLOTS_MOMENTUM, TMLP_BUILD_TRAIN)
#define K_NP TMLP_MLP2_PARAMS(2, 3, 1)

static float k_arena[K_BYTES / sizeof(float)];
/* Room for a 3-3-1 net, or the 2-3-1 one with input scaling. */
static float k_arena2[TMLP_MLP2_BYTES(3, 3, 1, TMLP_SLOTS_MOMENTUM,
                                      TMLP_BUILD_TRAIN | TMLP_BUILD_SCALE) /
                      sizeof(float)];
static uint8_t k_file[512], k_file2[512];
static uint8_t k_dev[1024];

static tmlp_desc_t k_desc(void)
{
    return mlp2(2, 3, 1, TMLP_ACT_TANH, TMLP_ACT_SIGMOID);
}

static tmlp_optim_t k_opt(void)
{
    return make_opt(TMLP_OPT_SGD, 0.1f, 0.9f);
}

/* A 2-3-1 training net with seeded weights and one step taken. */
static void k_net(tmlp_net_t *net, float *arena, size_t bytes)
{
    static const float x[2] = {0.5f, -1.0f}, y[1] = {1.0f};
    tmlp_desc_t d = k_desc();
    tmlp_optim_t o = k_opt();
    tmlp_target_t t;
    t.values = y;
    t.label = 0;
    seeded_net(net, &d, &o, arena, bytes, 7, 0);
    CHECK_OK(tmlp_net_forward(net, x, NULL));
    CHECK_OK(tmlp_net_backward(net, TMLP_LOSS_BCE, &t, NULL));
    CHECK_OK(tmlp_net_step(net));
}

/* The k net with other weights (seed 8), so that a load changes them. */
static void k_net_other(tmlp_net_t *net, float *arena, size_t bytes)
{
    tmlp_init_t init;
    tmlp_rng_t rng;
    k_net(net, arena, bytes);
    memset(&init, 0, sizeof init);
    CHECK_OK(tmlp_rng_seed(&rng, 8));
    CHECK_OK(tmlp_net_init_weights(net, &init, &rng));
}

/* A clock that never advances. */
static uint32_t still_clock(void *ctx)
{
    (void)ctx;
    return 7u;
}

static uint32_t k_hash(const tmlp_net_t *net)
{
    uint32_t h = 0;
    CHECK_OK(tmlp_net_crc32(net, &h));
    return h;
}

/* Rewrites the CRC of a model file after a test has edited it. */
static void fix_crc(uint8_t *f, size_t len)
{
    uint32_t crc = 0;
    CHECK_OK(tmlp_crc32(0, f, len - 4u, &crc));
    f[len - 4] = (uint8_t)crc;
    f[len - 3] = (uint8_t)(crc >> 8);
    f[len - 2] = (uint8_t)(crc >> 16);
    f[len - 1] = (uint8_t)(crc >> 24);
}

/* ---- storage callbacks that fail or lie ---------------------------------- */

typedef struct {
    const uint8_t *buf;
    size_t len;
    uint32_t calls, fail_at; /* the fail_at-th call (1-based) fails; 0 = never */
} pread_t;

static tmlp_status_t pread_fn(void *ctx, uint32_t off, void *buf, size_t len)
{
    pread_t *p = (pread_t *)ctx;
    if (++p->calls == p->fail_at) {
        return TMLP_ERR_IO;
    }
    if (off > p->len || len > p->len - off) {
        return TMLP_ERR_FORMAT;
    }
    memcpy(buf, p->buf + off, len);
    return TMLP_OK;
}

typedef struct {
    tmlp_flash_sim_t sim;
    uint32_t reads, read_fail_at; /* as pread_t */
    int drop_progs;               /* prog returns OK without programming */
} wrap_t;

static tmlp_status_t w_read(void *ctx, uint32_t addr, void *buf, size_t len)
{
    wrap_t *w = (wrap_t *)ctx;
    if (++w->reads == w->read_fail_at) {
        return TMLP_ERR_IO;
    }
    return tmlp_flash_sim_read(&w->sim, addr, buf, len);
}

static tmlp_status_t w_prog(void *ctx, uint32_t addr, const void *buf, size_t len)
{
    wrap_t *w = (wrap_t *)ctx;
    if (w->drop_progs) {
        return TMLP_OK;
    }
    return tmlp_flash_sim_prog(&w->sim, addr, buf, len);
}

static tmlp_status_t w_erase(void *ctx, uint32_t addr)
{
    return tmlp_flash_sim_erase(&((wrap_t *)ctx)->sim, addr);
}

static void w_init(wrap_t *w, tmlp_flash_t *f)
{
    memset(w, 0, sizeof *w);
    CHECK_OK(tmlp_flash_sim_init(&w->sim, k_dev, 256, 8, 4, NULL));
    CHECK_OK(tmlp_flash_sim_flash(&w->sim, f));
    f->read = w_read;
    f->prog = w_prog;
    f->erase = w_erase;
    f->ctx = w;
}

/* ---- tests ----------------------------------------------------------------- */

TMLP_TEST(cover_arena_and_crc)
{
    tmlp_desc_t d = k_desc();
    tmlp_net_t zero;
    size_t n = 0;
    uint32_t crc = 0;
    memset(&zero, 0, sizeof zero);
    CHECK_ERR(tmlp_arena_size(&d, &(tmlp_opts_t){.no_grad_buffer = 7}, &n), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_net_crc32(&zero, &crc), TMLP_ERR_UNINIT);
    CHECK_ERR(tmlp_net_crc32(NULL, &crc), TMLP_ERR_ARG);
}

TMLP_TEST(cover_ckpt_geometry)
{
    wrap_t w;
    tmlp_flash_t f, g;
    tmlp_net_t net;
    tmlp_desc_t d;
    tmlp_model_info_t info;
    tmlp_status_t want;
    size_t n = 0;
    int i;
    k_net(&net, k_arena, sizeof k_arena);
    w_init(&w, &f);
    for (i = 0; i < 12; i++) {
        g = f;
        switch (i) {
        case 0: g.read = NULL; break;
        case 1: g.prog = NULL; break;
        case 2: g.erase = NULL; break;
        case 3: g.prog_bytes = 0; break;
        case 4: g.prog_bytes = TMLP_CKPT_MAX_PROG * 2u; break;
        case 5: g.sector_bytes = 0; break;
        case 6: g.sector_bytes = 12; break;           /* not a multiple of 8 */
        case 7: g.base = 8; break;                    /* not sector-aligned */
        case 8: g.sector_count = 1; break;            /* 0 sectors per slot */
        case 9: g.slot_sectors = 3; break;            /* one slot */
        case 10: g.base = 0xFFFFFF00u; break;         /* area past 2^32 */
        default: g.sector_bytes = 8; g.slot_sectors = 1; break; /* header > sector */
        }
        /* a missing callback is a bad argument; sizes that do not fit
         * together are the geometry's fault */
        want = i < 3 ? TMLP_ERR_ARG : TMLP_ERR_GEOMETRY;
        CHECK_ERR(tmlp_ckpt_save(&g, &net, 0, NULL), want);
        CHECK_ERR(tmlp_ckpt_peek(&g, &d, &info, NULL), want);
        CHECK_ERR(tmlp_ckpt_load(&g, &net, 0, NULL), want);
    }
    g = f;
    g.slot_sectors = 2; /* explicit, two slots */
    CHECK_OK(tmlp_ckpt_save(&g, &net, 0, NULL));
    CHECK_ERR(tmlp_ckpt_size(&net, 0, 0, &n), TMLP_ERR_GEOMETRY);
    CHECK_ERR(tmlp_ckpt_size(&net, 0, TMLP_CKPT_MAX_PROG + 1u, &n), TMLP_ERR_GEOMETRY);
    CHECK_ERR(tmlp_ckpt_size(&net, 0, 8, NULL), TMLP_ERR_ARG);
}

TMLP_TEST(cover_ckpt_args_and_io)
{
    wrap_t w;
    tmlp_flash_t f;
    tmlp_net_t net, dst;
    tmlp_desc_t d;
    tmlp_model_info_t info;
    uint32_t seq = 0, h, k, pass1;
    tmlp_status_t st;
    k_net(&net, k_arena, sizeof k_arena);
    k_net_other(&dst, k_arena2, sizeof k_arena2);
    h = k_hash(&dst);
    w_init(&w, &f);
    CHECK_OK(tmlp_ckpt_save(&f, &net, TMLP_SAVE_OPTIM, NULL));
    CHECK_OK(tmlp_ckpt_save(&f, &net, TMLP_SAVE_OPTIM, &seq));
    CHECK(seq == 2u);
    CHECK_ERR(tmlp_ckpt_peek(&f, NULL, &info, NULL), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_ckpt_peek(&f, &d, NULL, NULL), TMLP_ERR_ARG);
    CHECK_OK(tmlp_ckpt_peek(&f, &d, &info, NULL));
    CHECK_ERR(tmlp_ckpt_load(&f, NULL, 0, NULL), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_ckpt_load(&f, &dst, 4u, NULL), TMLP_ERR_ARG); /* 2u is TMLP_SAVE_FULL */
    /* A read failing at every point of peek, load and save: passed on, the
     * net unchanged. */
    w.reads = 0;
    CHECK_OK(tmlp_ckpt_peek(&f, &d, &info, NULL));
    pass1 = w.reads; /* a load verifies with the same reads, then writes */
    for (k = 1; k < 400; k++) {
        w.reads = 0;
        w.read_fail_at = k;
        st = tmlp_ckpt_peek(&f, &d, &info, NULL);
        CHECK(st == TMLP_OK || st == TMLP_ERR_IO);
        w.reads = 0;
        st = tmlp_ckpt_load(&f, &dst, TMLP_SAVE_OPTIM, NULL);
        CHECK(st == TMLP_OK || st == TMLP_ERR_IO);
        if (k <= pass1) {
            CHECK(k_hash(&dst) == h); /* pass 2 failures: finding Q1 */
        }
        k_net_other(&dst, k_arena2, sizeof k_arena2);
    }
    for (k = 1; k < 60; k++) {
        w.reads = 0;
        w.read_fail_at = k;
        st = tmlp_ckpt_save(&f, &net, 0, NULL);
        CHECK(st == TMLP_OK || st == TMLP_ERR_IO);
    }
    w.read_fail_at = 0;
    CHECK_OK(tmlp_ckpt_load(&f, &dst, 0, NULL));
    CHECK(k_hash(&dst) == k_hash(&net));
}

TMLP_TEST(cover_ckpt_bad_flash)
{
    wrap_t w;
    tmlp_flash_t f;
    tmlp_net_t net;
    tmlp_desc_t d;
    tmlp_model_info_t info;
    size_t model = 0;
    k_net(&net, k_arena, sizeof k_arena);
    w_init(&w, &f);
    /* A flash that accepts programs and keeps nothing: the read-back fails. */
    w.drop_progs = 1;
    CHECK_ERR(tmlp_ckpt_save(&f, &net, 0, NULL), TMLP_ERR_IO);
    w.drop_progs = 0;
    CHECK_OK(tmlp_ckpt_save(&f, &net, 0, NULL));
    /* The model's last byte (its CRC) no longer matches the header's copy:
     * the model file starts after the 24-byte header unit and the 8-byte
     * confirm unit (program unit 8). */
    CHECK_OK(tmlp_model_size(&net, 0, &model));
    CHECK(f.prog_bytes == 8u);
    k_dev[32u + model - 1u] = (uint8_t)(k_dev[32u + model - 1u] & 0x0Fu);
    CHECK_ERR(tmlp_ckpt_peek(&f, &d, &info, NULL), TMLP_ERR_NOT_FOUND);
}

TMLP_TEST(cover_data_evaluate)
{
    static const float X[4] = {0.0f, 1.0f, 1.0f, 0.0f}, Y[2] = {1.0f, 0.0f};
    static const uint8_t L[2] = {0, 0}; /* one output: label 0 only */
    tmlp_arrays_t a;
    tmlp_data_t dv, dl;
    tmlp_net_t net;
    float x[2], loss = 0.0f, acc = 0.0f, maj = 0.0f, uni = 0.0f;
    uint32_t label = 0, conf[4], counts[2];
    vector_data(&dv, &a, X, 2, Y, 1, 2);
    CHECK_ERR(dv.read(dv.ctx, 0, x, NULL, &label), TMLP_ERR_ARG); /* vector source, no y */
    k_net(&net, k_arena, sizeof k_arena);
    CHECK_OK(tmlp_evaluate(&net, &dv, TMLP_LOSS_BCE, NULL, &loss, &acc, conf));
    CHECK(conf[0] + conf[1] + conf[2] + conf[3] == 2u);
    label_u8_data(&dl, &a, X, 2, L, 2);
    CHECK_OK(tmlp_evaluate(&net, &dl, TMLP_LOSS_BCE, NULL, NULL, NULL, NULL));
    CHECK_ERR(tmlp_evaluate(NULL, &dl, TMLP_LOSS_BCE, NULL, NULL, NULL, NULL), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_evaluate(&net, NULL, TMLP_LOSS_BCE, NULL, NULL, NULL, NULL), TMLP_ERR_ARG);
    CHECK_OK(tmlp_baseline(&dl, 2, x, counts, &maj, &uni));
    CHECK_ERR(tmlp_baseline(&dl, 2, NULL, counts, &maj, &uni), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_baseline(&dl, 2, x, NULL, &maj, &uni), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_baseline(&dl, 2, x, counts, NULL, &uni), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_baseline(&dl, 2, x, counts, &maj, NULL), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_baseline(&dv, 2, x, counts, &maj, &uni), TMLP_ERR_ARG);
}

static tmlp_status_t read_fail(void *ctx, uint32_t index, float *x, float *y, uint32_t *label)
{
    (void)ctx;
    (void)index;
    (void)x;
    (void)y;
    (void)label;
    return TMLP_ERR_IO;
}

TMLP_TEST(cover_read_errors)
{
    tmlp_data_t bad;
    tmlp_net_t net;
    float x[3], maj, uni;
    uint32_t counts[2];
    memset(&bad, 0, sizeof bad);
    bad.n = 2;
    bad.read = read_fail;
    k_net(&net, k_arena, sizeof k_arena);
    CHECK_ERR(tmlp_baseline(&bad, 2, x, counts, &maj, &uni), TMLP_ERR_IO);
    CHECK_ERR(tmlp_evaluate(&net, &bad, TMLP_LOSS_BCE, NULL, NULL, NULL, NULL), TMLP_ERR_IO);
}

TMLP_TEST(cover_gradcheck_overflow)
{
    static const float x[2] = {1.0f, 1.0f}, y[1] = {1.0f}, p[3] = {0.5f, -0.5f, 0.25f};
    static float a[TMLP_ARENA_BYTES(2, 1, 1, 1, 3, 3, 1, 1, TMLP_BUILD_TRAIN) / sizeof(float)];
    tmlp_desc_t d = mlp1(2, 1, TMLP_ACT_IDENTITY);
    tmlp_optim_t o = k_opt();
    tmlp_net_t net;
    tmlp_target_t t;
    float err = 0.0f;
    uint32_t h;
    t.values = y;
    t.label = 0;
    CHECK_OK(tmlp_net_init(&net, &d, &(tmlp_opts_t){.optim = &o}, a, sizeof a, NULL));
    CHECK_OK(tmlp_net_set_params(&net, p, 3));
    h = k_hash(&net);
    /* w +- h makes the loss overflow: reported, weights restored. */
    CHECK_ERR(tmlp_net_gradcheck(&net, x, TMLP_LOSS_HALF_SSE, &t, 3e38f, &err), TMLP_ERR_NUMERIC);
    CHECK(k_hash(&net) == h);
}

TMLP_TEST(cover_init_normal)
{
    tmlp_net_t net;
    tmlp_init_t init;
    tmlp_rng_t rng;
    const float *p;
    size_t n = 0, i;
    int nonzero = 0;
    k_net(&net, k_arena, sizeof k_arena);
    memset(&init, 0, sizeof init);
    init.kind = TMLP_INIT_NORMAL;
    init.a = 0.0f;
    init.b = 0.5f;
    CHECK_OK(tmlp_rng_seed(&rng, 3));
    CHECK_OK(tmlp_net_init_weights(&net, &init, &rng));
    CHECK_OK(tmlp_net_params(&net, &p, &n));
    for (i = 0; i < n; i++) {
        nonzero += p[i] != 0.0f;
    }
    CHECK(nonzero > 0);
    init.b = -1.0f;
    CHECK_ERR(tmlp_net_init_weights(&net, &init, &rng), TMLP_ERR_ARG);
}

/* Saves the k net (with its optimizer) into k_file. */
static size_t k_save(tmlp_net_t *net, uint32_t what)
{
    size_t len = 0;
    CHECK_OK(tmlp_model_save(net, what, k_file, sizeof k_file, &len));
    return len;
}

TMLP_TEST(cover_load_io_and_args)
{
    tmlp_net_t net, dst;
    tmlp_desc_t d;
    tmlp_model_info_t info;
    pread_t r;
    size_t len;
    uint32_t k, h, pass1;
    tmlp_status_t st;
    k_net(&net, k_arena, sizeof k_arena);
    k_net_other(&dst, k_arena2, sizeof k_arena2);
    h = k_hash(&dst);
    CHECK(h != k_hash(&net));
    len = k_save(&net, TMLP_SAVE_OPTIM);
    CHECK_ERR(tmlp_model_peek(NULL, &r, len, &d, &info), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_model_peek(pread_fn, &r, len, NULL, &info), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_model_peek(pread_fn, &r, len, &d, NULL), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_model_load(NULL, 0, pread_fn, &r, len), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_model_load(&dst, 0, NULL, &r, len), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_model_load(&dst, 4u, pread_fn, &r, len), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_model_peek_buf(NULL, len, &d, &info), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_model_load_buf(&dst, 0, NULL, len), TMLP_ERR_ARG);
    /* Reads of the verifying pass (the same as a peek's). */
    memset(&r, 0, sizeof r);
    r.buf = k_file;
    r.len = len;
    CHECK_OK(tmlp_model_peek(pread_fn, &r, len, &d, &info));
    pass1 = r.calls;
    /* The read callback failing at every read of both passes. A failure in
     * pass 1 leaves the net unchanged. One in pass 2 (the writing pass)
     * leaves it partly loaded: see docs/quality.md, finding Q1. */
    for (k = 1; k < 64; k++) {
        memset(&r, 0, sizeof r);
        r.buf = k_file;
        r.len = len;
        r.fail_at = k;
        st = tmlp_model_load(&dst, TMLP_SAVE_OPTIM, pread_fn, &r, len);
        CHECK(st == TMLP_OK || st == TMLP_ERR_IO);
        if (k <= pass1) {
            CHECK(k_hash(&dst) == h);
        }
        k_net_other(&dst, k_arena2, sizeof k_arena2); /* back to the old weights */
        r.calls = 0;
        st = tmlp_model_peek(pread_fn, &r, len, &d, &info);
        CHECK(st == TMLP_OK || st == TMLP_ERR_IO);
    }
}

TMLP_TEST(cover_load_crafted)
{
    tmlp_net_t net, dst;
    tmlp_desc_t d = k_desc();
    tmlp_optim_t o = k_opt();
    tmlp_model_info_t info;
    size_t len, nb = 0;
    uint32_t h, hyper_at;
    k_net(&net, k_arena, sizeof k_arena);
    len = k_save(&net, TMLP_SAVE_OPTIM);
    /* A NaN hyperparameter (lr), CRC fixed: TMLP_ERR_NUMERIC. The optimizer
     * block starts after header, layers and parameters. */
    hyper_at = 32u + 12u * 2u + 4u * (uint32_t)K_NP + 8u;
    memcpy(k_file2, k_file, len);
    k_file2[hyper_at + 3] = 0x7f;
    k_file2[hyper_at + 2] = 0xc0;
    fix_crc(k_file2, len);
    CHECK_ERR(tmlp_model_peek_buf(k_file2, len, &d, &info), TMLP_ERR_NUMERIC);
    /* Every layer frozen, and optimizer state: nothing it could belong to. */
    memcpy(k_file2, k_file, len);
    k_file2[32 + 3] = TMLP_LAYER_FROZEN;
    k_file2[32 + 12 + 3] = TMLP_LAYER_FROZEN;
    fix_crc(k_file2, len);
    CHECK_ERR(tmlp_model_peek_buf(k_file2, len, &d, &info), TMLP_ERR_FORMAT);
    /* Shape and state mismatches against the net loaded into. */
    d = k_desc();
    d.n_in = 3;
    CHECK_OK(tmlp_arena_size(&d, &(tmlp_opts_t){.optim = &o}, &nb));
    CHECK(nb <= sizeof k_arena2);
    CHECK_OK(tmlp_net_init(&dst, &d, &(tmlp_opts_t){.optim = &o}, k_arena2, sizeof k_arena2, NULL));
    CHECK_ERR(tmlp_model_load_buf(&dst, 0, k_file, len), TMLP_ERR_SHAPE);
    d = k_desc();
    d.n_layers = 1;
    d.layer[0] = k_desc().layer[1];
    CHECK_OK(tmlp_net_init(&dst, &d, &(tmlp_opts_t){.optim = &o}, k_arena2, sizeof k_arena2, NULL));
    CHECK_ERR(tmlp_model_load_buf(&dst, 0, k_file, len), TMLP_ERR_SHAPE);
    /* Same kind (SGD), fewer state slots (no momentum). */
    d = k_desc();
    o.momentum = 0.0f;
    CHECK_OK(tmlp_net_init(&dst, &d, &(tmlp_opts_t){.optim = &o}, k_arena2, sizeof k_arena2, NULL));
    h = k_hash(&dst);
    CHECK_ERR(tmlp_model_load_buf(&dst, TMLP_SAVE_OPTIM, k_file, len), TMLP_ERR_OPTIM_MISMATCH);
    CHECK(k_hash(&dst) == h);
    /* The optimizer state into an inference net, which has none: refused,
     * though its parameters alone would load. */
    d = k_desc();
    CHECK_OK(tmlp_net_init(&dst, &d, NULL, k_arena2, sizeof k_arena2, NULL));
    h = k_hash(&dst);
    CHECK_ERR(tmlp_model_load_buf(&dst, TMLP_SAVE_OPTIM, k_file, len), TMLP_ERR_NOT_TRAINING);
    CHECK(k_hash(&dst) == h);
    CHECK_OK(tmlp_model_load_buf(&dst, 0, k_file, len));
    /* A file without input scaling into a net with it: offset 0, scale 1. */
    d.flags = TMLP_DESC_INPUT_SCALE;
    o = k_opt();
    CHECK_OK(tmlp_net_init(&dst, &d, &(tmlp_opts_t){.optim = &o}, k_arena2, sizeof k_arena2, NULL));
    CHECK_OK(tmlp_model_load_buf(&dst, 0, k_file, len));
    CHECK(k_hash(&dst) == k_hash(&net));
}

TMLP_TEST(cover_net_finetune_args)
{
    static float base[K_NP];
    tmlp_desc_t d = k_desc();
    tmlp_optim_t o = k_opt();
    tmlp_net_t net;
    const float *p;
    size_t n;
    float norm;
    memset(base, 0, sizeof base);
    d.layer[0].flags = TMLP_LAYER_FROZEN;
    CHECK_ERR(tmlp_net_init(NULL, &d, &(tmlp_opts_t){.optim = &o, .params = base, .n_params = K_NP}, k_arena, sizeof k_arena, NULL),
              TMLP_ERR_ARG);
    o.lr = -1.0f;
    CHECK_ERR(tmlp_net_init(&net, &d, &(tmlp_opts_t){.optim = &o, .params = base, .n_params = K_NP}, k_arena, sizeof k_arena, NULL),
              TMLP_ERR_ARG);
    o = k_opt();
    CHECK_ERR(tmlp_net_init(&net, &d, &(tmlp_opts_t){.optim = &o, .params = base, .n_params = K_NP - 1u}, k_arena, sizeof k_arena, NULL),
              TMLP_ERR_SHAPE);
    base[0] = from_bits(0x7f800000u);
    CHECK_ERR(tmlp_net_init(&net, &d, &(tmlp_opts_t){.optim = &o, .params = base, .n_params = K_NP}, k_arena, sizeof k_arena, NULL),
              TMLP_ERR_NUMERIC);
    base[0] = 0.0f;
    CHECK_OK(tmlp_net_init(&net, &d, &(tmlp_opts_t){.optim = &o, .params = base, .n_params = K_NP}, k_arena, sizeof k_arena, NULL));
    CHECK_ERR(tmlp_net_train_params(NULL, &p, &n), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_net_train_params(&net, NULL, &n), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_net_train_params(&net, &p, NULL), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_net_grad_norm(NULL, &norm), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_net_grad_norm(&net, NULL), TMLP_ERR_ARG);
    CHECK_OK(tmlp_net_grad_norm(&net, &norm));
    CHECK(norm == 0.0f);
}

TMLP_TEST(cover_optim_edges)
{
    tmlp_optim_t o;
    float w[2] = {1.0f, -1.0f}, g[2] = {0.5f, 0.25f}, s[4] = {0, 0, 0, 0};
    float big[1] = {3e38f}, gneg[1] = {-1.0f}, sv[1] = {0.0f};
    uint32_t step = UINT32_MAX;
    memset(&o, 0, sizeof o);
    /* Adam with maximize, at a step counter that can not grow. */
    o.kind = TMLP_OPT_ADAM;
    o.lr = 0.01f;
    o.maximize = 1;
    CHECK_OK(tmlp_optim_step(&o, w, g, s, 2, &step));
    CHECK(step == UINT32_MAX);
    CHECK(w[0] > 1.0f && w[1] > -1.0f);
    /* Adam whose state overflows: nothing written. */
    s[0] = 3e38f;
    s[1] = 3e38f;
    w[0] = 1.0f;
    step = 5;
    o.beta1 = 0.5f;
    o.maximize = 0;
    g[0] = -3e38f;
    CHECK_ERR(tmlp_optim_step(&o, w, g, s, 2, &step), TMLP_ERR_NUMERIC);
    CHECK(w[0] == 1.0f && step == 5u);
    /* SGD with clipping whose update overflows: nothing written. */
    memset(&o, 0, sizeof o);
    o.kind = TMLP_OPT_SGD;
    o.lr = 1e38f;
    o.clip_norm = 1.0f;
    step = 0;
    CHECK_ERR(tmlp_optim_step(&o, big, gneg, NULL, 1, &step), TMLP_ERR_NUMERIC);
    CHECK(big[0] == 3e38f && step == 0u);
    o.momentum = 0.5f;
    CHECK_ERR(tmlp_optim_step(&o, big, gneg, sv, 1, &step), TMLP_ERR_NUMERIC);
    CHECK(big[0] == 3e38f && sv[0] == 0.0f);
}

TMLP_TEST(cover_step_counter_limit)
{
    static const float x[2] = {0.5f, -1.0f}, y[1] = {1.0f};
    tmlp_net_t net;
    tmlp_target_t t;
    t.values = y;
    t.label = 0;
    k_net(&net, k_arena, sizeof k_arena);
    net.steps = UINT32_MAX; /* white-box: a counter at its limit saturates */
    CHECK_OK(tmlp_net_forward(&net, x, NULL));
    CHECK_OK(tmlp_net_backward(&net, TMLP_LOSS_BCE, &t, NULL));
    CHECK_OK(tmlp_net_step(&net));
    CHECK(net.steps == UINT32_MAX);
}

TMLP_TEST(cover_save_args)
{
    tmlp_net_t net, inf;
    tmlp_desc_t d = k_desc();
    static float ia[TMLP_MLP2_BYTES(2, 3, 1, 0, 0) / sizeof(float)];
    size_t n = 0, len = 0;
    k_net(&net, k_arena, sizeof k_arena);
    CHECK_OK(tmlp_net_init(&inf, &d, NULL, ia, sizeof ia, NULL));
    CHECK_ERR(tmlp_model_size(&net, 0, NULL), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_model_size(&inf, TMLP_SAVE_OPTIM, &n), TMLP_ERR_NOT_TRAINING);
    CHECK_ERR(tmlp_model_save_stream(&net, 0, NULL, NULL), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_model_save_stream(NULL, 0, NULL, NULL), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_model_save(&net, 0, NULL, sizeof k_file, &len), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_model_save(&net, 0, k_file, sizeof k_file, NULL), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_model_save(&inf, TMLP_SAVE_OPTIM, k_file, sizeof k_file, &len),
              TMLP_ERR_NOT_TRAINING);
}

TMLP_TEST(cover_sched_order)
{
    tmlp_sched_t s;
    tmlp_trainer_t tr;
    tmlp_train_cfg_t c;
    tmlp_data_t big;
    tmlp_net_t net;
    float lr = 0.0f;
    uint32_t idx = 0;
    memset(&s, 0, sizeof s);
    CHECK_ERR(tmlp_sched_lr(&s, from_bits(0x7fc00000u), 0, &lr), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_sched_lr(&s, 0.0f, 0, &lr), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_sched_lr(&s, 1.0f, 0, NULL), TMLP_ERR_ARG);
    /* More than 2^31 samples: the order's mask is the full 32 bits. */
    k_net(&net, k_arena, sizeof k_arena);
    memset(&big, 0, sizeof big);
    big.n = 0x80000001u;
    big.read = read_fail;
    memset(&c, 0, sizeof c);
    c.loss = TMLP_LOSS_BCE;
    c.shuffle = 1;
    c.max_epochs = 1;
    CHECK_OK(tmlp_train_begin(&tr, &net, &big, &c));
    CHECK_OK(tmlp_train_order(&tr, 0x80000000u, &idx));
    CHECK(idx < big.n);
    CHECK_ERR(tmlp_train_order(&tr, big.n, &idx), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_train_order(&tr, 0, NULL), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_train_order(NULL, 0, &idx), TMLP_ERR_ARG);
}

static int stop_now(void *ctx, const tmlp_epoch_info_t *info)
{
    (void)ctx;
    (void)info;
    return 1;
}

TMLP_TEST(cover_train_rules)
{
    static const float X[4] = {0.0f, 1.0f, 1.0f, 0.0f}, Y[2] = {1.0f, 0.0f};
    tmlp_arrays_t a;
    tmlp_data_t d, bad;
    tmlp_net_t net;
    tmlp_trainer_t tr;
    tmlp_train_cfg_t c, b;
    tmlp_train_result_t r;
    tmlp_stop_t stop;
    int i;
    vector_data(&d, &a, X, 2, Y, 1, 2);
    memset(&bad, 0, sizeof bad);
    bad.n = 2;
    bad.read = read_fail;
    k_net(&net, k_arena, sizeof k_arena);
    memset(&c, 0, sizeof c);
    c.loss = TMLP_LOSS_BCE;
    c.max_epochs = 3;
    /* Configurations the checks refuse. */
    for (i = 0; i < 9; i++) {
        tmlp_data_t dd = d;
        b = c;
        switch (i) {
        case 0: dd.read = NULL; break;
        case 1: dd.n = 0; break;
        case 2: dd.targets = 2; break;
        case 3: b.shuffle = 2; break;
        case 4: b.restore_best = 2; break;
        case 5: b.grad_tol = -1.0f; break;
        case 6: b.rel_tol = -1.0f; break;
        case 7: b.val = &bad; bad.n = 0; break;
        default: b.val = &dd; dd.read = NULL; break;
        }
        CHECK_ERR(tmlp_train_begin(&tr, &net, &dd, &b), TMLP_ERR_ARG);
        bad.n = 2;
    }
    /* Stopping rules that exist only with each other. */
    b = c;
    b.max_epochs = 0;
    b.rel_tol = 0.5f;
    CHECK_OK(tmlp_train(&tr, &net, &d, &b, NULL));
    b = c;
    b.max_epochs = 0;
    b.time_budget = 1000000u;
    b.clock = still_clock;
    b.max_steps = 2;
    CHECK_OK(tmlp_train(&tr, &net, &d, &b, &r));
    CHECK(r.stop == TMLP_STOP_MAX_STEPS);
    /* Validation without best_params; a failing validation set. */
    b = c;
    b.val = &d;
    b.patience = 1;
    CHECK_OK(tmlp_train(&tr, &net, &d, &b, &r));
    b.val = &bad;
    CHECK_ERR(tmlp_train(&tr, &net, &d, &b, &r), TMLP_ERR_IO);
    CHECK(r.stop == TMLP_STOP_ERROR);
    /* The callback asks to stop when a rule already did: the rule wins. */
    b = c;
    b.max_epochs = 1;
    b.on_epoch = stop_now;
    CHECK_OK(tmlp_train(&tr, &net, &d, &b, &r));
    CHECK(r.stop == TMLP_STOP_MAX_EPOCHS);
    CHECK_ERR(tmlp_train_step(&tr, NULL), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_train_step(NULL, &stop), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_train_result(&tr, NULL), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_train_result(NULL, &r), TMLP_ERR_ARG);
}

/* See test_cover.h. */
void suite_cover(void)
{
    RUN(cover_arena_and_crc);
    RUN(cover_ckpt_geometry);
    RUN(cover_ckpt_args_and_io);
    RUN(cover_ckpt_bad_flash);
    RUN(cover_data_evaluate);
    RUN(cover_read_errors);
    RUN(cover_gradcheck_overflow);
    RUN(cover_init_normal);
    RUN(cover_load_io_and_args);
    RUN(cover_load_crafted);
    RUN(cover_net_finetune_args);
    RUN(cover_optim_edges);
    RUN(cover_step_counter_limit);
    RUN(cover_save_args);
    RUN(cover_sched_order);
    RUN(cover_train_rules);
    suite_cover_numeric();
}
