/* SPDX-License-Identifier: MIT */
/* Frozen layers and fine-tuning with the frozen parameters in flash. */
#include <string.h>

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

static float g_full[TMLP_ARENA_TRAIN_FROZEN_BYTES(F_PARAMS, F_TRAIN, FI, F_UNITS, FO, FO,
                                                  TMLP_SLOTS_MOMENTUM) /
                    sizeof(float) + 16];
static float g_fine[TMLP_ARENA_FINETUNE_BYTES(F_TRAIN, FI, F_UNITS, FO, FO, TMLP_SLOTS_MOMENTUM) /
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
    tmlp_optim_t o;
    memset(&o, 0, sizeof o);
    o.lr = 0.1f;
    o.momentum = 0.9f;
    return o;
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
    CHECK_OK(tmlp_arena_size(&d, TMLP_MODE_TRAIN, &o, &n));
    CHECK(n == sizeof g_full - 16u * sizeof(float));
    CHECK_OK(tmlp_arena_size(&d, TMLP_MODE_FINETUNE, &o, &n));
    CHECK(n == sizeof g_fine - 16u * sizeof(float));
    /* The formula of README.md by hand: P_t (2 + S) + n_in + U + 2 n_out
     * + 2 max_train = 18 * 3 + 6 + 16 + 6 + 6 floats. */
    CHECK(n == (18u * 3u + 6u + 16u + 6u + 6u) * 4u);
    /* 64-32-10 with only the last layer trained: the README's figure. */
    CHECK(TMLP_ARENA_FINETUNE_BYTES(TMLP_DENSE_PARAMS(32, 10), 64, 42, 10, 10,
                                    TMLP_SLOTS_MOMENTUM) == 4544u);
    /* Rules: frozen layers first; something to train; fine-tuning needs a
     * frozen layer. */
    d.layer[1].flags = 0;
    d.layer[2].flags = TMLP_LAYER_FROZEN;
    CHECK_ERR(tmlp_arena_size(&d, TMLP_MODE_TRAIN, &o, &n), TMLP_ERR_ARG);
    d = f_desc(1);
    d.layer[2].flags = TMLP_LAYER_FROZEN;
    CHECK_ERR(tmlp_arena_size(&d, TMLP_MODE_TRAIN, &o, &n), TMLP_ERR_STATE);
    CHECK_OK(tmlp_arena_size(&d, TMLP_MODE_INFER, &o, &n));
    d = f_desc(0);
    CHECK_ERR(tmlp_arena_size(&d, TMLP_MODE_FINETUNE, &o, &n), TMLP_ERR_STATE);
}

TMLP_TEST(frozen_layers_do_not_move_and_finetune_matches)
{
    tmlp_desc_t d = f_desc(1);
    tmlp_optim_t o = f_opt();
    tmlp_init_t init;
    tmlp_rng_t rng;
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
    memset(&init, 0, sizeof init);
    init.init_bias = 1;
    CHECK_OK(tmlp_net_init(&full, &d, TMLP_MODE_TRAIN, &o, g_full, sizeof g_full - 64u, NULL));
    CHECK_OK(tmlp_rng_seed(&rng, 4));
    CHECK_OK(tmlp_net_init_weights(&full, &init, &rng));
    CHECK_OK(tmlp_net_params(&full, &p, &n));
    memcpy(g_base, p, sizeof g_base);
    /* Fine-tuning from the same weights, the frozen ones read in place. */
    CHECK_OK(tmlp_net_init_finetune(&fine, &d, &o, g_base, F_PARAMS, g_fine, sizeof g_fine - 64u,
                                    NULL));
    CHECK_ERR(tmlp_net_params(&fine, &p, &n), TMLP_ERR_STATE);
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
    CHECK_OK(tmlp_net_init_finetune(&fine, &d, &o, g_base, F_PARAMS, g_fine, sizeof g_fine - 64u,
                                    NULL));
    f_train(&fine, 20);
    CHECK_OK(tmlp_model_save(&fine, TMLP_SAVE_OPTIM, file, sizeof file, &len));
    CHECK(len == sizeof file);
    CHECK_OK(tmlp_model_peek_buf(file, len, &pd, &info));
    CHECK(pd.layer[0].flags == TMLP_LAYER_FROZEN && pd.layer[2].flags == 0u);
    CHECK_OK(tmlp_net_init(&full, &d, TMLP_MODE_TRAIN, &o, g_full, sizeof g_full - 64u, NULL));
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
        CHECK_OK(tmlp_net_init_finetune(&fine2, &d, &o, g_base, F_PARAMS, a2, sizeof a2, NULL));
        CHECK_OK(tmlp_model_load_buf(&fine2, TMLP_SAVE_OPTIM, file, len));
        f_train(&fine2, 5);
        CHECK_OK(tmlp_net_crc32(&fine2, &h2));
        CHECK_OK(tmlp_net_crc32(&fine, &h1));
        CHECK(h1 == h2);
        /* ...but not a file of another base model (one frozen weight off). */
        keep = g_base[0];
        g_base[0] = keep + 1.0f;
        CHECK_ERR(tmlp_model_load_buf(&fine2, 0, file, len), TMLP_ERR_STATE);
        g_base[0] = keep;
    }
}

void suite_finetune(void)
{
    RUN(frozen_arena_sizes);
    RUN(frozen_layers_do_not_move_and_finetune_matches);
    RUN(finetuned_model_saves_whole);
}
