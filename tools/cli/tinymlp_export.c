/* SPDX-License-Identifier: MIT */
/* tinymlp tool: export (a C header with the weights const, for flash) and
 * info (shape, parameter count, arena sizes). */
#define _POSIX_C_SOURCE 200809L

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "tinymlp_tool.h"

static const char *const act_macros[] = {"TMLP_ACT_IDENTITY", "TMLP_ACT_SIGMOID",
                                         "TMLP_ACT_TANH",     "TMLP_ACT_RELU",
                                         "TMLP_ACT_LEAKY_RELU", "TMLP_ACT_SOFTMAX"};

/* A float as a C literal that gives back the same bits: %.9g, made a
 * floating literal (".0" when it looks like an integer), with an f suffix. */
static void put_float(FILE *f, float v)
{
    char buf[48];
    snprintf(buf, sizeof buf, "%.9g", (double)v);
    fputs(buf, f);
    if (strpbrk(buf, ".e") == NULL) {
        fputs(".0", f);
    }
    fputc('f', f);
}

static void put_array(FILE *f, const char *N, const char *name, const char *suffix,
                      const float *v, size_t n)
{
    size_t i;
    fprintf(f, "%s_MODEL_LINKAGE const float %s_%s[%zu] = {", N, name, suffix, n);
    for (i = 0; i < n; i++) {
        fputs(i % 6u == 0u ? "\n    " : " ", f);
        put_float(f, v[i]);
        if (i + 1u < n) {
            fputc(',', f);
        }
    }
    fputs("\n};\n", f);
}

/* Positional initialisers (designated ones are not C++11). */
static void put_desc(FILE *f, const char *N, const char *name, const tmlp_desc_t *d)
{
    unsigned l;
    fprintf(f, "/* The shape: n_in, n_layers, flags, then per layer units, activation,\n"
            " * flags, act_param. */\n"
            "%s_MODEL_LINKAGE const tmlp_desc_t %s_desc = {\n    %u, %u, %s,\n    {\n", N, name,
            (unsigned)d->n_in, (unsigned)d->n_layers,
            (d->flags & TMLP_DESC_INPUT_SCALE) ? "TMLP_DESC_INPUT_SCALE" : "0");
    for (l = 0; l < d->n_layers; l++) {
        const tmlp_layer_desc_t *L = &d->layer[l];
        fprintf(f, "        {%u, %s, %s, ", (unsigned)L->units, act_macros[L->act],
                (L->flags & TMLP_LAYER_FROZEN) ? "TMLP_LAYER_FROZEN" : "0");
        put_float(f, L->act_param);
        fputs("},\n", f);
    }
    fputs("    }\n};\n", f);
}

typedef struct {
    const char *name, *src;
    tmlp_net_t *net;
} export_ctx_t;

