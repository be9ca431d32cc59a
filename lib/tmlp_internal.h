/* SPDX-License-Identifier: MIT */
/* Declarations shared between the library's .c files; not installed. */
#ifndef TMLP_INTERNAL_H
#define TMLP_INTERNAL_H

#include "tinymlp.h"
#include "tmlp_fmath.h"

/* Internal invariants only; public entry points check arguments always. */
#ifndef TMLP_ASSERT
#ifdef TMLP_DEBUG
#include <assert.h>
#define TMLP_ASSERT(x) assert(x)
#else
#define TMLP_ASSERT(x) ((void)0)
#endif
#endif

/* Keeps a helper out of its caller, so the two frames are not on the stack
 * together when the helper's own callees run (docs/quality.md, stack). A
 * hint only: without GCC attributes (clang has them too) it is empty. */
#if defined(__GNUC__)
#define TMLP_I_NOINLINE __attribute__((noinline))
#else
#define TMLP_I_NOINLINE
#endif

/* Sizes across the width of size_t, written so that no build compares a
 * value with a bound outside its type (-Wtype-limits): a uint32_t n fits a
 * size_t (always, unless size_t has 16 bits, as on the AVR), and a size_t n
 * is past 32 bits (never, unless size_t has 64). The handle's n_params and
 * n_train always fit: the net's arena holds that many floats. */
#if SIZE_MAX < UINT32_MAX
#define TMLP_I_FITS_SIZE(n) ((n) <= SIZE_MAX)
#else
#define TMLP_I_FITS_SIZE(n) 1
#endif
#if SIZE_MAX > UINT32_MAX
#define TMLP_I_OVER_U32(n) ((n) > UINT32_MAX)
#else
#define TMLP_I_OVER_U32(n) 0
#endif

/* C99 restrict; the kernels' pointer arguments must not alias. */
#define TMLP_RESTRICT restrict

/* How a net was built (tmlp_net_t.mode): the choices of tmlp_opts_t
 * combined, each with its own arena layout (tmlp_i_build_check derives it). */
typedef enum {
    TMLP_I_INFER = 0,          /* parameters in the arena; forward only */
    TMLP_I_INFER_BORROWED = 1, /* parameters in the caller's array */
    TMLP_I_TRAIN = 2,          /* parameters, gradients, optimizer state, caches */
    TMLP_I_FINETUNE = 3,       /* training; frozen layers' parameters in the caller's array */
    TMLP_I_TRAIN_NO_GRAD = 4,  /* TRAIN and FINETUNE without the gradient buffer */
    TMLP_I_FINETUNE_NO_GRAD = 5
} tmlp_i_mode_t;

/* Floats the buffers' base may lie past the arena's start: one line less
 * one float (0 without a line). */
#define TMLP_I_LEAD (TMLP_LINE_FLOATS(TMLP_CACHE_LINE) - 1u)

/* Arena layout: offsets in floats from the buffers' base, the arena's
 * first TMLP_CACHE_LINE boundary (its start when the line is 0). A region
 * that a mode does not have gets size 0 (and the next buffer's offset). */
typedef struct {
    size_t params, grad, state, input, acts, logits, target, delta;
    size_t scale, x_scaled; /* input scaling: offset then scale; scaled input */
    size_t total;     /* floats the arena must hold: TMLP_I_LEAD + the buffers */
    size_t n_params;  /* parameters of the whole model */
    size_t n_train;   /* parameters of the trainable layers (a suffix) */
    size_t n_frozen;  /* leading frozen layers */
    size_t max_units; /* widest layer (input excluded) */
    size_t max_train; /* widest trainable layer */
} tmlp_i_layout_t;

/* Checks desc and opts (NULL: all zeros) together, as tmlp_arena_size and
 * tmlp_net_init do, and derives how the net is built and its optimizer's
 * state vectors. The parameter array itself is not read. */
tmlp_status_t tmlp_i_build_check(const tmlp_desc_t *desc, const tmlp_opts_t *opts,
                                 tmlp_i_mode_t *mode, uint32_t *slots);
/* TMLP_ERR_SHAPE if a layout of this desc could not be counted in size_t
 * (possible only with TMLP_MAX_WIDTH or TMLP_MAX_LAYERS raised far above
 * their defaults on a 32-bit target). */
tmlp_status_t tmlp_i_size_check(const tmlp_desc_t *desc, uint32_t slots);
/* Computes the layout of a checked desc; slots as tmlp_optim_slots(). */
void tmlp_i_layout(const tmlp_desc_t *desc, tmlp_i_mode_t mode, uint32_t slots,
                   tmlp_i_layout_t *layout);

