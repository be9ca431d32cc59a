/* SPDX-License-Identifier: MIT */
/* tinymlp tool: options of the train subcommand. */
#define _POSIX_C_SOURCE 200809L

#include <stddef.h>
#include <string.h>

#include "tinymlp_args.h"
#include "tinymlp_train.h"

/* The values the library takes for an optimizer field (tmlp_optim_slots
 * refuses others): the same rules, so that the tool names the option. */
enum { ABOVE_0, FROM_0, FROM_0_BELOW_1, FROM_0_TO_1 };
static const char *const range_text[] = {"> 0", ">= 0", "in [0, 1)", "in [0, 1]"};

/* Float options: the optimizer field each sets, its GIVEN_* bit and range. */
static const struct {
    const char *name;
    size_t offset;
    unsigned bit;
    int range;
} float_opts[] = {
    {"--lr", offsetof(tmlp_optim_t, lr), GIVEN_LR, ABOVE_0},
    {"--momentum", offsetof(tmlp_optim_t, momentum), GIVEN_MOMENTUM, FROM_0_BELOW_1},
    {"--dampening", offsetof(tmlp_optim_t, dampening), GIVEN_DAMPENING, FROM_0_TO_1},
    {"--weight-decay", offsetof(tmlp_optim_t, weight_decay), GIVEN_WD, FROM_0},
    {"--beta1", offsetof(tmlp_optim_t, beta1), GIVEN_BETA1, FROM_0_BELOW_1},
    {"--beta2", offsetof(tmlp_optim_t, beta2), GIVEN_BETA2, FROM_0_BELOW_1},
    {"--eps", offsetof(tmlp_optim_t, eps), GIVEN_EPS, FROM_0},
    {"--alpha", offsetof(tmlp_optim_t, alpha), GIVEN_ALPHA, FROM_0_BELOW_1},
    {"--clip-norm", offsetof(tmlp_optim_t, clip_norm), GIVEN_CLIP, FROM_0},
};
#define N_FLOAT_OPTS (sizeof float_opts / sizeof float_opts[0])

static int in_range(int range, float v)
{
    switch (range) {
    case ABOVE_0:
        return v > 0.0f;
    case FROM_0:
        return v >= 0.0f;
    case FROM_0_BELOW_1:
        return v >= 0.0f && v < 1.0f;
    default:
        return v >= 0.0f && v <= 1.0f;
    }
}

/* Reads float option k's value into o: 0, or 1 after "OPT VALUE: must be ...". */
static int parse_float_opt(size_t k, const char *v, train_opts_t *o)
{
    float x;
    int number = tool_scan_float(v, &x) == 0;
    if (!number || !in_range(float_opts[k].range, x)) {
        tool_err("%s %s: must be %s%s", float_opts[k].name, v, number ? "" : "a number ",
                 range_text[float_opts[k].range]);
        return 1;
    }
    memcpy((char *)&o->opt + float_opts[k].offset, &x, sizeof x);
    o->given |= float_opts[k].bit;
    return 0;
}

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
    tool_err("--optimizer %s: must be sgd, adam, adamw, rmsprop or ema", s);
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
    tool_err("--scale %s: must be none, minmax or standard", s);
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
            return parse_float_opt(k, v, o);
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
                tool_usage_err(tool_cmd("train"), "unexpected argument %s", a);
                return 2;
            }
        } else if (!parse_flag(a, o)) {
            rc = i + 1 < argc ? parse_valued(a, argv[i + 1], o) : 2;
            if (rc == 2) {
                tool_usage_err(tool_cmd("train"), "unknown option or missing value: %s", a);
            }
            if (rc != 0) {
                return rc;
            }
            i++;
        }
    }
    if (o->model == NULL || o->csv == NULL || o->out == NULL) {
        tool_usage_err(tool_cmd("train"), "missing %s",
                       o->model == NULL ? "the model"
                       : o->csv == NULL ? "the CSV file"
                                        : "-o OUT.tmlp");
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
