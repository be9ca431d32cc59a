/* SPDX-License-Identifier: MIT */
/* XOR and OR with a 2-2-1 net (tanh hidden layer, sigmoid output,
 * binary cross-entropy, SGD with momentum), full batch: the four samples'
 * gradients are summed by tmlp_net_backward() and one tmlp_net_step() per
 * epoch applies their mean.
 *
 * Then the same net started from a constant initialisation (every weight
 * 0.5): both hidden units compute the same function and
 * receive the same gradient, so they stay identical and the net can not
 * learn XOR. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tinymlp.h"

#define EPOCHS 500
#define REPORT_EVERY 100

static float arena[TMLP_MLP2_BYTES(2, 2, 1, TMLP_SLOTS_MOMENTUM, TMLP_BUILD_TRAIN) / sizeof(float)];

static const float X[4][2] = {{0, 0}, {0, 1}, {1, 0}, {1, 1}};
static const float Y_XOR[4] = {0, 1, 1, 0};
static const float Y_OR[4] = {0, 1, 1, 1};

static void must(tmlp_status_t s, const char *what)
{
    if (s != TMLP_OK) {
        printf("error: %s: %s\n", what, tmlp_status_str(s));
        exit(1);
    }
}

/* A fresh 2-2-1 net in the static arena, parameters drawn by `init`. */
static void build(tmlp_net_t *net, const tmlp_init_t *init)
{
    tmlp_desc_t d;
    tmlp_optim_t o;
    tmlp_rng_t rng;
    memset(&d, 0, sizeof d);
    memset(&o, 0, sizeof o);
    d.n_in = 2;
    d.n_layers = 2;
    d.layer[0].units = 2;
    d.layer[0].act = TMLP_ACT_TANH;
    d.layer[1].units = 1;
    d.layer[1].act = TMLP_ACT_SIGMOID;
    o.kind = TMLP_OPT_SGD;
    o.lr = 0.3f;
    o.momentum = 0.9f;
    must(tmlp_net_init(net, &d, &(tmlp_opts_t){.optim = &o}, arena, sizeof arena, NULL), "net init");
    must(tmlp_rng_seed(&rng, 1), "rng seed");
    must(tmlp_net_init_weights(net, init, &rng), "init weights");
}

/* EPOCHS full-batch epochs; prints the mean loss every REPORT_EVERY epochs
 * (the loss of the parameters the epoch started with). Returns the last. */
static float train(tmlp_net_t *net, const float *y)
{
    float mean = 0.0f;
    int e, i;
    printf("   epoch  mean BCE loss\n");
    for (e = 1; e <= EPOCHS; e++) {
        float sum = 0.0f;
        for (i = 0; i < 4; i++) {
            tmlp_target_t t;
            float l;
            t.values = &y[i];
            t.label = 0;
            must(tmlp_net_forward(net, X[i], NULL), "forward");
            must(tmlp_net_backward(net, TMLP_LOSS_BCE, &t, &l), "backward");
            sum += l;
        }
        must(tmlp_net_step(net), "step");
        mean = sum / 4.0f;
        if (e == 1 || e % REPORT_EVERY == 0) {
            printf("   %5d  %.5f\n", e, (double)mean);
        }
    }
    return mean;
}

/* Prints the truth table; returns how many of the 4 rows are right. */
static int truth_table(tmlp_net_t *net, const char *op, const float *y)
{
    int i, right = 0;
    for (i = 0; i < 4; i++) {
        float out;
        int ok;
        must(tmlp_net_forward(net, X[i], &out), "forward");
        ok = (out > 0.5f) == (y[i] > 0.5f);
        right += ok;
        printf("   %d %s %d = %d   net: %.4f -> %d%s\n", (int)X[i][0], op, (int)X[i][1],
               (int)y[i], (double)out, out > 0.5f, ok ? "" : "  wrong");
    }
    printf("   %d of 4 right\n", right);
    return right;
}

static void print_params(const tmlp_net_t *net)
{
    const float *p;
    size_t n;
    must(tmlp_net_params(net, &p, &n), "params");
    /* Canonical order: W0 [2][2], b0 [2], W1 [1][2], b1 [1]. */
    printf("   hidden unit 0: w = (%+.6f, %+.6f), b = %+.6f, out weight %+.6f\n", (double)p[0],
           (double)p[1], (double)p[4], (double)p[6]);
    printf("   hidden unit 1: w = (%+.6f, %+.6f), b = %+.6f, out weight %+.6f\n", (double)p[2],
           (double)p[3], (double)p[5], (double)p[7]);
}

int main(void)
{
    tmlp_net_t net;
    tmlp_init_t xavier, constant;
    const float *p;
    size_t n;
    int same;

    memset(&xavier, 0, sizeof xavier);
    xavier.kind = TMLP_INIT_XAVIER_UNIFORM;
    xavier.init_bias = 1;
    memset(&constant, 0, sizeof constant);
    constant.kind = TMLP_INIT_CONST;
    constant.a = 0.5f; /* weights 0.5, biases 0 */

    printf("2-2-1 net (tanh, sigmoid), BCE, SGD lr 0.3 momentum 0.9, %d full-batch epochs\n\n",
           EPOCHS);

    printf("XOR, Xavier-uniform initialisation (seed 1):\n");
    build(&net, &xavier);
    (void)train(&net, Y_XOR);
    (void)truth_table(&net, "xor", Y_XOR);
    print_params(&net);

    printf("\nOR, same net and initialisation:\n");
    build(&net, &xavier);
    (void)train(&net, Y_OR);
    (void)truth_table(&net, "or ", Y_OR);

    printf("\nXOR again, every weight initialised to 0.5 (biases 0):\n");
    build(&net, &constant);
    (void)train(&net, Y_XOR);
    (void)truth_table(&net, "xor", Y_XOR);
    print_params(&net);
    must(tmlp_net_params(&net, &p, &n), "params");
    same = memcmp(&p[0], &p[2], 2 * sizeof p[0]) == 0 && memcmp(&p[4], &p[5], sizeof p[0]) == 0 &&
           memcmp(&p[6], &p[7], sizeof p[0]) == 0;
    printf("   the two hidden units' parameters are %s after %d epochs:\n",
           same ? "still bit-for-bit identical" : "different", EPOCHS);
    printf("   %s\n", same ? "the net has in effect one hidden unit, and one tanh unit can not "
                             "separate XOR."
                           : "symmetry was broken (unexpected).");
    return 0;
}
