/* SPDX-License-Identifier: MIT */
/* Multi-class classification: points from 4 Gaussian blobs in the plane,
 * a 2-8-4 net (tanh hidden layer, softmax output) trained with
 * cross-entropy by four optimizers from the same initial weights:
 * SGD, SGD with momentum, Nesterov momentum, and Adam. Prints the mean
 * training loss after each epoch side by side, then each net's accuracy on
 * the training set and on a fresh test set from the same distribution,
 * against the random-guess baselines (always the majority class;
 * uniformly random). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tinymlp.h"

#define N_CLASSES 4
#define N_TRAIN 160
#define N_TEST 160
#define EPOCHS 12
#define BATCH 16
#define N_OPT 4

/* Blob centres and their share of the samples (unequal, so that the
 * majority-class baseline differs from the uniform one). */
static const float CENTRE[N_CLASSES][2] = {{-1.5f, -1.0f}, {1.5f, -1.0f}, {0.0f, 1.5f},
                                           {0.0f, -3.0f}};
static const uint32_t SHARE[N_CLASSES] = {4, 2, 1, 1}; /* of 8 */
#define SPREAD 0.9f /* standard deviation of each blob */

static float train_x[N_TRAIN][2], test_x[N_TEST][2];
static uint8_t train_y[N_TRAIN], test_y[N_TEST];
static float arena[TMLP_MLP2_BYTES(2, 8, N_CLASSES, TMLP_SLOTS_ADAM, TMLP_BUILD_TRAIN) / sizeof(float)];

static void must(tmlp_status_t s, const char *what)
{
    if (s != TMLP_OK) {
        printf("error: %s: %s\n", what, tmlp_status_str(s));
        exit(1);
    }
}

/* n samples: class c for SHARE[c] of every 8, each a normal draw around
 * its centre. */
static void make_blobs(tmlp_rng_t *rng, float (*x)[2], uint8_t *y, int n)
{
    int i;
    for (i = 0; i < n; i++) {
        uint32_t slot = (uint32_t)i % 8u, c = 0, acc = SHARE[0];
        float z0, z1;
        while (slot >= acc) {
            acc += SHARE[++c];
        }
        must(tmlp_rng_normal(rng, &z0), "rng");
        must(tmlp_rng_normal(rng, &z1), "rng");
        x[i][0] = CENTRE[c][0] + SPREAD * z0;
        x[i][1] = CENTRE[c][1] + SPREAD * z1;
        y[i] = (uint8_t)c;
    }
}

typedef struct {
    const char *name;
    tmlp_optim_t opt;
} optimizer_t;

static float epoch_loss[N_OPT][EPOCHS];

static int record_loss(void *ctx, const tmlp_epoch_info_t *info)
{
    float *losses = (float *)ctx;
    if (info->epoch >= 1u && info->epoch <= EPOCHS) {
        losses[info->epoch - 1u] = info->train_loss;
    }
    return 0;
}