static void put_macros(FILE *f, const char *N, const tmlp_desc_t *d, size_t n_params, int scaled)
{
    unsigned l, prev = d->n_in, max_units = 0, n_units = 0, last = d->n_layers - 1u;
    const char *scale = scaled ? " | TMLP_BUILD_SCALE" : "";
    for (l = 0; l < d->n_layers; l++) {
        max_units = d->layer[l].units > max_units ? d->layer[l].units : max_units;
        n_units += d->layer[l].units;
        if (l < last) {
            prev = d->layer[l].units;
        }
    }
    fprintf(f, "#define %s_N_IN %u\n#define %s_N_OUT %u\n#define %s_N_PARAMS %zuu\n"
            "#define %s_N_UNITS %uu\n#define %s_MAX_UNITS %uu\n"
            "/* Parameters of the output layer, the one a fine-tuning net trains. */\n"
            "#define %s_N_LAST_PARAMS %zuu\n\n",
            N, (unsigned)d->n_in, N, (unsigned)tool_n_out(d), N, n_params, N, n_units, N,
            max_units, N, (size_t)TMLP_DENSE_PARAMS(prev, tool_n_out(d)));
    fprintf(f, "/* Arena bytes (tinymlp.h, TMLP_ARENA_BYTES) of the ways to build this\n"
            " * model; slots is the optimizer's TMLP_SLOTS_*, build_extra 0 or\n"
            " * TMLP_BUILD_NO_GRAD (batch-1 plain SGD without a gradient buffer).\n"
            " * Inference on the const weights in flash (%s_init): */\n"
            "#define %s_ARENA_INFER_CONST_BYTES                                      \\\n"
            "    TMLP_ARENA_BYTES(%s_N_IN, %s_N_OUT, %s_N_UNITS, %s_MAX_UNITS, %s_N_PARAMS, \\\n"
            "                     %s_N_PARAMS, %s_MAX_UNITS, 0, TMLP_BUILD_BORROW%s)\n"
            "/* Inference with the weights copied into the arena: */\n"
            "#define %s_ARENA_INFER_BYTES                                            \\\n"
            "    TMLP_ARENA_BYTES(%s_N_IN, %s_N_OUT, %s_N_UNITS, %s_MAX_UNITS, %s_N_PARAMS, \\\n"
            "                     %s_N_PARAMS, %s_MAX_UNITS, 0, 0%s)\n"
            "/* Fine-tuning the output layer, the others frozen in flash: */\n"
            "#define %s_ARENA_FINETUNE_BYTES(slots, build_extra)                     \\\n"
            "    TMLP_ARENA_BYTES(%s_N_IN, %s_N_OUT, %s_N_UNITS, %s_MAX_UNITS, %s_N_PARAMS, \\\n"
            "                     %s_N_LAST_PARAMS, %s_N_OUT, slots,                       \\\n"
            "                     TMLP_BUILD_TRAIN | TMLP_BUILD_BORROW | (build_extra)%s)\n"
            "/* Training every layer: */\n"
            "#define %s_ARENA_TRAIN_BYTES(slots, build_extra)                        \\\n"
            "    TMLP_ARENA_BYTES(%s_N_IN, %s_N_OUT, %s_N_UNITS, %s_MAX_UNITS, %s_N_PARAMS, \\\n"
            "                     %s_N_PARAMS, %s_MAX_UNITS, slots,                        \\\n"
            "                     TMLP_BUILD_TRAIN | (build_extra)%s)\n\n",
            N, N, N, N, N, N, N, N, N, scale, N, N, N, N, N, N, N, N, scale, N, N, N, N, N, N,
            N, N, scale, N, N, N, N, N, N, N, N, scale);
    fprintf(f, "/* The layers' widths, input excluded: */\n#define %s_N_LAYERS %uu\n"
            "#define %s_LAYER_UNITS {", N, (unsigned)d->n_layers, N);
    for (l = 0; l < d->n_layers; l++) {
        fprintf(f, "%s%uu", l > 0u ? ", " : "", (unsigned)d->layer[l].units);
    }
    fprintf(f, "}\n\n"
            "/* A checkpoint of the fine-tuning net (%s_init_finetune, tmlp_ckpt_save):\n"
            " * a partial model file (the output layer%s and the optimizer\n"
            " * state; the frozen layers stay in flash), and the slot that holds it\n"
            " * for a flash programmed in units of prog_bytes. */\n"
            "#define %s_CKPT_MODEL_BYTES(slots) \\\n"
            "    (TMLP_MODEL_PARTIAL_BYTES(%s_N_LAYERS, %s_N_LAST_PARAMS) + \\\n",
            N, scaled ? ", the input scaling" : "", N, N, N);
    if (scaled) {
        fprintf(f, "     TMLP_MODEL_SCALE_BYTES(%s_N_IN) + \\\n", N);
    }
    fprintf(f, "     TMLP_MODEL_OPTIM_BYTES(%s_N_LAST_PARAMS, slots))\n"
            "#define %s_CKPT_SLOT_BYTES(slots, prog_bytes) \\\n"
            "    TMLP_CKPT_SLOT_BYTES(%s_CKPT_MODEL_BYTES(slots), prog_bytes)\n\n",
            N, N, N);
}

/* The opts every init of this model starts from: the weights in flash and
 * the input scaling. */
