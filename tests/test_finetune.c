/* SPDX-License-Identifier: MIT */
/* Frozen layers and fine-tuning with the frozen parameters in flash. */
#include <stdio.h>
#include <string.h>

#include "fixtures.h"
#include "sim/tmlp_flash_sim.h"
#include "suites.h"
#include "tinymlp.h"
#include "tmlp_test.h"

/* 6-8-5-3: layers 0 and 1 frozen, the output layer trained. */
#define FI 6
#define FH1 8
#define FH2 5
#define FO 3
#define F_PARAMS TMLP_MLP3_PARAMS(FI, FH1, FH2, FO)
#define F_TRAIN TMLP_DENSE_PARAMS(FH2, FO)
#define F_UNITS (FH1 + FH2 + FO)

static float g_full[TMLP_ARENA_BYTES(FI, FO, F_UNITS, 0, F_PARAMS, F_TRAIN, FO, TMLP_SLOTS_MOMENTUM, TMLP_BUILD_TRAIN) /
                    sizeof(float) + 16];
static float g_fine[TMLP_ARENA_BYTES(FI, FO, F_UNITS, 0, 0, F_TRAIN, FO, TMLP_SLOTS_MOMENTUM, TMLP_BUILD_TRAIN | TMLP_BUILD_BORROW) /
                    sizeof(float) + 16];
static float g_base[F_PARAMS]; /* stands for the const weights in flash */

static tmlp_desc_t f_desc(int frozen)
{
    tmlp_desc_t d;
    memset(&d, 0, sizeof d);
    d.n_in = FI;
    d.n_layers = 3;
    d.layer[0].units = FH1;
    d.layer[0].act = TMLP_ACT_TANH;
    d.layer[1].units = FH2;
    d.layer[1].act = TMLP_ACT_RELU;
    d.layer[2].units = FO;
    d.layer[2].act = TMLP_ACT_SOFTMAX;
    if (frozen) {
        d.layer[0].flags = TMLP_LAYER_FROZEN;
        d.layer[1].flags = TMLP_LAYER_FROZEN;
    }
    return d;
}

static tmlp_optim_t f_opt(void)
{
    return make_opt(TMLP_OPT_SGD, 0.1f, 0.9f);
}

static void f_train(tmlp_net_t *net, int steps)
{
    tmlp_rng_t rng;
    int s, k;
    CHECK_OK(tmlp_rng_seed(&rng, 9));
    for (s = 0; s < steps; s++) {
        float x[FI];
        uint32_t u;
        tmlp_target_t t;
        for (k = 0; k < FI; k++) {
            CHECK_OK(tmlp_rng_normal(&rng, &x[k]));
        }
        CHECK_OK(tmlp_rng_u32(&rng, &u));
        t.values = NULL;
        t.label = u % FO;
        CHECK_OK(tmlp_net_forward(net, x, NULL));
        CHECK_OK(tmlp_net_backward(net, TMLP_LOSS_CE, &t, NULL));
        CHECK_OK(tmlp_net_step(net));
    }
}

TMLP_TEST(frozen_arena_sizes)
{
    tmlp_desc_t d = f_desc(1);
    tmlp_optim_t o = f_opt();
    size_t n = 0;
    CHECK_OK(tmlp_arena_size(&d, &(tmlp_opts_t){.optim = &o}, &n));
    CHECK(n == sizeof g_full - 16u * sizeof(float));
    CHECK_OK(tmlp_arena_size(&d, &(tmlp_opts_t){.optim = &o, .params = g_base}, &n));
    CHECK(n == sizeof g_fine - 16u * sizeof(float));
    /* The formula of README.md by hand: P_t (2 + S) + n_in + U + 2 n_out
     * + 2 max_train = 18 * 3 + 6 + 16 + 6 + 6 floats without a cache line;
     * with 64-byte lines (16 floats) each buffer is whole lines, 32 * 3 +
     * 16 * 5, and 15 floats in front. */
    CHECK(TMLP_ARENA_BYTES_LINE(0, FI, FO, F_UNITS, 0, 0, F_TRAIN, FO, TMLP_SLOTS_MOMENTUM,
                                TMLP_BUILD_TRAIN | TMLP_BUILD_BORROW) ==
          (18u * 3u + 6u + 16u + 6u + 6u) * 4u);
    CHECK(TMLP_ARENA_BYTES_LINE(64, FI, FO, F_UNITS, 0, 0, F_TRAIN, FO, TMLP_SLOTS_MOMENTUM,
                                TMLP_BUILD_TRAIN | TMLP_BUILD_BORROW) ==
          (32u * 3u + 16u * 5u + 15u) * 4u);
    /* 64-32-10 with only the last layer trained: the README's figure on a
     * microcontroller, and with 64-byte lines 336 * 3 + 64 + 48 + 16 + 16
     * + 32 floats, and 15 in front. */
    CHECK(TMLP_ARENA_BYTES_LINE(0, 64, 10, 42, 0, 0, TMLP_DENSE_PARAMS(32, 10), 10,
                                TMLP_SLOTS_MOMENTUM, TMLP_BUILD_TRAIN | TMLP_BUILD_BORROW) == 4544u);
    CHECK(TMLP_ARENA_BYTES_LINE(64, 64, 10, 42, 0, 0, TMLP_DENSE_PARAMS(32, 10), 10,
                                TMLP_SLOTS_MOMENTUM, TMLP_BUILD_TRAIN | TMLP_BUILD_BORROW) ==
          (336u * 3u + 64u + 48u + 16u + 16u + 32u + 15u) * 4u);
    /* Rules: frozen layers first; something to train; fine-tuning needs a
     * frozen layer. */
    d.layer[1].flags = 0;
    d.layer[2].flags = TMLP_LAYER_FROZEN;
    CHECK_ERR(tmlp_arena_size(&d, &(tmlp_opts_t){.optim = &o}, &n), TMLP_ERR_ARG);
    d = f_desc(1);
    d.layer[2].flags = TMLP_LAYER_FROZEN;
    CHECK_ERR(tmlp_arena_size(&d, &(tmlp_opts_t){.optim = &o}, &n), TMLP_ERR_FROZEN);
    CHECK_OK(tmlp_arena_size(&d, NULL, &n));
    d = f_desc(0);
    /* Borrowed parameters without a frozen layer: all are copied in, an
     * ordinary training net. */
    {
        size_t in_arena = 0;
        CHECK_OK(tmlp_arena_size(&d, &(tmlp_opts_t){.optim = &o}, &in_arena));
        CHECK_OK(tmlp_arena_size(&d, &(tmlp_opts_t){.optim = &o, .params = g_base}, &n));
        CHECK(n == in_arena);
    }
}

