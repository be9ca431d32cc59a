/* SPDX-License-Identifier: MIT */
/* tinymlp: the command-line tool (host only). Subcommands:
 *
 *   tinymlp init --input N --layers 32,10 --act relu,softmax [--init NAME]
 *                [--init-bias] [--seed S] -o model.tmlp
 *   tinymlp train model.tmlp train.csv -o out.tmlp [options]   (tinymlp_train.c)
 *   tinymlp eval model.tmlp test.csv [--loss L]                 (tinymlp_eval.c)
 *   tinymlp predict model.tmlp data.csv                         (tinymlp_eval.c)
 *   tinymlp dump model.tmlp [-o model.json]
 *   tinymlp load-json model.json -o model.tmlp
 *   tinymlp export model.tmlp -o model.h [--name NAME]          (tinymlp_export.c)
 *   tinymlp info model.tmlp                                     (tinymlp_export.c)
 *
 * Options: tinymlp_commands.c lists them, tinymlp_args.c checks them.
 * Exit status: 0 done, 1 bad input or I/O error, 2 usage. Outputs are
 * written to a temporary file and renamed, so a failure leaves none. */
#define _POSIX_C_SOURCE 200809L

#include <stdlib.h>
#include <string.h>

#include "tinymlp_args.h"
#include "tinymlp_tool.h"
#include "tmlp_json.h"

/* ---- init ---------------------------------------------------------------- */

static const char *const init_names[] = {"auto",          "zeros",          "const",
                                         "uniform",       "normal",         "fanin-uniform",
                                         "xavier-uniform", "xavier-normal", "he-uniform",
                                         "he-normal"};

static int parse_init(const char *s, uint8_t *kind)
{
    unsigned i;
    for (i = 0; i < sizeof init_names / sizeof init_names[0]; i++) {
        if (i != TMLP_INIT_CONST && strcmp(s, init_names[i]) == 0) {
            *kind = (uint8_t)i;
            return 0;
        }
    }
    tool_err("--init %s: must be auto, zeros, uniform, normal, fanin-uniform, xavier-uniform, "
             "xavier-normal, he-uniform or he-normal", s);
    return -1;
}

