/* SPDX-License-Identifier: MIT */
/* The exported header as a firmware uses it (tests/test_tool.sh builds it
 * from a model exported as `mdl`): in two files, the weights defined once
 * (export_use_weights.c), compiled as C99 and as C++11. Reads rows of
 * inputs (CSV) on stdin and prints "class,outputs" per row through
 * mdl_predict, as `tinymlp predict` does; checks the fine-tuning init, the
 * arena and checkpoint sizes and the layer widths against the library.
 * Exit status: 0, or the number of the check that failed. */
#define MDL_MODEL_SHARED
#include "model.h"

#include <stdio.h>
#include <stdlib.h>

static float arena[mdl_ARENA_INFER_CONST_BYTES / sizeof(float)];
static float ft_arena[mdl_ARENA_FINETUNE_BYTES(TMLP_SLOTS_MOMENTUM, TMLP_BUILD_NO_GRAD) /
                      sizeof(float)];

int main(void)
{
    static const unsigned units[] = mdl_LAYER_UNITS;
    tmlp_net_t net, ft;
    tmlp_optim_t optim;
    tmlp_opts_t opts;
    tmlp_desc_t desc = mdl_desc;
    tmlp_target_t target;
    char line[4096];
    size_t bytes = 0, l;
    unsigned rows = 0;
    if (sizeof units / sizeof units[0] != mdl_N_LAYERS) return 1;
    for (l = 0; l < mdl_N_LAYERS; l++) {
        if (units[l] != mdl_desc.layer[l].units) return 2;
    }
    if (mdl_init(&net, arena, sizeof arena) != TMLP_OK) return 3;
    memset(&optim, 0, sizeof optim);
    optim.kind = TMLP_OPT_SGD;
    optim.lr = 0.01f;
    optim.momentum = 0.9f;
    /* The fine-tuning arena: exactly what the library asks for. */
    if (mdl_init_finetune(&ft, &optim, 1, ft_arena, sizeof ft_arena - sizeof(float)) !=
        TMLP_ERR_NOMEM) return 4;
    if (mdl_init_finetune(&ft, &optim, 1, ft_arena, sizeof ft_arena) != TMLP_OK) return 5;
    for (l = 0; l + 1u < mdl_N_LAYERS; l++) {
        desc.layer[l].flags = TMLP_LAYER_FROZEN;
    }
    memset(&opts, 0, sizeof opts);
    opts.optim = &optim;
    opts.params = mdl_params;
    opts.n_params = mdl_N_PARAMS;
    opts.no_grad_buffer = 1;
    if (tmlp_arena_size(&desc, &opts, &bytes) != TMLP_OK || bytes != sizeof ft_arena) return 6;
    while (fgets(line, sizeof line, stdin) != NULL) {
        float x[mdl_N_IN], y[mdl_N_OUT];
        char *s = line;
        uint32_t k, label = 0;
        for (k = 0; k < mdl_N_IN; k++) {
            x[k] = strtof(s, &s);
            s += *s == ',';
        }
        if (mdl_predict(&net, x, y, &label) != TMLP_OK) return 7;
        printf("%u", (unsigned)label);
        for (k = 0; k < mdl_N_OUT; k++) printf(",%.9g", (double)y[k]);
        printf("\n");
        /* One fine-tuning step on the predicted class (the data do not matter here). */
        target.values = NULL;
        target.label = label;
        if (tmlp_net_train_sample(&ft, x, TMLP_LOSS_CE, &target, NULL) != TMLP_OK) return 8;
        rows++;
    }
    /* A checkpoint of the fine-tuning net is exactly the exported size. */
    if (rows == 0u || tmlp_model_size(&ft, TMLP_SAVE_OPTIM, &bytes) != TMLP_OK ||
        bytes != mdl_CKPT_MODEL_BYTES(TMLP_SLOTS_MOMENTUM)) return 9;
    if (mdl_CKPT_SLOT_BYTES(TMLP_SLOTS_MOMENTUM, 8) !=
        TMLP_CKPT_SLOT_BYTES(mdl_CKPT_MODEL_BYTES(TMLP_SLOTS_MOMENTUM), 8)) return 10;
    return 0;
}
