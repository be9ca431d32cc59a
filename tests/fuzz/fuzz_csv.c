/* SPDX-License-Identifier: MIT */
/* Fuzzes the tool's CSV reader (csv_read, tools/cli/tinymlp_csv.c) and the
 * samples built from it (dataset_from_csv), on any bytes. csv_read takes a
 * path, so the input is written to a memfd and read back through
 * /proc/self/fd/N. Properties checked (abort on failure):
 * - an accepted file has rows and columns, every value finite, 1-based
 *   lines that increase, and field columns that start at 1 and increase;
 * - a data set built for 3 inputs and 2 outputs (ce, bce), for 3 inputs and
 *   1 output (mse, bce, ce), and for the file's own width (n_cols - 1
 *   inputs, 1 output, mse) has n rows, X equal to the file's inputs, labels
 *   below n_out, bce targets in [0, 1], a data source the library accepts;
 * - the library evaluates it on a small fixed net without any sanitizer
 *   report, with an accuracy in [0, 1] when it succeeds;
 * - the --scale fits (train_fit_scale) give finite offsets and finite
 *   nonzero scales. */
#define _GNU_SOURCE

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"
#include "tinymlp_tool.h"
#include "tinymlp_train.h"

static int fd = -1;
static char path[64];

static int write_input(const uint8_t *data, size_t size)
{
    size_t off = 0;
    if (fd < 0) {
        fd = memfd_create("fuzz_csv", 0);
        if (fd < 0) {
            perror("memfd_create");
            abort();
        }
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    }
    if (ftruncate(fd, 0) != 0 || lseek(fd, 0, SEEK_SET) != 0) {
        abort();
    }
    while (off < size) {
        ssize_t w = write(fd, data + off, size - off);
        if (w <= 0) {
            abort();
        }
        off += (size_t)w;
    }
    return 0;
}

static void check_csv(const csv_t *c)
{
    size_t r, k;
    if (c->n_rows == 0u || c->n_cols == 0u || c->vals == NULL || c->line == NULL ||
        c->col == NULL) {
        abort();
    }
    for (r = 0; r < c->n_rows; r++) {
        if (c->line[r] == 0u || (r > 0u && c->line[r] <= c->line[r - 1u])) {
            abort();
        }
        for (k = 0; k < c->n_cols; k++) {
            unsigned long col = c->col[r * c->n_cols + k];
            if (!isfinite(c->vals[r * c->n_cols + k]) || (k == 0u && col != 1u) ||
                (k > 0u && col <= c->col[r * c->n_cols + k - 1u])) {
                abort();
            }
        }
    }
}

/* A small inference net n_in -> n_out with activation act, fixed weights. */
static int make_net(tmlp_net_t *net, void **arena, uint32_t n_in, uint32_t n_out, uint8_t act)
{
    tmlp_desc_t d;
    tmlp_init_t init;
    tmlp_rng_t rng;
    size_t bytes = 0;
    memset(&d, 0, sizeof d);
    memset(&init, 0, sizeof init);
    d.n_in = (uint16_t)n_in;
    d.n_layers = 2;
    d.layer[0].units = 4;
    d.layer[0].act = TMLP_ACT_TANH;
    d.layer[1].units = (uint16_t)n_out;
    d.layer[1].act = act;
    init.kind = TMLP_INIT_XAVIER_UNIFORM;
    *arena = NULL;
    if (tmlp_arena_size(&d, NULL, &bytes) != TMLP_OK ||
        (*arena = calloc(1, bytes)) == NULL ||
        tmlp_net_init(net, &d, NULL, *arena, bytes, NULL) != TMLP_OK ||
        tmlp_rng_seed(&rng, 7u) != TMLP_OK || tmlp_net_init_weights(net, &init, &rng) != TMLP_OK) {
        abort(); /* a fixed, valid shape */
    }
    return 0;
}

static void try_dataset(const csv_t *c, uint32_t n_in, uint32_t n_out, uint8_t loss, uint8_t act)
{
    dataset_t ds;
    size_t r, k;
    tmlp_net_t net;
    void *arena;
    float scratch[2 * 8 + 64], acc = -1.0f, mean = 0.0f;
    float *off, *sc;
    tmlp_status_t st;
    if (dataset_from_csv(c, n_in, n_out, loss, &ds) != 0) {
        return;
    }
    if (ds.n != c->n_rows || ds.X == NULL || (ds.labels == NULL) == (ds.Y == NULL) ||
        ds.arrays.n_in != n_in || ds.arrays.n_out != n_out) {
        abort();
    }
    for (r = 0; r < ds.n; r++) {
        if (memcmp(ds.X + r * n_in, c->vals + r * c->n_cols, n_in * sizeof(float)) != 0) {
            abort();
        }
        if (ds.labels != NULL && ds.labels[r] >= (n_out > 1u ? n_out : 2u)) {
            abort();
        }
        if (ds.labels != NULL && n_out == 1u && ds.labels[r] != 0u) {
            abort(); /* ce with one output: the only class is 0 */
        }
        if (ds.Y != NULL && loss == TMLP_LOSS_BCE) {
            size_t w = c->n_cols == n_in + 1u ? 1u : n_out;
            for (k = 0; k < w; k++) {
                float v = ds.Y[r * w + k];
                if (!(v >= 0.0f && v <= 1.0f)) {
                    abort();
                }
            }
        }
    }
    if (n_in + n_out <= 64u) {
        make_net(&net, &arena, n_in, n_out, act);
        st = tmlp_evaluate(&net, &ds.data, (tmlp_loss_t)loss, scratch, &mean, &acc, NULL);
        if (st == TMLP_OK && !(acc >= 0.0f && acc <= 1.0f)) {
            abort();
        }
        free(arena);
    }
    off = malloc(n_in * sizeof *off);
    sc = malloc(n_in * sizeof *sc);
    if (off == NULL || sc == NULL) {
        abort();
    }
    for (k = 1; k <= 2u; k++) {
        size_t j;
        train_fit_scale((int)k, ds.X, ds.n, n_in, off, sc);
        for (j = 0; j < n_in; j++) {
            if (!isfinite(off[j]) || !isfinite(sc[j]) || sc[j] == 0.0f) {
                abort();
            }
        }
    }
    free(off);
    free(sc);
    dataset_free(&ds);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    csv_t c;
    write_input(data, size);
    if (csv_read(path, &c) != 0) {
        if (c.vals != NULL || c.line != NULL || c.col != NULL) {
            abort();
        }
        return 0;
    }
    check_csv(&c);
    try_dataset(&c, 3, 2, TMLP_LOSS_CE, TMLP_ACT_SOFTMAX);
    try_dataset(&c, 3, 2, TMLP_LOSS_BCE, TMLP_ACT_SIGMOID);
    try_dataset(&c, 3, 1, TMLP_LOSS_MSE, TMLP_ACT_IDENTITY);
    try_dataset(&c, 3, 1, TMLP_LOSS_BCE, TMLP_ACT_SIGMOID);
    try_dataset(&c, 3, 1, TMLP_LOSS_CE, TMLP_ACT_IDENTITY);
    if (c.n_cols >= 2u && c.n_cols - 1u <= TMLP_MAX_WIDTH) {
        try_dataset(&c, (uint32_t)(c.n_cols - 1u), 1, TMLP_LOSS_MSE, TMLP_ACT_IDENTITY);
    }
    csv_free(&c);
    return 0;
}
