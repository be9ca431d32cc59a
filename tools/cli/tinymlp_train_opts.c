/* SPDX-License-Identifier: MIT */
/* tinymlp tool: options of the train subcommand, and input-scaling fits. */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <stddef.h>
#include <string.h>

#include "tinymlp_train.h"

/* Float options: the optimizer field each sets and its GIVEN_* bit. */
static const struct {
    const char *name;
    size_t offset;
    unsigned bit;
} float_opts[] = {
    {"--lr", offsetof(tmlp_optim_t, lr), GIVEN_LR},
    {"--momentum", offsetof(tmlp_optim_t, momentum), GIVEN_MOMENTUM},
    {"--dampening", offsetof(tmlp_optim_t, dampening), GIVEN_DAMPENING},
    {"--weight-decay", offsetof(tmlp_optim_t, weight_decay), GIVEN_WD},
    {"--beta1", offsetof(tmlp_optim_t, beta1), GIVEN_BETA1},
    {"--beta2", offsetof(tmlp_optim_t, beta2), GIVEN_BETA2},
    {"--eps", offsetof(tmlp_optim_t, eps), GIVEN_EPS},
    {"--alpha", offsetof(tmlp_optim_t, alpha), GIVEN_ALPHA},
    {"--clip-norm", offsetof(tmlp_optim_t, clip_norm), GIVEN_CLIP},
};
#define N_FLOAT_OPTS (sizeof float_opts / sizeof float_opts[0])

static int parse_optimizer(const char *s, tmlp_optim_t *opt)
{
    static const char *const names[] = {"sgd", "ema", "adam", "rmsprop", "adamw"};
    unsigned i;
    for (i = 0; i < 5u; i++) {
        if (strcmp(s, names[i]) == 0) {
            opt->kind = (uint8_t)(i == 4u ? TMLP_OPT_ADAM : i);
            opt->decoupled_wd = i == 4u;
            return 0;
        }
    }
    tool_err("--optimizer: unknown '%s' (sgd, adam, adamw, rmsprop, ema)", s);
    return -1;
}

static int parse_scale(const char *s, int *scale)
{
    static const char *const names[] = {"none", "minmax", "standard"};
    int i;
    for (i = 0; i < 3; i++) {
        if (strcmp(s, names[i]) == 0) {
            *scale = i;
            return 0;
        }
    }
    tool_err("--scale: unknown '%s' (none, minmax, standard)", s);
    return -1;
}

/* Options without a value; returns 1 if `a` was one. */
static int parse_flag(const char *a, train_opts_t *o)
{
    if (strcmp(a, "--nesterov") == 0) {
        o->opt.nesterov = 1;
        o->given |= GIVEN_NESTEROV;
    } else if (strcmp(a, "--no-shuffle") == 0) {
        o->no_shuffle = 1;
    } else if (strcmp(a, "--resume") == 0) {
        o->resume = 1;
    } else if (strcmp(a, "--no-state") == 0) {
        o->no_state = 1;
    } else if (strcmp(a, "--quiet") == 0) {
        o->quiet = 1;
    } else {
        return 0;
    }
    return 1;
}

