/* SPDX-License-Identifier: MIT */
/* tinymlp tool: numeric CSV files and the samples built from them. */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "tinymlp_tool.h"
#include "tmlp_json.h" /* tmlp_show */

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

/* Trims blanks (and a line's CR) off both ends of the field [*s, *end). */
static void trim(const char **s, const char **end)
{
    while (*s < *end && (**s == ' ' || **s == '\t')) {
        (*s)++;
    }
    while (*end > *s && ((*end)[-1] == ' ' || (*end)[-1] == '\t' || (*end)[-1] == '\r')) {
        (*end)--;
    }
}

/* Kinds of field. */
enum { F_NUMBER, F_TEXT, F_EMPTY, F_BINARY, F_NOT_FINITE };

/* Parses one field [s, end): F_NUMBER with *v set, F_NOT_FINITE (NaN,
 * Inf), or what the field is instead: F_EMPTY, F_TEXT (printable, such
 * as a column name; UTF-8 allowed) or F_BINARY (control bytes, DEL). */
static int parse_field(const char *s, const char *end, float *v)
{
    char buf[128];
    char *stop;
    size_t n, i;
    trim(&s, &end);
    n = (size_t)(end - s);
    if (n == 0u) {
        return F_EMPTY;
    }
    if (n < sizeof buf) {
        memcpy(buf, s, n);
        buf[n] = '\0';
        errno = 0;
        *v = strtof(buf, &stop);
        if (stop == buf + n) {
            /* Underflow (ERANGE with a tiny or zero result) is accepted as rounded. */
            return isfinite(*v) ? F_NUMBER : F_NOT_FINITE;
        }
    }
    for (i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch < 0x20u || ch == 0x7fu) {
            return F_BINARY;
        }
    }
    return F_TEXT;
}

/* Reports an error at line:col of c's file; returns -1. */
#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
static int csv_err(const csv_t *c, unsigned long line, unsigned long col, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s:%lu:%lu: error: ", c->path, line, col);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return -1;
}

/* What the file may be written in instead of this tool's CSV (numbers
 * separated by ',', lines ending in LF or CR LF): a CR inside the line
 * (CR-only line endings) or a '"' anywhere; a ';' or a tab inside a field
 * that is not a number. Reports it and returns -1, or returns 0. */
static int check_dialect(const csv_t *c, const char *s, const char *end, unsigned long line,
                         const char *line_start, int whole_line)
{
    const char *p;
    if (whole_line) {
        const char *cr = memchr(s, '\r', (size_t)(end - s));
        if (cr != NULL && !is_blank(cr, end)) {
            return csv_err(c, line, (unsigned long)(cr - line_start) + 1ul,
                           "found a CR inside the line: CR-only line endings are not supported "
                           "(end lines with LF or CR LF)");
        }
        p = memchr(s, '"', (size_t)(end - s));
        if (p != NULL) {
            return csv_err(c, line, (unsigned long)(p - line_start) + 1ul,
                           "found '\"': quoted fields are not supported");
        }
        return 0;
    }
    trim(&s, &end);
    for (p = s; p < end; p++) {
        if (*p == ';' || *p == '\t') {
            return csv_err(c, line, (unsigned long)(p - line_start) + 1ul,
                           "found %s: fields must be separated by ','",
                           *p == ';' ? "';'" : "a tab");
        }
    }
    return 0;
}

/* Splits one line [s, end) into fields; 0 ok, -1 error (reported). When
 * header_ok (the file's first line), *header is set instead of an error
 * when the line is a header: no field is a number, at least one is text. */
