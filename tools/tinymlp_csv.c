/* SPDX-License-Identifier: MIT */
/* tinymlp tool: numeric CSV files and the samples built from them. */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tinymlp_tool.h"

/* Growable arrays of the values, field columns and row lines. */
typedef struct {
    csv_t *csv;
    size_t cap_vals, cap_rows;
} builder_t;

static int push_row(builder_t *b, const float *v, const unsigned long *col, size_t n,
                    unsigned long line)
{
    csv_t *c = b->csv;
    if ((c->n_rows + 1u) * n > b->cap_vals) {
        size_t cap = b->cap_vals ? 2u * b->cap_vals : 1024u + n;
        float *nv = realloc(c->vals, cap * sizeof *nv);
        unsigned long *nc = nv == NULL ? NULL : realloc(c->col, cap * sizeof *nc);
        if (nv != NULL) {
            c->vals = nv;
        }
        if (nc == NULL) {
            return -1;
        }
        c->col = nc;
        b->cap_vals = cap;
    }
    if (c->n_rows + 1u > b->cap_rows) {
        size_t cap = b->cap_rows ? 2u * b->cap_rows : 256u;
        unsigned long *nl = realloc(c->line, cap * sizeof *nl);
        if (nl == NULL) {
            return -1;
        }
        c->line = nl;
        b->cap_rows = cap;
    }
    memcpy(c->vals + c->n_rows * n, v, n * sizeof *v);
    memcpy(c->col + c->n_rows * n, col, n * sizeof *col);
    c->line[c->n_rows++] = line;
    return 0;
}

static int is_blank(const char *s, const char *end)
{
    while (s < end && (*s == ' ' || *s == '\t' || *s == '\r')) {
        s++;
    }
    return s == end;
}

/* Parses one field [s, end): 0 ok, 1 not a number, 2 not finite. */
static int parse_field(const char *s, const char *end, float *v)
{
    char buf[128];
    char *stop;
    size_t n;
    while (s < end && (*s == ' ' || *s == '\t')) {
        s++;
    }
    while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r')) {
        end--;
    }
    n = (size_t)(end - s);
    if (n == 0u || n >= sizeof buf) {
        return 1;
    }
    memcpy(buf, s, n);
    buf[n] = '\0';
    errno = 0;
    *v = strtof(buf, &stop);
    if (stop != buf + n) {
        return 1;
    }
    /* Underflow (ERANGE with a tiny or zero result) is accepted as rounded. */
    return isfinite(*v) ? 0 : 2;
}

/* Splits one line [s, end) into fields; 0 ok, -1 error (reported). `header`
 * is set when a field is not a number and header_ok allows skipping it. */
static int parse_line(const csv_t *c, const char *s, const char *end, unsigned long line,
                      float **v, unsigned long **col, size_t *n, size_t *cap, int header_ok,
                      int *header)
{
    const char *line_start = s;
    *n = 0;
    *header = 0;
    for (;;) {
        const char *f = s;
        int r;
        while (s < end && *s != ',') {
            s++;
        }
        if (*n == *cap) {
            *cap = *cap ? 2u * *cap : 64u;
            *v = realloc(*v, *cap * sizeof **v);
            *col = realloc(*col, *cap * sizeof **col);
            if (*v == NULL || *col == NULL) {
                tool_err("out of memory");
                return -1;
            }
        }
        (*col)[*n] = (unsigned long)(f - line_start) + 1ul;
        r = parse_field(f, s, &(*v)[*n]);
        if (r == 1 && header_ok) {
            *header = 1;
        } else if (r != 0) {
            int w = (int)(s - f);
            fprintf(stderr, "%s:%lu:%lu: error: %s '%.*s' (field %zu)\n", c->path, line,
                    (*col)[*n], r == 1 ? "not a number:" : "not finite:", w > 40 ? 40 : w, f,
                    *n + 1u);
            return -1;
        }
        (*n)++;
        if (s == end) {
            return 0;
        }
        s++;
    }
}

static int parse_text(csv_t *c, const char *text, size_t len)
{
    builder_t b = {c, 0, 0};
    const char *s = text, *end = text + len;
    unsigned long line = 0;
    float *v = NULL;
    unsigned long *col = NULL;
    size_t n = 0, cap = 0;
    int rc = 0, first = 1, header;
    while (s < end && rc == 0) {
        const char *e = memchr(s, '\n', (size_t)(end - s));
        e = e != NULL ? e : end;
        line++;
        if (!is_blank(s, e)) {
            rc = parse_line(c, s, e, line, &v, &col, &n, &cap, first, &header);
            if (rc == 0 && !header && c->n_rows > 0u && n != c->n_cols) {
                fprintf(stderr, "%s:%lu:1: error: %zu fields, expected %zu as on line %lu\n",
                        c->path, line, n, c->n_cols, c->line[0]);
                rc = -1;
            }
            if (rc == 0 && !header) {
                c->n_cols = n;
                if (push_row(&b, v, col, n, line) != 0) {
                    tool_err("out of memory");
                    rc = -1;
                }
            }
            first = 0;
        }
        s = e + 1;
    }
    free(v);
    free(col);
    return rc;
}

int csv_read(const char *path, csv_t *csv)
{
    size_t len = 0;
    char *text;
    memset(csv, 0, sizeof *csv);
    csv->path = path;
    text = tool_read_file(path, &len);
    if (text == NULL) {
        return -1;
    }
    if (parse_text(csv, text, len) != 0) {
        free(text);
        csv_free(csv);
        return -1;
    }
    free(text);
    if (csv->n_rows == 0u) {
        fprintf(stderr, "%s:1:1: error: no data rows (empty file)\n", path);
        csv_free(csv);
        return -1;
    }
    return 0;
}

