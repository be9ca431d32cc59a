/* SPDX-License-Identifier: MIT */
/* Small cases that fit the smallest target, the 8-bit AVR of an Arduino Uno
 * (2 KB of RAM, 16-bit int and size_t): two seeded training runs whose
 * weights-hash lines every target must reproduce, a model file round trip,
 * CRC-32, and sizes that a 16-bit size_t can no longer hold. Every target
 * runs these suites (tests/test_main.c); tests/avr/ runs them alone, one
 * image each. Arenas and buffers are locals, so the RAM they take is the
 * largest case's, not the sum. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "suites.h"
#include "tinymlp.h"
#include "tmlp_test.h"

#ifdef __AVR__
/* avr-gcc keeps string constants in RAM, and 2 KB cannot hold every check's
 * text: on the AVR a failed check is reported by its line number alone. */
#undef CHECK
#undef CHECK_OK
#undef CHECK_ERR
#define CHECK(c) tmlp_test_check((c) ? 1 : 0, "test_small.c", __LINE__, "")
#define CHECK_OK(e) tmlp_test_check_status((int)(e), 0, "test_small.c", __LINE__, "")
#define CHECK_ERR(e, code) tmlp_test_check_status((int)(e), (int)(code), "test_small.c", __LINE__, "")
#endif

/* The weights-hash each run must reproduce (first computed on x86-64). */
#define SMALL_XOR_HASH     0x0b795585u
#define SMALL_SOFTMAX_HASH 0x671b8ee9u

static const float XOR_IN[4][2] = {{0, 0}, {0, 1}, {1, 0}, {1, 1}};
static const float XOR_OUT[4] = {0, 1, 1, 0};

static tmlp_desc_t small_desc(uint16_t n_in, uint16_t hidden, uint8_t act_h, uint16_t n_out,
                              uint8_t act_o)
{
    tmlp_desc_t d;
    memset(&d, 0, sizeof d);
    d.n_in = n_in;
    d.n_layers = 2;
    d.layer[0].units = hidden;
    d.layer[0].act = act_h;
    d.layer[1].units = n_out;
    d.layer[1].act = act_o;
    return d;
}

/* A 2-4-1 net (tanh, sigmoid) learning XOR: SGD with momentum, all four
 * samples per step, He-normal weights and biases from seed 7. */
#define XOR_ARENA TMLP_MLP2_BYTES(2, 4, 1, TMLP_SLOTS_MOMENTUM, TMLP_BUILD_TRAIN)

static void xor_net(tmlp_net_t *net, float *arena, int epochs, float *loss)
{
    tmlp_desc_t d = small_desc(2, 4, TMLP_ACT_TANH, 1, TMLP_ACT_SIGMOID);
    tmlp_optim_t o;
    tmlp_init_t init;
    tmlp_rng_t rng;
    float l;
    int e, k;
    memset(&o, 0, sizeof o);
    memset(&init, 0, sizeof init);
    o.kind = TMLP_OPT_SGD;
    o.lr = 0.5f;
    o.momentum = 0.9f;
    init.kind = TMLP_INIT_HE_NORMAL;
    init.init_bias = 1;
    CHECK_OK(tmlp_net_init(net, &d, &(tmlp_opts_t){.optim = &o}, arena, XOR_ARENA, NULL));
    CHECK_OK(tmlp_rng_seed(&rng, 7u));
    CHECK_OK(tmlp_net_init_weights(net, &init, &rng));
    for (e = 0; e < epochs; e++) {
        *loss = 0.0f;
        for (k = 0; k < 4; k++) {
            tmlp_target_t t;
            t.values = &XOR_OUT[k];
            t.label = 0;
            CHECK_OK(tmlp_net_forward(net, XOR_IN[k], NULL));
            CHECK_OK(tmlp_net_backward(net, TMLP_LOSS_BCE, &t, &l));
            *loss += l;
        }
        *loss /= 4.0f;
        CHECK_OK(tmlp_net_step(net));
    }
}

TMLP_TEST(small_xor_trains)
{
    float arena[XOR_ARENA / sizeof(float)];
    tmlp_net_t net;
    float loss = 1.0f, y;
    uint32_t hash = 0;
    int k;
    REQUIRE(TMLP_WITH_CHECKED_STEP && TMLP_WITH_TANH && TMLP_WITH_SIGMOID);
    xor_net(&net, arena, 300, &loss);
    CHECK(loss < 0.02f);
    for (k = 0; k < 4; k++) {
        CHECK_OK(tmlp_net_forward(&net, XOR_IN[k], &y));
        CHECK((y > 0.5f) == (XOR_OUT[k] > 0.5f));
    }
    CHECK_OK(tmlp_net_crc32(&net, &hash));
    printf("weights-hash %s %08lx small-xor\n", TMLP_TEST_CONFIG, (unsigned long)hash);
    CHECK(hash == SMALL_XOR_HASH);
}

/* Sample i of a 3-class set with 4 features, made afresh from its own seed
 * (no table in RAM): feature `label` is shifted by +1.5. */
