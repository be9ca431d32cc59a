/* SPDX-License-Identifier: MIT */
/* The program `make size` links twice per configuration and CPU: with
 * -DTMLP_FP_LIB=1 it calls the library, with -DTMLP_FP_LIB=0 it does not,
 * and is otherwise the same (the model's const weights, the training data,
 * the arena and the caller's handles are in both, kept through volatile
 * pointers). The difference of the two links' text/data/bss is the library's
 * share, with the compiler's helper routines (soft float on the M0+) and the
 * C library functions it pulls in (memcpy, memset).
 *
 * -DTMLP_FP_TRAIN=0: the "infer" configuration, forward only, weights const
 * in flash (tmlp_net_init with borrowed parameters); 3: the same and the
 * argmax ("infer-lean").
 * -DTMLP_FP_TRAIN=1: the "train" configuration, parameters in the arena,
 * forward, backward, SGD with momentum and the training loop at batch 1.
 * -DTMLP_FP_TRAIN=2: the "finetune" configurations: the first layer frozen
 * in flash, the input scaling given from flash as the exported model gives
 * it, the last layer trained by the fused SGD + momentum step at batch 1
 * with cross-entropy (no gradient buffer), a checkpoint loaded at boot and
 * saved after training. Which library features are compiled in is the
 * profile's (tmlp_config.h options, set by the Makefile).
 *
 * Size only: it is linked (tests/qemu/mps2.ld, its own two-entry vector
 * table, no C start files), never run. The 64-32-10 net of the reference
 * configurations: ReLU hidden layer, softmax output. */
#include <stdint.h>

#include "tinymlp.h"

#ifndef TMLP_FP_LIB
#error "define TMLP_FP_LIB to 0 or 1"
#endif
#ifndef TMLP_FP_TRAIN
#error "define TMLP_FP_TRAIN to 0 or 1"
#endif

/* The net; tests/avr/avr.mk sets a smaller one, as the 8-bit AVR's 2 KB of
 * RAM holds neither this net's arena nor its weights (const data is in RAM
 * there). */
#ifndef FP_IN
#define FP_IN 64
#endif
#ifndef FP_HID
#define FP_HID 32
#endif
#ifndef FP_OUT
#define FP_OUT 10
#endif
#define FP_N 4 /* training samples */
#define FP_PARAMS TMLP_MLP2_PARAMS(FP_IN, FP_HID, FP_OUT)

#if TMLP_FP_TRAIN == 1
#define FP_ARENA_BYTES TMLP_MLP2_BYTES(FP_IN, FP_HID, FP_OUT, TMLP_SLOTS_MOMENTUM, TMLP_BUILD_TRAIN)
#elif TMLP_FP_TRAIN == 2
#define FP_TRAIN_PARAMS TMLP_DENSE_PARAMS(FP_HID, FP_OUT)
#define FP_ARENA_BYTES                                                                       \
    TMLP_ARENA_BYTES(FP_IN, FP_OUT, FP_HID + FP_OUT, FP_HID, FP_PARAMS, FP_TRAIN_PARAMS,    \
                     FP_OUT, TMLP_SLOTS_MOMENTUM,                                          \
                     TMLP_BUILD_TRAIN | TMLP_BUILD_BORROW | TMLP_BUILD_NO_GRAD | TMLP_BUILD_SCALE)
#else
#define FP_ARENA_BYTES TMLP_ARENA_BYTES(0, 0, 0, TMLP_MAX2(FP_HID, FP_OUT), 0, 0, 0, 0, TMLP_BUILD_BORROW)
#endif

/* The model's weights (their values do not matter for size; one nonzero
 * value keeps the array in .rodata on every compiler). */
static const float fp_weights[FP_PARAMS] = {0.01f};
/* The training data, also const. */
static const float fp_x[FP_N][FP_IN] = {{0.5f}};
static const uint8_t fp_labels[FP_N] = {1, 2, 3, 4};
#if TMLP_FP_TRAIN == 2
/* The model's input scaling (offset, then scale). */
static const float fp_scaling[2][FP_IN] = {{0.5f}, {2.0f}};
const float *volatile fp_scaling_p = &fp_scaling[0][0];
#endif

/* The caller's memory: the arena (tools/scripts/footprint.py reads its size from
 * the ELF symbol table) and the handles. */
float fp_arena[FP_ARENA_BYTES / sizeof(float)];
struct fp_state {
    tmlp_net_t net;
    tmlp_trainer_t tr;
    tmlp_data_t data;
    tmlp_arrays_t arrays;
    tmlp_train_result_t result;
    float y[FP_OUT];
    uint32_t label;
};
static struct fp_state fp_st;

/* Read through volatile pointers, so both links keep the same objects. */
const float *volatile fp_weights_p = fp_weights;
const float *volatile fp_x_p = &fp_x[0][0];
const uint8_t *volatile fp_labels_p = fp_labels;
float *volatile fp_arena_p = fp_arena;
struct fp_state *volatile fp_st_p = &fp_st;
volatile int fp_status;

#if TMLP_FP_TRAIN == 2
/* The board's flash driver (a real one drives the flash controller), in
 * both links: it is the user's code, not the library's share. */
