/* SPDX-License-Identifier: MIT */
/* Handles the library must refuse rather than trust: a net whose init never
 * ran (all zeros, as a static handle) or failed, garbage, a trainer whose
 * net was initialised again, and model files whose optimizer state no
 * training could have produced. Run under ASan/UBSan on the host: a read
 * out of bounds fails the build's test run even where a check would pass. */
#include <string.h>

#include "fixtures.h"
#include "sim/tmlp_flash_sim.h"
#include "suites.h"
#include "tinymlp.h"
#include "tmlp_test.h"

static float h_arena[TMLP_MLP2_BYTES(8, 4, 2, TMLP_SLOTS_ADAM, TMLP_BUILD_TRAIN) / sizeof(float)];
static uint8_t h_file[TMLP_MODEL_BYTES(2, TMLP_MLP2_PARAMS(8, 4, 2)) +
                      TMLP_MODEL_OPTIM_BYTES(TMLP_MLP2_PARAMS(8, 4, 2), 2)];

static tmlp_status_t read_file(void *ctx, uint32_t off, void *buf, size_t len)
{
    memcpy(buf, (const uint8_t *)ctx + off, len);
    return TMLP_OK;
}

static tmlp_status_t write_nothing(void *ctx, const void *buf, size_t len)
{
    (void)ctx;
    (void)buf;
    (void)len;
    return TMLP_OK;
}

/* An 8-4-2 training net in h_arena with weights from a fixed seed. */
static void h_net(tmlp_net_t *net, uint8_t kind, float momentum)
{
    tmlp_desc_t d = mlp2(8, 4, 2, TMLP_ACT_TANH, TMLP_ACT_SOFTMAX);
    tmlp_optim_t o = make_opt(kind, 0.01f, momentum);
    seeded_net(net, &d, &o, h_arena, sizeof h_arena, 11, 0);
}

static const float HX[3][8] = {{1, 0, 0, 0, 0, 0, 0, 1},
                               {0, 1, 0, 1, 0, 1, 0, 0},
                               {0, 0, 1, 0, 1, 0, 1, 1}};
static const uint32_t HL[3] = {0, 1, 1};

/* Every public function that takes a net, on `net`: each must return
 * `want` (and read nothing it should not, which ASan checks). */
static void every_call_returns(tmlp_net_t *net, tmlp_status_t want)
{
    tmlp_trainer_t tr;
    tmlp_train_cfg_t cfg;
    tmlp_train_result_t res;
    tmlp_arrays_t a;
    tmlp_data_t data;
    tmlp_target_t t;
    tmlp_optim_t o;
    tmlp_init_t init;
    tmlp_rng_t rng;
    tmlp_flash_sim_t sim;
    tmlp_flash_t fl;
    static uint8_t mem[4 * 256];
    const float *p = NULL;
    float x[8] = {0}, y[8], scratch[16], v = 0.0f, acc = 0.0f;
    size_t n1 = 0, n2 = 0, n3 = 0;
    uint32_t crc = 0, seq = 0;
    memset(&a, 0, sizeof a);
    memset(&cfg, 0, sizeof cfg);
    memset(&o, 0, sizeof o);
    memset(&init, 0, sizeof init);
    a.X = &HX[0][0];
    a.labels = HL;
    a.n_in = 8;
    CHECK_OK(tmlp_data_arrays(&data, &a, 3));
    cfg.loss = TMLP_LOSS_CE;
    cfg.max_epochs = 1;
    t.values = NULL;
    t.label = 0;
    o.lr = 0.1f;
    CHECK_OK(tmlp_rng_seed(&rng, 1));
    CHECK_OK(tmlp_flash_sim_init(&sim, mem, 256, 4, 4, NULL));
    CHECK_OK(tmlp_flash_sim_flash(&sim, &fl));
    CHECK_ERR(tmlp_net_forward(net, x, y), want);
    CHECK_ERR(tmlp_net_forward_batch(net, x, 1, y, &n1), want);
    CHECK_ERR(tmlp_net_shape(net, &n1, &n2, &n3), want);
    CHECK_ERR(tmlp_net_params(net, &p, &n1), want);
    CHECK_ERR(tmlp_net_train_params(net, &p, &n1), want);
    CHECK_ERR(tmlp_net_set_params(net, x, 8), want);
    CHECK_ERR(tmlp_net_set_input_scale(net, x, x), want);
    CHECK_ERR(tmlp_net_input_scale(net, &p, &p), want);
    CHECK_ERR(tmlp_net_set_optim(net, &o), want);
    CHECK_ERR(tmlp_net_init_weights(net, &init, &rng), want);
    CHECK_ERR(tmlp_net_loss(net, TMLP_LOSS_CE, &t, &v), want);
    CHECK_ERR(tmlp_net_backward(net, TMLP_LOSS_CE, &t, &v), want);
    CHECK_ERR(tmlp_net_step(net), want);
    CHECK_ERR(tmlp_net_train_sample(net, x, TMLP_LOSS_CE, &t, &v), want);
    CHECK_ERR(tmlp_net_zero_grad(net), want);
    CHECK_ERR(tmlp_net_grad_norm(net, &v), want);
    CHECK_ERR(tmlp_net_gradcheck(net, x, TMLP_LOSS_CE, &t, 1e-3f, &v), want);
    CHECK_ERR(tmlp_net_crc32(net, &crc), want);
    CHECK_ERR(tmlp_evaluate(net, &data, TMLP_LOSS_CE, scratch, &v, &acc, NULL), want);
    CHECK_ERR(tmlp_train_begin(&tr, net, &data, &cfg), want);
    CHECK_ERR(tmlp_train(&tr, net, &data, &cfg, &res), want);
    CHECK_ERR(tmlp_model_size(net, 0, &n1), want);
    CHECK_ERR(tmlp_model_save(net, 0, h_file, sizeof h_file, &n1), want);
    CHECK_ERR(tmlp_model_save_stream(net, 0, write_nothing, NULL), want);
    CHECK_ERR(tmlp_model_load_buf(net, 0, h_file, sizeof h_file), want);
    CHECK_ERR(tmlp_model_load(net, 0, read_file, h_file, sizeof h_file), want);
    CHECK_ERR(tmlp_ckpt_size(net, 0, 4, &n1), want);
    CHECK_ERR(tmlp_ckpt_save(&fl, net, 0, &seq), want);
    CHECK_ERR(tmlp_ckpt_load(&fl, net, 0, &seq), want);
    CHECK(sim.ops == 0u); /* the flash was never touched */
}