static void put_opts(FILE *f, const char *name, int scaled)
{
    fprintf(f, "    tmlp_opts_t opts;\n    memset(&opts, 0, sizeof opts);\n"
            "    opts.params = %s_params;\n    opts.n_params = %s_N_PARAMS;\n", name, name);
    if (scaled) {
        fprintf(f, "    opts.in_offset = %s_in_offset;\n    opts.in_scale = %s_in_scale;\n", name,
                name);
    }
}

static void put_functions(FILE *f, const char *name, int scaled)
{
    fprintf(f, "/* Builds an inference net on the const weights%s:\n"
            " *   static float arena[%s_ARENA_INFER_CONST_BYTES / sizeof(float)];\n"
            " *   st = %s_init(&net, arena, sizeof arena);\n"
            " * Errors: as tmlp_net_init(). */\n"
            "static inline tmlp_status_t %s_init(tmlp_net_t *net, void *arena, size_t arena_bytes)\n"
            "{\n", scaled ? ", input scaling included" : "", name, name, name);
    put_opts(f, name, scaled);
    fprintf(f, "    return tmlp_net_init(net, &%s_desc, &opts, arena, arena_bytes, NULL);\n}\n\n",
            name);
    fprintf(f, "/* Builds a net that fine-tunes the output layer with `optim`, the other\n"
            " * layers frozen and read in place from the const weights%s.\n"
            " * no_grad_buffer 1: batch-1 plain SGD (tmlp_net_train_sample) without a\n"
            " * gradient buffer. Call it again after a reset, then tmlp_ckpt_load:\n"
            " *   static float arena[%s_ARENA_FINETUNE_BYTES(TMLP_SLOTS_MOMENTUM,\n"
            " *                                             TMLP_BUILD_NO_GRAD) / sizeof(float)];\n"
            " *   st = %s_init_finetune(&net, &optim, 1, arena, sizeof arena);\n"
            " * Errors: as tmlp_net_init(). */\n"
            "static inline tmlp_status_t %s_init_finetune(tmlp_net_t *net, const tmlp_optim_t *optim,\n"
            "                                             int no_grad_buffer, void *arena,\n"
            "                                             size_t arena_bytes)\n"
            "{\n"
            "    tmlp_desc_t desc = %s_desc;\n"
            "    unsigned l;\n", scaled ? ", input scaling included" : "", name, name, name,
            name);
    put_opts(f, name, scaled);
    fprintf(f, "    for (l = 0; l + 1u < desc.n_layers; l++) {\n"
            "        desc.layer[l].flags = (uint8_t)(desc.layer[l].flags | TMLP_LAYER_FROZEN);\n"
            "    }\n"
            "    opts.optim = optim;\n"
            "    opts.no_grad_buffer = (uint8_t)(no_grad_buffer != 0);\n"
            "    return tmlp_net_init(net, &desc, &opts, arena, arena_bytes, NULL);\n}\n\n");
    fprintf(f, "/* Runs the net on x (%s_N_IN floats): *label gets the class (the index\n"
            " * of the largest output) and y, if not NULL, the %s_N_OUT outputs. Uses\n"
            " * %s_N_OUT floats of stack. Errors: as tmlp_net_forward(). */\n"
            "static inline tmlp_status_t %s_predict(tmlp_net_t *net, const float *x, float *y,\n"
            "                                      uint32_t *label)\n"
            "{\n"
            "    float out[%s_N_OUT];\n"
            "    tmlp_status_t st = tmlp_net_forward(net, x, out);\n"
            "    if (st == TMLP_OK && label != NULL) {\n"
            "        st = tmlp_argmax(out, %s_N_OUT, label);\n"
            "    }\n"
            "    if (st == TMLP_OK && y != NULL) {\n"
            "        memcpy(y, out, sizeof out);\n"
            "    }\n"
            "    return st;\n}\n", name, name, name, name, name, name);
}

