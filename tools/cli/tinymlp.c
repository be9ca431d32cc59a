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
 * Exit status: 0 done, 1 bad input or I/O error, 2 usage. Outputs are
 * written to a temporary file and renamed, so a failure leaves none. */
#define _POSIX_C_SOURCE 200809L

#include <stdlib.h>
#include <string.h>

#include "tinymlp_tool.h"
#include "tmlp_json.h"

static const char usage_text[] =
    "usage: tinymlp COMMAND ...\n"
    "  init --input N --layers 32,10 --act relu,softmax [--init NAME] [--init-bias]\n"
    "       [--seed S] -o model.tmlp\n"
    "  train model.tmlp train.csv -o out.tmlp [--loss ce|mse|bce]\n"
    "       [--optimizer sgd|adam|rmsprop] [--lr X] [--momentum X] [--dampening X]\n"
    "       [--nesterov] [--weight-decay X] [--beta1 X] [--beta2 X] [--eps X]\n"
    "       [--alpha X] [--clip-norm X] [--batch B] [--epochs E] [--steps K]\n"
    "       [--no-shuffle] [--seed S] [--val val.csv] [--resume] [--no-state]\n"
    "       [--scale none|minmax|standard] [--plot curve.svg] [--quiet]\n"
    "  eval model.tmlp test.csv [--loss ce|mse|bce]\n"
    "  predict model.tmlp data.csv\n"
    "  dump model.tmlp [-o model.json]\n"
    "  load-json model.json -o model.tmlp\n"
    "  export model.tmlp -o model.h [--name NAME]\n"
    "  info model.tmlp\n";

static int usage(void)
{
    fputs(usage_text, stderr);
    return 2;
}

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
    tool_err("--init: unknown initialiser '%s' (zeros, uniform, normal, fanin-uniform, "
             "xavier-uniform, xavier-normal, he-uniform, he-normal, auto)", s);
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
            tool_err("--layers: at most %d layers", TMLP_MAX_LAYERS);
            return -1;
        }
        if (tool_parse_u32("--layers", tok, &u) != 0 || u == 0u || u > TMLP_MAX_WIDTH) {
            tool_err("--layers: widths must be 1..%d", TMLP_MAX_WIDTH);
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
        if (v == NULL) {
            return 2;
        }
        i++;
        if (strcmp(a, "--input") == 0) {
            rc = tool_parse_u32(a, v, &o->n_in);
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
            tool_err("init: unknown option '%s'", a);
            return 2;
        }
    }
    if (rc == 0 && (o->units == NULL || o->acts == NULL || o->out == NULL || o->n_in == 0u)) {
        tool_err("init needs --input, --layers, --act and -o");
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
        return rc == 2 ? usage() : 1;
    }
    memset(&d, 0, sizeof d);
    if (o.n_in > TMLP_MAX_WIDTH) {
        tool_err("--input: at most %d", TMLP_MAX_WIDTH);
        return 1;
    }
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
        (void)tmlp_rng_seed(&rng, o.seed);
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
    const char *in = NULL, *out = NULL;
    int i;
    for (i = 2; i < argc; i++) {
        if (strcmp(argv[i], "-o") == 0 && i + 1 < argc) {
            out = argv[++i];
        } else if (in == NULL && argv[i][0] != '-') {
            in = argv[i];
        } else {
            return usage();
        }
    }
    if (in == NULL || (load && out == NULL)) {
        return usage();
    }
    return (load ? json_load_file(in, out) : json_dump_file(in, out)) == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
    const char *cmd = argc > 1 ? argv[1] : "";
    if (strcmp(cmd, "init") == 0) {
        return cmd_init(argc, argv);
    } else if (strcmp(cmd, "train") == 0) {
        return cmd_train(argc, argv);
    } else if (strcmp(cmd, "eval") == 0) {
        return cmd_eval(argc, argv);
    } else if (strcmp(cmd, "predict") == 0) {
        return cmd_predict(argc, argv);
    } else if (strcmp(cmd, "dump") == 0) {
        return cmd_json(argc, argv, 0);
    } else if (strcmp(cmd, "load-json") == 0) {
        return cmd_json(argc, argv, 1);
    } else if (strcmp(cmd, "export") == 0) {
        return cmd_export(argc, argv);
    } else if (strcmp(cmd, "info") == 0) {
        return cmd_info(argc, argv);
    } else if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "help") == 0) {
        fputs(usage_text, stdout);
        return tool_stdout_done() == 0 ? 0 : 1;
    }
    if (cmd[0] != '\0') {
        tool_err("unknown command '%s'", cmd);
    }
    return usage();
}