/* Leading frozen layers (the frozen layers of a checked desc: a prefix). */
size_t tmlp_i_n_frozen(const tmlp_desc_t *desc);
/* Width of the input of layer l. */
size_t tmlp_i_layer_in(const tmlp_desc_t *desc, size_t l);
/* Offset (floats) of layer l's weights in the canonical parameter vector. */
size_t tmlp_i_layer_offset(const tmlp_desc_t *desc, size_t l);
/* Activation parameter with the default substituted for 0. */
float tmlp_i_act_param(const tmlp_layer_desc_t *layer);

/* tmlp_net_t.magic of a net whose init succeeded ("TMLP" in ASCII). */
#define TMLP_I_NET_MAGIC 0x504C4D54u

/* TMLP_ERR_ARG for NULL, TMLP_ERR_UNINIT unless an init succeeded on this
 * handle (the layer count is checked too, so garbage is seldom taken for a
 * net). Every public function taking a net calls it before anything else;
 * out of line (tmlp_net.c), since it has some thirty callers. */
tmlp_status_t tmlp_i_net_check(const tmlp_net_t *net);

/* Training modes (TRAIN, FINETUNE and their FUSED forms). This and the
 * next tests are constants where tmlp_config.h leaves a feature out, so the
 * compiler drops the code behind them. */
static inline int tmlp_i_mode_trains(unsigned mode)
{
    return TMLP_WITH_TRAINING && mode >= (unsigned)TMLP_I_TRAIN &&
           mode <= (unsigned)TMLP_I_FINETUNE_NO_GRAD;
}

/* Fine-tuning modes: the frozen layers' parameters stay in the caller's array. */
static inline int tmlp_i_mode_finetune(unsigned mode)
{
    return mode == (unsigned)TMLP_I_FINETUNE || mode == (unsigned)TMLP_I_FINETUNE_NO_GRAD;
}

/* Modes without a gradient buffer: fused batch-1 SGD only. */
static inline int tmlp_i_mode_fused(unsigned mode)
{
    return !TMLP_WITH_CHECKED_STEP || mode == (unsigned)TMLP_I_TRAIN_NO_GRAD ||
           mode == (unsigned)TMLP_I_FINETUNE_NO_GRAD;
}

/* 1 if the net scales its inputs (and this build can). */
static inline int tmlp_i_desc_scaled(const tmlp_desc_t *desc)
{
    return TMLP_WITH_INPUT_SCALE && (desc->flags & TMLP_DESC_INPUT_SCALE) != 0u;
}

/* The questions about how a net was built, answered from net->mode only. */
/* 1 for a training net (fine-tuning included): it has trainable parameters. */
static inline int tmlp_i_trains(const tmlp_net_t *net)
{
    return tmlp_i_mode_trains(net->mode);
}

/* 1 for a training net with a gradient buffer (net->grad). */
static inline int tmlp_i_has_grad(const tmlp_net_t *net)
{
    return tmlp_i_trains(net) && !tmlp_i_mode_fused(net->mode);
}

/* TMLP_OK for a training net; else why not: TMLP_ERR_UNSUPPORTED (a build
 * without training) or TMLP_ERR_NOT_TRAINING (an inference net). */
static inline tmlp_status_t tmlp_i_train_check(const tmlp_net_t *net)
{
    if (!TMLP_WITH_TRAINING) {
        return TMLP_ERR_UNSUPPORTED;
    }
    return tmlp_i_trains(net) ? TMLP_OK : TMLP_ERR_NOT_TRAINING;
}

/* TMLP_OK for a training net with a gradient buffer; else why not:
 * TMLP_ERR_UNSUPPORTED (a build without the checked path, whatever the
 * net), TMLP_ERR_NOT_TRAINING or TMLP_ERR_NO_GRAD. */
static inline tmlp_status_t tmlp_i_grad_check(const tmlp_net_t *net)
{
    tmlp_status_t st = TMLP_ERR_UNSUPPORTED; /* a build without the checked path */
    if (TMLP_WITH_CHECKED_STEP) {
        st = tmlp_i_train_check(net);
    }
    if (st != TMLP_OK) {
        return st;
    }
    return tmlp_i_mode_fused(net->mode) ? TMLP_ERR_NO_GRAD : TMLP_OK;
}

/* Plain SGD: v = mu v + (1 - dampening) g, w -= lr v (any momentum and
 * dampening; no weight decay, Nesterov or maximize). The one definition:
 * the fused step and the optimizer's fast loops both ask it. */
static inline int tmlp_i_sgd_is_plain(const tmlp_optim_t *o)
{
    return o->kind == TMLP_OPT_SGD && !o->maximize && o->weight_decay == 0.0f && !o->nesterov;
}

/* What tmlp_net_train_sample can fold into one pass: plain SGD without
 * clipping (clipping needs the whole gradient's norm first). */
static inline int tmlp_i_optim_fusable(const tmlp_optim_t *o)
{
    return tmlp_i_sgd_is_plain(o) && o->clip_norm == 0.0f;
}