TMLP_TEST(frozen_layers_do_not_move_and_finetune_matches)
{
    tmlp_desc_t d = f_desc(1);
    tmlp_optim_t o = f_opt();
    tmlp_net_t full, fine;
    const float *p, *tp;
    size_t n, nt, k;
    uint32_t h_full, h_fine;
    float gerr = 1.0f, x[FI] = {0.5f, -1, 2, 0.25f, -0.75f, 1};
    tmlp_target_t t;
    for (k = 0; k < 16; k++) {
        g_full[sizeof g_full / sizeof(float) - 16u + k] = -7.0f;
        g_fine[sizeof g_fine / sizeof(float) - 16u + k] = -7.0f;
    }
    seeded_net(&full, &d, &o, g_full, sizeof g_full - 64u, 4, 1);
    CHECK_OK(tmlp_net_params(&full, &p, &n));
    memcpy(g_base, p, sizeof g_base);
    /* Fine-tuning from the same weights, the frozen ones read in place. */
    CHECK_OK(tmlp_net_init(&fine, &d, &(tmlp_opts_t){.optim = &o, .params = g_base, .n_params = F_PARAMS}, g_fine, sizeof g_fine - 64u,
                                    NULL));
    CHECK_ERR(tmlp_net_params(&fine, &p, &n), TMLP_ERR_FROZEN);
    /* Its frozen layers are the caller's const array: never written. */
    CHECK_ERR(tmlp_net_set_params(&fine, g_base, F_PARAMS), TMLP_ERR_READ_ONLY);
    {
        tmlp_init_t init;
        tmlp_rng_t rng;
        memset(&init, 0, sizeof init);
        CHECK_OK(tmlp_rng_seed(&rng, 1u));
        CHECK_ERR(tmlp_net_init_weights(&fine, &init, &rng), TMLP_ERR_READ_ONLY);
    }
    CHECK_OK(tmlp_net_train_params(&fine, &tp, &nt));
    CHECK(nt == F_TRAIN && memcmp(tp, g_base + F_PARAMS - F_TRAIN, sizeof(float) * F_TRAIN) == 0);
    f_train(&full, 50);
    f_train(&fine, 50);
    CHECK_OK(tmlp_net_crc32(&full, &h_full));
    CHECK_OK(tmlp_net_crc32(&fine, &h_fine));
    CHECK(h_full == h_fine);
    /* The frozen layers kept every bit; the trained one moved. */
    CHECK_OK(tmlp_net_params(&full, &p, &n));
    CHECK(memcmp(p, g_base, sizeof(float) * (F_PARAMS - F_TRAIN)) == 0);
    CHECK(memcmp(p + F_PARAMS - F_TRAIN, g_base + F_PARAMS - F_TRAIN, sizeof(float) * F_TRAIN) != 0);
    /* Gradient check over the trainable parameters. */
    t.values = NULL;
    t.label = 1;
    CHECK_OK(tmlp_net_gradcheck(&fine, x, TMLP_LOSS_CE, &t, 1e-3f, &gerr));
    CHECK(gerr < 2e-3f);
    for (k = 0; k < 16; k++) {
        CHECK_BITS(g_full[sizeof g_full / sizeof(float) - 16u + k], -7.0f);
        CHECK_BITS(g_fine[sizeof g_fine / sizeof(float) - 16u + k], -7.0f);
    }
}

TMLP_TEST(finetuned_model_saves_whole)
{
    static uint8_t file[TMLP_MODEL_BASE_BYTES(3) + 4u * F_PARAMS + 44u + 4u * F_TRAIN];
    tmlp_desc_t d = f_desc(1), pd;
    tmlp_optim_t o = f_opt();
    tmlp_model_info_t info;
    tmlp_net_t fine, full;
    size_t len = 0;
    uint32_t h1, h2;
    CHECK_OK(tmlp_net_init(&fine, &d, &(tmlp_opts_t){.optim = &o, .params = g_base, .n_params = F_PARAMS}, g_fine, sizeof g_fine - 64u,
                                    NULL));
    f_train(&fine, 20);
    /* TMLP_SAVE_FULL: the whole model, frozen layers included, as a
     * version 1 file that any net of this shape (and any release) takes. */
    CHECK_OK(tmlp_model_save(&fine, TMLP_SAVE_OPTIM | TMLP_SAVE_FULL, file, sizeof file, &len));
    CHECK(len == sizeof file);
    CHECK(len == TMLP_MODEL_BYTES(3, F_PARAMS) + TMLP_MODEL_OPTIM_BYTES(F_TRAIN, 1));
    CHECK(file[4] == 1u && file[5] == 0u && file[8] == 2u && file[15] == 0u);
    CHECK_OK(tmlp_model_peek_buf(file, len, &pd, &info));
    CHECK(pd.layer[0].flags == TMLP_LAYER_FROZEN && pd.layer[2].flags == 0u);
    CHECK(info.version == 1u && !info.partial && info.n_frozen == 0u && info.base_crc == 0u);
    CHECK_OK(tmlp_net_init(&full, &d, &(tmlp_opts_t){.optim = &o}, g_full, sizeof g_full - 64u, NULL));
    CHECK_OK(tmlp_model_load_buf(&full, TMLP_SAVE_OPTIM, file, len));
    CHECK_OK(tmlp_net_crc32(&fine, &h1));
    CHECK_OK(tmlp_net_crc32(&full, &h2));
    CHECK(h1 == h2);
    /* Same state: both go on identically. */
    f_train(&fine, 5);
    f_train(&full, 5);
    CHECK_OK(tmlp_net_crc32(&fine, &h1));
    CHECK_OK(tmlp_net_crc32(&full, &h2));
    CHECK(h1 == h2);
    /* A fine-tuning net on the same base takes the file back (its trained
     * layers and state) and goes on identically... */
    {
        static float a2[sizeof g_fine / sizeof(float)];
        tmlp_net_t fine2;
        float keep;
        CHECK_OK(tmlp_net_init(&fine2, &d, &(tmlp_opts_t){.optim = &o, .params = g_base, .n_params = F_PARAMS}, a2, sizeof a2, NULL));
        CHECK_OK(tmlp_model_load_buf(&fine2, TMLP_SAVE_OPTIM, file, len));
        f_train(&fine2, 5);
        CHECK_OK(tmlp_net_crc32(&fine2, &h2));
        CHECK_OK(tmlp_net_crc32(&fine, &h1));
        CHECK(h1 == h2);
        /* ...but not a file of another base model (one frozen weight off). */
        keep = g_base[0];
        g_base[0] = keep + 1.0f;
        CHECK_ERR(tmlp_model_load_buf(&fine2, 0, file, len), TMLP_ERR_FROZEN);
        g_base[0] = keep;
    }
}

