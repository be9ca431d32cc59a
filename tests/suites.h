/* SPDX-License-Identifier: MIT */
#ifndef TMLP_SUITES_H
#define TMLP_SUITES_H

#include <stdint.h>

#include "tinymlp.h"

void suite_fmath(void);     /* test_fmath.c: elementary functions vs libm */
void suite_core(void);      /* test_core.c: arena sizes, forward, init, rng, crc */
void suite_optim(void);     /* test_optim.c: optimizers vs hand-computed steps */
void suite_gradcheck(void); /* test_gradcheck.c: back-propagation vs finite differences */
/* test_errors_*.c: every error path leaves the model unchanged (fixtures.h) */
void suite_errors_optim(void);  /* test_errors_optim.c: status strings, rng, optimizers on vectors */
void suite_errors_net(void);    /* test_errors_net.c: arena sizes, init, set-up of a net */
void suite_errors_passes(void); /* test_errors_passes.c: forward, loss, backward, step, gradcheck */
void suite_errors_loop(void);   /* test_errors_loop.c: data, schedules, the loop, metrics, canary */
void suite_worked_examples(void); /* test_worked_examples.c: hand-computed examples */
void suite_train(void);     /* test_train.c: XOR, symmetry, weights-hash */
void suite_model(void);     /* test_model.c: model files, input scaling */
void suite_finetune(void);  /* test_finetune.c: frozen layers, fine-tuning */
void suite_loop(void);      /* test_loop.c: the training loop, metrics */
void suite_cover(void);     /* test_cover_api.c: edge paths (runs suite_cover_numeric too) */
void suite_contracts(void);  /* test_contracts.c: contracts at the API's edges */
void suite_examples(void);  /* test_examples.c: the examples' claims */
void suite_ckpt(void);  /* test_ckpt.c */
void suite_ckpt_weak(void); /* test_ckpt_weak.c: checkpoints on a flash with weak bits */
void suite_train_sample(void);      /* test_train_sample.c: tmlp_net_train_sample, the fused batch-1 SGD step */
/* test_small.c: the cases that fit an 8-bit AVR (weights-hash lines) */
void suite_small_train(void);
void suite_small_softmax(void);
void suite_small_arith(void); /* test_small_arith.c: +, -, *, /, conversions as IEEE-754 */
void suite_small_api(void);
void suite_handles(void);   /* test_handles.c: uninitialised handles, stale trainers, impossible state */

/* test_ckpt.c's 2-3-1 training net (SGD + momentum) whose weights depend on
 * seed, built in one of its two arenas (which: 0 or 1); returns its
 * weights-hash. Shared with test_ckpt_weak.c. */
uint32_t ckpt_test_net(tmlp_net_t *net, int which, uint32_t seed);

#endif
