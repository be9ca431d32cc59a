/* SPDX-License-Identifier: MIT */
/* Prints the RAM that running, fine-tuning and training the 64-32-10
 * reference net takes, from the library's own formulas: the compile-time
 * macros (checked here against tmlp_arena_size() at run time). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tinymlp.h"

#define P_ALL TMLP_MLP2_PARAMS(64, 32, 10)
#define P_LAST TMLP_DENSE_PARAMS(32, 10)

static void row(const char *what, tmlp_mode_t mode, int frozen, const tmlp_optim_t *opt,
                size_t macro_bytes)
{
    tmlp_desc_t d;
    size_t bytes = 0;
    memset(&d, 0, sizeof d);
    d.n_in = 64;
    d.n_layers = 2;
    d.layer[0].units = 32;
    d.layer[0].act = TMLP_ACT_RELU;
    d.layer[0].flags = frozen ? (uint8_t)TMLP_LAYER_FROZEN : 0u;
    d.layer[1].units = 10;
    d.layer[1].act = TMLP_ACT_SOFTMAX;
    if (tmlp_arena_size(&d, mode, opt, &bytes) != TMLP_OK || bytes != macro_bytes) {
        fprintf(stderr, "memory: %s: macro %zu bytes, run time %zu\n", what, macro_bytes, bytes);
        exit(1);
    }
    printf("| %-52s | %6zu |\n", what, bytes);
}

int main(void)
{
    tmlp_optim_t mom, adam;
    memset(&mom, 0, sizeof mom);
    mom.lr = 0.1f;
    mom.momentum = 0.9f;
    adam = mom;
    adam.kind = TMLP_OPT_ADAM;
    adam.momentum = 0.0f;
    printf("64-32-10 (ReLU, softmax), %u parameters; arena bytes (handle: %zu more)\n",
           (unsigned)P_ALL, sizeof(tmlp_net_t));
    printf("| %-52s | %6s |\n", "mode", "arena");
    printf("|------------------------------------------------------|--------|\n");
    row("inference, weights in RAM", TMLP_MODE_INFER, 0, NULL, TMLP_MLP2_INFER_BYTES(64, 32, 10));
    row("inference, weights const in flash", TMLP_MODE_INFER_CONST, 0, NULL,
        TMLP_ARENA_INFER_CONST_BYTES(32));
    row("fine-tune last layer, SGD+momentum, frozen in flash", TMLP_MODE_FINETUNE, 1, &mom,
        TMLP_ARENA_FINETUNE_BYTES(P_LAST, 64, 42, 10, 10, TMLP_SLOTS_MOMENTUM));
    row("fine-tune last layer, SGD+momentum, fused (batch 1)", TMLP_MODE_FINETUNE_FUSED, 1, &mom,
        TMLP_ARENA_FINETUNE_BYTES(P_LAST, 64, 42, 10, 10, TMLP_SLOTS_MOMENTUM) -
            TMLP_ARENA_GRAD_BYTES(P_LAST));
    row("fine-tune last layer, Adam, frozen in flash", TMLP_MODE_FINETUNE, 1, &adam,
        TMLP_ARENA_FINETUNE_BYTES(P_LAST, 64, 42, 10, 10, TMLP_SLOTS_ADAM));
    row("train last two layers (= all), SGD+momentum", TMLP_MODE_TRAIN, 0, &mom,
        TMLP_MLP2_TRAIN_BYTES(64, 32, 10, TMLP_SLOTS_MOMENTUM));
    row("train all, SGD+momentum, fused (batch 1)", TMLP_MODE_TRAIN_FUSED, 0, &mom,
        TMLP_MLP2_TRAIN_BYTES(64, 32, 10, TMLP_SLOTS_MOMENTUM) - TMLP_ARENA_GRAD_BYTES(P_ALL));
    row("train all, Adam", TMLP_MODE_TRAIN, 0, &adam,
        TMLP_MLP2_TRAIN_BYTES(64, 32, 10, TMLP_SLOTS_ADAM));
    return 0;
}