/* A static handle whose init never ran is all zeros. */
static tmlp_net_t never_initialised;

TMLP_TEST(zeroed_handle_is_refused_by_every_call)
{
    every_call_returns(&never_initialised, TMLP_ERR_UNINIT);
}

TMLP_TEST(garbage_handle_is_refused_by_every_call)
{
    tmlp_net_t net;
    memset(&net, 0xA5, sizeof net);
    every_call_returns(&net, TMLP_ERR_UNINIT);
}

/* A failed init leaves the handle refused, whatever it held before; the
 * next successful init makes it usable again. */
TMLP_TEST(failed_init_leaves_the_handle_refused)
{
    tmlp_net_t net;
    tmlp_desc_t d;
    tmlp_optim_t o;
    size_t need = 0;
    float y[2];
    h_net(&net, TMLP_OPT_SGD, 0.0f);
    CHECK_OK(tmlp_net_forward(&net, HX[0], y));
    d = net.desc;
    o = net.opt;
    CHECK_ERR(tmlp_net_init(&net, &d, &(tmlp_opts_t){.optim = &o}, h_arena, 8, &need), TMLP_ERR_NOMEM);
    every_call_returns(&net, TMLP_ERR_UNINIT);
    d.n_layers = 0;
    CHECK_ERR(tmlp_net_init(&net, &d, NULL, h_arena, sizeof h_arena, NULL),
              TMLP_ERR_SHAPE);
    CHECK_ERR(tmlp_net_forward(&net, HX[0], y), TMLP_ERR_UNINIT);
    CHECK_ERR(tmlp_net_init(&net, &d, &(tmlp_opts_t){.params = &HX[0][0], .n_params = 1}, h_arena, sizeof h_arena, NULL),
              TMLP_ERR_SHAPE);
    CHECK_ERR(tmlp_net_forward(&net, HX[0], y), TMLP_ERR_UNINIT);
    d.n_layers = 2;
    CHECK_ERR(tmlp_net_init(&net, &d, &(tmlp_opts_t){.optim = &o, .params = &HX[0][0], .n_params = 1},
                            h_arena, sizeof h_arena, NULL),
              TMLP_ERR_SHAPE); /* 1 parameter given */
    CHECK_ERR(tmlp_net_forward(&net, HX[0], y), TMLP_ERR_UNINIT);
    CHECK_OK(tmlp_net_init(&net, &d, &(tmlp_opts_t){.optim = &o}, h_arena, sizeof h_arena, NULL));
    CHECK_OK(tmlp_net_forward(&net, HX[0], y));
    CHECK(strcmp(tmlp_status_str(TMLP_ERR_UNINIT), "unknown status") != 0);
}

/* A trainer began on an 8-input net whose handle is then initialised as a
 * 1-1 net in an exact-size arena: the step must refuse it instead of
 * reading 8 inputs into a 1-float buffer. */