/* Options with a value: 0 ok, 1 bad value, 2 unknown option. */
static int parse_valued(const char *a, const char *v, train_opts_t *o)
{
    size_t k;
    for (k = 0; k < N_FLOAT_OPTS; k++) {
        if (strcmp(a, float_opts[k].name) == 0) {
            o->given |= float_opts[k].bit;
            return tool_parse_float(a, v, (float *)(void *)((char *)&o->opt + float_opts[k].offset))
                       ? 1 : 0;
        }
    }
    if (strcmp(a, "-o") == 0) {
        o->out = v;
    } else if (strcmp(a, "--val") == 0) {
        o->val = v;
    } else if (strcmp(a, "--plot") == 0) {
        o->plot = v;
    } else if (strcmp(a, "--loss") == 0) {
        o->have_loss = 1;
        return tool_loss_parse(v, &o->loss) ? 1 : 0;
    } else if (strcmp(a, "--optimizer") == 0) {
        o->given |= GIVEN_KIND;
        return parse_optimizer(v, &o->opt) ? 1 : 0;
    } else if (strcmp(a, "--scale") == 0) {
        return parse_scale(v, &o->scale) ? 1 : 0;
    } else if (strcmp(a, "--batch") == 0) {
        return tool_parse_u32(a, v, &o->batch) ? 1 : 0;
    } else if (strcmp(a, "--epochs") == 0) {
        return tool_parse_u32(a, v, &o->epochs) ? 1 : 0;
    } else if (strcmp(a, "--steps") == 0) {
        return tool_parse_u32(a, v, &o->steps) ? 1 : 0;
    } else if (strcmp(a, "--seed") == 0) {
        return tool_parse_u32(a, v, &o->seed) ? 1 : 0;
    } else {
        return 2;
    }
    return 0;
}

int train_parse_opts(int argc, char **argv, train_opts_t *o)
{
    int i, rc;
    memset(o, 0, sizeof *o);
    o->batch = 32;
    o->epochs = 20;
    o->seed = 1;
    o->scale = SCALE_KEEP;
    for (i = 2; i < argc; i++) {
        const char *a = argv[i];
        if (a[0] != '-') {
            if (o->model == NULL) {
                o->model = a;
            } else if (o->csv == NULL) {
                o->csv = a;
            } else {
                tool_err("train: unexpected argument '%s'", a);
                return 2;
            }
        } else if (!parse_flag(a, o)) {
            rc = i + 1 < argc ? parse_valued(a, argv[i + 1], o) : 2;
            if (rc == 2) {
                tool_err("train: unknown option or missing value: '%s'", a);
            }
            if (rc != 0) {
                return rc;
            }
            i++;
        }
    }
    if (o->model == NULL || o->csv == NULL || o->out == NULL) {
        tool_err("usage: tinymlp train MODEL.tmlp TRAIN.csv -o OUT.tmlp [options]");
        return 2;
    }
    if (o->epochs == 0u && o->steps == 0u) {
        tool_err("train: --epochs 0 without --steps would never train");
        return 1;
    }
    return 0;
}

void train_apply_given(tmlp_optim_t *to, const tmlp_optim_t *from, unsigned given)
{
    size_t k;
    for (k = 0; k < N_FLOAT_OPTS; k++) {
        if (given & float_opts[k].bit) {
            memcpy((char *)to + float_opts[k].offset, (const char *)from + float_opts[k].offset,
                   sizeof(float));
        }
    }
    if (given & GIVEN_NESTEROV) {
        to->nesterov = from->nesterov;
    }
}

void train_fit_scale(int kind, const float *X, uint32_t n, uint32_t n_in, float *offset,
                     float *scale)
{
    uint32_t i, j;
    for (j = 0; j < n_in; j++) {
        double lo = (double)X[j], hi = (double)X[j], sum = 0.0, mean, var = 0.0, range;
        for (i = 0; i < n; i++) {
            double v = (double)X[(size_t)i * n_in + j];
            lo = v < lo ? v : lo;
            hi = v > hi ? v : hi;
            sum += v;
        }
        mean = sum / (double)n;
        for (i = 0; i < n; i++) {
            double d = (double)X[(size_t)i * n_in + j] - mean;
            var += d * d;
        }
        var /= (double)n; /* population variance */
        range = hi - lo;
        if (kind == SCALE_MINMAX) {
            offset[j] = (float)lo;
            scale[j] = range > 0.0 && isfinite(1.0 / range) ? (float)(1.0 / range) : 1.0f;
        } else {
            offset[j] = (float)mean;
            scale[j] = var > 0.0 && isfinite(1.0 / sqrt(var)) ? (float)(1.0 / sqrt(var)) : 1.0f;
        }
        if (!isfinite(scale[j]) || scale[j] == 0.0f) {
            scale[j] = 1.0f;
        }
    }
}