int main(void)
{
    optimizer_t opts[N_OPT];
    tmlp_arrays_t train_arr, test_arr;
    tmlp_data_t train_data, test_data;
    tmlp_desc_t d;
    tmlp_init_t init;
    tmlp_rng_t rng;
    uint32_t counts[N_CLASSES];
    float x_buf[2], majority = 0.0f, uniform = 0.0f, acc_train[N_OPT], acc_test[N_OPT];
    float loss_test[N_OPT];
    int k, e;

    /* The data. */
    must(tmlp_rng_seed(&rng, 2024), "rng seed");
    make_blobs(&rng, train_x, train_y, N_TRAIN);
    make_blobs(&rng, test_x, test_y, N_TEST);
    memset(&train_arr, 0, sizeof train_arr);
    train_arr.X = &train_x[0][0];
    train_arr.labels_u8 = train_y;
    train_arr.n_in = 2;
    train_arr.n_out = N_CLASSES;
    test_arr = train_arr;
    test_arr.X = &test_x[0][0];
    test_arr.labels_u8 = test_y;
    must(tmlp_data_arrays(&train_data, &train_arr, N_TRAIN), "train data");
    must(tmlp_data_arrays(&test_data, &test_arr, N_TEST), "test data");

    /* The optimizers. */
    memset(opts, 0, sizeof opts);
    opts[0].name = "SGD";
    opts[0].opt.kind = TMLP_OPT_SGD;
    opts[0].opt.lr = 0.1f;
    opts[1].name = "momentum";
    opts[1].opt = opts[0].opt;
    opts[1].opt.momentum = 0.9f;
    opts[2].name = "Nesterov";
    opts[2].opt = opts[1].opt;
    opts[2].opt.nesterov = 1;
    opts[3].name = "Adam";
    opts[3].opt.kind = TMLP_OPT_ADAM;
    opts[3].opt.lr = 0.01f;

    memset(&d, 0, sizeof d);
    d.n_in = 2;
    d.n_layers = 2;
    d.layer[0].units = 8;
    d.layer[0].act = TMLP_ACT_TANH;
    d.layer[1].units = N_CLASSES;
    d.layer[1].act = TMLP_ACT_SOFTMAX;
    memset(&init, 0, sizeof init); /* AUTO: Xavier-uniform for tanh and softmax */

    for (k = 0; k < N_OPT; k++) {
        tmlp_net_t net;
        tmlp_trainer_t tr;
        tmlp_train_cfg_t cfg;
        tmlp_train_result_t res;
        tmlp_rng_t wrng;
        must(tmlp_net_init(&net, &d, &(tmlp_opts_t){.optim = &opts[k].opt}, arena, sizeof arena, NULL),
             "net init");
        must(tmlp_rng_seed(&wrng, 1), "rng seed"); /* the same initial weights for all */
        must(tmlp_net_init_weights(&net, &init, &wrng), "init weights");
        memset(&cfg, 0, sizeof cfg);
        cfg.loss = TMLP_LOSS_CE;
        cfg.batch = BATCH;
        cfg.shuffle = 1;
        cfg.seed = 5; /* the same sample order for all */
        cfg.max_epochs = EPOCHS;
        cfg.on_epoch = record_loss;
        cfg.on_epoch_ctx = epoch_loss[k];
        must(tmlp_train(&tr, &net, &train_data, &cfg, &res), opts[k].name);
        must(tmlp_evaluate(&net, &train_data, TMLP_LOSS_CE, NULL, NULL, &acc_train[k], NULL),
             "evaluate");
        must(tmlp_evaluate(&net, &test_data, TMLP_LOSS_CE, NULL, &loss_test[k], &acc_test[k],
                           NULL),
             "evaluate");
    }

    printf("4 Gaussian blobs in 2-D (sd %.1f), classes in proportion 4:2:1:1; %d training\n"
           "and %d test points. 2-8-4 net (tanh, softmax), cross-entropy, batches of %d,\n"
           "the same initial weights and sample order for every optimizer.\n\n",
           (double)SPREAD, N_TRAIN, N_TEST, BATCH);
    printf("mean training loss after each epoch\n");
    printf("epoch");
    for (k = 0; k < N_OPT; k++) {
        printf(" %12s", opts[k].name);
    }
    printf("\n     %12s %12s %12s %12s\n", "lr 0.1", "lr 0.1 m0.9", "lr 0.1 m0.9", "lr 0.01");
    for (e = 0; e < EPOCHS; e++) {
        printf("%5d", e + 1);
        for (k = 0; k < N_OPT; k++) {
            printf(" %12.4f", (double)epoch_loss[k][e]);
        }
        printf("\n");
    }

    printf("\naccuracy ");
    for (k = 0; k < N_OPT; k++) {
        printf(" %12s", opts[k].name);
    }
    printf("\ntraining ");
    for (k = 0; k < N_OPT; k++) {
        printf(" %12.3f", (double)acc_train[k]);
    }
    printf("\ntest     ");
    for (k = 0; k < N_OPT; k++) {
        printf(" %12.3f", (double)acc_test[k]);
    }
    printf("\ntest loss");
    for (k = 0; k < N_OPT; k++) {
        printf(" %12.4f", (double)loss_test[k]);
    }
    printf("\n\n");

    printf("first epoch with a mean training loss below 0.4:");
    for (k = 0; k < N_OPT; k++) {
        for (e = 0; e < EPOCHS && !(epoch_loss[k][e] < 0.4f); e++) {
        }
        if (e < EPOCHS) {
            printf(" %s %d%s", opts[k].name, e + 1, k + 1 < N_OPT ? "," : "\n");
        } else {
            printf(" %s never%s", opts[k].name, k + 1 < N_OPT ? "," : "\n");
        }
    }
    printf("(the momentum buffer lets each step build on the previous ones; Adam's\n"
           "steps are about lr in size at first, whatever the gradient.)\n\n");

    must(tmlp_baseline(&test_data, N_CLASSES, x_buf, counts, &majority, &uniform), "baseline");
    printf("random-guess baselines on the test set (class counts %lu, %lu, %lu, %lu):\n",
           (unsigned long)counts[0], (unsigned long)counts[1], (unsigned long)counts[2],
           (unsigned long)counts[3]);
    printf("   always the majority class: %.3f; uniformly random: %.3f\n", (double)majority,
           (double)uniform);
    for (k = 0; k < N_OPT; k++) {
        printf("   %-8s test accuracy - majority baseline = %+.3f\n", opts[k].name,
               (double)(acc_test[k] - majority));
    }
    return 0;
}