/* Fills desc's layers from "32,10" and "relu,softmax". */
static int parse_layers(const char *units, const char *acts, tmlp_desc_t *d)
{
    char buf[512], *tok, *save = NULL;
    unsigned n = 0, na = 0;
    size_t n_units = strlen(units), n_acts = strlen(acts);
    if (n_units >= sizeof buf || n_acts >= sizeof buf) {
        tool_err("--layers/--act: too long");
        return -1;
    }
    memcpy(buf, units, n_units + 1u); /* with its NUL; the length is checked above */
    for (tok = strtok_r(buf, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
        uint32_t u;
        if (n == TMLP_MAX_LAYERS) {
            tool_err("--layers %s: at most %d layers", units, TMLP_MAX_LAYERS);
            return -1;
        }
        if (tool_scan_u32(tok, &u) != 0 || u == 0u || u > TMLP_MAX_WIDTH) {
            tool_err("--layers %s: every width must be an integer in 1..%d", units,
                     TMLP_MAX_WIDTH);
            return -1;
        }
        d->layer[n++].units = (uint16_t)u;
    }
    memcpy(buf, acts, n_acts + 1u);
    for (tok = strtok_r(buf, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
        if (na == n || tool_act_parse(tok, &d->layer[na].act) != 0) {
            if (na == n) {
                tool_err("--act: more activations than layers (%u)", n);
            }
            return -1;
        }
        na++;
    }
    if (n == 0u || na != n) {
        tool_err("--act: %u activations for %u layers", na, n);
        return -1;
    }
    d->n_layers = (uint8_t)n;
    return 0;
}

typedef struct {
    const char *units, *acts, *out;
    uint32_t n_in, seed;
    tmlp_init_t init;
} init_opts_t;

/* Parses init's options: 0 ok, 1 bad value (reported), 2 usage. */
static int init_parse(int argc, char **argv, init_opts_t *o)
{
    int i, rc = 0;
    memset(o, 0, sizeof *o);
    o->seed = 1;
    for (i = 2; i < argc && rc == 0; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--init-bias") == 0) {
            o->init.init_bias = 1;
            continue;
        }
        if (a[0] != '-') {
            tool_usage_err(tool_cmd("init"), "unexpected argument %s", a);
            return 2;
        }
        if (v == NULL) {
            tool_usage_err(tool_cmd("init"), "%s needs a value", a);
            return 2;
        }
        i++;
        if (strcmp(a, "--input") == 0) {
            if (tool_scan_u32(v, &o->n_in) != 0 || o->n_in == 0u || o->n_in > TMLP_MAX_WIDTH) {
                tool_err("--input %s: must be an integer in 1..%d", v, TMLP_MAX_WIDTH);
                rc = -1;
            }
        } else if (strcmp(a, "--layers") == 0) {
            o->units = v;
        } else if (strcmp(a, "--act") == 0) {
            o->acts = v;
        } else if (strcmp(a, "--init") == 0) {
            rc = parse_init(v, &o->init.kind);
        } else if (strcmp(a, "--seed") == 0) {
            rc = tool_parse_u32(a, v, &o->seed);
        } else if (strcmp(a, "-o") == 0) {
            o->out = v;
        } else {
            tool_usage_err(tool_cmd("init"), "unknown option %s", a);
            return 2;
        }
    }
    if (rc == 0 && (o->units == NULL || o->acts == NULL || o->out == NULL || o->n_in == 0u)) {
        tool_usage_err(tool_cmd("init"), "missing %s",
                       o->n_in == 0u ? "--input" : o->units == NULL ? "--layers"
                                                 : o->acts == NULL  ? "--act" : "-o");
        return 2;
    }
    return rc != 0 ? 1 : 0;
}

static int cmd_init(int argc, char **argv)
{
    init_opts_t o;
    tmlp_desc_t d;
    tmlp_rng_t rng;
    tmlp_net_t net;
    void *arena = NULL;
    size_t bytes = 0;
    tmlp_status_t st;
    int rc = init_parse(argc, argv, &o);
    if (rc != 0) {
        return rc;
    }
    memset(&d, 0, sizeof d);
    if (parse_layers(o.units, o.acts, &d) != 0) {
        return 1;
    }
    d.n_in = (uint16_t)o.n_in;
    /* uniform: [-0.1, 0.1); normal: mean 0, standard deviation 0.1. */
    o.init.a = o.init.kind == TMLP_INIT_UNIFORM ? -0.1f : 0.0f;
    o.init.b = 0.1f;
    st = tmlp_arena_size(&d, NULL, &bytes);
    arena = st == TMLP_OK ? calloc(1, bytes) : NULL;
    if (st == TMLP_OK) {
        st = arena == NULL ? TMLP_ERR_NOMEM
                           : tmlp_net_init(&net, &d, NULL, arena, bytes, NULL);
    }
    if (st == TMLP_OK) {
        st = tmlp_rng_seed(&rng, o.seed);
    }
    if (st == TMLP_OK) {
        st = tmlp_net_init_weights(&net, &o.init, &rng);
    }
    rc = st == TMLP_OK ? tool_model_save(&net, 0, o.out) : -1;
    if (st != TMLP_OK) {
        tool_err("init: invalid model: %s", tmlp_status_str(st));
    }
    free(arena);
    return rc == 0 ? 0 : 1;
}

/* ---- JSON (wrappers around tools/json/tmlp_json.h, one per direction) ----- */

static void json_report(const char *path, const tmlp_json_error_t *e)
{
    if (e->line > 0u) {
        fprintf(stderr, "%s:%lu:%lu: error: %s\n", path, e->line, e->col, e->msg);
    } else {
        fprintf(stderr, "%s: error: %s\n", path, e->msg);
    }
}

typedef struct {
    const char *in;
    const char *buf;
    size_t len;
    unsigned notes;
    tmlp_json_error_t err;
} dump_ctx_t;

static int dump_fn(FILE *f, void *ctx)
{
    dump_ctx_t *c = ctx;
    if (tmlp_json_dump(f, c->buf, c->len, &c->notes, &c->err) != 0) {
        if (!ferror(f)) { /* a write error is reported, naming the output, by the caller */
            json_report(c->in, &c->err);
        }
        return -1;
    }
    return 0;
}

/* Model file -> JSON text (stdout when out is NULL). The file is read as it
 * is: tmlp_json_dump verifies it and names what is wrong with a bad one
 * (too short, no magic, truncated, CRC mismatch, a partial file). */
static int json_dump_file(const char *in, const char *out)
{
    dump_ctx_t c;
    char *buf;
    int rc;
    memset(&c, 0, sizeof c);
    c.in = in;
    buf = tool_read_file(in, &c.len);
    if (buf == NULL) {
        return -1;
    }
    c.buf = buf;
    if (out != NULL) {
        rc = tool_write_atomic(out, dump_fn, &c);
    } else {
        rc = dump_fn(stdout, &c);
        rc = tool_stdout_done() != 0 ? -1 : rc;
    }
    if (rc == 0 && (c.notes & TMLP_JSON_NOTE_OPTIM_DROPPED)) {
        fprintf(stderr, "%s: note: the optimizer state is not part of the JSON form\n", in);
    }
    if (rc == 0 && (c.notes & TMLP_JSON_NOTE_PARAM_CANON)) {
        fprintf(stderr,
                "%s: note: an activation parameter equal to its default, or on an "
                "activation without one, is written as the default\n",
                in);
    }
    free(buf);
    return rc;
}

/* JSON text -> model file. */
static int json_load_file(const char *in, const char *out)
{
    size_t len = 0, model_len = 0;
    char *text = tool_read_file(in, &len);
    void *model = NULL;
    tmlp_json_error_t err;
    int rc;
    if (text == NULL) {
        return -1;
    }
    memset(&err, 0, sizeof err);
    if (tmlp_json_to_model(text, len, &model, &model_len, &err) != 0) {
        json_report(in, &err);
        free(text);
        return -1;
    }
    rc = tool_write_bytes(out, model, model_len);
    free(model);
    free(text);
    return rc;
}

/* `tinymlp dump IN [-o OUT]` and `tinymlp load-json IN -o OUT`. */
static int cmd_json(int argc, char **argv, int load)
{
    const tool_cmd_t *cmd = tool_cmd(argv[1]);
    const char *in = NULL, *out = NULL;
    int i;
    for (i = 2; i < argc; i++) {
        if (strcmp(argv[i], "-o") == 0 && i + 1 < argc) {
            out = argv[++i];
        } else if (in == NULL && argv[i][0] != '-') {
            in = argv[i];
        } else {
            tool_usage_err(cmd, "unexpected argument %s", argv[i]);
            return 2;
        }
    }
    if (in == NULL || (load && out == NULL)) {
        tool_usage_err(cmd, "missing %s", in == NULL ? "the input file" : "-o MODEL.tmlp");
        return 2;
    }
    return (load ? json_load_file(in, out) : json_dump_file(in, out)) == 0 ? 0 : 1;
}

static int cmd_dump(int argc, char **argv)
{
    return cmd_json(argc, argv, 0);
}

static int cmd_load_json(int argc, char **argv)
{
    return cmd_json(argc, argv, 1);
}

/* What runs each command of tool_cmds. */
static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
} runs[] = {{"init", cmd_init},       {"train", cmd_train},         {"eval", cmd_eval},
            {"predict", cmd_predict}, {"dump", cmd_dump},           {"load-json", cmd_load_json},
            {"export", cmd_export},   {"info", cmd_info}};

