/* SPDX-License-Identifier: MIT */
/* Fixtures shared by the test files (tests/fixtures.c).
 *
 * Builders several suites use: special floats, optimizers, descriptions of
 * one- and two-layer nets, seeded training nets and data sources over
 * arrays.
 *
 * Then the machinery of the error suites (test_errors_*.c: every error path
 * of the public API leaves the model as it was). tinymlp.h promises that on
 * any error "parameters, optimizer state, step counts and accumulated
 * gradients are exactly as before the call (scratch buffers in the arena may
 * differ)". Each case snapshots
 *   - the handle tmlp_net_t, byte for byte,
 *   - the parameters as tmlp_net_params() shows them,
 *   - for arena-backed nets, the arena's leading region that holds the
 *     parameters, gradient sums and optimizer state (n_params (2 + slots)
 *     floats for training, n_params for inference: the order the header's
 *     arena formula lists them in; the activations after it are scratch),
 * makes the failing call, and compares. Where the handle legitimately
 * changes on an error, the test says so and checks everything else.
 *
 * The static buffers behind these fixtures are defined once, in fixtures.c,
 * and shared by every suite that uses them: RAM is scarce (the Cortex-M0
 * has 16 KB for a suite). */
#ifndef TMLP_FIXTURES_H
#define TMLP_FIXTURES_H

#include <stddef.h>
#include <stdint.h>

#include "tinymlp.h"
#include "tmlp_test.h"

/* ---- numbers ------------------------------------------------------------- */

float from_bits(uint32_t u);
float qnan(void); /* quiet NaN, 0x7fc00000 */
float pinf(void); /* +Inf */
int is_finite(float x);
float absf(float x);

/* ---- builders ------------------------------------------------------------ */

/* An optimizer of the given kind, rate and momentum, everything else 0. */
tmlp_optim_t make_opt(uint8_t kind, float lr, float momentum);

/* One dense layer n_in -> units with activation act; everything else 0. */
tmlp_desc_t mlp1(uint16_t n_in, uint16_t units, uint8_t act);

/* Two dense layers n_in -> hidden (act_h) -> n_out (act_o); everything else 0. */
tmlp_desc_t mlp2(uint16_t n_in, uint16_t hidden, uint16_t n_out, uint8_t act_h, uint8_t act_o);

/* A training net of description d and optimizer o in arena (bytes long),
 * its weights drawn by the default initialiser (TMLP_INIT_AUTO; the biases
 * too if init_bias) from a generator seeded with seed. */
void seeded_net(tmlp_net_t *net, const tmlp_desc_t *d, const tmlp_optim_t *o, float *arena,
                size_t bytes, uint32_t seed, uint8_t init_bias);
/* The same with the given build options (opts->optim the optimizer). */
void seeded_net_opts(tmlp_net_t *net, const tmlp_desc_t *d, const tmlp_opts_t *opts, float *arena,
                     size_t bytes, uint32_t seed, uint8_t init_bias);

/* Data sources over the first n samples of arrays: inputs X[n][n_in] and
 * class labels (uint32_t or uint8_t) or target vectors Y[n][n_out]. The
 * arrays a are filled in and become the source's context: they must live as
 * long as data. */
void label_data(tmlp_data_t *data, tmlp_arrays_t *a, const float *X, uint16_t n_in,
                const uint32_t *labels, uint32_t n);
void label_u8_data(tmlp_data_t *data, tmlp_arrays_t *a, const float *X, uint16_t n_in,
                   const uint8_t *labels, uint32_t n);
void vector_data(tmlp_data_t *data, tmlp_arrays_t *a, const float *X, uint16_t n_in,
                 const float *Y, uint16_t n_out, uint32_t n);

/* ---- the error suites' 2-3-2 model ---------------------------------------- */

/* A valid 2-3-2 model: tanh hidden layer, the given output activation. */
void base_desc(tmlp_desc_t *d, uint8_t out_act);

#define NP TMLP_MLP2_PARAMS(2, 3, 2) /* 17 */

extern const float X0[2];
extern const float X1[2];
extern const float T0[2];
extern const float T_BCE[2];

/* A loss and target that suit the output activation. */
tmlp_loss_t fx_loss(uint8_t out_act, tmlp_target_t *t);