void csv_free(csv_t *csv)
{
    free(csv->vals);
    free(csv->line);
    free(csv->col);
    csv->vals = NULL;
    csv->line = NULL;
    csv->col = NULL;
}

/* Checks one label value at row r (column index k): 0 ok, -1 reported. */
static int check_label(const csv_t *c, size_t r, size_t k, float v, uint32_t n_out, uint8_t loss)
{
    const char *why = NULL;
    if (n_out == 1u && loss == TMLP_LOSS_BCE) {
        why = (v >= 0.0f && v <= 1.0f) ? NULL : "a bce target must be in [0, 1]";
    } else if (n_out > 1u || loss == TMLP_LOSS_CE) {
        why = (v >= 0.0f && v < (float)n_out && v == floorf(v)) ? NULL : "class label out of range";
    }
    if (why == NULL) {
        return 0;
    }
    fprintf(stderr, "%s:%lu:%lu: error: %s: %.9g (the model has %u output%s)\n", c->path,
            c->line[r], c->col[r * c->n_cols + k], why, (double)v, (unsigned)n_out,
            n_out == 1u ? "" : "s");
    return -1;
}

/* Fills ds->labels (a class per row) or ds->Y (one value per row) from the
 * last column. */
static int fill_label_column(const csv_t *c, uint32_t n_in, uint32_t n_out, uint8_t loss,
                             dataset_t *ds)
{
    size_t r;
    int as_value = n_out == 1u && loss != TMLP_LOSS_CE;
    if (as_value) {
        ds->Y = malloc(c->n_rows * sizeof(float));
    } else {
        ds->labels = malloc(c->n_rows * sizeof(uint32_t));
    }
    if (as_value ? ds->Y == NULL : ds->labels == NULL) {
        tool_err("out of memory");
        return -1;
    }
    for (r = 0; r < c->n_rows; r++) {
        float v = c->vals[r * c->n_cols + n_in];
        if (check_label(c, r, n_in, v, n_out, loss) != 0) {
            return -1;
        }
        if (as_value) {
            ds->Y[r] = v;
        } else {
            ds->labels[r] = (uint32_t)v;
        }
    }
    return 0;
}

static int fill_vectors(const csv_t *c, uint32_t n_in, uint32_t n_out, uint8_t loss, dataset_t *ds)
{
    size_t r, k;
    ds->Y = malloc(c->n_rows * n_out * sizeof(float));
    if (ds->Y == NULL) {
        tool_err("out of memory");
        return -1;
    }
    for (r = 0; r < c->n_rows; r++) {
        for (k = 0; k < n_out; k++) {
            float v = c->vals[r * c->n_cols + n_in + k];
            if (loss == TMLP_LOSS_BCE && !(v >= 0.0f && v <= 1.0f)) {
                fprintf(stderr, "%s:%lu:%lu: error: a bce target must be in [0, 1]: %.9g\n",
                        c->path, c->line[r], c->col[r * c->n_cols + n_in + k], (double)v);
                return -1;
            }
            ds->Y[r * n_out + k] = v;
        }
    }
    return 0;
}

int dataset_from_csv(const csv_t *csv, uint32_t n_in, uint32_t n_out, uint8_t loss, dataset_t *ds)
{
    size_t r;
    int rc;
    memset(ds, 0, sizeof *ds);
    if (csv->n_cols != n_in + 1u && !(n_out > 1u && csv->n_cols == n_in + n_out)) {
        fprintf(stderr, "%s:%lu:1: error: %zu columns; the model has %u inputs and %u outputs",
                csv->path, csv->line[0], csv->n_cols, (unsigned)n_in, (unsigned)n_out);
        if (n_out > 1u) {
            fprintf(stderr, ", so a row needs %u (inputs, label) or %u (inputs, target vector)\n",
                    (unsigned)n_in + 1u, (unsigned)(n_in + n_out));
        } else {
            fprintf(stderr, ", so a row needs %u (inputs, target)\n", (unsigned)n_in + 1u);
        }
        return -1;
    }
    if (csv->n_rows > 0xFFFFFFFFu) {
        tool_err("%s: too many rows", csv->path);
        return -1;
    }
    ds->n = (uint32_t)csv->n_rows;
    ds->X = malloc(csv->n_rows * n_in * sizeof(float));
    if (ds->X == NULL) {
        tool_err("out of memory");
        return -1;
    }
    for (r = 0; r < csv->n_rows; r++) {
        memcpy(ds->X + r * n_in, csv->vals + r * csv->n_cols, n_in * sizeof(float));
    }
    rc = csv->n_cols == n_in + 1u ? fill_label_column(csv, n_in, n_out, loss, ds)
                                  : fill_vectors(csv, n_in, n_out, loss, ds);
    if (rc != 0) {
        dataset_free(ds);
        return -1;
    }
    ds->classify = ds->labels != NULL || loss != TMLP_LOSS_MSE;
    ds->arrays.X = ds->X;
    ds->arrays.labels = ds->labels;
    ds->arrays.Y = ds->Y;
    ds->arrays.n_in = (uint16_t)n_in;
    ds->arrays.n_out = (uint16_t)n_out;
    if (tmlp_data_arrays(&ds->data, &ds->arrays, ds->n) != TMLP_OK) {
        tool_err("%s: can't build a data source", csv->path);
        dataset_free(ds);
        return -1;
    }
    return 0;
}

void dataset_free(dataset_t *ds)
{
    free(ds->X);
    free(ds->Y);
    free(ds->labels);
    memset(ds, 0, sizeof *ds);
}