TMLP_TEST(trainer_refuses_a_net_initialised_again)
{
    static float small_arena[TMLP_MLP2_BYTES(1, 1, 1, TMLP_SLOTS_MOMENTUM, TMLP_BUILD_TRAIN) / sizeof(float)];
    tmlp_net_t net;
    tmlp_trainer_t tr, before;
    tmlp_train_cfg_t cfg;
    tmlp_arrays_t a;
    tmlp_data_t data;
    tmlp_desc_t d, big;
    tmlp_optim_t o;
    tmlp_stop_t stop = TMLP_STOP_NONE;
    size_t need = 0;
    memset(&a, 0, sizeof a);
    memset(&cfg, 0, sizeof cfg);
    memset(&d, 0, sizeof d);
    a.X = &HX[0][0];
    a.labels = HL;
    a.n_in = 8;
    CHECK_OK(tmlp_data_arrays(&data, &a, 3));
    cfg.loss = TMLP_LOSS_CE;
    cfg.batch = 1;
    cfg.max_epochs = 3;
    h_net(&net, TMLP_OPT_SGD, 0.9f);
    big = net.desc;
    o = net.opt;
    CHECK_OK(tmlp_train_begin(&tr, &net, &data, &cfg));
    CHECK_OK(tmlp_train_step(&tr, &stop));
    /* The same handle as a 1-1 net. */
    d.n_in = 1;
    d.n_layers = 2;
    d.layer[0].units = 1;
    d.layer[1].units = 1;
    CHECK_OK(tmlp_arena_size(&d, &(tmlp_opts_t){.optim = &o}, &need));
    CHECK(need == sizeof small_arena);
    CHECK_OK(tmlp_net_init(&net, &d, &(tmlp_opts_t){.optim = &o}, small_arena, sizeof small_arena, NULL));
    memcpy(&before, &tr, sizeof tr);
    CHECK_ERR(tmlp_train_step(&tr, &stop), TMLP_ERR_STATE);
    CHECK(stop == TMLP_STOP_ERROR);
    CHECK(memcmp(&before, &tr, sizeof tr) == 0);
    /* A failed init: the net is refused. */
    CHECK_ERR(tmlp_net_init(&net, &big, &(tmlp_opts_t){.optim = &o}, small_arena, sizeof small_arena,
                            &need),
              TMLP_ERR_NOMEM);
    CHECK_ERR(tmlp_train_step(&tr, &stop), TMLP_ERR_UNINIT);
    /* Initialised again as before, in the same arena: the same net to the
     * trainer, which goes on. */
    CHECK_OK(tmlp_net_init(&net, &big, &(tmlp_opts_t){.optim = &o}, h_arena, sizeof h_arena, NULL));
    CHECK_OK(tmlp_train_step(&tr, &stop));
    /* Another mode in the same arena (fused: no gradient buffer). */
    CHECK_OK(tmlp_net_init(&net, &big, &(tmlp_opts_t){.optim = &o, .no_grad_buffer = 1}, h_arena, sizeof h_arena, NULL));
    CHECK_ERR(tmlp_train_step(&tr, &stop), TMLP_ERR_STATE);
}

/* Offset of the optimizer state in a file saved with TMLP_SAVE_OPTIM: the
 * state is its last slots * n floats before the CRC. */
static size_t state_at(size_t len, size_t slots, size_t n)
{
    return len - 4u - 4u * slots * n;
}

static void put_f32(uint8_t *p, float f)
{
    uint32_t u = tmlp_test_bits(f);
    p[0] = (uint8_t)u;
    p[1] = (uint8_t)(u >> 8);
    p[2] = (uint8_t)(u >> 16);
    p[3] = (uint8_t)(u >> 24);
}

/* The file's CRC (its last 4 bytes) recomputed after an edit, so only the
 * meaning of the values can be refused. */
static void reseal(uint8_t *f, size_t len)
{
    uint32_t crc = 0;
    CHECK_OK(tmlp_crc32(0, f, len - 4u, &crc));
    f[len - 4u] = (uint8_t)crc;
    f[len - 3u] = (uint8_t)(crc >> 8);
    f[len - 2u] = (uint8_t)(crc >> 16);
    f[len - 1u] = (uint8_t)(crc >> 24);
}

/* One optimizer kind: train a few steps, save with its state, then edit one
 * state value (CRC recomputed) and check the load refuses it with the net
 * unchanged. sq_slot: the state vector holding squares, which must never
 * be negative. */
