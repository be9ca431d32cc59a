/* SPDX-License-Identifier: MIT */
/* Fuzzes the tool's command-line parsing on any bytes: the input is split
 * into words on NUL or line feed, and argv = {"tinymlp", word1, word2, ...}
 * goes to the option parsers that do no file I/O:
 * - train_parse_opts (tools/cli/tinymlp_train_opts.c), then train_apply_given;
 * - init_parse, parse_layers and parse_init (static in tools/cli/tinymlp.c,
 *   reached by including that file with its main renamed), then what
 *   cmd_init does before it saves: the --input bound, tmlp_arena_size,
 *   tmlp_net_init and tmlp_net_init_weights, and one forward pass;
 * - tool_parse_u32, tool_parse_float, tool_act_parse, tool_loss_parse on
 *   every word.
 * The options of eval, predict, export, info, dump and load-json are parsed
 * inside the cmd_* functions, which read files; they are not reached.
 * Properties checked (abort on failure):
 * - the parsers return only their documented codes (0, 1, 2 / 0, -1);
 * - train: on success model, csv and out are set, epochs or steps is
 *   nonzero, the float fields given are finite, scale is a SCALE_*;
 * - init: on success units, acts and out are set and n_in is nonzero;
 *   parse_layers gives 1..TMLP_MAX_LAYERS layers of width
 *   1..TMLP_MAX_WIDTH, and a net of that shape can be made and initialised
 *   (every initialiser the parser accepts works) with finite outputs;
 * - a number the parsers accept reads back the same from its text (floats:
 *   normal ones and zero). */
#define _POSIX_C_SOURCE 200809L /* as tools/cli/tinymlp.c, before any header */

#include "fuzz.h"

int tinymlp_tool_main(int argc, char **argv);
#define main tinymlp_tool_main
#include "tinymlp.c"
#undef main

#include <float.h>
#include <math.h>

#include "tinymlp_train.h"

#define MAX_WORDS 64
#define MAX_ARENA (64u << 20)

static void check_train(int argc, char **argv)
{
    train_opts_t o;
    tmlp_optim_t to;
    size_t k;
    int rc = train_parse_opts(argc, argv, &o);
    if (rc < 0 || rc > 2) {
        abort();
    }
    if (rc != 0) {
        return;
    }
    if (o.model == NULL || o.csv == NULL || o.out == NULL ||
        (o.epochs == 0u && o.steps == 0u) || o.scale < SCALE_KEEP || o.scale > SCALE_STANDARD ||
        o.opt.kind > TMLP_OPT_RMSPROP || (o.have_loss && (o.loss < 1u || o.loss > 3u))) {
        abort();
    }
    {
        const float f[] = {o.opt.lr,    o.opt.momentum, o.opt.dampening, o.opt.weight_decay,
                           o.opt.beta1, o.opt.beta2,    o.opt.eps,       o.opt.alpha,
                           o.opt.clip_norm};
        for (k = 0; k < sizeof f / sizeof f[0]; k++) {
            if (!isfinite(f[k])) {
                abort();
            }
        }
    }
    memset(&to, 0, sizeof to);
    train_apply_given(&to, &o.opt, o.given);
}

