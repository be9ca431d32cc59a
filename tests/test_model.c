/* SPDX-License-Identifier: MIT */
/* Model files: round trips, resuming training exactly, and hostile files
 * (every truncation and every single-byte change is rejected, the net
 * untouched). */
#include <string.h>

#include "fixtures.h"
#include "suites.h"
#include "tinymlp.h"
#include "tmlp_test.h"

#define MI 3
#define MH 4
#define MO 2
#define M_PARAMS TMLP_MLP2_PARAMS(MI, MH, MO)
#define M_TRAIN_BYTES \
    TMLP_MLP2_BYTES(MI, MH, MO, TMLP_SLOTS_ADAM, TMLP_BUILD_TRAIN | TMLP_BUILD_SCALE)
/* Header, 2 layers, scaling, parameters, optimizer block, CRC. */
#define M_FILE_BYTES (TMLP_MODEL_BASE_BYTES(2) + 8u * MI + 4u * M_PARAMS + 44u + 8u * M_PARAMS)

static float a1[M_TRAIN_BYTES / sizeof(float)];
static float a2[M_TRAIN_BYTES / sizeof(float)];
static uint8_t file[M_FILE_BYTES];
static uint8_t bad[M_FILE_BYTES];

static const float MX[4][MI] = {{1, 2, 3}, {-1, 0, 2}, {0.5f, 0.5f, -4}, {3, -2, 1}};
static const uint32_t ML[4] = {0, 1, 1, 0};

static tmlp_desc_t model_desc(void)
{
    tmlp_desc_t d = mlp2(MI, MH, MO, TMLP_ACT_LEAKY_RELU, TMLP_ACT_SOFTMAX);
    d.flags = TMLP_DESC_INPUT_SCALE;
    d.layer[0].act_param = 0.1f;
    return d;
}

static void build(tmlp_net_t *net, float *arena, uint32_t seed)
{
    tmlp_desc_t d = model_desc();
    tmlp_optim_t o = make_opt(TMLP_OPT_ADAM, 0.01f, 0.0f);
    const float off[MI] = {0.5f, -1.0f, 0.25f}, sc[MI] = {2.0f, 0.5f, 1.5f};
    o.weight_decay = 0.01f;
    seeded_net(net, &d, &o, arena, M_TRAIN_BYTES, seed, 1);
    CHECK_OK(tmlp_net_set_input_scale(net, off, sc));
}

static void train_steps(tmlp_net_t *net, int steps)
{
    int s, i;
    for (s = 0; s < steps; s++) {
        for (i = 0; i < 4; i++) {
            tmlp_target_t t;
            t.values = NULL;
            t.label = ML[i];
            CHECK_OK(tmlp_net_forward(net, MX[i], NULL));
            CHECK_OK(tmlp_net_backward(net, TMLP_LOSS_CE, &t, NULL));
        }
        CHECK_OK(tmlp_net_step(net));
    }
}

static size_t g_stream_len;
static tmlp_status_t write_stream(void *ctx, const void *buf, size_t len)
{
    uint8_t *dst = (uint8_t *)ctx;
    if (g_stream_len + len > sizeof bad) {
        return TMLP_ERR_NOMEM;
    }
    memcpy(dst + g_stream_len, buf, len);
    g_stream_len += len;
    return TMLP_OK;
}

