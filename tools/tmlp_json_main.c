/* SPDX-License-Identifier: MIT */
/* tmlp-json: a model file as JSON and back (see tools/tmlp_json.h).
 *
 *   tmlp-json dump model.tmlp [-o model.json]   JSON to stdout without -o
 *   tmlp-json load model.json -o model.tmlp
 *
 * Outputs are written to a temporary file next to the target and renamed
 * over it only when complete, so a failure never leaves a half-written or
 * stale-looking output. Exit status: 0 done, 1 bad input or I/O error,
 * 2 usage. Messages go to stderr as "file:line:col: error: ..." for JSON
 * text, "file: error: ..." for other bad input, and "tmlp-json: FILE: reason"
 * for an output that can't be written (FILE the output file or stdout). */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tmlp_json.h"

/* Refuse inputs larger than this (bytes): far beyond any model tinymlp can hold. */
#define MAX_INPUT_BYTES (1ul << 30)

static int usage(void)
{
    fputs("usage: tmlp-json dump MODEL.tmlp [-o OUT.json]\n"
          "       tmlp-json load MODEL.json -o OUT.tmlp\n",
          stderr);
    return 2;
}

/* Reads a whole file into a malloc'd buffer (NUL-terminated for safety). */
static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL, *nb;
    size_t cap = 0, n = 0, got;
    if (f == NULL) {
        fprintf(stderr, "%s: error: %s\n", path, strerror(errno));
        return NULL;
    }
    do {
        if (cap - n < 65536u) {
            cap = cap ? 2u * cap : 65536u;
            nb = cap > MAX_INPUT_BYTES + 1u ? NULL : realloc(buf, cap + 1u);
            if (nb == NULL) {
                fprintf(stderr, "%s: error: file too large or out of memory\n", path);
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = nb;
        }
        got = fread(buf + n, 1, cap - n, f);
        n += got;
    } while (got > 0u);
    if (ferror(f)) {
        fprintf(stderr, "%s: error: read error\n", path);
        free(buf);
        fclose(f);
        return NULL;
    }
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

typedef struct {
    const char *in;
    char *buf;
    size_t len;
    unsigned notes;
} dump_ctx_t;

static int dump_fn(FILE *f, void *ctx)
{
    dump_ctx_t *c = ctx;
    tmlp_json_error_t err;
    if (tmlp_json_dump(f, c->buf, c->len, &c->notes, &err) != 0) {
        if (!ferror(f)) { /* a write error is reported, naming the output, by the caller */
            fprintf(stderr, "%s: error: %s\n", c->in, err.msg);
        }
        return -1;
    }
    return 0;
}

static int cmd_dump(const char *in, const char *out)
{
    dump_ctx_t c;
    int rc;
    memset(&c, 0, sizeof c);
    c.in = in;
    c.buf = read_file(in, &c.len);
    if (c.buf == NULL) {
        return 1;
    }
    if (out != NULL) {
        rc = tmlp_json_write_atomic("tmlp-json", out, dump_fn, &c);
    } else {
        int before;
        rc = dump_fn(stdout, &c);
        before = errno; /* why the write failed, when it failed inside dump_fn */
        errno = 0;
        if (fflush(stdout) != 0 || ferror(stdout)) {
            int e = errno != 0 ? errno : before;
            fprintf(stderr, "tmlp-json: stdout: %s\n", e != 0 ? strerror(e) : "write error");
            rc = -1;
        }
    }
    free(c.buf);
    if (c.notes & TMLP_JSON_NOTE_OPTIM_DROPPED) {
        fprintf(stderr, "%s: note: optimizer state not carried into JSON\n", in);
    }
    if (c.notes & TMLP_JSON_NOTE_PARAM_CANON) {
        fprintf(stderr,
                "%s: note: an activation parameter equal to its default, or on an "
                "activation without one, is written as the default\n",
                in);
    }
    return rc != 0;
}

typedef struct {
    const void *model;
    size_t len;
} bytes_t;

static int bytes_fn(FILE *f, void *ctx)
{
    const bytes_t *b = ctx;
    (void)fwrite(b->model, 1, b->len, f); /* a failure is the writer's to report */
    return 0;
}

static int cmd_load(const char *in, const char *out)
{
    size_t len = 0;
    char *text = read_file(in, &len);
    void *model = NULL;
    tmlp_json_error_t err;
    bytes_t b;
    int rc;
    if (text == NULL) {
        return 1;
    }
    b.len = 0;
    if (tmlp_json_to_model(text, len, &model, &b.len, &err) != 0) {
        if (err.line != 0u) {
            fprintf(stderr, "%s:%lu:%lu: error: %s\n", in, err.line, err.col, err.msg);
        } else {
            fprintf(stderr, "%s: error: %s\n", in, err.msg);
        }
        free(text);
        return 1;
    }
    free(text);
    b.model = model;
    rc = tmlp_json_write_atomic("tmlp-json", out, bytes_fn, &b);
    free(model);
    return rc != 0;
}

int main(int argc, char **argv)
{
    const char *in = NULL, *out = NULL;
    int i;
    if (argc < 2) {
        return usage();
    }
    for (i = 2; i < argc; i++) {
        if (strcmp(argv[i], "-o") == 0 && i + 1 < argc && out == NULL) {
            out = argv[++i];
        } else if (argv[i][0] != '-' && in == NULL) {
            in = argv[i];
        } else {
            return usage();
        }
    }
    if (in == NULL) {
        return usage();
    }
    if (strcmp(argv[1], "dump") == 0) {
        return cmd_dump(in, out);
    }
    if (strcmp(argv[1], "load") == 0 && out != NULL) {
        return cmd_load(in, out);
    }
    return usage();
}
