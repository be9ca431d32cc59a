/* SPDX-License-Identifier: MIT */
/* A Cortex-M4F adapts a model it ships in flash to its own sensor, keeps
 * what it learned across a reset, and proves it:
 * 1. runs the iris model exported by `tinymlp export` (iris_model.h: its
 *    weights are const, in flash) on samples from the device's sensor,
 *    which reads every petal SENSOR_PETAL_GAIN times too long;
 * 2. fine-tunes the last layer on half of those samples: the first layer
 *    stays frozen in flash, the arena holds only the last one (and its
 *    momentum);
 * 3. saves a checkpoint to flash (ram_flash.c: a NOR flash in RAM);
 * 4. simulates a reset (a new net handle, its arena zeroed), reloads the
 *    checkpoint and checks that the net computes exactly, bit for bit, the
 *    outputs it computed before the reset.
 * The exit status is 0 only if every call returned TMLP_OK and the check
 * holds. */
#include <string.h>

#include "iris_model.h"
#include "iris_samples.h"
#include "ram_flash.h"
#include "semihosting.h"
#include "tinymlp.h"

#define SENSOR_PETAL_GAIN 1.5f

/* Inference on the weights in flash: the arena holds only activations and
 * the input scaling. */
static float infer_arena[iris_ARENA_INFER_CONST_BYTES / sizeof(float)];
/* Fine-tuning the last layer with SGD + momentum at batch 1 (no gradient
 * buffer): the arena holds that layer, its momentum and the work buffers. */
static float finetune_arena[iris_ARENA_FINETUNE_BYTES(TMLP_SLOTS_MOMENTUM, TMLP_BUILD_NO_GRAD) /
                            sizeof(float)];
/* Every sample's outputs before the reset, to compare after it. */
static float outputs_before[IRIS_SAMPLES][iris_N_OUT];

/* Sample `row` as the device's sensor reads it. */
static void sensor_read(uint32_t row, float *x)
{
    x[0] = iris_x[row][0];
    x[1] = iris_x[row][1];
    x[2] = iris_x[row][2] * SENSOR_PETAL_GAIN;
    x[3] = iris_x[row][3] * SENSOR_PETAL_GAIN;
}

/* The training loop's data source: the even rows. */
static tmlp_status_t read_even_row(void *ctx, uint32_t i, float *x, float *y, uint32_t *label)
{
    (void)ctx;
    (void)y;
    sensor_read(2u * i, x);
    *label = iris_label[2u * i];
    return TMLP_OK;
}

static int ok(tmlp_status_t st, const char *what)
{
    if (st != TMLP_OK) {
        sh_print("failed: ");
        sh_print(what);
        sh_print(": ");
        sh_print(tmlp_status_str(st));
        sh_print("\n");
    }
    return st == TMLP_OK;
}

/* Counts the odd rows (held out from fine-tuning) the net classifies right. */
static int count_right(tmlp_net_t *net, const char *what)
{
    float x[iris_N_IN], y[iris_N_OUT];
    uint32_t row, predicted, right = 0;
    for (row = 1; row < IRIS_SAMPLES; row += 2u) {
        sensor_read(row, x);
        if (!ok(tmlp_net_forward(net, x, y), "tmlp_net_forward") ||
            !ok(tmlp_argmax(y, iris_N_OUT, &predicted), "tmlp_argmax")) {
            return 0;
        }
        right += predicted == iris_label[row] ? 1u : 0u;
    }
    sh_print(what);
    sh_print_uint(right);
    sh_print(" of ");
    sh_print_uint(IRIS_SAMPLES / 2u);
    sh_print(" held-out samples right\n");
    return 1;
}

/* Runs the net on every sample: keeps the outputs (compare 0), or checks
 * that they equal the kept ones bit for bit (compare 1). */
static int outputs(tmlp_net_t *net, int compare)
{
    float x[iris_N_IN], y[iris_N_OUT];
    uint32_t row;
    for (row = 0; row < IRIS_SAMPLES; row++) {
        sensor_read(row, x);
        if (!ok(tmlp_net_forward(net, x, y), "tmlp_net_forward")) {
            return 0;
        }
        if (!compare) {
            memcpy(outputs_before[row], y, sizeof y);
        } else if (memcmp(outputs_before[row], y, sizeof y) != 0) {
            sh_print("failed: the reloaded net's outputs differ at sample ");
            sh_print_uint(row);
            sh_print("\n");
            return 0;
        }
    }
    return 1;
}