TMLP_TEST(save_load_round_trip_and_exact_resume)
{
    tmlp_net_t n1, n2;
    tmlp_desc_t d;
    tmlp_model_info_t info;
    size_t len = 0, sz = 0;
    uint32_t h1, h2;
    build(&n1, a1, 1);
    train_steps(&n1, 5);
    CHECK_OK(tmlp_model_size(&n1, TMLP_SAVE_OPTIM, &sz));
    CHECK(sz == M_FILE_BYTES);
    CHECK_ERR(tmlp_model_save(&n1, TMLP_SAVE_OPTIM, file, sz - 1u, &len), TMLP_ERR_NOMEM);
    CHECK_OK(tmlp_model_save(&n1, TMLP_SAVE_OPTIM, file, sizeof file, &len));
    CHECK(len == sz);
    /* The stream form writes the same bytes. */
    g_stream_len = 0;
    CHECK_OK(tmlp_model_save_stream(&n1, TMLP_SAVE_OPTIM, write_stream, bad));
    CHECK(g_stream_len == len && memcmp(bad, file, len) == 0);
    CHECK_OK(tmlp_model_peek_buf(file, len, &d, &info));
    CHECK(d.n_in == MI && d.n_layers == 2 && d.layer[1].units == MO && d.flags == TMLP_DESC_INPUT_SCALE);
    CHECK(info.has_optim && info.has_scale && info.steps == 5u && info.n_params == M_PARAMS);
    /* A different net loads it and is then the same model... */
    build(&n2, a2, 2);
    CHECK_OK(tmlp_model_load_buf(&n2, TMLP_SAVE_OPTIM, file, len));
    CHECK_OK(tmlp_net_crc32(&n1, &h1));
    CHECK_OK(tmlp_net_crc32(&n2, &h2));
    CHECK(h1 == h2);
    /* ...and training both on goes on bit for bit (Adam state and step count
     * came along, input scaling too). */
    train_steps(&n1, 3);
    train_steps(&n2, 3);
    CHECK_OK(tmlp_net_crc32(&n1, &h1));
    CHECK_OK(tmlp_net_crc32(&n2, &h2));
    CHECK(h1 == h2);
    /* Without the optimizer state: the model only, fresh state. */
    CHECK_OK(tmlp_model_save(&n1, 0, file, sizeof file, &len));
    CHECK(len == M_FILE_BYTES - 44u - 8u * M_PARAMS);
    CHECK_OK(tmlp_model_load_buf(&n2, 0, file, len));
    CHECK_OK(tmlp_net_crc32(&n2, &h2));
    CHECK(h1 == h2);
    CHECK_ERR(tmlp_model_load_buf(&n2, TMLP_SAVE_OPTIM, file, len), TMLP_ERR_OPTIM_MISMATCH);
}

/* Loading `buf` must fail and leave the net's bytes as they were. */
static int rejected_unchanged(tmlp_net_t *net, const uint8_t *buf, size_t len)
{
    static tmlp_net_t before;
    static float arena_before[M_TRAIN_BYTES / sizeof(float)];
    tmlp_status_t st;
    memcpy(&before, net, sizeof before);
    memcpy(arena_before, a2, sizeof a2);
    st = tmlp_model_load_buf(net, TMLP_SAVE_OPTIM, buf, len);
    return st != TMLP_OK && memcmp(&before, net, sizeof before) == 0 &&
           memcmp(arena_before, a2, sizeof a2) == 0;
}

TMLP_TEST(every_truncation_and_byte_change_is_rejected)
{
    static const uint8_t flips[] = {0x01, 0x80, 0xff};
    tmlp_net_t n1, n2;
    size_t len = 0, k, f;
    uint32_t tried = 0, ok = 0;
    build(&n1, a1, 1);
    train_steps(&n1, 2);
    build(&n2, a2, 2);
    CHECK_OK(tmlp_model_save(&n1, TMLP_SAVE_OPTIM, file, sizeof file, &len));
    for (k = 0; k < len; k++) {
        tried++;
        ok += rejected_unchanged(&n2, file, k) ? 1u : 0u;
    }
    for (k = 0; k < len; k++) {
        for (f = 0; f < sizeof flips; f++) {
            memcpy(bad, file, len);
            bad[k] ^= flips[f];
            tried++;
            ok += rejected_unchanged(&n2, bad, len) ? 1u : 0u;
        }
    }
    CHECK(ok == tried);
    CHECK(tried == (uint32_t)(len * 4u));
    /* And the intact file still loads. */
    CHECK_OK(tmlp_model_load_buf(&n2, TMLP_SAVE_OPTIM, file, len));
}

