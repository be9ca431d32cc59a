/* SPDX-License-Identifier: MIT */
/* tinymlp tool: the train subcommand's options (tinymlp_train_opts.c),
 * input scaling (tinymlp_scale.c) and run (tinymlp_train.c). */
#ifndef TINYMLP_TRAIN_H
#define TINYMLP_TRAIN_H

#include "tinymlp_tool.h"

/* Input scaling requested with --scale. */
enum { SCALE_KEEP = -1, SCALE_NONE = 0, SCALE_MINMAX = 1, SCALE_STANDARD = 2 };

/* Bits of train_opts_t.given: optimizer fields set on the command line. */
enum {
    GIVEN_LR = 1 << 0,
    GIVEN_MOMENTUM = 1 << 1,
    GIVEN_DAMPENING = 1 << 2,
    GIVEN_WD = 1 << 3,
    GIVEN_BETA1 = 1 << 4,
    GIVEN_BETA2 = 1 << 5,
    GIVEN_EPS = 1 << 6,
    GIVEN_ALPHA = 1 << 7,
    GIVEN_CLIP = 1 << 8,
    GIVEN_NESTEROV = 1 << 9,
    GIVEN_KIND = 1 << 10
};

typedef struct {
    const char *model, *csv, *out, *val, *plot;
    uint8_t loss;
    int have_loss;
    tmlp_optim_t opt; /* as given; lr 0 = the kind's default */
    unsigned given;   /* GIVEN_* */
    uint32_t batch, epochs, steps, seed;
    int no_shuffle, resume, no_state, quiet;
    int scale; /* SCALE_* */
} train_opts_t;

/* Parses argv[2..]: 0 ok, 1 bad value (reported), 2 usage error. */
int train_parse_opts(int argc, char **argv, train_opts_t *o);

/* Copies the fields of `from` that `given` names into `to`. */
void train_apply_given(tmlp_optim_t *to, const tmlp_optim_t *from, unsigned given);

/* ---- tinymlp_scale.c ---- */

/* Fits the input scaling (SCALE_MINMAX or SCALE_STANDARD) on X[n][n_in]. */
void train_fit_scale(int kind, const float *X, uint32_t n, uint32_t n_in, float *offset,
                     float *scale);

/* Above this root mean square over the training rows, sqrt(mean of x^2),
 * a feature is too large to train unscaled. The initialisers (Xavier, He,
 * PyTorch's nn.Linear) size the weights for inputs of mean square about 1;
 * a feature 100 times that puts 100 times the intended share into every
 * first-layer pre-activation (10^4 in variance), and its weights' gradient
 * is as many times larger (docs/cli.md). */
#define UNSCALED_RMS_LIMIT 100.0

/* For training without input scaling: when a feature of X[n][n_in] (read
 * from path) is above UNSCALED_RMS_LIMIT, one warning line on stderr naming
 * the largest one's column and the --scale options. */
void train_scale_warning(const char *path, const float *X, uint32_t n, uint32_t n_in);

#endif
