/* SPDX-License-Identifier: MIT */
/* Fine-tuning on the device: a digits model trained on the host ships in
 * flash (build/gen/digits_model.h, made by `tinymlp train` + `tinymlp
 * export` from data/digits_train.csv), and the device adapts it to digits
 * from its own sensor, which reads every stroke at half the intensity the
 * model was trained on (a dimmer sensor), training only the last layer. The frozen first layer is read from flash in place;
 * RAM holds only what is trained. The same program runs on the host and on a
 * Cortex-M4F under QEMU (`make test-finetune` compares the two outputs), so
 * it prints integers only.
 *
 * Data: the held-out test split of the digits (build/gen/digits_data.h, in
 * flash as bytes). Even rows, dimmed, are the device's fine-tuning data;
 * odd rows, dimmed, are held-out data of the new kind; all rows as they are
 * show how much of the original task is kept. */
#include <stdio.h>
#include <string.h>

#include "digits_data.h"
#include "digits_model.h"
#include "tinymlp.h"
#include "tmlp_flash_sim.h"

#define N_IN digits_N_IN
#define N_OUT digits_N_OUT
/* The exported header sizes everything at compile time. Fine-tuning: batch
 * 1 with SGD + momentum, so no gradient buffer; the first layer frozen in
 * flash; input scaling (the model's own). */
#define FT_ARENA_BYTES digits_ARENA_FINETUNE_BYTES(TMLP_SLOTS_MOMENTUM, TMLP_BUILD_NO_GRAD)

/* The same sizes for a cache line of `line` bytes: the RAM this example
 * reports is line 0's, a microcontroller's without a data cache, on every
 * machine it runs on (a host build rounds each buffer up to its line, 64
 * bytes). The model scales its inputs. */
#define ARENA_AT(line, n_train, max_train, slots, build)                                      \
    TMLP_ARENA_BYTES_LINE(line, digits_N_IN, digits_N_OUT, digits_N_UNITS, digits_MAX_UNITS, \
                          digits_N_PARAMS, n_train, max_train, slots, (build) | TMLP_BUILD_SCALE)
#define INFER_CONST_AT(line) \
    ARENA_AT(line, digits_N_PARAMS, digits_MAX_UNITS, 0, TMLP_BUILD_BORROW)
#define FT_AT(line)                                                            \
    ARENA_AT(line, digits_N_LAST_PARAMS, digits_N_OUT, TMLP_SLOTS_MOMENTUM,    \
             TMLP_BUILD_TRAIN | TMLP_BUILD_BORROW | TMLP_BUILD_NO_GRAD)
#define FULL_AT(line) \
    ARENA_AT(line, digits_N_PARAMS, digits_MAX_UNITS, TMLP_SLOTS_MOMENTUM, TMLP_BUILD_TRAIN)

/* A checkpoint of this net is a partial model file: the trained layer, the
 * input scaling and the optimizer state, not the frozen layer (it stays in
 * flash; the file holds its CRC). Its slot, at compile time, fits one 4 KB
 * sector; the whole model would need three. */
#define CKPT_MODEL_BYTES digits_CKPT_MODEL_BYTES(TMLP_SLOTS_MOMENTUM)
#define SECTOR_BYTES 4096u
#define SLOT_SECTORS \
    ((digits_CKPT_SLOT_BYTES(TMLP_SLOTS_MOMENTUM, 8) + SECTOR_BYTES - 1u) / SECTOR_BYTES)

static float infer_arena[digits_ARENA_INFER_CONST_BYTES / sizeof(float)];
/* The fine-tuning nets train the last layer with SGD + momentum at batch 1
 * (digits_init_finetune: the frozen first layer stays in the exported
 * weights in flash). */
static tmlp_optim_t ft_optim;

static float ft_arena[FT_ARENA_BYTES / sizeof(float)];
static float check_arena[FT_ARENA_BYTES / sizeof(float)];

/* Which rows a data source serves, and how they look on this device. */
typedef struct {
    uint32_t first, step; /* rows first, first + step, ... */
    int dimmed;           /* 1: as the device's sensor reads them: half intensity */
} view_t;

/* Reads sample i of a view straight from flash (nothing is copied ahead):
 * the 8x8 image as floats, dimmed if the view says so. */