TMLP_TEST(valid_crc_but_hostile_contents)
{
    /* Files with a correct CRC but bad contents: the checks behind the CRC
     * must catch them too. */
    tmlp_net_t n1, n2;
    size_t len = 0;
    uint32_t crc;
    uint32_t u = 0x7fc00000u;
    build(&n1, a1, 1);
    build(&n2, a2, 2);
    CHECK_OK(tmlp_model_save(&n1, TMLP_SAVE_OPTIM, file, sizeof file, &len));
    /* A NaN parameter (first weight, after header, layers, scaling). */
    memcpy(bad, file, len);
    memcpy(bad + TMLP_MODEL_BASE_BYTES(2) - 4u + 8u * MI, &u, 4);
    CHECK_OK(tmlp_crc32(0, bad, len - 4u, &crc));
    bad[len - 4] = (uint8_t)crc;
    bad[len - 3] = (uint8_t)(crc >> 8);
    bad[len - 2] = (uint8_t)(crc >> 16);
    bad[len - 1] = (uint8_t)(crc >> 24);
    CHECK_ERR(tmlp_model_load_buf(&n2, TMLP_SAVE_OPTIM, bad, len), TMLP_ERR_NUMERIC);
    /* A huge layer width with a consistent CRC. */
    memcpy(bad, file, len);
    bad[32] = 0xff;
    bad[33] = 0xff;
    CHECK_OK(tmlp_crc32(0, bad, len - 4u, &crc));
    bad[len - 4] = (uint8_t)crc;
    bad[len - 3] = (uint8_t)(crc >> 8);
    bad[len - 2] = (uint8_t)(crc >> 16);
    bad[len - 1] = (uint8_t)(crc >> 24);
    CHECK_ERR(tmlp_model_load_buf(&n2, TMLP_SAVE_OPTIM, bad, len), TMLP_ERR_FORMAT);
    /* Another shape: a valid file of a 3-4-2 net without scaling. */
    {
        static float a3[TMLP_MLP2_BYTES(MI, MH, MO, TMLP_SLOTS_ADAM, TMLP_BUILD_TRAIN) / sizeof(float)];
        tmlp_desc_t d = model_desc();
        tmlp_optim_t o;
        tmlp_net_t n3;
        memset(&o, 0, sizeof o);
        o.kind = TMLP_OPT_ADAM;
        o.lr = 0.1f;
        d.flags = 0;
        CHECK_OK(tmlp_net_init(&n3, &d, &(tmlp_opts_t){.optim = &o}, a3, sizeof a3, NULL));
        CHECK_ERR(tmlp_model_load_buf(&n3, 0, file, len), TMLP_ERR_SHAPE);
        d.layer[0].act_param = 0.2f;
        d.flags = TMLP_DESC_INPUT_SCALE;
        CHECK_OK(tmlp_net_init(&n3, &d, &(tmlp_opts_t){.optim = &o}, a1, sizeof a1, NULL));
        CHECK_ERR(tmlp_model_load_buf(&n3, 0, file, len), TMLP_ERR_SHAPE);
    }
}

/* file with byte `at` set to v and the CRC made right, into bad. */
static void patched(size_t len, size_t at, uint8_t v)
{
    uint32_t crc = 0;
    memcpy(bad, file, len);
    bad[at] = v;
    CHECK_OK(tmlp_crc32(0, bad, len - 4u, &crc));
    bad[len - 4] = (uint8_t)crc;
    bad[len - 3] = (uint8_t)(crc >> 8);
    bad[len - 2] = (uint8_t)(crc >> 16);
    bad[len - 1] = (uint8_t)(crc >> 24);
}