/* ---- partial files: the trainable layers, and the base's CRC ---- */

/* Header 32 + 3 layers 36 + 18 trainable parameters 72 + the optimizer
 * block with one state vector 44 + 72 + CRC 4: 260 bytes, against 664 for
 * the whole model. */
#define F_PARTIAL_BYTES (TMLP_MODEL_PARTIAL_BYTES(3, F_TRAIN) + TMLP_MODEL_OPTIM_BYTES(F_TRAIN, 1))
#define F_FULL_BYTES (TMLP_MODEL_BYTES(3, F_PARAMS) + TMLP_MODEL_OPTIM_BYTES(F_TRAIN, 1))
/* Where the parameters start: header and layer table. */
#define F_PARAMS_AT (32u + 3u * 12u)
/* Layers 0 and 1 frozen... and layer 1 trainable instead (63 parameters). */
#define F_TRAIN1 (TMLP_DENSE_PARAMS(FH1, FH2) + F_TRAIN)

static uint8_t p_file[F_PARTIAL_BYTES];
static uint8_t p_bad[F_PARTIAL_BYTES];
static float g_fine2[TMLP_ARENA_BYTES(FI, FO, F_UNITS, 0, 0, F_TRAIN, FO, TMLP_SLOTS_MOMENTUM, TMLP_BUILD_TRAIN | TMLP_BUILD_BORROW) /
                     sizeof(float)];
static float g_fine1[TMLP_ARENA_BYTES(FI, FO, F_UNITS, 0, 0, F_TRAIN1, FH2, TMLP_SLOTS_MOMENTUM, TMLP_BUILD_TRAIN | TMLP_BUILD_BORROW) / sizeof(float)];
static float g_base2[F_PARAMS];

