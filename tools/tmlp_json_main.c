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
 * text and "file: error: ..." otherwise. */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

/* A temporary file next to `path` ("path.tmp.XXXXXX"), mode as a new file
 * would get under the umask. */
static FILE *open_temp(const char *path, char **tmp)
{
    size_t n = strlen(path);
    mode_t mask;
    int fd;
    FILE *f;
    *tmp = malloc(n + 12u);
    if (*tmp == NULL) {
        return NULL;
    }
    memcpy(*tmp, path, n);
    memcpy(*tmp + n, ".tmp.XXXXXX", 12);
    fd = mkstemp(*tmp);
    if (fd < 0) {
        fprintf(stderr, "%s: error: can not create a temporary file: %s\n", path, strerror(errno));
        free(*tmp);
        *tmp = NULL;
        return NULL;
    }
    mask = umask(022);
    umask(mask);
    (void)fchmod(fd, (mode_t)(0666 & ~mask));
    f = fdopen(fd, "wb");
    if (f == NULL) {
        close(fd);
        unlink(*tmp);
        free(*tmp);
        *tmp = NULL;
    }
    return f;
}

/* Closes the temporary file and renames it to path when ok, else removes it. */
static int finish_temp(FILE *f, char *tmp, const char *path, int ok)
{
    if (fflush(f) != 0 || ferror(f) || fsync(fileno(f)) != 0) {
        ok = 0;
        fprintf(stderr, "%s: error: write error: %s\n", path, strerror(errno));
    }
    if (fclose(f) != 0 && ok) {
        ok = 0;
        fprintf(stderr, "%s: error: write error: %s\n", path, strerror(errno));
    }
    if (ok && rename(tmp, path) != 0) {
        ok = 0;
        fprintf(stderr, "%s: error: can not rename %s: %s\n", path, tmp, strerror(errno));
    }
    if (!ok) {
        unlink(tmp);
    }
    free(tmp);
    return ok ? 0 : 1;
}

static int cmd_dump(const char *in, const char *out)
{
    size_t len = 0;
    char *buf = read_file(in, &len), *tmp = NULL;
    FILE *f = stdout;
    tmlp_json_error_t err;
    unsigned notes = 0;
    int rc;
    if (buf == NULL) {
        return 1;
    }
    if (out != NULL && (f = open_temp(out, &tmp)) == NULL) {
        free(buf);
        return 1;
    }
    rc = tmlp_json_dump(f, buf, len, &notes, &err);
    free(buf);
    if (rc != 0) {
        fprintf(stderr, "%s: error: %s\n", in, err.msg);
    }
    if (notes & TMLP_JSON_NOTE_OPTIM_DROPPED) {
        fprintf(stderr, "%s: note: optimizer state not carried into JSON\n", in);
    }
    if (notes & TMLP_JSON_NOTE_PARAM_CANON) {
        fprintf(stderr,
                "%s: note: an activation parameter equal to its default, or on an "
                "activation without one, is written as the default\n",
                in);
    }
    return out != NULL ? finish_temp(f, tmp, out, rc == 0) | (rc != 0) : (rc != 0);
}

static int cmd_load(const char *in, const char *out)
{
    size_t len = 0, model_len = 0;
    char *text = read_file(in, &len), *tmp = NULL;
    void *model = NULL;
    tmlp_json_error_t err;
    FILE *f;
    int ok;
    if (text == NULL) {
        return 1;
    }
    if (tmlp_json_to_model(text, len, &model, &model_len, &err) != 0) {
        if (err.line != 0u) {
            fprintf(stderr, "%s:%lu:%lu: error: %s\n", in, err.line, err.col, err.msg);
        } else {
            fprintf(stderr, "%s: error: %s\n", in, err.msg);
        }
        free(text);
        return 1;
    }
    free(text);
    f = open_temp(out, &tmp);
    if (f == NULL) {
        free(model);
        return 1;
    }
    ok = fwrite(model, 1, model_len, f) == model_len;
    free(model);
    return finish_temp(f, tmp, out, ok);
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
