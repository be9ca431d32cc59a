/* SPDX-License-Identifier: MIT */
/* Prints the RAM that running, fine-tuning and training the 64-32-10
 * reference net takes, from the library's own formulas: the compile-time
 * macros, without and with input scaling (the digits model of `make demo`
 * scales its inputs), on a microcontroller without a data cache, with the
 * Cortex-M7's 32-byte cache lines, and on this machine (its own
 * TMLP_CACHE_LINE: this figure is checked against tmlp_arena_size()). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tinymlp.h"

#define P_ALL TMLP_MLP2_PARAMS(64, 32, 10)
#define P_LAST TMLP_DENSE_PARAMS(32, 10)

/* The 64-32-10 net, all of it trainable, for cache line `line`. */
#define ALL_LAYERS_BYTES(line, slots, build) \
    TMLP_ARENA_BYTES_LINE(line, 64, 10, 32 + 10, 32, P_ALL, P_ALL, 32, slots, build)
/* The 64-32-10 net with only its last layer trainable (the first frozen). */
#define LAST_LAYER_BYTES(line, slots, build) \
    TMLP_ARENA_BYTES_LINE(line, 64, 10, 32 + 10, 32, P_ALL, P_LAST, 10, slots, build)

/* One row: the arena without and with input scaling (TMLP_BUILD_SCALE)
 * without a cache line, scaled with 32-byte lines, and both on this machine. */
#define ROW(what, build, frozen, opt, BYTES, slots)                                           \
    row(what, build, frozen, opt, BYTES(0, slots, build),                                     \
        BYTES(0, slots, (build) | TMLP_BUILD_SCALE), BYTES(32, slots, (build) | TMLP_BUILD_SCALE), \
        BYTES(TMLP_CACHE_LINE, slots, build), BYTES(TMLP_CACHE_LINE, slots, (build) | TMLP_BUILD_SCALE))

/* Arena bytes at run time on this machine, checked against the macro's
 * `macro_bytes` for this build's line. */
static size_t arena_bytes(const char *what, unsigned build, int frozen, int scaled,
                          const tmlp_optim_t *opt, size_t macro_bytes)
{
    static const float flash_params[P_ALL]; /* stands for const weights in flash */
    tmlp_desc_t d;
    tmlp_opts_t opts;
    size_t bytes = 0;
    memset(&d, 0, sizeof d);
    memset(&opts, 0, sizeof opts);
    d.n_in = 64;
    d.n_layers = 2;
    d.flags = scaled ? (uint8_t)TMLP_DESC_INPUT_SCALE : 0u;
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
        fprintf(stderr, "memory: %s%s: macro %zu bytes, run time %zu\n", what,
                scaled ? " (scaled)" : "", macro_bytes, bytes);
        exit(1);
    }
    return bytes;
}

/* One line of the table: `build` says how the net is built (TMLP_BUILD_*
 * bits), the same choices tmlp_arena_size() gets as a tmlp_opts_t. */
static void row(const char *what, unsigned build, int frozen, const tmlp_optim_t *opt,
                size_t unscaled, size_t scaled, size_t scaled_m7, size_t here_unscaled,
                size_t here_scaled)
{
    (void)arena_bytes(what, build, frozen, 0, opt, here_unscaled);
    printf("| %-56s | %8zu | %6zu | %9zu | %11zu |\n", what, unscaled, scaled, scaled_m7,
           arena_bytes(what, build, frozen, 1, opt, here_scaled));
}

int main(void)
{
    const unsigned train = TMLP_BUILD_TRAIN, flash = TMLP_BUILD_BORROW;
    const unsigned no_grad = TMLP_BUILD_NO_GRAD;
    tmlp_optim_t mom, adam;
    memset(&mom, 0, sizeof mom);
    mom.lr = 0.1f;
    mom.momentum = 0.9f;
    adam = mom;
    adam.kind = TMLP_OPT_ADAM;
    adam.momentum = 0.0f;
    printf("64-32-10 (ReLU, softmax), %u parameters; arena bytes on a microcontroller without\n"
           "a data cache, unscaled and with input scaling (+3 x 64 floats to run, +2 x 64 to\n"
           "train); scaled with 32-byte cache lines (a Cortex-M7 built with\n"
           "-DTMLP_CACHE_LINE=32) and on this machine (TMLP_CACHE_LINE %d)\n",
           (unsigned)P_ALL, (int)TMLP_CACHE_LINE);
    printf("| %-56s | %8s | %6s | %9s | %11s |\n", "net", "unscaled", "scaled", "M7 scaled",
           "here scaled");
    printf("|----------------------------------------------------------|----------|--------|"
           "-----------|-------------|\n");
    ROW("inference, weights in RAM", 0, 0, NULL, ALL_LAYERS_BYTES, 0);
    ROW("inference, weights const in flash", flash, 0, NULL, ALL_LAYERS_BYTES, 0);
    ROW("fine-tune last layer, SGD+momentum, frozen in flash", train | flash, 1, &mom,
        LAST_LAYER_BYTES, TMLP_SLOTS_MOMENTUM);
    ROW("fine-tune last layer, SGD+momentum, no gradient buffer", train | flash | no_grad, 1,
        &mom, LAST_LAYER_BYTES, TMLP_SLOTS_MOMENTUM);
    ROW("fine-tune last layer, Adam, frozen in flash", train | flash, 1, &adam, LAST_LAYER_BYTES,
        TMLP_SLOTS_ADAM);
    ROW("train last two layers (= all), SGD+momentum", train, 0, &mom, ALL_LAYERS_BYTES,
        TMLP_SLOTS_MOMENTUM);
    ROW("train all, SGD+momentum, no gradient buffer", train | no_grad, 0, &mom, ALL_LAYERS_BYTES,
        TMLP_SLOTS_MOMENTUM);
    ROW("train all, Adam", train, 0, &adam, ALL_LAYERS_BYTES, TMLP_SLOTS_ADAM);
    /* The handle holds pointers and sizes: its bytes depend on the target. */
    printf("handle (tmlp_net_t), besides the arena: %zu bytes on the machine this runs on\n",
           sizeof(tmlp_net_t));
    return 0;
}