static int export_fn(FILE *f, void *ctx)
{
    const export_ctx_t *c = ctx;
    const tmlp_desc_t *d = &c->net->desc;
    const float *p, *off, *sc;
    size_t n, i, len = strlen(c->name);
    char *N = malloc(len + 1u);
    int scaled = (d->flags & TMLP_DESC_INPUT_SCALE) != 0;
    if (N == NULL || tmlp_net_params(c->net, &p, &n) != TMLP_OK) {
        tool_err("%s: %s", c->src, N == NULL ? "out of memory" : "can't read the parameters");
        free(N);
        return -1;
    }
    for (i = 0; i <= len; i++) {
        N[i] = (char)toupper((unsigned char)c->name[i]);
    }
    fprintf(f, "/* Generated by `tinymlp export` from %s. Do not edit.\n"
            " * The model %s: its weights const (in flash), the sizes and inits of\n"
            " * the ways to build it (inference, fine-tuning the output layer, training\n"
            " * every layer), and a one-call predict. C99 and C++11.\n"
            " *\n"
            " * The weights are defined `static const` in each file that includes this\n"
            " * header, which suits a program that includes it once. A program that\n"
            " * includes it in several files defines %s_MODEL_SHARED before every\n"
            " * include, and %s_MODEL_DEFINE as well in exactly one of them: the\n"
            " * weights are then defined once, in that file. */\n"
            "#ifndef %s_MODEL_H\n#define %s_MODEL_H\n\n#include <stddef.h>\n#include <stdint.h>\n"
            "#include <string.h>\n\n#include \"tinymlp.h\"\n\n",
            c->src, c->name, N, N, N, N);
    put_macros(f, c->name, d, n, scaled);
    fprintf(f, "#ifdef %s_MODEL_SHARED\nextern const tmlp_desc_t %s_desc;\n"
            "extern const float %s_params[%zu];\n", N, c->name, c->name, n);
    if (scaled) {
        fprintf(f, "extern const float %s_in_offset[%u];\nextern const float %s_in_scale[%u];\n",
                c->name, (unsigned)d->n_in, c->name, (unsigned)d->n_in);
    }
    fprintf(f, "#define %s_MODEL_LINKAGE\n#else\n#define %s_MODEL_LINKAGE static\n#endif\n\n"
            "#if !defined(%s_MODEL_SHARED) || defined(%s_MODEL_DEFINE)\n", N, N, N, N);
    put_desc(f, N, c->name, d);
    put_array(f, N, c->name, "params", p, n);
    if (scaled && tmlp_net_input_scale(c->net, &off, &sc) == TMLP_OK) {
        fputs("/* Input scaling: x' = (x - offset) * scale. */\n", f);
        put_array(f, N, c->name, "in_offset", off, d->n_in);
        put_array(f, N, c->name, "in_scale", sc, d->n_in);
    }
    fputs("#endif\n\n", f);
    put_functions(f, c->name, scaled);
    fprintf(f, "\n#endif\n");
    free(N);
    return 0;
}

/* The default name: the output file's base name up to its first dot, made
 * a C identifier. */
static char *default_name(const char *out)
{
    const char *b = strrchr(out, '/');
    char *name = malloc(strlen(out) + 2u), *q = name;
    b = b != NULL ? b + 1 : out;
    if (name == NULL) {
        return NULL;
    }
    if (!isalpha((unsigned char)*b) && *b != '_') {
        *q++ = 'm';
    }
    for (; *b != '\0' && *b != '.'; b++) {
        *q++ = isalnum((unsigned char)*b) ? *b : '_';
    }
    *q = '\0';
    return name;
}

static int valid_name(const char *s)
{
    if (!isalpha((unsigned char)*s) && *s != '_') {
        return 0;
    }
    for (; *s != '\0'; s++) {
        if (!isalnum((unsigned char)*s) && *s != '_') {
            return 0;
        }
    }
    return 1;
}