/* ---- snapshots ------------------------------------------------------------ */

/* The last snapshot's copy of the handle, and of the arena region it kept
 * (`keep` floats from `region`, the start of the net's buffers). */
extern unsigned char snap_handle[sizeof(tmlp_net_t)];
extern float snap_region[TMLP_MLP2_BYTES(2, 3, 2, TMLP_SLOTS_ADAM, TMLP_BUILD_TRAIN) /
                         sizeof(float)];

void snapshot(const tmlp_net_t *net, const float *region, size_t keep);

/* Floats a buffer of n floats takes in this build's arena: n rounded up to
 * whole cache lines (tmlp_config.h, TMLP_CACHE_LINE). */
#define FX_LINES(n) TMLP_LINE_ROUND(n, TMLP_CACHE_LINE)

/* Bit mask of what differs from the snapshot: 1 handle, 2 arena region
 * (parameters, gradients, optimizer state), 4 parameters. */
unsigned changes(const tmlp_net_t *net);

/* 1 if nothing but the parts in `ignore` changed; says what did otherwise. */
int unchanged(const tmlp_net_t *net, unsigned ignore);

/* After a failed init: the handle is refused (TMLP_ERR_UNINIT) and differs
 * from the snapshot in its init marker only; the arena is untouched. */
int failed_init_refused(const tmlp_net_t *net);

#define CHECK_UNCHANGED(net) CHECK(unchanged(net, 0u))
#define CHECK_FAILED_INIT_REFUSED(net) CHECK(failed_init_refused(net))
/* Parameters, gradients and optimizer state as before; the handle may differ. */
#define CHECK_MODEL_UNCHANGED(net) CHECK(unchanged(net, 1u))

/* ---- fixture nets ---------------------------------------------------------- */

/* The training net (2-3-2 in an arena big enough for Adam), where its
 * buffers start (its parameters, then gradients and optimizer state, each
 * FX_LINES() long) and the number of floats from there its snapshots keep. */
extern float fx_arena[TMLP_MLP2_BYTES(2, 3, 2, TMLP_SLOTS_ADAM, TMLP_BUILD_TRAIN) /
                      sizeof(float)];
extern tmlp_net_t fx_net;
extern const float *fx_base;
extern size_t fx_keep;

/* The inference net, parameters in its arena (from inf_base). */
extern float inf_arena[TMLP_MLP2_BYTES(2, 3, 2, 0, 0) / sizeof(float)];
extern tmlp_net_t inf_net;
extern const float *inf_base;

/* The inference net with borrowed const parameters. */
extern float const_arena[TMLP_MLP2_BYTES(2, 3, 2, 0, TMLP_BUILD_BORROW) / sizeof(float)];
extern tmlp_net_t const_net;
extern const float const_params[NP];

/* Shared scratch: a spare handle and its byte copy, a copy of fx_arena, a
 * parameter vector. */
extern tmlp_net_t aux_net, aux_expect;
extern unsigned char fx_copy[sizeof fx_arena];
extern float tmp_p[NP + 1u];

/* Training net in fx_net / fx_arena: weights from a fixed seed, then
 * `history` steps of one sample each (so the optimizer state is not zero);
 * if busy, one more sample back-propagated without a step (batch_count 1)
 * and one more forward (backward_ready 1). Snapshot taken. */
tmlp_net_t *train_fx(const tmlp_optim_t *opt, uint8_t out_act, int history, int busy);

/* train_fx with SGD (lr 0.05, momentum 0.9), identity output, 3 steps, busy. */
tmlp_net_t *busy_fx(void);

/* Inference net (parameters in the arena) after one forward; snapshot taken. */
tmlp_net_t *infer_fx(void);

/* Inference net with const parameters, after one forward; snapshot taken. */
tmlp_net_t *const_fx(void);

/* ---- invalid descriptions and optimizers ----------------------------------- */

/* The i-th invalid description (the valid 2-3-2 one with one thing broken)
 * and the status it must give; 0 past the last one (29 of them). */
int bad_desc(int i, tmlp_desc_t *d, tmlp_status_t *want);

/* The i-th invalid optimizer; 0 past the last one (34 of them). */
int bad_opt(int i, tmlp_optim_t *o);

#endif
