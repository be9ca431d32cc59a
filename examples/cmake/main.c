/* SPDX-License-Identifier: MIT */
/* The CMake consumer example: trains a 2-4-1 net on XOR with the training
 * loop (full batch, SGD with momentum), then runs it. Prints one line per
 * input and "cmake example: ok" if all four are right; exits 0 then. */
#include <stdio.h>

#include "tinymlp.h"

static float arena[TMLP_MLP2_BYTES(2, 4, 1, TMLP_SLOTS_MOMENTUM, TMLP_BUILD_TRAIN) / sizeof(float)];

int main(void)
{
    static const float x[4][2] = {{0.0f, 0.0f}, {0.0f, 1.0f}, {1.0f, 0.0f}, {1.0f, 1.0f}};
    static const float y[4] = {0.0f, 1.0f, 1.0f, 0.0f};
    tmlp_desc_t desc = {0};
    tmlp_optim_t opt = {0};
    tmlp_init_t init = {0};
    tmlp_arrays_t arrays = {0};
    tmlp_train_cfg_t cfg = {0};
    tmlp_train_result_t result;
    tmlp_trainer_t tr;
    tmlp_data_t data;
    tmlp_net_t net;
    tmlp_rng_t rng;
    int i, right = 0;

    desc.n_in = 2;
    desc.n_layers = 2;
    desc.layer[0].units = 4;
    desc.layer[0].act = TMLP_ACT_TANH;
    desc.layer[1].units = 1;
    desc.layer[1].act = TMLP_ACT_SIGMOID;
    opt.kind = TMLP_OPT_SGD;
    opt.lr = 0.5f;
    opt.momentum = 0.9f;
    init.kind = TMLP_INIT_XAVIER_UNIFORM;
    init.init_bias = 1;
    arrays.X = &x[0][0];
    arrays.Y = y;
    arrays.n_in = 2;
    arrays.n_out = 1;
    cfg.loss = TMLP_LOSS_BCE;
    cfg.batch = 0; /* the whole set */
    cfg.max_epochs = 1000;

    if (tmlp_net_init(&net, &desc, &(tmlp_opts_t){.optim = &opt}, arena, sizeof arena, NULL) != TMLP_OK ||
        tmlp_rng_seed(&rng, 1u) != TMLP_OK || tmlp_net_init_weights(&net, &init, &rng) != TMLP_OK ||
        tmlp_data_arrays(&data, &arrays, 4u) != TMLP_OK ||
        tmlp_train(&tr, &net, &data, &cfg, &result) != TMLP_OK) {
        printf("cmake example: setup or training failed\n");
        return 1;
    }
    printf("trained %lu epochs, loss %.4f\n", (unsigned long)result.epochs,
           (double)result.train_loss);
    for (i = 0; i < 4; i++) {
        float out;
        if (tmlp_net_forward(&net, x[i], &out) != TMLP_OK) {
            return 1;
        }
        printf("%d xor %d -> %.3f\n", (int)x[i][0], (int)x[i][1], (double)out);
        right += (out > 0.5f) == (y[i] > 0.5f);
    }
    if (right != 4) {
        printf("cmake example: FAILED (%d of 4 right)\n", right);
        return 1;
    }
    printf("cmake example: ok\n");
    return 0;
}