static tmlp_status_t read_digit(void *ctx, uint32_t i, float *x, float *y, uint32_t *label)
{
    const view_t *v = (const view_t *)ctx;
    uint32_t row = v->first + i * v->step, k;
    (void)y;
    for (k = 0; k < N_IN; k++) {
        x[k] = (float)digits_test_x[row][k] * (v->dimmed ? 0.5f : 1.0f);
    }
    *label = digits_test_y[row];
    return TMLP_OK;
}

static void make_data(tmlp_data_t *d, view_t *v, uint32_t first, uint32_t step, int dimmed)
{
    v->first = first;
    v->step = step;
    v->dimmed = dimmed;
    memset(d, 0, sizeof *d);
    d->n = (digits_test_ROWS - first + step - 1) / step;
    d->targets = TMLP_TARGET_LABEL;
    d->read = read_digit;
    d->ctx = v;
}

static int must(tmlp_status_t st, const char *what)
{
    if (st != TMLP_OK) {
        printf("finetune: %s failed: %s\n", what, tmlp_status_str(st));
    }
    return st == TMLP_OK;
}

/* Accuracy in hundredths of a percent, and the count, on one view. */
static int report(tmlp_net_t *net, const tmlp_data_t *d, const char *what)
{
    static float scratch[N_IN + N_OUT];
    float acc = 0.0f;
    uint32_t right;
    if (!must(tmlp_evaluate(net, d, TMLP_LOSS_CE, scratch, NULL, &acc, NULL), what)) {
        return 0;
    }
    right = (uint32_t)(acc * (float)d->n + 0.5f);
    printf("  %-34s %3lu of %3lu right (%lu.%lu%%)\n", what, (unsigned long)right,
           (unsigned long)d->n, (unsigned long)(right * 1000u / d->n / 10u),
           (unsigned long)(right * 1000u / d->n % 10u));
    return 1;
}

static int accuracies(tmlp_net_t *net, const tmlp_data_t *held, const tmlp_data_t *orig)
{
    return report(net, held, "new kind (dimmed), held out:") &&
           report(net, orig, "original test split:");
}

/* CRC-32 of the shipped model's output floats on every test image: equal on
 * the host and the Cortex-M4F (make test-finetune compares the printouts),
 * and equal to what `tinymlp predict` computes from the model file. */
static int outputs_crc(tmlp_net_t *net, const tmlp_data_t *d)
{
    static float x[N_IN];
    float y[N_OUT];
    uint32_t i, label, crc = 0;
    for (i = 0; i < d->n; i++) {
        if (!must(d->read(d->ctx, i, x, NULL, &label), "read") ||
            !must(tmlp_net_forward(net, x, y), "forward") ||
            !must(tmlp_crc32(crc, y, sizeof y, &crc), "crc")) {
            return 0;
        }
    }
    printf("  outputs of all %lu test images: crc32 %08lx (host and target alike)\n",
           (unsigned long)d->n, (unsigned long)crc);
    return 1;
}

/* Trains the last layer on the device's data, batch 1, SGD with momentum. */
static int finetune(tmlp_net_t *net, const tmlp_data_t *train)
{
    tmlp_train_cfg_t cfg;
    tmlp_trainer_t tr;
    tmlp_train_result_t res;
    memset(&cfg, 0, sizeof cfg);
    ft_optim.lr = 0.01f;
    ft_optim.momentum = 0.9f;
    cfg.loss = TMLP_LOSS_CE;
    cfg.batch = 1;
    cfg.shuffle = 1;
    cfg.seed = 7;
    cfg.max_epochs = 10;
    if (!must(digits_init_finetune(net, &ft_optim, 1, ft_arena, sizeof ft_arena),
              "digits_init_finetune") ||
        !must(tmlp_train(&tr, net, train, &cfg, &res), "tmlp_train")) {
        return 0;
    }
    printf("fine-tuned the last layer: %lu epochs, %lu steps of batch 1, SGD + momentum\n",
           (unsigned long)res.epochs, (unsigned long)res.steps);
    return 1;
}