static void hostile_state(uint8_t kind, float momentum, size_t slots, size_t sq_slot)
{
    tmlp_net_t net;
    tmlp_desc_t d;
    tmlp_model_info_t info;
    tmlp_target_t t;
    size_t len = 0, n = TMLP_MLP2_PARAMS(8, 4, 2), at, k;
    uint32_t before = 0, after = 0;
    float v = 0.0f;
    h_net(&net, kind, momentum);
    t.values = NULL;
    for (k = 0; k < 3; k++) {
        t.label = HL[k];
        CHECK_OK(tmlp_net_train_sample(&net, HX[k], TMLP_LOSS_CE, &t, &v));
    }
    CHECK_OK(tmlp_model_save(&net, TMLP_SAVE_OPTIM, h_file, sizeof h_file, &len));
    at = state_at(len, slots, n);
    /* Control: the file as saved loads, and peeks with its step count. */
    CHECK_OK(tmlp_model_peek_buf(h_file, len, &d, &info));
    CHECK(info.steps == 3u);
    CHECK_OK(tmlp_model_load_buf(&net, TMLP_SAVE_OPTIM, h_file, len));
    CHECK_OK(tmlp_net_crc32(&net, &before));
    /* A negative square. */
    put_f32(h_file + at + 4u * (sq_slot * n + 5u), -1.0f);
    reseal(h_file, len);
    CHECK_ERR(tmlp_model_peek_buf(h_file, len, &d, &info), TMLP_ERR_FORMAT);
    CHECK_ERR(tmlp_model_load_buf(&net, TMLP_SAVE_OPTIM, h_file, len), TMLP_ERR_FORMAT);
    CHECK_OK(tmlp_net_crc32(&net, &after));
    CHECK(before == after);
    /* Zero is a square: it loads. */
    put_f32(h_file + at + 4u * (sq_slot * n + 5u), 0.0f);
    reseal(h_file, len);
    CHECK_OK(tmlp_model_peek_buf(h_file, len, &d, &info));
}

TMLP_TEST(impossible_adam_and_rmsprop_state_is_refused)
{
    hostile_state(TMLP_OPT_ADAM, 0.0f, 2, 1);        /* exp_avg, exp_avg_sq */
    hostile_state(TMLP_OPT_RMSPROP, 0.0f, 1, 0);     /* square_avg */
    hostile_state(TMLP_OPT_RMSPROP, 0.9f, 2, 0);     /* square_avg, momentum buffer */
}

/* A step count of 0 says no step was taken, so the state must still be
 * the zeros it starts as; any other state with it is refused. */
TMLP_TEST(state_without_a_step_is_refused)
{
    tmlp_net_t net;
    tmlp_desc_t d;
    tmlp_model_info_t info;
    tmlp_target_t t;
    size_t len = 0, n = TMLP_MLP2_PARAMS(8, 4, 2);
    uint32_t before = 0, after = 0;
    float v = 0.0f, y[2], y2[2];
    static const uint8_t kinds[] = {TMLP_OPT_SGD, TMLP_OPT_EMA, TMLP_OPT_ADAM};
    size_t k;
    for (k = 0; k < sizeof kinds; k++) {
        h_net(&net, kinds[k], 0.9f);
        /* Fresh: zero state with step 0 loads. */
        CHECK_OK(tmlp_model_save(&net, TMLP_SAVE_OPTIM, h_file, sizeof h_file, &len));
        CHECK_OK(tmlp_model_load_buf(&net, TMLP_SAVE_OPTIM, h_file, len));
        t.values = NULL;
        t.label = 1;
        CHECK_OK(tmlp_net_train_sample(&net, HX[1], TMLP_LOSS_CE, &t, &v));
        CHECK_OK(tmlp_model_save(&net, TMLP_SAVE_OPTIM, h_file, sizeof h_file, &len));
        CHECK_OK(tmlp_model_peek_buf(h_file, len, &d, &info));
        CHECK(info.steps == 1u);
        /* The step count (byte 4 of the optimizer block) set to 0. */
        {
            size_t blk = state_at(len, kinds[k] == TMLP_OPT_ADAM ? 2u : 1u, n) -
                         TMLP_MODEL_OPTIM_BYTES(0, 0);
            CHECK(h_file[blk + 4u] == 1u);
            h_file[blk + 4u] = 0;
        }
        reseal(h_file, len);
        CHECK_OK(tmlp_net_crc32(&net, &before));
        CHECK_OK(tmlp_net_forward(&net, HX[0], y));
        CHECK_ERR(tmlp_model_peek_buf(h_file, len, &d, &info), TMLP_ERR_FORMAT);
        CHECK_ERR(tmlp_model_load_buf(&net, TMLP_SAVE_OPTIM, h_file, len), TMLP_ERR_FORMAT);
        CHECK_OK(tmlp_net_crc32(&net, &after));
        CHECK_OK(tmlp_net_forward(&net, HX[0], y2));
        CHECK(before == after);
        CHECK_BITS(y[0], y2[0]);
    }
}

void suite_handles(void)
{
    RUN(zeroed_handle_is_refused_by_every_call);
    RUN(garbage_handle_is_refused_by_every_call);
    RUN(failed_init_leaves_the_handle_refused);
    RUN(trainer_refuses_a_net_initialised_again);
    RUN(impossible_adam_and_rmsprop_state_is_refused);
    RUN(state_without_a_step_is_refused);
}