static void check_init(int argc, char **argv)
{
    init_opts_t o;
    tmlp_desc_t d;
    tmlp_rng_t rng;
    tmlp_net_t net;
    void *arena;
    size_t bytes = 0;
    unsigned i;
    int rc = init_parse(argc, argv, &o);
    if (rc < 0 || rc > 2) {
        abort();
    }
    if (rc != 0) {
        return;
    }
    if (o.units == NULL || o.acts == NULL || o.out == NULL || o.n_in == 0u) {
        abort();
    }
    if (o.n_in > TMLP_MAX_WIDTH) {
        return;
    }
    memset(&d, 0, sizeof d);
    if (parse_layers(o.units, o.acts, &d) != 0) {
        return;
    }
    if (d.n_layers == 0u || d.n_layers > TMLP_MAX_LAYERS) {
        abort();
    }
    for (i = 0; i < d.n_layers; i++) {
        if (d.layer[i].units == 0u || d.layer[i].units > TMLP_MAX_WIDTH ||
            d.layer[i].act > TMLP_ACT_SOFTMAX) {
            abort();
        }
    }
    d.n_in = (uint16_t)o.n_in;
    o.init.a = o.init.kind == TMLP_INIT_UNIFORM ? -0.1f : 0.0f;
    o.init.b = 0.1f;
    /* Shapes the library refuses (softmax inside, say) are the tool's
     * reported errors, not findings. */
    if (tmlp_arena_size(&d, NULL, &bytes) != TMLP_OK || bytes > MAX_ARENA) {
        return;
    }
    arena = calloc(1, bytes);
    if (arena == NULL) {
        abort();
    }
    if (tmlp_net_init(&net, &d, NULL, arena, bytes, NULL) == TMLP_OK) {
        float *x = calloc(TMLP_MAX_WIDTH, sizeof *x), *y = calloc(TMLP_MAX_WIDTH, sizeof *y);
        uint32_t n_out = tool_n_out(&d);
        if (x == NULL || y == NULL || tmlp_rng_seed(&rng, o.seed) != TMLP_OK ||
            tmlp_net_init_weights(&net, &o.init, &rng) != TMLP_OK) {
            abort();
        }
        for (i = 0; i < d.n_in; i++) {
            x[i] = (float)i * 0.25f - 1.0f;
        }
        if (tmlp_net_forward(&net, x, y) != TMLP_OK) {
            abort();
        }
        for (i = 0; i < n_out; i++) {
            if (!isfinite(y[i])) {
                abort();
            }
        }
        free(x);
        free(y);
    }
    free(arena);
}

static void check_words(int argc, char **argv)
{
    int i;
    for (i = 1; i < argc; i++) {
        uint32_t u, u2;
        float f, f2;
        uint8_t b;
        int r = tool_parse_u32("-", argv[i], &u);
        if (r != 0 && r != -1) {
            abort();
        }
        if (r == 0) {
            char buf[32];
            snprintf(buf, sizeof buf, "%lu", (unsigned long)u);
            if (tool_parse_u32("-", buf, &u2) != 0 || u2 != u) {
                abort();
            }
        }
        r = tool_parse_float("-", argv[i], &f);
        if (r != 0 && r != -1) {
            abort();
        }
        if (r == 0) {
            char buf[64];
            if (!isfinite(f)) {
                abort();
            }
            snprintf(buf, sizeof buf, "%.9g", (double)f);
            /* Only normal values: strtof sets ERANGE for an inexact
             * subnormal, so "0x1p-149" is accepted but its decimal
             * "1.40129846e-45" is not (a known quirk, not checked). */
            if ((f == 0.0f || fabsf(f) >= FLT_MIN) &&
                (tool_parse_float("-", buf, &f2) != 0 || memcmp(&f, &f2, sizeof f) != 0)) {
                abort();
            }
        }
        if (tool_act_parse(argv[i], &b) == 0 && b > TMLP_ACT_SOFTMAX) {
            abort();
        }
        if (tool_loss_parse(argv[i], &b) == 0 && (b < 1u || b > 3u)) {
            abort();
        }
        if (parse_init(argv[i], &b) == 0 && (b == TMLP_INIT_CONST || b > TMLP_INIT_HE_NORMAL)) {
            abort();
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text, *argv[MAX_WORDS + 2];
    int argc = 1;
    size_t i, start = 0;
    if (size > 4096u) {
        return 0;
    }
    text = malloc(size + 1u);
    if (text == NULL) {
        abort();
    }
    memcpy(text, data, size);
    text[size] = '\0';
    argv[0] = (char *)"tinymlp";
    for (i = 0; i <= size && argc < MAX_WORDS + 1; i++) {
        if (i == size || text[i] == '\0' || text[i] == '\n') {
            text[i] = '\0';
            argv[argc++] = text + start;
            start = i + 1u;
        }
    }
    argv[argc] = NULL;
    /* argv[1] is the subcommand; both parsers start at argv[2]. */
    check_train(argc, argv);
    check_init(argc, argv);
    check_words(argc, argv);
    free(text);
    return 0;
}