/* The parameter and momentum bounds of tmlp_net_train_sample no longer
 * hold: every write to a training net's parameters or optimizer state other
 * than a fused step calls this. */
static inline void tmlp_i_forget_bounds(tmlp_net_t *net)
{
    net->bounds_known = 0;
}

/* Work on one trainable layer during a backward walk: its parameters start
 * at train_params + off; a_prev is its input, delta its output's dL/dz;
 * back, when not NULL, must receive sum_j W[j][i] delta[j] (the walk then
 * applies the previous layer's activation derivative). */
typedef void (*tmlp_i_layer_fn)(void *ctx, size_t off, const float *a_prev, const float *delta,
                                float *back, size_t n_in, size_t units);
/* The one backward walk: from net->delta (the output's dL/dz, see
 * tmlp_i_output_delta) through the trainable layers, last to first, calling
 * layer_fn on each; the checked backward pass and the fused step's two
 * passes are its layer functions. Uses both delta buffers. */
void tmlp_i_backward_walk(tmlp_net_t *net, tmlp_i_layer_fn layer_fn, void *ctx);
/* The output layer's dL/dz of the last forward, into net->delta. */
void tmlp_i_output_delta(tmlp_net_t *net, tmlp_loss_t loss, const tmlp_target_t *target);

/* tmlp_argmax without the checks (n >= 1): the first index of the largest. */
uint32_t tmlp_i_argmax(const float *y, size_t n);

/* Loss of the last forward (checks included), as tmlp_net_loss. */
tmlp_status_t tmlp_i_sample_loss(const tmlp_net_t *net, tmlp_loss_t loss,
                                 const tmlp_target_t *target, float *value);

/* Training nets: zeroes gradients and optimizer state, clears the step and
 * batch counters. No effect on an inference net. */
void tmlp_i_reset_training(tmlp_net_t *net);
/* tmlp_net_step, computing the gradient norm if want_norm (else
 * net->grad_norm becomes -1, unknown); the training loop asks for it when
 * its grad_tol rule needs it. */
tmlp_status_t tmlp_i_net_step(tmlp_net_t *net, int want_norm);
/* tmlp_net_zero_grad without the checks: forgets the accumulated gradient
 * of a net with a gradient buffer; no effect on any other net. */
void tmlp_i_zero_grad(tmlp_net_t *net);

/* Checks a data source against the net: a read function, samples, and
 * stated widths that match the net's (TMLP_ERR_SHAPE). */
tmlp_status_t tmlp_i_data_check(const tmlp_net_t *net, const tmlp_data_t *data);

/* ---- random numbers (tmlp_rng.c): the public ones without the argument
 * checks, for the library's own callers ---- */

void tmlp_i_rng_seed(tmlp_rng_t *rng, uint32_t seed);
uint32_t tmlp_i_rng_u32(tmlp_rng_t *rng);
float tmlp_i_rng_uniform(tmlp_rng_t *rng);
float tmlp_i_rng_normal(tmlp_rng_t *rng);

/* ---- dense kernels (tmlp_kernel.c) ---- */

/* 1 if every x[0..n) is finite. */
int tmlp_i_all_finite(const float *x, size_t n);
/* max |x[i]| as the bits of a float (>= 0x7f800000: some x[i] is not
 * finite); 0 for n = 0. */
uint32_t tmlp_i_abs_max_bits(const float *x, size_t n);

/* sum_i a[i] b[i] with 8 partial sums combined in a fixed tree. */
float tmlp_i_dot(const float *TMLP_RESTRICT a, const float *TMLP_RESTRICT b, size_t n);
/* sum_i (a[i] s)^2, same summation order as tmlp_i_dot. */
float tmlp_i_sumsq_scaled(const float *a, float s, size_t n);
/* z[j] = dot(W[j], x) + b[j] for j < n_out; W is [n_out][n_in]. */
void tmlp_i_dense_forward(const float *TMLP_RESTRICT w, const float *TMLP_RESTRICT b,
                          const float *TMLP_RESTRICT x, float *TMLP_RESTRICT z, size_t n_in,
                          size_t n_out);
/* Adds d[j] x[i] to gw[j][i] and d[j] to gb[j]; if d_in is not NULL, sets
 * d_in[i] = sum_j W[j][i] d[j] (summed in order j = 0, 1, ...). */
void tmlp_i_dense_backward(const float *TMLP_RESTRICT w, float *TMLP_RESTRICT gw,
                           float *TMLP_RESTRICT gb, const float *TMLP_RESTRICT x,
                           const float *TMLP_RESTRICT d, float *TMLP_RESTRICT d_in, size_t n_in,
                           size_t n_out);