static uint8_t softmax_sample(uint32_t i, float x[4])
{
    tmlp_rng_t rng;
    uint32_t u;
    int k;
    CHECK_OK(tmlp_rng_seed(&rng, 100u + i));
    CHECK_OK(tmlp_rng_u32(&rng, &u));
    for (k = 0; k < 4; k++) {
        CHECK_OK(tmlp_rng_normal(&rng, &x[k]));
        x[k] = x[k] + ((uint32_t)k == u % 3u ? 1.5f : 0.0f);
    }
    return (uint8_t)(u % 3u);
}

/* A 4-6-3 net (ReLU, softmax), cross-entropy, SGD with Nesterov momentum
 * and weight decay, batches of 6 out of 24 samples, 40 epochs. */
#define SOFTMAX_ARENA TMLP_MLP2_BYTES(4, 6, 3, TMLP_SLOTS_MOMENTUM, TMLP_BUILD_TRAIN)
#define SOFTMAX_N 24u

TMLP_TEST(small_softmax_trains)
{
    float arena[SOFTMAX_ARENA / sizeof(float)];
    tmlp_desc_t d = small_desc(4, 6, TMLP_ACT_RELU, 3, TMLP_ACT_SOFTMAX);
    tmlp_net_t net;
    tmlp_optim_t o;
    tmlp_init_t init;
    tmlp_rng_t rng;
    float x[4], y[3];
    uint32_t i, u, right = 0, hash = 0;
    int e;
    REQUIRE(TMLP_WITH_CHECKED_STEP);
    memset(&o, 0, sizeof o);
    memset(&init, 0, sizeof init);
    o.kind = TMLP_OPT_SGD;
    o.lr = 0.1f;
    o.momentum = 0.9f;
    o.nesterov = 1;
    o.weight_decay = 1e-4f;
    CHECK_OK(tmlp_net_init(&net, &d, &(tmlp_opts_t){.optim = &o}, arena, sizeof arena, NULL));
    CHECK_OK(tmlp_rng_seed(&rng, 3u));
    CHECK_OK(tmlp_net_init_weights(&net, &init, &rng));
    for (e = 0; e < 40; e++) {
        for (i = 0; i < SOFTMAX_N; i++) {
            tmlp_target_t t;
            t.values = NULL;
            t.label = softmax_sample(i, x);
            CHECK_OK(tmlp_net_forward(&net, x, NULL));
            CHECK_OK(tmlp_net_backward(&net, TMLP_LOSS_CE, &t, NULL));
            if (i % 6u == 5u) {
                CHECK_OK(tmlp_net_step(&net));
            }
        }
    }
    for (i = 0; i < SOFTMAX_N; i++) {
        uint8_t label = softmax_sample(i, x);
        CHECK_OK(tmlp_net_forward(&net, x, y));
        CHECK_OK(tmlp_argmax(y, 3, &u));
        right += u == label;
    }
    CHECK(right >= SOFTMAX_N * 4u / 5u);
    CHECK_OK(tmlp_net_crc32(&net, &hash));
    printf("weights-hash %s %08lx small-softmax\n", TMLP_TEST_CONFIG, (unsigned long)hash);
    CHECK(hash == SMALL_SOFTMAX_HASH);
}

/* Saved with its optimizer state, given other weights, loaded back: the
 * weights as saved. (No training step here, so that the image of this
 * suite fits the AVR's flash.) */
TMLP_TEST(small_model_file_round_trip)
{
    float arena[XOR_ARENA / sizeof(float)];
    unsigned char file[TMLP_MODEL_BYTES(2, TMLP_MLP2_PARAMS(2, 4, 1)) +
                       TMLP_MODEL_OPTIM_BYTES(TMLP_MLP2_PARAMS(2, 4, 1), 1)];
    tmlp_desc_t d = small_desc(2, 4, TMLP_ACT_TANH, 1, TMLP_ACT_SIGMOID);
    tmlp_net_t net;
    tmlp_optim_t o;
    tmlp_init_t init;
    tmlp_rng_t rng;
    size_t n = 0;
    uint32_t saved = 0, other = 0, loaded = 0;
    REQUIRE(TMLP_WITH_CHECKED_STEP && TMLP_WITH_TANH && TMLP_WITH_SIGMOID);
    memset(&o, 0, sizeof o);
    memset(&init, 0, sizeof init);
    o.kind = TMLP_OPT_SGD;
    o.lr = 0.5f;
    o.momentum = 0.9f;
    init.init_bias = 1;
    CHECK_OK(tmlp_net_init(&net, &d, &(tmlp_opts_t){.optim = &o}, arena, sizeof arena, NULL));
    CHECK_OK(tmlp_rng_seed(&rng, 7u));
    CHECK_OK(tmlp_net_init_weights(&net, &init, &rng));
    CHECK_OK(tmlp_model_size(&net, TMLP_SAVE_OPTIM, &n));
    CHECK(n == sizeof file);
    CHECK_OK(tmlp_model_save(&net, TMLP_SAVE_OPTIM, file, sizeof file, &n));
    CHECK(n == sizeof file);
    CHECK_OK(tmlp_net_crc32(&net, &saved));
    CHECK_OK(tmlp_net_init_weights(&net, &init, &rng));
    CHECK_OK(tmlp_net_crc32(&net, &other));
    CHECK(other != saved);
    CHECK_OK(tmlp_model_load_buf(&net, TMLP_SAVE_OPTIM, file, sizeof file));
    CHECK_OK(tmlp_net_crc32(&net, &loaded));
    CHECK(loaded == saved);
    file[40] ^= 1u; /* a flipped bit is refused */
    CHECK_ERR(tmlp_model_load_buf(&net, TMLP_SAVE_OPTIM, file, sizeof file), TMLP_ERR_FORMAT);
}