int cmd_export(int argc, char **argv)
{
    const char *in = NULL, *out = NULL, *name = NULL;
    char *dflt = NULL;
    tool_model_t m;
    export_ctx_t c;
    tmlp_net_t net;
    void *arena = NULL;
    int i, rc;
    for (i = 2; i < argc; i++) {
        if (strcmp(argv[i], "-o") == 0 && i + 1 < argc) {
            out = argv[++i];
        } else if (strcmp(argv[i], "--name") == 0 && i + 1 < argc) {
            name = argv[++i];
        } else if (argv[i][0] != '-' && in == NULL) {
            in = argv[i];
        } else {
            tool_err("usage: tinymlp export MODEL.tmlp -o MODEL.h [--name NAME]");
            return 2;
        }
    }
    if (in == NULL || out == NULL) {
        tool_err("usage: tinymlp export MODEL.tmlp -o MODEL.h [--name NAME]");
        return 2;
    }
    if (name == NULL) {
        name = dflt = default_name(out);
    }
    if (name == NULL || !valid_name(name)) {
        tool_err("export: --name '%s' is not a C identifier", name != NULL ? name : "");
        free(dflt);
        return 1;
    }
    if (tool_model_read(in, &m) != 0) {
        free(dflt);
        return 1;
    }
    rc = tool_model_net(&m, &net, &arena);
    if (rc == 0) {
        c.name = name;
        c.src = in;
        c.net = &net;
        rc = tool_write_atomic(out, export_fn, &c);
    }
    free(arena);
    free(dflt);
    tool_model_free(&m);
    return rc == 0 ? 0 : 1;
}

/* ---- info ------------------------------------------------------------------- */

/* Arena bytes of desc (its frozen flags as they will be built) with `build`
 * and `slots`, for cache line `line` (TMLP_ARENA_BYTES_LINE). */
static size_t arena_for_line(const tmlp_desc_t *d, unsigned build, uint32_t slots, unsigned line)
{
    size_t n_params = 0, n_train = 0, n_units = 0, max_units = 0, max_train = 0;
    unsigned l, prev = d->n_in;
    for (l = 0; l < d->n_layers; l++) {
        size_t u = d->layer[l].units, p = TMLP_DENSE_PARAMS(prev, u);
        int trained = !(d->layer[l].flags & TMLP_LAYER_FROZEN);
        n_params += p;
        n_units += u;
        max_units = u > max_units ? u : max_units;
        n_train += trained ? p : 0u;
        max_train = trained && u > max_train ? u : max_train;
        prev = (unsigned)u;
    }
    if (d->flags & TMLP_DESC_INPUT_SCALE) {
        build |= TMLP_BUILD_SCALE;
    }
    return TMLP_ARENA_BYTES_LINE(line, d->n_in, tool_n_out(d), n_units, max_units, n_params,
                                 n_train, max_train, slots, build);
}

/* Arena bytes of the ways to build the model on a microcontroller without
 * a data cache (TMLP_CACHE_LINE 0: the board's figure, whatever the host's
 * line); the fine-tuning rows train the output layer, the others frozen in
 * place (as NAME_init_finetune of the exported header builds it). Each is
 * checked against tmlp_arena_size() of this build, through the same
 * formula at this build's line. */
