/* SPDX-License-Identifier: MIT */
/* tinymlp command-line tool: declarations shared by the files of tools/cli/.
 * Host only: uses libc, libm and the heap freely. Every function that can
 * fail prints its own message to stderr (naming the file, and the line and
 * column for errors in a text file) and returns -1; 0 means success. */
#ifndef TINYMLP_TOOL_H
#define TINYMLP_TOOL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "tinymlp.h"

/* ---- common (tinymlp_common.c) ------------------------------------------ */

/* Prints "tinymlp: " and the formatted message with a newline to stderr. */
void tool_err(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

/* Reads a whole file into a malloc'd, NUL-terminated buffer. */
char *tool_read_file(const char *path, size_t *len);

/* ---- output (tinymlp_output.c) ------------------------------------------ */

/* Writes the file `path` atomically: fn(f, ctx) writes the contents to f
 * (a stream in memory), which then go to a new temporary file next to path
 * ("path.tmp.XXXXXX", mode 0666 less the umask), are flushed to the disk
 * and renamed over path. fn returns 0, or nonzero after reporting its own
 * error; a write error on f is not its own. Every failure of the file
 * system (creating, writing, syncing, closing, renaming; out of memory) is
 * reported here, as one line "tinymlp: PATH: reason". On any failure the
 * temporary file is removed and path is left as it was. A path that is
 * not a regular file (a device such as /dev/stdout or /dev/null, a pipe)
 * is written in place, never replaced. Returns 0 or -1. */
int tool_write_atomic(const char *path, int (*fn)(FILE *f, void *ctx), void *ctx);
/* The same for a byte buffer. */
int tool_write_bytes(const char *path, const void *buf, size_t len);

/* Saves the net with `what` to path (atomically). */
int tool_model_save(const tmlp_net_t *net, uint32_t what, const char *path);

/* After the last output to stdout: 0 when everything written reached it,
 * else -1 with "tinymlp: stdout: reason". */
int tool_stdout_done(void);

/* ---- models (tinymlp_common.c) ------------------------------------------ */

/* A model file read into memory and verified. */
typedef struct {
    const char *path;
    void *buf;
    size_t len;
    tmlp_desc_t desc;
    tmlp_model_info_t info;
} tool_model_t;

int tool_model_read(const char *path, tool_model_t *m);
void tool_model_free(tool_model_t *m);

/* 0 for a whole model; -1, with a message naming it, for a partial file (a
 * fine-tuning checkpoint without its frozen layers), which no command that
 * needs the whole model can use. */
int tool_model_whole(const tool_model_t *m);

/* An inference net (parameters in its arena) loaded from m; *arena is
 * malloc'd and must outlive the net (free it afterwards). */
int tool_model_net(const tool_model_t *m, tmlp_net_t *net, void **arena);

/* Activation names (the JSON names) and loss names. */
const char *tool_act_name(unsigned act);
int tool_act_parse(const char *s, uint8_t *act);
const char *tool_loss_name(unsigned loss);
int tool_loss_parse(const char *s, uint8_t *loss);
/* The default loss for a model's output layer: ce for softmax, bce for
 * sigmoid, mse otherwise. */
uint8_t tool_default_loss(const tmlp_desc_t *desc);
/* Reports (and returns -1) when the loss can't be used with the model's
 * output layer: ce needs softmax, bce needs sigmoid. */
int tool_loss_check(const tmlp_desc_t *desc, uint8_t loss);
/* Output width of a desc. */
uint32_t tool_n_out(const tmlp_desc_t *desc);

/* Numbers in option values: 0, or -1 (printing nothing) for anything but
 * a whole decimal integer that fits, or a whole finite float (strtof). */
int tool_scan_u32(const char *s, uint32_t *out);
int tool_scan_float(const char *s, float *out);
/* The same, printing "OPT VALUE: must be ..." on failure. */
int tool_parse_u32(const char *opt, const char *s, uint32_t *out);
int tool_parse_float(const char *opt, const char *s, float *out);

/* ---- CSV (tinymlp_csv.c) -------------------------------------------------- */

/* A numeric CSV file: n_rows x n_cols floats, every one finite. */
typedef struct {
    const char *path;
    size_t n_rows, n_cols;
    float *vals;          /* [n_rows][n_cols] */
    unsigned long *line;  /* 1-based line of each row */
    unsigned long *col;   /* [n_rows][n_cols] 1-based byte column of each field */
} csv_t;

/* Reads and checks a whole file (docs/cli.md): a UTF-8 byte order mark is
 * ignored; a first line none of whose fields is a number, and one at least
 * text, is a header, skipped with a note on stderr; blank lines are
 * ignored; every other row must have the same number of numeric, finite
 * fields. Errors (file:line:col, input bytes shown escaped): a missing or
 * empty file, a ragged row, a non-number, NaN/Inf, and what other formats
 * have: ';' or tab separators, quoted fields, CR-only line endings. */
int csv_read(const char *path, csv_t *csv);
void csv_free(csv_t *csv);

/* Samples for a net with n_in inputs and n_out outputs under `loss`. */
typedef struct {
    tmlp_arrays_t arrays;
    tmlp_data_t data;
    uint32_t *labels; /* class labels, or NULL */
    float *X, *Y;     /* Y: target vectors, or NULL */
    uint32_t n;
    int classify;     /* accuracy is meaningful (labels, ce, bce) */
} dataset_t;

/* Builds the samples from a csv (see docs/cli.md for the column rules):
 * n_in + 1 columns: a label; n_in + n_out columns (n_out > 1): a target
 * vector. Errors name file:line:col (label out of range, wrong width). */
int dataset_from_csv(const csv_t *csv, uint32_t n_in, uint32_t n_out, uint8_t loss,
                     dataset_t *ds);
void dataset_free(dataset_t *ds);

/* ---- subcommands ------------------------------------------------------------ */

int cmd_train(int argc, char **argv);   /* tinymlp_train.c */
int cmd_eval(int argc, char **argv);    /* tinymlp_eval.c */
int cmd_predict(int argc, char **argv); /* tinymlp_eval.c */
int cmd_export(int argc, char **argv);  /* tinymlp_export.c */
int cmd_info(int argc, char **argv);    /* tinymlp_export.c */

/* ---- SVG plot (tinymlp_plot.c) ---------------------------------------------- */

/* Per-epoch history of a training run. Missing values are NAN. */
typedef struct {
    size_t n, cap;
    float *loss, *acc, *val_loss, *val_acc;
} history_t;

int history_add(history_t *h, float loss, float acc, float val_loss, float val_acc);
void history_free(history_t *h);
/* Writes an SVG of the loss and accuracy curves to path (atomically). */
int plot_svg(const char *path, const history_t *h, const char *title);

#endif