/* y[i] += a x[i] for i < n. */
void tmlp_i_axpy(float *TMLP_RESTRICT y, float a, const float *TMLP_RESTRICT x, size_t n);

/* Plain SGD over a run of parameters (tmlp_kernel_sgd.c, which states the
 * update): the one kernel of the checked and the fused training steps. */
typedef struct {
    float lr, mu, keep; /* keep = 1 - dampening */
    int first;          /* with momentum: the first step, v = gradient */
    int from_zero;      /* 1: the gradient is 0 + a x[i] (the fused step);
                           0: a x[i] exactly (the checked step) */
} tmlp_i_sgd_t;
/* Rows j < rows of w (n floats each; j n + i) and of the momentum v (same
 * layout; NULL without momentum), updated by the gradient a[j] x[i]. w, v
 * and x do not overlap. */
void tmlp_i_sgd_rows(const tmlp_i_sgd_t *k, float *w, float *v, const float *x, const float *a,
                     size_t n, size_t rows);
/* Updates one dense layer's parameters w (W [n_out][n_in], then b) and
 * momentum v (same layout; NULL without momentum) by the gradient of one
 * sample, d[j] x[i] (d[j] for the biases), fused: the same values as
 * tmlp_i_dense_backward into a zeroed gradient and then the SGD step with
 * gradient scale 1 (k->from_zero = 1). If d_in is not NULL, first sets it
 * as tmlp_i_dense_backward does, from the old weights. */
void tmlp_i_dense_sgd1(const tmlp_i_sgd_t *k, float *w, float *v, const float *x,
                       const float *d, float *d_in, size_t n_in, size_t n_out);

/* ---- activations (tmlp_act.c) ---- */

/* y = act(z), elementwise (softmax over all n); y may equal z. */
void tmlp_i_act_forward(uint8_t act, float param, const float *z, float *y, size_t n);
/* d = d * act'(z), with act' computed from the output y (softmax: the
 * Jacobian-vector product y * (d - <d, y>)). */
void tmlp_i_act_backward(uint8_t act, float param, const float *y, float *d, size_t n);

/* ---- losses (tmlp_loss.c) ---- */

/* Checks that `loss` suits the output layer and `target` its width. */
tmlp_status_t tmlp_i_loss_check(const tmlp_desc_t *desc, tmlp_loss_t loss,
                                const tmlp_target_t *target);
/* Loss of one sample from the output layer's logits z and activations y. */
float tmlp_i_loss_value(const tmlp_layer_desc_t *out_layer, tmlp_loss_t loss, const float *z,
                        const float *y, const tmlp_target_t *target, size_t n);
/* dL/dz of one sample into delta[0..n). */
void tmlp_i_loss_delta(const tmlp_layer_desc_t *out_layer, tmlp_loss_t loss, const float *y,
                       const tmlp_target_t *target, float *delta, size_t n);

/* ---- optimizers (tmlp_optim.c) ---- */

/* Validates opt and counts its state vectors. */
tmlp_status_t tmlp_i_optim_check(const tmlp_optim_t *opt, uint32_t *slots);
/* The state vectors a valid optimizer uses (what a model file holds: after
 * tmlp_net_set_optim it can be fewer than the net's arena has room for). */
uint32_t tmlp_i_optim_used_slots(const tmlp_optim_t *opt);
/* The same for a training mode (opt not NULL: the build check asks only
 * when an optimizer is given); a mode without a gradient buffer needs plain
 * SGD (TMLP_ERR_ARG). */
tmlp_status_t tmlp_i_mode_optim_check(unsigned mode, const tmlp_optim_t *opt, uint32_t *slots);
/* One all-or-nothing step with gradient g * gscale (opt already checked);
 * *norm gets the L2 norm of g * gscale before clipping. */
tmlp_status_t tmlp_i_optim_apply(const tmlp_optim_t *opt, float *w, const float *g, float gscale,
                                 float *state, size_t n, uint32_t step, float *norm);
/* As tmlp_i_optim_apply, and on success also sets g[0..n) to zero (in the
 * commit pass: tmlp_net_step need not clear the gradient again). */
tmlp_status_t tmlp_i_optim_apply_zero(const tmlp_optim_t *opt, float *w, float *g, float gscale,
                                      float *state, size_t n, uint32_t step, float *norm);

/* ---- training loop (tmlp_sched.c, tmlp_train_order.c) ---- */

tmlp_status_t tmlp_i_sched_check(const tmlp_sched_t *sched);
float tmlp_i_sched_lr(const tmlp_sched_t *sched, float lr0, uint32_t epoch);
/* Draws the order of the next epoch (no-op without shuffling). */
void tmlp_i_order_new_epoch(tmlp_trainer_t *tr);
/* Sample index visited at position i of the current epoch. */
uint32_t tmlp_i_order_index(const tmlp_trainer_t *tr, uint32_t i);

#endif