static int print_arena(const tmlp_desc_t *d)
{
    static const struct {
        const char *what;
        unsigned build; /* TMLP_BUILD_TRAIN, TMLP_BUILD_BORROW, TMLP_BUILD_NO_GRAD bits */
        uint8_t kind;
        float momentum;
    } rows[] = {
        {"inference", 0, 0, 0.0f},
        {"inference, const weights", TMLP_BUILD_BORROW, 0, 0.0f},
        {"training, SGD", TMLP_BUILD_TRAIN, TMLP_OPT_SGD, 0.0f},
        {"training, SGD + momentum", TMLP_BUILD_TRAIN, TMLP_OPT_SGD, 0.9f},
        {"training, Adam", TMLP_BUILD_TRAIN, TMLP_OPT_ADAM, 0.0f},
        {"fine-tuning, SGD + momentum", TMLP_BUILD_TRAIN | TMLP_BUILD_BORROW, TMLP_OPT_SGD, 0.9f},
        {"fine-tuning, same, batch 1", TMLP_BUILD_TRAIN | TMLP_BUILD_BORROW | TMLP_BUILD_NO_GRAD,
         TMLP_OPT_SGD, 0.9f},
        {"fine-tuning, Adam", TMLP_BUILD_TRAIN | TMLP_BUILD_BORROW, TMLP_OPT_ADAM, 0.0f},
    };
    static const float some_params[1]; /* only its address counts for the size */
    size_t i, bytes;
    unsigned l;
    printf("arena bytes on a microcontroller without a data cache (TMLP_CACHE_LINE 0)\n");
    for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        tmlp_desc_t desc = *d;
        tmlp_optim_t opt;
        tmlp_opts_t opts;
        tmlp_status_t st;
        uint32_t slots = 0;
        int finetune = (rows[i].build & (TMLP_BUILD_TRAIN | TMLP_BUILD_BORROW)) ==
                       (TMLP_BUILD_TRAIN | TMLP_BUILD_BORROW);
        memset(&opt, 0, sizeof opt);
        opt.kind = rows[i].kind;
        opt.lr = 0.01f;
        opt.momentum = rows[i].momentum;
        memset(&opts, 0, sizeof opts);
        opts.optim = (rows[i].build & TMLP_BUILD_TRAIN) ? &opt : NULL;
        opts.params = (rows[i].build & TMLP_BUILD_BORROW) ? some_params : NULL;
        opts.no_grad_buffer = (rows[i].build & TMLP_BUILD_NO_GRAD) ? 1u : 0u;
        for (l = 0; finetune && l + 1u < desc.n_layers; l++) {
            desc.layer[l].flags = (uint8_t)(desc.layer[l].flags | TMLP_LAYER_FROZEN);
        }
        if (finetune && desc.n_layers < 2u) {
            printf("  %-28s n/a (one layer: nothing to keep frozen)\n", rows[i].what);
            continue;
        }
        st = tmlp_arena_size(&desc, &opts, &bytes);
        if (st == TMLP_OK && opts.optim != NULL) {
            st = tmlp_optim_slots(&opt, &slots);
        }
        if (st != TMLP_OK) {
            printf("  %-28s n/a (%s)\n", rows[i].what, tmlp_status_str(st));
            continue;
        }
        if (bytes != arena_for_line(&desc, rows[i].build, slots, TMLP_CACHE_LINE)) {
            tool_err("info: %s: the library's arena size %zu differs from its formula",
                     rows[i].what, bytes);
            return -1;
        }
        printf("  %-28s %zu\n", rows[i].what, arena_for_line(&desc, rows[i].build, slots, 0));
    }
    return 0;
}

int cmd_info(int argc, char **argv)
{
    tool_model_t m;
    const tmlp_desc_t *d = &m.desc;
    unsigned l, prev;
    int rc;
    if (argc != 3) {
        tool_err("usage: tinymlp info MODEL.tmlp");
        return 2;
    }
    if (tool_model_read(argv[2], &m) != 0) {
        return 1;
    }
    printf("%s: tinymlp model, format version %u, %zu bytes\n", m.path, (unsigned)m.info.version,
           m.len);
    printf("input    %u%s\n", (unsigned)d->n_in,
           m.info.has_scale ? " (scaled: x' = (x - offset) * scale)" : "");
    for (l = 0, prev = d->n_in; l < d->n_layers; l++) {
        const tmlp_layer_desc_t *L = &d->layer[l];
        printf("layer %u  %-5u %-10s %8zu params%s\n", l + 1u, (unsigned)L->units,
               tool_act_name(L->act), TMLP_DENSE_PARAMS(prev, L->units),
               (L->flags & TMLP_LAYER_FROZEN) ? "  (frozen)" : "");
        prev = L->units;
    }
    printf("parameters %u (%zu bytes as float32)\n", (unsigned)m.info.n_params,
           (size_t)m.info.n_params * sizeof(float));
    if (m.info.partial) {
        printf("partial file (a fine-tuning checkpoint): the %u frozen layer%s not in it; "
               "base CRC-32 %08lx\n",
               (unsigned)m.info.n_frozen, m.info.n_frozen == 1u ? " is" : "s are",
               (unsigned long)m.info.base_crc);
    }
    if (m.info.has_optim) {
        static const char *const kinds[] = {"sgd", "ema", "adam", "rmsprop"};
        printf("optimizer state: %s, lr %g, %u steps\n",
               m.info.optim.kind < 4u ? kinds[m.info.optim.kind] : "?", (double)m.info.optim.lr,
               (unsigned)m.info.steps);
    }
    rc = print_arena(d);
    tool_model_free(&m);
    return tool_stdout_done() == 0 && rc == 0 ? 0 : 1;
}