#ifndef FP_FLASH_BYTES
#define FP_FLASH_BYTES 2048
#endif
static uint8_t fp_flash_bytes[FP_FLASH_BYTES];
static tmlp_status_t fp_read(void *ctx, uint32_t addr, void *buf, size_t len)
{
    uint8_t *b = (uint8_t *)buf;
    size_t i;
    (void)ctx;
    for (i = 0; i < len; i++) {
        b[i] = fp_flash_bytes[(addr + i) % sizeof fp_flash_bytes];
    }
    return TMLP_OK;
}
static tmlp_status_t fp_prog(void *ctx, uint32_t addr, const void *buf, size_t len)
{
    const uint8_t *b = (const uint8_t *)buf;
    size_t i;
    (void)ctx;
    for (i = 0; i < len; i++) {
        fp_flash_bytes[(addr + i) % sizeof fp_flash_bytes] &= b[i];
    }
    return TMLP_OK;
}
static tmlp_status_t fp_erase(void *ctx, uint32_t addr)
{
    (void)ctx;
    fp_flash_bytes[addr % sizeof fp_flash_bytes] = 0xFFu;
    return TMLP_OK;
}
static const tmlp_flash_t fp_flash = {fp_read, fp_prog, fp_erase, NULL, 0u, 256u, 4u, 4u, 0u};
const tmlp_flash_t *volatile fp_flash_p = &fp_flash;
#endif

int main(void);

int main(void)
{
    const float *w = fp_weights_p;
    const float *x = fp_x_p;
    const uint8_t *labels = fp_labels_p;
    float *arena = fp_arena_p;
    struct fp_state *s = fp_st_p;
#if TMLP_FP_LIB
    tmlp_desc_t desc = {FP_IN, 2, 0, {{FP_HID, TMLP_ACT_RELU, 0, 0.0f}, {FP_OUT, TMLP_ACT_SOFTMAX, 0, 0.0f}}};
    int st = 0;
#if TMLP_FP_TRAIN == 1
    tmlp_optim_t opt = {0};
    tmlp_train_cfg_t cfg = {0};
    tmlp_target_t t = {NULL, 1u};
    tmlp_stop_t stop = TMLP_STOP_NONE;
    opt.kind = TMLP_OPT_SGD;
    opt.lr = 0.01f;
    opt.momentum = 0.9f;
    cfg.loss = TMLP_LOSS_CE;
    cfg.batch = 1u;
    cfg.max_epochs = 1u;
    s->arrays.X = x;
    s->arrays.labels_u8 = labels;
    s->arrays.n_in = FP_IN;
    st |= tmlp_data_arrays(&s->data, &s->arrays, FP_N);
    st |= tmlp_net_init(&s->net, &desc, &(tmlp_opts_t){.optim = &opt}, arena, FP_ARENA_BYTES, NULL);
    st |= tmlp_net_set_params(&s->net, w, FP_PARAMS);
    st |= tmlp_net_forward(&s->net, x, s->y);
    st |= tmlp_net_backward(&s->net, TMLP_LOSS_CE, &t, NULL);
    st |= tmlp_net_step(&s->net);
    st |= tmlp_train_begin(&s->tr, &s->net, &s->data, &cfg);
    st |= tmlp_train_step(&s->tr, &stop);
    st |= tmlp_train(&s->tr, &s->net, &s->data, &cfg, &s->result);
#elif TMLP_FP_TRAIN == 2
    const float *scaling = fp_scaling_p;
    tmlp_optim_t opt = {0};
    tmlp_opts_t o = {0};
    const tmlp_flash_t *flash = fp_flash_p;
    uint32_t i, seq = 0;
    opt.kind = TMLP_OPT_SGD;
    opt.lr = 0.01f;
    opt.momentum = 0.9f;
    desc.flags = TMLP_DESC_INPUT_SCALE;
    desc.layer[0].flags = TMLP_LAYER_FROZEN;
    o.params = w;
    o.n_params = FP_PARAMS;
    o.optim = &opt;
    o.no_grad_buffer = 1;
    o.in_offset = scaling;
    o.in_scale = scaling + FP_IN;
    st |= tmlp_net_init(&s->net, &desc, &o, arena, FP_ARENA_BYTES, NULL);
    st |= tmlp_ckpt_load(flash, &s->net, TMLP_SAVE_OPTIM, &seq);
    for (i = 0; i < FP_N; i++) {
        tmlp_target_t t = {NULL, labels[i]};
        st |= tmlp_net_train_sample(&s->net, x + i * FP_IN, TMLP_LOSS_CE, &t, NULL);
    }
    st |= tmlp_ckpt_save(flash, &s->net, TMLP_SAVE_OPTIM, &seq);
    st |= tmlp_net_forward(&s->net, x, s->y);
    st |= tmlp_argmax(s->y, FP_OUT, &s->label);
#else
    (void)labels;
    st |= tmlp_net_init(&s->net, &desc, &(tmlp_opts_t){.params = w, .n_params = FP_PARAMS}, arena, FP_ARENA_BYTES, NULL);
    st |= tmlp_net_forward(&s->net, x, s->y);
#if TMLP_FP_TRAIN == 3
    st |= tmlp_argmax(s->y, FP_OUT, &s->label);
#endif
#endif
    fp_status = st;
#else
    /* The same objects, no library call. */
    fp_status = (int)w[0] + (int)x[0] + labels[0] + (int)arena[0] + (int)s->y[0];
#if TMLP_FP_TRAIN == 2
    fp_status += (int)fp_scaling_p[0] + (int)fp_flash_p->sector_bytes; /* the same objects */
#endif
#endif
    return 0;
}

#if defined(__arm__)
void Reset_Handler(void);

/* The smallest start the linker script accepts: stack pointer and reset
 * vector. (Elsewhere the C library's start-up code calls main.) */
void Reset_Handler(void)
{
    (void)main();
    for (;;) {
    }
}

extern uint32_t _estack[];
struct fp_vectors {
    void *initial_sp;
    void (*reset)(void);
};
__attribute__((section(".vectors"), used)) const struct fp_vectors fp_vectors = {_estack,
                                                                                 Reset_Handler};
#endif