/* Saves a checkpoint to NOR flash (simulated in RAM here; a board passes
 * its own flash driver in a tmlp_flash_t) and loads it into a second
 * fine-tuning net on the same weights in flash, as after a reset: the
 * checkpoint is checked to belong to that base model (the CRC of its frozen
 * layer), and both nets must hash alike. */
static int checkpoint(const tmlp_net_t *net)
{
    static uint8_t flash_mem[2u * SLOT_SECTORS * SECTOR_BYTES]; /* two slots */
    static tmlp_flash_sim_t sim;
    tmlp_flash_t fl;
    tmlp_net_t back;
    uint32_t seq = 0, h1 = 0, h2 = 0;
    size_t bytes = 0, whole = 0;
    if (!must(tmlp_flash_sim_init(&sim, flash_mem, SECTOR_BYTES, 8, 2u * SLOT_SECTORS, NULL),
              "flash") ||
        !must(tmlp_flash_sim_flash(&sim, &fl), "flash") ||
        !must(tmlp_model_size(net, TMLP_SAVE_OPTIM, &bytes), "tmlp_model_size") ||
        !must(tmlp_model_size(net, TMLP_SAVE_OPTIM | TMLP_SAVE_FULL, &whole), "tmlp_model_size") ||
        !must(tmlp_ckpt_save(&fl, net, TMLP_SAVE_OPTIM, &seq), "tmlp_ckpt_save") ||
        !must(digits_init_finetune(&back, &ft_optim, 1, check_arena, sizeof check_arena),
              "second net") ||
        !must(tmlp_ckpt_load(&fl, &back, TMLP_SAVE_OPTIM, &seq), "tmlp_ckpt_load") ||
        !must(tmlp_net_crc32(net, &h1), "crc") || !must(tmlp_net_crc32(&back, &h2), "crc")) {
        return 0;
    }
    printf("checkpoint %lu: %lu bytes, the trained layer and its optimizer state "
           "(the whole model: %lu); a slot of %lu sector of %lu bytes\n",
           (unsigned long)seq, (unsigned long)bytes, (unsigned long)whole,
           (unsigned long)SLOT_SECTORS, (unsigned long)SECTOR_BYTES);
    printf("reloaded after a \"reset\": weights-hash %08lx %s %08lx\n", (unsigned long)h1,
           h1 == h2 ? "==" : "!=", (unsigned long)h2);
    return h1 == h2 && bytes == CKPT_MODEL_BYTES;
}

int main(void)
{
    tmlp_net_t base, net;
    tmlp_data_t train, held, orig;
    view_t v_train, v_held, v_orig;
    make_data(&train, &v_train, 0, 2, 1);
    make_data(&held, &v_held, 1, 2, 1);
    make_data(&orig, &v_orig, 0, 1, 0);
    printf("digits 64-32-10 from flash; the device's sensor reads strokes at half intensity\n");
    printf("before fine-tuning (the shipped model):\n");
    if (!must(digits_init(&base, infer_arena, sizeof infer_arena), "digits_init") ||
        !accuracies(&base, &held, &orig) || !outputs_crc(&base, &orig) ||
        !finetune(&net, &train)) {
        return 1;
    }
    printf("after fine-tuning on %lu dimmed samples:\n", (unsigned long)train.n);
    if (!accuracies(&net, &held, &orig)) {
        return 1;
    }
    /* The formula at this build's line gives this build's arenas (which
     * digits_init and digits_init_finetune took without TMLP_ERR_NOMEM). */
    if (sizeof infer_arena != INFER_CONST_AT(TMLP_CACHE_LINE) ||
        sizeof ft_arena != FT_AT(TMLP_CACHE_LINE) ||
        digits_ARENA_TRAIN_BYTES(TMLP_SLOTS_MOMENTUM, 0) != FULL_AT(TMLP_CACHE_LINE)) {
        printf("the arena sizes differ from the formula\n");
        return 1;
    }
    printf("RAM (arena bytes, no data cache): inference, const weights %lu; this fine-tuning "
           "(batch 1, no gradient buffer) %lu; training, SGD + momentum %lu\n",
           (unsigned long)INFER_CONST_AT(0), (unsigned long)FT_AT(0),
           (unsigned long)FULL_AT(0));
    return checkpoint(&net) ? 0 : 1;
}