/* A float's alignment: 4 on 32-bit cores, 1 on the AVR. */
typedef struct {
    char c;
    float f;
} float_align_t;

/* An arena needs a float's alignment and no more: at each of four byte
 * offsets the init succeeds exactly where a float could start (on the AVR,
 * at all four; elsewhere at one, and TMLP_ERR_ARG at the other three). */
TMLP_TEST(small_arena_alignment)
{
    union {
        float f[XOR_ARENA / sizeof(float) + 1];
        unsigned char b[XOR_ARENA + sizeof(float)];
    } u;
    tmlp_desc_t d = small_desc(2, 4, TMLP_ACT_RELU, 1, TMLP_ACT_IDENTITY);
    tmlp_net_t net;
    size_t k, ok = 0;
    for (k = 0; k < 4u; k++) {
        unsigned char *p = u.b + k;
        tmlp_status_t st = tmlp_net_init(&net, &d, NULL, p, XOR_ARENA, NULL);
        if ((uintptr_t)p % offsetof(float_align_t, f) == 0u) {
            CHECK_OK(st);
            ok++;
        } else {
            CHECK_ERR(st, TMLP_ERR_ARG);
        }
    }
    CHECK(ok == (offsetof(float_align_t, f) == 1u ? 4u : 1u));
}

/* CRC-32 (IEEE 802.3) of "123456789" is 0xCBF43926, in one call or two. */
TMLP_TEST(small_crc32)
{
    static const char digits[] = "123456789";
    uint32_t crc = 0;
    CHECK_OK(tmlp_crc32(0, digits, 9, &crc));
    CHECK(crc == 0xCBF43926u);
    CHECK_OK(tmlp_crc32(0, digits, 4, &crc));
    CHECK_OK(tmlp_crc32(crc, digits + 4, 5, &crc));
    CHECK(crc == 0xCBF43926u);
}

/* The arena macros agree with tmlp_arena_size; an arena past SIZE_MAX (64 KB
 * on the AVR) is refused with TMLP_ERR_SHAPE, never a wrapped small size. */
TMLP_TEST(small_sizes)
{
    tmlp_desc_t big = small_desc(100, 100, TMLP_ACT_RELU, 10, TMLP_ACT_SOFTMAX);
    tmlp_desc_t d = small_desc(2, 4, TMLP_ACT_TANH, 1, TMLP_ACT_SIGMOID);
    tmlp_optim_t o;
    size_t n = 0;
    REQUIRE(TMLP_WITH_CHECKED_STEP && TMLP_WITH_TANH && TMLP_WITH_SIGMOID);
    memset(&o, 0, sizeof o);
    o.kind = TMLP_OPT_SGD;
    o.lr = 0.1f;
    o.momentum = 0.9f;
    CHECK_OK(tmlp_arena_size(&d, &(tmlp_opts_t){.optim = &o}, &n));
    CHECK(n == XOR_ARENA);
    CHECK_OK(tmlp_arena_size(&d, NULL, &n));
    CHECK(n == TMLP_MLP2_BYTES(2, 4, 1, 0, 0));
    /* 11,110 parameters, with gradients and momentum: about 134 KB. */
    if (SIZE_MAX < 200000u) {
        n = 1;
        CHECK_ERR(tmlp_arena_size(&big, &(tmlp_opts_t){.optim = &o}, &n), TMLP_ERR_SHAPE);
        CHECK(n == 1);
    } else {
        CHECK_OK(tmlp_arena_size(&big, &(tmlp_opts_t){.optim = &o}, &n));
        CHECK(n > 3u * 11110u * sizeof(float));
    }
}

/* Three suites, so that each fits the AVR's 32 KB of flash on its own with
 * room to spare: each training run alone, and the cases that do not train
 * (the two runs and the rest together had grown to 150 bytes short). */
void suite_small_train(void)
{
    RUN(small_xor_trains);
}

void suite_small_softmax(void)
{
    RUN(small_softmax_trains);
}

void suite_small_api(void)
{
    RUN(small_model_file_round_trip);
    RUN(small_crc32);
    RUN(small_sizes);
    RUN(small_arena_alignment);
}