TMLP_TEST(format_versions_and_reserved_bytes)
{
    tmlp_net_t n1, n2;
    tmlp_desc_t d;
    tmlp_model_info_t info;
    size_t len = 0;
    uint32_t h1, h2;
    build(&n1, a1, 1);
    build(&n2, a2, 2);
    CHECK_OK(tmlp_model_save(&n1, TMLP_SAVE_OPTIM, file, sizeof file, &len));
    /* A full file is written as version 1, as before partial files existed
     * (flags: scaling 1, optimizer 2), so older readers still load it. */
    CHECK(TMLP_FORMAT_VERSION == 2u && file[4] == 1u && file[5] == 0u && file[8] == 3u);
    CHECK(file[15] == 0u && file[24] == 0u && file[27] == 0u);
    CHECK_OK(tmlp_model_peek_buf(file, len, &d, &info));
    CHECK(info.version == 1u && !info.partial && info.n_frozen == 0u && info.base_crc == 0u);
    /* The same file marked version 2 means the same. */
    patched(len, 4, 2);
    CHECK_OK(tmlp_model_peek_buf(bad, len, &d, &info));
    CHECK(info.version == 2u && !info.partial);
    CHECK_OK(tmlp_model_load_buf(&n2, TMLP_SAVE_OPTIM, bad, len));
    CHECK_OK(tmlp_net_crc32(&n1, &h1));
    CHECK_OK(tmlp_net_crc32(&n2, &h2));
    CHECK(h1 == h2);
    /* A newer version, the partial flag in a version 1 file (and in a file
     * with nothing frozen to leave out), and the partial fields without the
     * flag: refused, CRC or not. */
    patched(len, 4, 3);
    CHECK_ERR(tmlp_model_peek_buf(bad, len, &d, &info), TMLP_ERR_FORMAT);
    patched(len, 8, 7);
    CHECK_ERR(tmlp_model_peek_buf(bad, len, &d, &info), TMLP_ERR_FORMAT);
    memcpy(file, bad, len); /* version 1, flags 7 */
    patched(len, 4, 2);
    CHECK_ERR(tmlp_model_peek_buf(bad, len, &d, &info), TMLP_ERR_FORMAT);
    memcpy(file, bad, len); /* version 2, flags 7, no layer left out */
    patched(len, 15, 1);
    CHECK_ERR(tmlp_model_peek_buf(bad, len, &d, &info), TMLP_ERR_FORMAT);
    CHECK_OK(tmlp_model_save(&n1, TMLP_SAVE_OPTIM, file, sizeof file, &len));
    patched(len, 15, 1);
    CHECK_ERR(tmlp_model_peek_buf(bad, len, &d, &info), TMLP_ERR_FORMAT);
    patched(len, 24, 1);
    CHECK_ERR(tmlp_model_peek_buf(bad, len, &d, &info), TMLP_ERR_FORMAT);
    patched(len, 31, 1);
    CHECK_ERR(tmlp_model_peek_buf(bad, len, &d, &info), TMLP_ERR_FORMAT);
    /* Unknown `what` bits; TMLP_SAVE_FULL on a net that is not fine-tuning
     * changes nothing. */
    CHECK_ERR(tmlp_model_size(&n1, 4u, &len), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_model_load_buf(&n2, 4u, file, len), TMLP_ERR_ARG);
    CHECK_OK(tmlp_model_save(&n1, TMLP_SAVE_OPTIM | TMLP_SAVE_FULL, bad, sizeof bad, &len));
    CHECK(len == M_FILE_BYTES && memcmp(bad, file, len) == 0);
}