/* `tinymlp COMMAND ...`, its options checked and "--option=value" split. */
static int run_command(const tool_cmd_t *cmd, int argc, char **argv)
{
    char **words = NULL;
    int n = 0, rc = -1;
    unsigned k;
    switch (tool_args_split(cmd, argc, argv, &words, &n)) {
    case TOOL_ARGS_HELP:
        tool_usage_cmd(stdout, cmd);
        return tool_stdout_done() == 0 ? 0 : 1;
    case TOOL_ARGS_OK:
        for (k = 0; k < sizeof runs / sizeof runs[0]; k++) {
            if (strcmp(runs[k].name, cmd->name) == 0) {
                rc = runs[k].run(n, words);
            }
        }
        if (rc == -1) { /* tool_cmds has a command runs[] lacks */
            tool_err("%s: not built into this tinymlp", cmd->name);
            rc = 1;
        }
        free(words);
        return rc;
    default:
        return 2;
    }
}

static int print_version(void)
{
    printf("tinymlp %d.%d.%d\n", TMLP_VERSION_MAJOR, TMLP_VERSION_MINOR, TMLP_VERSION_PATCH);
    return tool_stdout_done() == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
    const tool_cmd_t *cmd;
    if (argc < 2) {
        tool_usage_all(stderr);
        return 2;
    }
    if (strcmp(argv[1], "--version") == 0) {
        return print_version();
    }
    if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
        strcmp(argv[1], "help") == 0) {
        /* `tinymlp help COMMAND` is `tinymlp COMMAND --help`. */
        cmd = argc > 2 ? tool_cmd_find(argv[2]) : NULL;
        if (argc > 2 && cmd == NULL) {
            return 2;
        }
        if (cmd != NULL) {
            tool_usage_cmd(stdout, cmd);
        } else {
            tool_usage_all(stdout);
        }
        return tool_stdout_done() == 0 ? 0 : 1;
    }
    cmd = tool_cmd_find(argv[1]);
    return cmd != NULL ? run_command(cmd, argc, argv) : 2;
}
