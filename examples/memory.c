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

/* The 64-32-10 net with only its last layer trainable (the first frozen). */
#define LAST_LAYER_BYTES(slots, build) \
    TMLP_ARENA_BYTES(64, 10, 32 + 10, 32, P_ALL, P_LAST, 10, slots, build)

/* One line of the table: `build` says how the net is built (TMLP_BUILD_*
 * bits), the same choices tmlp_arena_size() gets as a tmlp_opts_t. */
static void row(const char *what, unsigned build, int frozen, const tmlp_optim_t *opt,
                size_t macro_bytes)
{
    static const float flash_params[P_ALL]; /* stands for const weights in flash */
    tmlp_desc_t d;
    tmlp_opts_t opts;
    size_t bytes = 0;
    memset(&d, 0, sizeof d);
    memset(&opts, 0, sizeof opts);
    d.n_in = 64;
    d.n_layers = 2;
    d.layer[0].units = 32;
    d.layer[0].act = TMLP_ACT_RELU;
    d.layer[0].flags = frozen ? (uint8_t)TMLP_LAYER_FROZEN : 0u;
    d.layer[1].units = 10;
    d.layer[1].act = TMLP_ACT_SOFTMAX;
    opts.optim = (build & TMLP_BUILD_TRAIN) ? opt : NULL;
    opts.params = (build & TMLP_BUILD_BORROW) ? flash_params : NULL;
    opts.n_params = P_ALL;
    opts.no_grad_buffer = (build & TMLP_BUILD_NO_GRAD) ? 1u : 0u;
    if (tmlp_arena_size(&d, &opts, &bytes) != TMLP_OK || bytes != macro_bytes) {
        fprintf(stderr, "memory: %s: macro %zu bytes, run time %zu\n", what, macro_bytes, bytes);
        exit(1);
    }
    printf("| %-56s | %6zu |\n", what, bytes);
}

int main(void)
{
    const unsigned train = TMLP_BUILD_TRAIN, flash = TMLP_BUILD_BORROW;
    tmlp_optim_t mom, adam;
    memset(&mom, 0, sizeof mom);
    mom.lr = 0.1f;
    mom.momentum = 0.9f;
    adam = mom;
    adam.kind = TMLP_OPT_ADAM;
    adam.momentum = 0.0f;
    printf("64-32-10 (ReLU, softmax), %u parameters; arena bytes (handle: %zu more)\n",
           (unsigned)P_ALL, sizeof(tmlp_net_t));
    printf("| %-56s | %6s |\n", "net", "arena");
    printf("|----------------------------------------------------------|--------|\n");
    row("inference, weights in RAM", 0, 0, NULL, TMLP_MLP2_BYTES(64, 32, 10, 0, 0));
    row("inference, weights const in flash", flash, 0, NULL,
        TMLP_MLP2_BYTES(64, 32, 10, 0, TMLP_BUILD_BORROW));
    row("fine-tune last layer, SGD+momentum, frozen in flash", train | flash, 1, &mom,
        LAST_LAYER_BYTES(TMLP_SLOTS_MOMENTUM, TMLP_BUILD_TRAIN | TMLP_BUILD_BORROW));
    row("fine-tune last layer, SGD+momentum, no gradient buffer", train | flash | TMLP_BUILD_NO_GRAD,
        1, &mom,
        LAST_LAYER_BYTES(TMLP_SLOTS_MOMENTUM,
                         TMLP_BUILD_TRAIN | TMLP_BUILD_BORROW | TMLP_BUILD_NO_GRAD));
    row("fine-tune last layer, Adam, frozen in flash", train | flash, 1, &adam,
        LAST_LAYER_BYTES(TMLP_SLOTS_ADAM, TMLP_BUILD_TRAIN | TMLP_BUILD_BORROW));
    row("train last two layers (= all), SGD+momentum", train, 0, &mom,
        TMLP_MLP2_BYTES(64, 32, 10, TMLP_SLOTS_MOMENTUM, TMLP_BUILD_TRAIN));
    row("train all, SGD+momentum, no gradient buffer", train | TMLP_BUILD_NO_GRAD, 0, &mom,
        TMLP_MLP2_BYTES(64, 32, 10, TMLP_SLOTS_MOMENTUM, TMLP_BUILD_TRAIN | TMLP_BUILD_NO_GRAD));
    row("train all, Adam", train, 0, &adam,
        TMLP_MLP2_BYTES(64, 32, 10, TMLP_SLOTS_ADAM, TMLP_BUILD_TRAIN));
    return 0;
}