static int parse_line(const csv_t *c, const char *s, const char *end, unsigned long line,
                      float **v, unsigned long **col, size_t *n, size_t *cap, int header_ok,
                      int *header)
{
    const char *line_start = s, *bad = NULL, *bad_end = NULL;
    size_t bad_k = 0, n_num = 0, n_text = 0, n_binary = 0;
    int bad_kind = F_NUMBER;
    char shown[TMLP_SHOW_BYTES];
    *n = 0;
    *header = 0;
    if (check_dialect(c, s, end, line, line_start, 1) != 0) {
        return -1;
    }
    for (;;) {
        const char *f = s;
        int kind;
        while (s < end && *s != ',') {
            s++;
        }
        if (*n == *cap) {
            size_t grown = *cap ? 2u * *cap : 64u;
            float *nv = realloc(*v, grown * sizeof *nv);
            unsigned long *nc = nv == NULL ? NULL : realloc(*col, grown * sizeof *nc);
            *v = nv != NULL ? nv : *v;
            if (nc == NULL) {
                tool_err("out of memory");
                return -1;
            }
            *col = nc;
            *cap = grown;
        }
        (*col)[*n] = (unsigned long)(f - line_start) + 1ul;
        kind = parse_field(f, s, &(*v)[*n]);
        if (kind != F_NUMBER && kind != F_NOT_FINITE &&
            check_dialect(c, f, s, line, line_start, 0) != 0) {
            return -1;
        }
        n_num += kind == F_NUMBER || kind == F_NOT_FINITE;
        n_text += kind == F_TEXT;
        n_binary += kind == F_BINARY;
        if (kind != F_NUMBER && bad == NULL) {
            bad = f;
            bad_end = s;
            bad_k = *n;
            bad_kind = kind;
        }
        (*n)++;
        if (s == end) {
            break;
        }
        s++;
    }
    if (bad == NULL) {
        return 0;
    }
    if (header_ok && n_num == 0u && n_binary == 0u && n_text > 0u) {
        *header = 1;
        return 0;
    }
    return csv_err(c, line, (unsigned long)(bad - line_start) + 1ul, "%s '%s' (field %zu%s)",
                   bad_kind == F_NOT_FINITE ? "not finite:" : "not a number:",
                   tmlp_show(shown, bad, (size_t)(bad_end - bad)), bad_k + 1u,
                   header_ok ? "; the first line is a header only when no field is a number"
                             : "");
}

/* What a file without rows had instead. */
enum { NO_ROWS_EMPTY, NO_ROWS_BLANK, NO_ROWS_HEADER };

static int parse_text(csv_t *c, const char *text, size_t len, int *no_rows)
{
    builder_t b = {c, 0, 0};
    const char *s = text, *end = text + len;
    unsigned long line = 0;
    float *v = NULL;
    unsigned long *col = NULL;
    size_t n = 0, cap = 0;
    int rc = 0, first = 1, header;
    *no_rows = NO_ROWS_EMPTY;
    if (len >= 3u && memcmp(s, "\xef\xbb\xbf", 3) == 0) { /* a UTF-8 byte order mark */
        s += 3;
    }
    while (s < end && rc == 0) {
        const char *e = memchr(s, '\n', (size_t)(end - s));
        e = e != NULL ? e : end;
        line++;
        if (*no_rows == NO_ROWS_EMPTY) {
            *no_rows = NO_ROWS_BLANK;
        }
        if (!is_blank(s, e)) {
            rc = parse_line(c, s, e, line, &v, &col, &n, &cap, first, &header);
            if (rc == 0 && header) {
                tool_err("%s:%lu: header line skipped", c->path, line);
                *no_rows = NO_ROWS_HEADER;
            }
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
    static const char *const why[] = {"empty file", "only blank lines", "only a header line"};
    size_t len = 0;
    char *text;
    int no_rows = NO_ROWS_EMPTY;
    memset(csv, 0, sizeof *csv);
    csv->path = path;
    text = tool_read_file(path, &len);
    if (text == NULL) {
        return -1;
    }
    if (parse_text(csv, text, len, &no_rows) != 0) {
        free(text);
        csv_free(csv);
        return -1;
    }
    free(text);
    if (csv->n_rows == 0u) {
        fprintf(stderr, "%s:1:1: error: no data rows (%s)\n", path, why[no_rows]);
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