/* Builds the fine-tuning net: the first layer frozen, read in place from
 * iris_params in flash; the last layer copied into the arena and trained. */
static tmlp_status_t finetune_net_init(tmlp_net_t *net)
{
    tmlp_optim_t optim; /* copied by tmlp_net_init */
    tmlp_desc_t desc = iris_desc;
    tmlp_opts_t opts;
    desc.layer[0].flags = TMLP_LAYER_FROZEN;
    memset(&optim, 0, sizeof optim);
    optim.kind = TMLP_OPT_SGD;
    optim.lr = 0.05f;
    optim.momentum = 0.9f;
    memset(&opts, 0, sizeof opts);
    opts.optim = &optim;
    opts.params = iris_params;
    opts.n_params = iris_N_PARAMS;
    opts.no_grad_buffer = 1;
    opts.in_offset = iris_in_offset;
    opts.in_scale = iris_in_scale;
    return tmlp_net_init(net, &desc, &opts, finetune_arena, sizeof finetune_arena, NULL);
}

static int finetune(tmlp_net_t *net)
{
    tmlp_data_t data;
    tmlp_train_cfg_t cfg;
    tmlp_trainer_t trainer;
    tmlp_train_result_t result;
    memset(&data, 0, sizeof data);
    data.n = IRIS_SAMPLES / 2u;
    data.targets = TMLP_TARGET_LABEL;
    data.read = read_even_row;
    memset(&cfg, 0, sizeof cfg);
    cfg.loss = TMLP_LOSS_CE;
    cfg.batch = 1;
    cfg.shuffle = 1;
    cfg.seed = 1;
    cfg.max_epochs = 20;
    if (!ok(finetune_net_init(net), "tmlp_net_init (fine-tuning)") ||
        !ok(tmlp_train(&trainer, net, &data, &cfg, &result), "tmlp_train")) {
        return 0;
    }
    sh_print("fine-tuned the last layer: ");
    sh_print_uint(result.steps);
    sh_print(" steps of batch 1 on ");
    sh_print_uint(data.n);
    sh_print(" samples\n");
    return 1;
}

int main(void)
{
    static tmlp_net_t shipped, tuned, rebooted;
    tmlp_flash_t flash;
    uint32_t saved_seq = 0, loaded_seq = 0;

    sh_print("iris 4-8-3 in flash; this device's sensor reads petals 1.5 times too long\n");
    if (!ok(iris_init(&shipped, infer_arena, sizeof infer_arena), "iris_init") ||
        !count_right(&shipped, "shipped model: ") || !finetune(&tuned) ||
        !count_right(&tuned, "fine-tuned:    ") || !outputs(&tuned, 0)) {
        return 1;
    }

    /* The checkpoint: the trained layer and its momentum, with the CRC of
     * the frozen layer it belongs to (a partial model file). */
    ram_flash_config(&flash);
    if (!ok(ram_flash_erase_all(), "erase") ||
        !ok(tmlp_ckpt_save(&flash, &tuned, TMLP_SAVE_OPTIM, &saved_seq), "tmlp_ckpt_save")) {
        return 1;
    }
    sh_print("checkpoint ");
    sh_print_uint(saved_seq);
    sh_print(" saved\n");

    /* A reset: RAM is lost (a new handle, the arena zeroed: `tuned` is
     * dead from here), the flash keeps the checkpoint. As after a real
     * boot, build the same fine-tuning net and load the checkpoint. */
    memset(finetune_arena, 0, sizeof finetune_arena);
    ram_flash_config(&flash);
    if (!ok(finetune_net_init(&rebooted), "tmlp_net_init (after the reset)") ||
        !ok(tmlp_ckpt_load(&flash, &rebooted, TMLP_SAVE_OPTIM, &loaded_seq), "tmlp_ckpt_load") ||
        !outputs(&rebooted, 1)) {
        return 1;
    }
    sh_print("after a reset: checkpoint ");
    sh_print_uint(loaded_seq);
    sh_print(" loaded, every output bit-identical\n");
    return loaded_seq == saved_seq ? 0 : 1;
}