TMLP_TEST(input_scaling_applies_before_the_first_layer)
{
    /* A net with scaling gives the bits of the same net without scaling run
     * on (x - offset) * scale. */
    static float s_arena[TMLP_MLP2_BYTES(MI, MH, MO, 0, TMLP_BUILD_SCALE) / sizeof(float)];
    static float p_arena[TMLP_MLP2_BYTES(MI, MH, MO, 0, 0) / sizeof(float)];
    tmlp_net_t nt, ns, np;
    tmlp_desc_t d = model_desc();
    const float *p, *off, *sc;
    size_t n, i, sz;
    float xs[MI], y1[MO], y2[MO], y3[MO];
    build(&nt, a1, 4);
    CHECK_OK(tmlp_net_params(&nt, &p, &n));
    CHECK_OK(tmlp_net_input_scale(&nt, &off, &sc));
    CHECK_OK(tmlp_arena_size(&d, NULL, &sz));
    CHECK(sz == sizeof s_arena);
    CHECK_OK(tmlp_net_init(&ns, &d, NULL, s_arena, sizeof s_arena, NULL));
    CHECK_OK(tmlp_net_set_params(&ns, p, n));
    CHECK_OK(tmlp_net_set_input_scale(&ns, off, sc));
    d.flags = 0;
    CHECK_OK(tmlp_net_init(&np, &d, NULL, p_arena, sizeof p_arena, NULL));
    CHECK_OK(tmlp_net_set_params(&np, p, n));
    CHECK_ERR(tmlp_net_set_input_scale(&np, off, sc), TMLP_ERR_SHAPE);
    for (i = 0; i < MI; i++) {
        xs[i] = (MX[2][i] - off[i]) * sc[i];
    }
    CHECK_OK(tmlp_net_forward(&ns, MX[2], y1));
    CHECK_OK(tmlp_net_forward(&np, xs, y2));
    CHECK_OK(tmlp_net_forward(&nt, MX[2], y3));
    CHECK_BITS(y1[0], y2[0]);
    CHECK_BITS(y1[1], y2[1]);
    CHECK_BITS(y3[0], y2[0]);
}

/* The scaling given at init (tmlp_opts_t.in_offset/in_scale) is the one the
 * net runs with, from its first forward: the same bits as setting it after
 * init; and what does not go together is refused, leaving the handle
 * refused. */
TMLP_TEST(input_scaling_given_at_init)
{
    static float s_arena[TMLP_MLP2_BYTES(MI, MH, MO, 0, TMLP_BUILD_SCALE) / sizeof(float)];
    const uint32_t inf_bits = 0x7f800000u;
    float inf_scale[MI] = {0.0f};
    tmlp_net_t nt, ns;
    tmlp_desc_t d = model_desc();
    tmlp_opts_t o;
    const float *p, *off, *sc, *off2, *sc2;
    size_t n;
    float y1[MO], y2[MO];
    memcpy(&inf_scale[1], &inf_bits, sizeof inf_scale[1]);
    build(&nt, a1, 4);
    CHECK_OK(tmlp_net_params(&nt, &p, &n));
    CHECK_OK(tmlp_net_input_scale(&nt, &off, &sc));
    memset(&o, 0, sizeof o);
    o.params = p;
    o.n_params = n;
    o.in_offset = off;
    o.in_scale = sc;
    CHECK_OK(tmlp_net_init(&ns, &d, &o, s_arena, sizeof s_arena, NULL));
    CHECK_OK(tmlp_net_input_scale(&ns, &off2, &sc2));
    CHECK(memcmp(off, off2, MI * sizeof(float)) == 0 && memcmp(sc, sc2, MI * sizeof(float)) == 0);
    CHECK_OK(tmlp_net_forward(&ns, MX[1], y1));
    CHECK_OK(tmlp_net_forward(&nt, MX[1], y2));
    CHECK_BITS(y1[0], y2[0]);
    CHECK_BITS(y1[1], y2[1]);
    o.in_scale = NULL; /* one without the other */
    CHECK_ERR(tmlp_net_init(&ns, &d, &o, s_arena, sizeof s_arena, NULL), TMLP_ERR_ARG);
    CHECK_ERR(tmlp_net_forward(&ns, MX[1], y1), TMLP_ERR_UNINIT);
    o.in_scale = inf_scale; /* not finite */
    CHECK_ERR(tmlp_net_init(&ns, &d, &o, s_arena, sizeof s_arena, NULL), TMLP_ERR_NUMERIC);
    o.in_scale = sc;
    d.flags = 0; /* a net that does not scale */
    CHECK_ERR(tmlp_net_init(&ns, &d, &o, s_arena, sizeof s_arena, NULL), TMLP_ERR_ARG);
}

void suite_model(void)
{
    RUN(save_load_round_trip_and_exact_resume);
    RUN(every_truncation_and_byte_change_is_rejected);
    RUN(valid_crc_but_hostile_contents);
    RUN(format_versions_and_reserved_bytes);
    RUN(input_scaling_applies_before_the_first_layer);
    RUN(input_scaling_given_at_init);
}