static uint32_t le32(const uint8_t *b)
{
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

/* The base model in flash: seeded weights of the 6-8-5-3 net. */
static void f_base(void)
{
    tmlp_desc_t d = f_desc(1);
    tmlp_optim_t o = f_opt();
    tmlp_net_t full;
    const float *p;
    size_t n;
    seeded_net(&full, &d, &o, g_full, sizeof g_full - 64u, 4, 1);
    CHECK_OK(tmlp_net_params(&full, &p, &n));
    memcpy(g_base, p, sizeof g_base);
}

/* A fine-tuning net on `base`, trained `steps` steps, saved (partial, with
 * its optimizer state) into p_file; returns the file's length. */
static size_t f_partial(tmlp_net_t *fine, const float *base, int steps)
{
    tmlp_desc_t d = f_desc(1);
    tmlp_optim_t o = f_opt();
    size_t len = 0;
    CHECK_OK(tmlp_net_init(fine, &d, &(tmlp_opts_t){.optim = &o, .params = base, .n_params = F_PARAMS}, g_fine, sizeof g_fine - 64u,
                                    NULL));
    f_train(fine, steps);
    CHECK_OK(tmlp_model_save(fine, TMLP_SAVE_OPTIM, p_file, sizeof p_file, &len));
    return len;
}

/* CRC-32 of p[0..n), each float as its 4 little-endian bytes, computed
 * here from the bytes rather than by the library's own helper. */
static uint32_t floats_crc(const float *p, size_t n)
{
    uint32_t crc = 0;
    size_t i;
    for (i = 0; i < n; i++) {
        uint32_t u = tmlp_test_bits(p[i]);
        uint8_t le[4];
        le[0] = (uint8_t)u;
        le[1] = (uint8_t)(u >> 8);
        le[2] = (uint8_t)(u >> 16);
        le[3] = (uint8_t)(u >> 24);
        CHECK_OK(tmlp_crc32(crc, le, sizeof le, &crc));
    }
    return crc;
}

static void fix_crc(uint8_t *b, size_t len)
{
    uint32_t crc = 0;
    CHECK_OK(tmlp_crc32(0, b, len - 4u, &crc));
    b[len - 4] = (uint8_t)crc;
    b[len - 3] = (uint8_t)(crc >> 8);
    b[len - 2] = (uint8_t)(crc >> 16);
    b[len - 1] = (uint8_t)(crc >> 24);
}

/* Loading buf with `what` must fail with `want` (any error if 0) and leave
 * the net's handle and arena[0..floats) exactly as they were. */
static int refused_unchanged(tmlp_net_t *net, const float *arena, size_t floats, uint32_t what,
                             const uint8_t *buf, size_t len, tmlp_status_t want)
{
    static tmlp_net_t before;
    static float arena_before[512];
    tmlp_status_t st;
    if (floats > sizeof arena_before / sizeof(float)) {
        return 0;
    }
    memcpy(&before, net, sizeof before);
    memcpy(arena_before, arena, floats * sizeof(float));
    st = tmlp_model_load_buf(net, what, buf, len);
    return st != TMLP_OK && (want == TMLP_OK || st == want) &&
           memcmp(&before, net, sizeof before) == 0 &&
           memcmp(arena_before, arena, floats * sizeof(float)) == 0;
}

TMLP_TEST(finetune_saves_partial_file)
{
    tmlp_desc_t d = f_desc(1), pd;
    tmlp_optim_t o = f_opt();
    tmlp_model_info_t info;
    tmlp_net_t fine, back;
    const float *tp;
    size_t len, sz = 0, full = 0, nt = 0, k;
    uint32_t h1, h2;
    f_base();
    len = f_partial(&fine, g_base, 20);
    CHECK_OK(tmlp_model_size(&fine, TMLP_SAVE_OPTIM, &sz));
    CHECK_OK(tmlp_model_size(&fine, TMLP_SAVE_OPTIM | TMLP_SAVE_FULL, &full));
    CHECK(len == sz && sz == F_PARTIAL_BYTES && sz == 260u);
    CHECK(full == F_FULL_BYTES && full == 664u);
    CHECK_ERR(tmlp_model_save(&fine, TMLP_SAVE_OPTIM, p_bad, sz - 1u, &nt), TMLP_ERR_NOMEM);
    /* Header: version 2; flags optimizer (2) and partial (4); 3 layers of
     * which the first 2 are left out; P of the whole model; the size; the
     * CRC of the frozen parameters as they are in flash; reserved 0. */
    CHECK(p_file[4] == 2u && p_file[5] == 0u && le32(p_file + 8) == 6u);
    CHECK(p_file[14] == 3u && p_file[15] == 2u && le32(p_file + 16) == F_PARAMS);
    CHECK(le32(p_file + 20) == len && le32(p_file + 28) == 0u);
    CHECK(le32(p_file + 24) == floats_crc(g_base, F_PARAMS - F_TRAIN));
    /* Then only the trained layer's parameters, bit for bit, and the
     * optimizer block (its step count at +4). */
    CHECK_OK(tmlp_net_train_params(&fine, &tp, &nt));
    CHECK(nt == F_TRAIN);
    for (k = 0; k < F_TRAIN; k++) {
        CHECK(le32(p_file + F_PARAMS_AT + 4u * k) == tmlp_test_bits(tp[k]));
    }
    CHECK(le32(p_file + F_PARAMS_AT + 4u * F_TRAIN + 4u) == 20u);
    CHECK_OK(tmlp_model_peek_buf(p_file, len, &pd, &info));
    CHECK(info.version == 2u && info.partial == 1u && info.n_frozen == 2u);
    CHECK(info.base_crc == le32(p_file + 24) && info.n_params == F_PARAMS);
    CHECK(info.file_bytes == len && info.has_optim && !info.has_scale && info.steps == 20u);
    CHECK(pd.n_layers == 3 && pd.layer[1].flags == TMLP_LAYER_FROZEN && pd.layer[2].flags == 0u);
    /* A new fine-tuning net on the same base: the same trainable
     * parameters and optimizer state, bit for bit, and the same training. */
    CHECK_OK(tmlp_net_init(&back, &d, &(tmlp_opts_t){.optim = &o, .params = g_base, .n_params = F_PARAMS}, g_fine2, sizeof g_fine2, NULL));
    CHECK_OK(tmlp_model_load_buf(&back, TMLP_SAVE_OPTIM, p_file, len));
    CHECK(memcmp(back.train_params, fine.train_params, sizeof(float) * F_TRAIN) == 0);
    CHECK(memcmp(back.opt_state, fine.opt_state, sizeof(float) * F_TRAIN) == 0);
    CHECK(back.steps == 20u && fine.steps == 20u);
    f_train(&fine, 5);
    f_train(&back, 5);
    CHECK_OK(tmlp_net_crc32(&fine, &h1));
    CHECK_OK(tmlp_net_crc32(&back, &h2));
    CHECK(h1 == h2);
    /* A load ignores TMLP_SAVE_FULL: the file says what it is. */
    CHECK_OK(tmlp_model_load_buf(&back, TMLP_SAVE_OPTIM | TMLP_SAVE_FULL, p_file, len));
    CHECK(back.steps == 20u);
    /* Without TMLP_SAVE_OPTIM: parameters only (260 - 44 - 72 bytes). */
    CHECK_OK(tmlp_model_save(&fine, 0, p_bad, sizeof p_bad, &nt));
    CHECK(nt == TMLP_MODEL_PARTIAL_BYTES(3, F_TRAIN) && nt == 144u);
    CHECK_OK(tmlp_model_load_buf(&back, 0, p_bad, nt));
    CHECK_OK(tmlp_net_crc32(&back, &h2));
    CHECK(h1 == h2 && back.steps == 0u);
    CHECK_ERR(tmlp_model_load_buf(&back, TMLP_SAVE_OPTIM, p_bad, nt), TMLP_ERR_OPTIM_MISMATCH);
}

TMLP_TEST(partial_file_needs_its_base)
{
    tmlp_desc_t d = f_desc(1);
    tmlp_optim_t o = f_opt();
    tmlp_net_t fine, other;
    size_t len;
    f_base();
    len = f_partial(&fine, g_base, 20);
    /* One bit of one frozen weight (layer 1's last bias) differs: another
     * base model. Refused, the net untouched. */
    memcpy(g_base2, g_base, sizeof g_base);
    g_base2[F_PARAMS - F_TRAIN - 1u] = -g_base2[F_PARAMS - F_TRAIN - 1u];
    CHECK_OK(tmlp_net_init(&other, &d, &(tmlp_opts_t){.optim = &o, .params = g_base2, .n_params = F_PARAMS}, g_fine2, sizeof g_fine2,
                                    NULL));
    CHECK(refused_unchanged(&other, g_fine2, sizeof g_fine2 / sizeof(float), TMLP_SAVE_OPTIM,
                            p_file, len, TMLP_ERR_FROZEN));
    CHECK(refused_unchanged(&other, g_fine2, sizeof g_fine2 / sizeof(float), 0, p_file, len,
                            TMLP_ERR_FROZEN));
    memcpy(g_base2, g_base, sizeof g_base);
    g_base2[3] = g_base2[3] * 0.5f;
    CHECK(refused_unchanged(&other, g_fine2, sizeof g_fine2 / sizeof(float), 0, p_file, len,
                            TMLP_ERR_FROZEN));
    /* The base's own copy of the trained layer is not checked: the file
     * replaces it. */
    memcpy(g_base2, g_base, sizeof g_base);
    g_base2[F_PARAMS - 1u] += 1.0f;
    CHECK_OK(tmlp_model_load_buf(&other, TMLP_SAVE_OPTIM, p_file, len));
    CHECK(memcmp(other.train_params, fine.train_params, sizeof(float) * F_TRAIN) == 0);
    /* Another count of frozen layers (layer 1 trained), same shape. */
    d.layer[1].flags = 0;
    CHECK_OK(tmlp_net_init(&other, &d, &(tmlp_opts_t){.optim = &o, .params = g_base, .n_params = F_PARAMS}, g_fine1, sizeof g_fine1,
                                    NULL));
    CHECK(refused_unchanged(&other, g_fine1, sizeof g_fine1 / sizeof(float), 0, p_file, len,
                            TMLP_ERR_FROZEN));
    /* ...even with a base CRC crafted to be that of this net's one frozen
     * layer: the count of left-out layers must match too. */
    {
        uint32_t crc = floats_crc(g_base, TMLP_DENSE_PARAMS(FI, FH1));
        memcpy(p_bad, p_file, len);
        p_bad[24] = (uint8_t)crc;
        p_bad[25] = (uint8_t)(crc >> 8);
        p_bad[26] = (uint8_t)(crc >> 16);
        p_bad[27] = (uint8_t)(crc >> 24);
        fix_crc(p_bad, len);
        CHECK(refused_unchanged(&other, g_fine1, sizeof g_fine1 / sizeof(float), 0, p_bad, len,
                                TMLP_ERR_FROZEN));
    }
    /* A training net and an inference net: no base to complete the file. */
    d = f_desc(1);
    CHECK_OK(tmlp_net_init(&other, &d, &(tmlp_opts_t){.optim = &o}, g_full, sizeof g_full, NULL));
    CHECK(refused_unchanged(&other, g_full, sizeof g_full / sizeof(float), 0, p_file, len,
                            TMLP_ERR_FROZEN));
    CHECK(refused_unchanged(&other, g_full, sizeof g_full / sizeof(float), TMLP_SAVE_OPTIM,
                            p_file, len, TMLP_ERR_FROZEN));
    CHECK_OK(tmlp_net_init(&other, &d, NULL, g_full, sizeof g_full, NULL));
    CHECK(refused_unchanged(&other, g_full, sizeof g_full / sizeof(float), 0, p_file, len,
                            TMLP_ERR_FROZEN));
}

TMLP_TEST(partial_file_every_truncation_and_byte_change_is_rejected)
{
    static const uint8_t flips[] = {0x01, 0x80, 0xff};
    tmlp_desc_t d = f_desc(1);
    tmlp_optim_t o = f_opt();
    tmlp_net_t fine, back;
    size_t len, k, f, floats = sizeof g_fine2 / sizeof(float);
    uint32_t tried = 0, ok = 0;
    f_base();
    len = f_partial(&fine, g_base, 7);
    CHECK_OK(tmlp_net_init(&back, &d, &(tmlp_opts_t){.optim = &o, .params = g_base, .n_params = F_PARAMS}, g_fine2, sizeof g_fine2, NULL));
    f_train(&back, 2);
    for (k = 0; k < len; k++) {
        tried++;
        ok += refused_unchanged(&back, g_fine2, floats, TMLP_SAVE_OPTIM, p_file, k, TMLP_OK) ? 1u : 0u;
    }
    for (k = 0; k < len; k++) {
        for (f = 0; f < sizeof flips; f++) {
            memcpy(p_bad, p_file, len);
            p_bad[k] ^= flips[f];
            tried++;
            ok += refused_unchanged(&back, g_fine2, floats, TMLP_SAVE_OPTIM, p_bad, len, TMLP_OK)
                      ? 1u
                      : 0u;
        }
    }
    CHECK(ok == tried && tried == (uint32_t)(len * 4u) && tried == 1040u);
    CHECK_OK(tmlp_model_load_buf(&back, TMLP_SAVE_OPTIM, p_file, len));
}

/* p_file with byte `at` set to v and the CRC made right: must be refused
 * by the reader with `want`. */
static int crafted(size_t len, size_t at, uint8_t v, tmlp_status_t want)
{
    tmlp_desc_t d;
    tmlp_model_info_t info;
    memcpy(p_bad, p_file, len);
    p_bad[at] = v;
    fix_crc(p_bad, len);
    return tmlp_model_peek_buf(p_bad, len, &d, &info) == want;
}

TMLP_TEST(partial_file_crafted_headers)
{
    tmlp_desc_t d = f_desc(1);
    tmlp_optim_t o = f_opt();
    tmlp_net_t fine, back;
    size_t len;
    f_base();
    len = f_partial(&fine, g_base, 3);
    /* Behind a valid CRC: a version 1 file knows no partial flag; the count
     * of left-out layers must match the layer table (2), and be 0 without
     * the flag; a partial file must leave something to train. */
    CHECK(crafted(len, 4, 1, TMLP_ERR_FORMAT));
    CHECK(crafted(len, 4, 3, TMLP_ERR_FORMAT));
    CHECK(crafted(len, 15, 0, TMLP_ERR_FORMAT));
    CHECK(crafted(len, 15, 1, TMLP_ERR_FORMAT));
    CHECK(crafted(len, 15, 3, TMLP_ERR_FORMAT));
    CHECK(crafted(len, 8, 2, TMLP_ERR_FORMAT));
    CHECK(crafted(len, 8, 14, TMLP_ERR_FORMAT));
    CHECK(crafted(len, 28, 1, TMLP_ERR_FORMAT));
    CHECK(crafted(len, 32 + 24 + 3, TMLP_LAYER_FROZEN, TMLP_ERR_FORMAT));
    /* A base CRC that is not this base's: a valid file, of another base. */
    CHECK(crafted(len, 24, (uint8_t)(p_file[24] ^ 1u), TMLP_OK));
    CHECK_OK(tmlp_net_init(&back, &d, &(tmlp_opts_t){.optim = &o, .params = g_base, .n_params = F_PARAMS}, g_fine2, sizeof g_fine2, NULL));
    CHECK(refused_unchanged(&back, g_fine2, sizeof g_fine2 / sizeof(float), TMLP_SAVE_OPTIM, p_bad,
                            len, TMLP_ERR_FROZEN));
    CHECK_OK(tmlp_model_load_buf(&back, TMLP_SAVE_OPTIM, p_file, len));
}

/* Reads of a file in memory; from the fail_at-th call on (if not 0), the
 * storage fails. */
typedef struct {
    const uint8_t *p;
    size_t len;
    uint32_t calls, fail_at;
} f_reader_t;

static tmlp_status_t f_read(void *ctx, uint32_t off, void *buf, size_t len)
{
    f_reader_t *r = (f_reader_t *)ctx;
    r->calls++;
    if ((r->fail_at != 0u && r->calls >= r->fail_at) || off > r->len || len > r->len - off) {
        return TMLP_ERR_IO;
    }
    memcpy(buf, r->p + off, len);
    return TMLP_OK;
}

TMLP_TEST(finetune_load_error_paths)
{
    static uint8_t whole[F_FULL_BYTES];
    static tmlp_net_t before;
    static float arena_before[sizeof g_fine2 / sizeof(float)];
    tmlp_desc_t d = f_desc(1), pd;
    tmlp_optim_t o = f_opt();
    tmlp_model_info_t info;
    tmlp_net_t fine, back;
    f_reader_t r;
    size_t len = 0;
    uint32_t pass1;
    f_base();
    (void)f_partial(&fine, g_base, 4);
    CHECK_OK(tmlp_model_save(&fine, TMLP_SAVE_OPTIM | TMLP_SAVE_FULL, whole, sizeof whole, &len));
    memset(&r, 0, sizeof r);
    r.p = whole;
    r.len = len;
    CHECK_OK(tmlp_model_peek(f_read, &r, len, &pd, &info));
    pass1 = r.calls;
    /* The storage failing while a full file's frozen layers are compared
     * with the base, after the verification: passed on, nothing written. */
    CHECK_OK(tmlp_net_init(&back, &d, &(tmlp_opts_t){.optim = &o, .params = g_base, .n_params = F_PARAMS}, g_fine2, sizeof g_fine2, NULL));
    memcpy(&before, &back, sizeof before);
    memcpy(arena_before, g_fine2, sizeof arena_before);
    r.calls = 0;
    r.fail_at = pass1 + 1u;
    CHECK_ERR(tmlp_model_load(&back, TMLP_SAVE_OPTIM, f_read, &r, len), TMLP_ERR_IO);
    CHECK(memcmp(&before, &back, sizeof before) == 0);
    CHECK(memcmp(arena_before, g_fine2, sizeof arena_before) == 0);
    r.calls = 0;
    r.fail_at = 0;
    CHECK_OK(tmlp_model_load(&back, TMLP_SAVE_OPTIM, f_read, &r, len));
    /* A net whose parameters are const takes no file, full or partial. */
    CHECK_OK(tmlp_net_init(&back, &d, &(tmlp_opts_t){.params = g_base, .n_params = F_PARAMS}, g_full, sizeof g_full, NULL));
    CHECK_ERR(tmlp_model_load_buf(&back, 0, whole, len), TMLP_ERR_READ_ONLY);
    CHECK_ERR(tmlp_model_load_buf(&back, 0, p_file, sizeof p_file), TMLP_ERR_READ_ONLY);
}

/* A net built with momentum (one state vector in its arena) whose
 * optimizer is then switched to plain SGD (tmlp_net_set_optim allows
 * fewer vectors than the arena holds): its file must carry the state the
 * optimizer in it uses (none), or no reader takes it back, and a
 * checkpoint save would fail its read-back every time. */
TMLP_TEST(finetune_save_after_momentum_off_loads)
{
    tmlp_desc_t d = f_desc(1), pd;
    tmlp_optim_t o = f_opt(), plain = f_opt();
    tmlp_model_info_t info;
    tmlp_net_t fine, back;
    size_t len = 0, sz = 0;
    uint32_t h1, h2;
    f_base();
    (void)f_partial(&fine, g_base, 5);
    plain.momentum = 0.0f;
    CHECK_OK(tmlp_net_set_optim(&fine, &plain));
    f_train(&fine, 2);
    CHECK_OK(tmlp_model_size(&fine, TMLP_SAVE_OPTIM, &sz));
    CHECK(sz == TMLP_MODEL_PARTIAL_BYTES(3, F_TRAIN) + TMLP_MODEL_OPTIM_BYTES(F_TRAIN, 0));
    CHECK_OK(tmlp_model_save(&fine, TMLP_SAVE_OPTIM, p_file, sizeof p_file, &len));
    CHECK(len == sz);
    CHECK_OK(tmlp_model_peek_buf(p_file, len, &pd, &info));
    CHECK(info.partial && info.has_optim && info.optim.momentum == 0.0f && info.steps == 2u);
    /* Into a net built with momentum too, switched the same way. */
    CHECK_OK(tmlp_net_init(&back, &d, &(tmlp_opts_t){.optim = &o, .params = g_base, .n_params = F_PARAMS}, g_fine2, sizeof g_fine2, NULL));
    CHECK_OK(tmlp_net_set_optim(&back, &plain));
    CHECK_OK(tmlp_model_load_buf(&back, TMLP_SAVE_OPTIM, p_file, len));
    f_train(&fine, 3);
    f_train(&back, 3);
    CHECK_OK(tmlp_net_crc32(&fine, &h1));
    CHECK_OK(tmlp_net_crc32(&back, &h2));
    CHECK(h1 == h2);
    /* The whole model, likewise. */
    CHECK_OK(tmlp_model_size(&fine, TMLP_SAVE_OPTIM | TMLP_SAVE_FULL, &sz));
    CHECK(sz == TMLP_MODEL_BYTES(3, F_PARAMS) + TMLP_MODEL_OPTIM_BYTES(F_TRAIN, 0));
    {
        static uint8_t whole[F_FULL_BYTES];
        CHECK_OK(tmlp_model_save(&fine, TMLP_SAVE_OPTIM | TMLP_SAVE_FULL, whole, sizeof whole,
                                 &len));
        CHECK(len == sz);
        CHECK_OK(tmlp_model_load_buf(&back, TMLP_SAVE_OPTIM, whole, len));
    }
}

/* A file holds as many state vectors as its optimizer uses, counted as a
 * reader counts them (tmlp_optim_slots), for every kind, with momentum and
 * after it is switched off: tmlp_model_size, the file and peek agree. */
TMLP_TEST(finetune_file_state_matches_optimizer_slots)
{
    static float arena[TMLP_ARENA_BYTES(FI, FO, F_UNITS, 0, 0, F_TRAIN, FO, TMLP_SLOTS_ADAM, TMLP_BUILD_TRAIN | TMLP_BUILD_BORROW) /
                       sizeof(float)];
    static const uint8_t kinds[] = {TMLP_OPT_SGD, TMLP_OPT_EMA, TMLP_OPT_ADAM, TMLP_OPT_RMSPROP};
    static uint8_t file[TMLP_MODEL_PARTIAL_BYTES(3, F_TRAIN) + TMLP_MODEL_OPTIM_BYTES(F_TRAIN, 2)];
    tmlp_desc_t d = f_desc(1), pd;
    tmlp_model_info_t info;
    tmlp_net_t net;
    size_t k, off, sz = 0, len = 0;
    uint32_t slots = 9;
    f_base();
    for (k = 0; k < sizeof kinds; k++) {
        for (off = 0; off < 2u; off++) {
            tmlp_optim_t o = f_opt();
            o.kind = kinds[k];
            o.momentum = kinds[k] == TMLP_OPT_ADAM ? 0.0f : 0.5f;
            CHECK_OK(tmlp_net_init(&net, &d, &(tmlp_opts_t){.optim = &o, .params = g_base, .n_params = F_PARAMS}, arena, sizeof arena,
                                            NULL));
            if (off) {
                o.momentum = -0.0f; /* "no momentum", whatever its sign */
                CHECK_OK(tmlp_net_set_optim(&net, &o));
            }
            f_train(&net, 2);
            CHECK_OK(tmlp_optim_slots(&o, &slots));
            CHECK_OK(tmlp_model_size(&net, TMLP_SAVE_OPTIM, &sz));
            CHECK(sz == TMLP_MODEL_PARTIAL_BYTES(3, F_TRAIN) + TMLP_MODEL_OPTIM_BYTES(F_TRAIN, slots));
            CHECK_OK(tmlp_model_save(&net, TMLP_SAVE_OPTIM, file, sizeof file, &len));
            CHECK(len == sz);
            CHECK_OK(tmlp_model_peek_buf(file, len, &pd, &info));
            CHECK(info.optim.kind == kinds[k] && info.steps == 2u);
            CHECK_OK(tmlp_model_load_buf(&net, TMLP_SAVE_OPTIM, file, len));
        }
    }
}

static void put32(uint8_t *b, uint32_t v)
{
    b[0] = (uint8_t)v;
    b[1] = (uint8_t)(v >> 8);
    b[2] = (uint8_t)(v >> 16);
    b[3] = (uint8_t)(v >> 24);
}

/* Peeks b[0..len) after setting its size field and CRC right, through a
 * reader that fails with TMLP_ERR_IO on any read past len, so that an
 * attempt to read out of bounds is not mistaken for a clean refusal. */
static tmlp_status_t peek_fixed(uint8_t *b, size_t len)
{
    tmlp_desc_t d;
    tmlp_model_info_t info;
    f_reader_t r;
    put32(b + 20, (uint32_t)len);
    fix_crc(b, len);
    memset(&r, 0, sizeof r);
    r.p = b;
    r.len = len;
    return tmlp_model_peek(f_read, &r, len, &d, &info);
}

/* Crafted partial files with every size and CRC consistent, so that only
 * the rule under test can refuse them: refused without a read out of
 * bounds. */
TMLP_TEST(partial_file_crafted_shapes)
{
    static uint8_t b[F_PARTIAL_BYTES + 8u];
    tmlp_net_t fine;
    size_t len = 0, l;
    f_base();
    (void)f_partial(&fine, g_base, 2);
    /* Parameters only: header, layer table, 18 parameters, CRC (144). */
    CHECK_OK(tmlp_model_save(&fine, 0, b, sizeof b, &len));
    CHECK(len == 144u);
    /* Control: the crafting keeps a valid file valid. */
    CHECK_OK(peek_fixed(b, len));
    /* K = L: every layer frozen and left out, no parameters at all. */
    b[15] = 3;
    b[32 + 24 + 3] = TMLP_LAYER_FROZEN;
    put32(b + 68, 0); /* the CRC's place */
    CHECK_ERR(peek_fixed(b, 72), TMLP_ERR_FORMAT);
    /* ...or with the last layer's parameters still there. */
    CHECK(f_partial(&fine, g_base, 2) == F_PARTIAL_BYTES);
    CHECK_OK(tmlp_model_save(&fine, 0, b, sizeof b, &len));
    b[15] = 3;
    b[32 + 24 + 3] = TMLP_LAYER_FROZEN;
    CHECK_ERR(peek_fixed(b, len), TMLP_ERR_FORMAT);
    /* P one off (the sum of the layer table is the whole model's). */
    CHECK_OK(tmlp_model_save(&fine, 0, b, sizeof b, &len));
    put32(b + 16, F_PARAMS - F_TRAIN);
    CHECK_ERR(peek_fixed(b, len), TMLP_ERR_FORMAT);
    put32(b + 16, F_PARAMS + 1u);
    CHECK_ERR(peek_fixed(b, len), TMLP_ERR_FORMAT);
    put32(b + 16, F_PARAMS);
    CHECK_OK(peek_fixed(b, len));
    /* Four bytes more or less than the sections need. */
    memmove(b + len, b + len - 4u, 4);
    put32(b + len - 4u, 0);
    CHECK_ERR(peek_fixed(b, len + 4u), TMLP_ERR_FORMAT);
    CHECK_ERR(peek_fixed(b, len - 4u), TMLP_ERR_FORMAT);
    /* Version 2 without the partial flag (and its fields 0): a full file,
     * which these 18 parameters are too few for. */
    CHECK_OK(tmlp_model_save(&fine, 0, b, sizeof b, &len));
    b[8] = 0;
    b[15] = 0;
    put32(b + 24, 0);
    CHECK_ERR(peek_fixed(b, len), TMLP_ERR_FORMAT);
    /* The largest shape the limits allow (8 layers of TMLP_MAX_WIDTH, the
     * first left out; P still fits 32 bits) in a 132-byte file, with every
     * optional section: refused from the sizes, nothing read past the end. */
    memset(b, 0, sizeof b);
    memcpy(b, "TMLP", 4);
    b[4] = 2;
    b[6] = 32;
    b[8] = 7;
    b[12] = (uint8_t)TMLP_MAX_WIDTH;
    b[13] = (uint8_t)(TMLP_MAX_WIDTH >> 8);
    b[14] = TMLP_MAX_LAYERS;
    b[15] = 1;
    put32(b + 16, (uint32_t)TMLP_MAX_LAYERS * TMLP_DENSE_PARAMS(TMLP_MAX_WIDTH, TMLP_MAX_WIDTH));
    for (l = 0; l < TMLP_MAX_LAYERS; l++) {
        b[32 + 12 * l] = (uint8_t)TMLP_MAX_WIDTH;
        b[33 + 12 * l] = (uint8_t)(TMLP_MAX_WIDTH >> 8);
        b[34 + 12 * l] = TMLP_ACT_RELU;
        b[35 + 12 * l] = l == 0u ? TMLP_LAYER_FROZEN : 0u;
    }
    len = 32u + 12u * TMLP_MAX_LAYERS + 4u;
    CHECK_ERR(peek_fixed(b, len), TMLP_ERR_FORMAT);
    b[8] = 4;
    CHECK_ERR(peek_fixed(b, len), TMLP_ERR_FORMAT);
}

/* Every truncation of a partial file, and every byte change behind a
 * right size field and CRC (so that the checks behind the CRC see it),
 * through a reader that fails with TMLP_ERR_IO on a read past the end:
 * never such a read, and a fine-tuning net refuses whatever peek refuses,
 * unchanged. */
TMLP_TEST(partial_file_no_read_out_of_bounds)
{
    static const uint8_t flips[] = {0x01, 0x80, 0xff};
    tmlp_desc_t d = f_desc(1), pd;
    tmlp_optim_t o = f_opt();
    tmlp_model_info_t info;
    tmlp_net_t fine, back;
    f_reader_t r;
    size_t len, k, f, floats = sizeof g_fine2 / sizeof(float);
    uint32_t io = 0, refused = 0, unchanged = 0;
    f_base();
    len = f_partial(&fine, g_base, 5);
    CHECK_OK(tmlp_net_init(&back, &d, &(tmlp_opts_t){.optim = &o, .params = g_base, .n_params = F_PARAMS}, g_fine2, sizeof g_fine2, NULL));
    memset(&r, 0, sizeof r);
    r.p = p_file;
    for (k = 0; k < len; k++) {
        r.len = k;
        io += tmlp_model_peek(f_read, &r, k, &pd, &info) == TMLP_ERR_IO ? 1u : 0u;
    }
    r.p = p_bad;
    r.len = len;
    for (k = 0; k + 4u < len; k++) {
        for (f = 0; f < sizeof flips; f++) {
            tmlp_status_t st;
            memcpy(p_bad, p_file, len);
            p_bad[k] ^= flips[f];
            st = peek_fixed(p_bad, len);
            io += st == TMLP_ERR_IO ? 1u : 0u;
            if (st != TMLP_OK) {
                refused++;
                unchanged += refused_unchanged(&back, g_fine2, floats, TMLP_SAVE_OPTIM, p_bad, len,
                                               st) ? 1u : 0u;
            }
        }
    }
    CHECK(io == 0u && refused > 100u && unchanged == refused);
}

/* The fine-tuning of the finetune-lean profile (`make size`), which every
 * build that has its features runs the same: 8-12-4 (ReLU, softmax), the
 * first layer frozen in "flash", inputs scaled by the net, the last layer
 * trained by tmlp_net_train_sample (fused SGD with momentum, no gradient
 * buffer, cross-entropy), checkpointed and loaded into a fresh net as after
 * a reset. Its weights-hash line is compared across every build and target
 * that runs it (the full one and the lean profiles alike). */
#define LI 8
#define LH 12
#define LO 4
#define L_PARAMS TMLP_MLP2_PARAMS(LI, LH, LO)
#define L_TRAIN TMLP_DENSE_PARAMS(LH, LO)
#define L_BUILD (TMLP_BUILD_TRAIN | TMLP_BUILD_BORROW | TMLP_BUILD_NO_GRAD | TMLP_BUILD_SCALE)
#define L_ARENA TMLP_ARENA_BYTES(LI, LO, LH + LO, LH, L_PARAMS, L_TRAIN, LO, TMLP_SLOTS_MOMENTUM, L_BUILD)

static void lean_net(tmlp_net_t *net, float *arena, const float *base, const float *offset,
                     const float *scale)
{
    tmlp_desc_t d;
    tmlp_opts_t o;
    static tmlp_optim_t opt;
    memset(&d, 0, sizeof d);
    memset(&o, 0, sizeof o);
    opt = make_opt(TMLP_OPT_SGD, 0.05f, 0.9f);
    d.n_in = LI;
    d.n_layers = 2;
    d.flags = TMLP_DESC_INPUT_SCALE;
    d.layer[0].units = LH;
    d.layer[0].act = TMLP_ACT_RELU;
    d.layer[0].flags = TMLP_LAYER_FROZEN;
    d.layer[1].units = LO;
    d.layer[1].act = TMLP_ACT_SOFTMAX;
    o.params = base;
    o.n_params = L_PARAMS;
    o.optim = &opt;
    o.no_grad_buffer = 1;
    o.in_offset = offset;
    o.in_scale = scale;
    CHECK_OK(tmlp_net_init(net, &d, &o, arena, L_ARENA, NULL));
}

TMLP_TEST(fused_finetune_with_checkpoint_hash)
{
    static float base[L_PARAMS], arena[L_ARENA / sizeof(float)], arena2[L_ARENA / sizeof(float)];
    static uint8_t dev[4 * 512];
    float offset[LI], scale[LI], x[LI];
    tmlp_net_t net, net2;
    tmlp_flash_sim_t sim;
    tmlp_flash_t fl;
    tmlp_rng_t rng;
    uint32_t i, k, u, seq = 0, seq2 = 0, h = 0, h2 = 0, right = 0;
    CHECK_OK(tmlp_rng_seed(&rng, 77));
    for (i = 0; i < L_PARAMS; i++) {
        CHECK_OK(tmlp_rng_uniform(&rng, &base[i]));
        base[i] = base[i] - 0.5f;
    }
    for (k = 0; k < LI; k++) {
        offset[k] = 100.0f + (float)k; /* raw readings near 100, spread 4 */
        scale[k] = 0.25f;
    }
    lean_net(&net, arena, base, offset, scale);
    for (i = 0; i < 400u; i++) {
        tmlp_target_t t = {NULL, 0};
        CHECK_OK(tmlp_rng_u32(&rng, &u));
        t.label = u % LO;
        for (k = 0; k < LI; k++) {
            float z;
            CHECK_OK(tmlp_rng_normal(&rng, &z));
            x[k] = offset[k] + 4.0f * (z + (k % LO == t.label ? 1.5f : 0.0f));
        }
        CHECK_OK(tmlp_net_train_sample(&net, x, TMLP_LOSS_CE, &t, NULL));
    }
    /* It learned the classes from the inputs it scaled itself. */
    for (i = 0; i < 100u; i++) {
        float y[LO];
        uint32_t label = i % LO, best;
        for (k = 0; k < LI; k++) {
            x[k] = offset[k] + 4.0f * (k % LO == label ? 1.5f : 0.0f);
        }
        CHECK_OK(tmlp_net_forward(&net, x, y));
        CHECK_OK(tmlp_argmax(y, LO, &best));
        right += best == label;
    }
    CHECK(right == 100u);
    /* Checkpoint, then a fresh net loads it as after a reset. */
    CHECK_OK(tmlp_flash_sim_init(&sim, dev, 512, 4, 4, NULL));
    CHECK_OK(tmlp_flash_sim_flash(&sim, &fl));
    CHECK_OK(tmlp_ckpt_save(&fl, &net, TMLP_SAVE_OPTIM, &seq));
    lean_net(&net2, arena2, base, offset, scale);
    CHECK_OK(tmlp_ckpt_load(&fl, &net2, TMLP_SAVE_OPTIM, &seq2));
    CHECK(seq2 == seq);
    CHECK_OK(tmlp_net_crc32(&net, &h));
    CHECK_OK(tmlp_net_crc32(&net2, &h2));
    CHECK(h == h2);
    printf("weights-hash %s %08lx fused-finetune\n", TMLP_TEST_CONFIG, (unsigned long)h);
    CHECK(h == 0xc88a20bcu);
}

void suite_finetune(void)
{
    RUN(frozen_arena_sizes);
    RUN(frozen_layers_do_not_move_and_finetune_matches);
    RUN(finetuned_model_saves_whole);
    RUN(finetune_saves_partial_file);
    RUN(partial_file_needs_its_base);
    RUN(partial_file_every_truncation_and_byte_change_is_rejected);
    RUN(partial_file_crafted_headers);
    RUN(finetune_load_error_paths);
    RUN(partial_file_crafted_shapes);
    RUN(partial_file_no_read_out_of_bounds);
    RUN(finetune_save_after_momentum_off_loads);
    RUN(finetune_file_state_matches_optimizer_slots);
    RUN(fused_finetune_with_checkpoint_hash);
}
