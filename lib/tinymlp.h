/* SPDX-License-Identifier: MIT */
/* tinymlp: multi-layer perceptrons that run and train on microcontrollers,
 * in single precision, in one caller-owned arena whose size is known at
 * compile time.
 *
 * The one public header. Conventions that hold for every function below:
 * - Every function returns a tmlp_status_t (TMLP_OK = 0, errors < 0) and
 *   writes its results through out-parameters. tmlp_status_str() is the one
 *   exception: it can not fail and returns a string.
 * - Arguments are checked at entry. On any error nothing observable changes:
 *   parameters, optimizer state, step counts and accumulated gradients are
 *   exactly as before the call (scratch buffers in the arena may differ).
 * - Sizes are in bytes when named *_bytes, otherwise in elements (floats).
 * - The library keeps no state of its own: everything lives in the handles
 *   and the arena the caller provides. Calls on different handles may run
 *   concurrently (threads, interrupts); calls on the same handle may not.
 * - Results are bit-identical on every IEEE-754 target when the library is
 *   built with -ffp-contract=off (no fused multiply-add) and without
 *   -ffast-math: every sum has a fixed order, and the library carries its own
 *   exp/log/tanh/sqrt instead of the C library's.
 */
#ifndef TINYMLP_H
#define TINYMLP_H

#include <stddef.h>
#include <stdint.h>

#include "tmlp_config.h"

#ifdef __cplusplus
extern "C" {
#endif

#define TMLP_VERSION_MAJOR 0
#define TMLP_VERSION_MINOR 1
#define TMLP_VERSION_PATCH 0
/* Single number for comparisons: major * 10000 + minor * 100 + patch. */
#define TMLP_VERSION 100

/* ------------------------------------------------------------------------ */
/* Status                                                                    */
/* ------------------------------------------------------------------------ */

typedef enum {
    TMLP_OK = 0,
    TMLP_ERR_ARG = -1,     /* NULL pointer, unknown enum value, bad hyperparameter */
    TMLP_ERR_SHAPE = -2,   /* zero or too large width, too many layers, size mismatch */
    TMLP_ERR_NOMEM = -3,   /* arena smaller than tmlp_arena_size() (size reported) */
    TMLP_ERR_STATE = -4,   /* wrong order of calls, e.g. step before backward, training
                              an inference-only net, a loss the output layer can't take */
    TMLP_ERR_NUMERIC = -5, /* NaN/Inf in an input, target, parameter, loss, gradient or update */
    TMLP_ERR_FORMAT = -6,  /* malformed serialized data */
    TMLP_ERR_LABEL = -7,   /* class label out of range */
    TMLP_ERR_IO = -8,      /* storage failed: a flash read, program or erase (or a
                              checkpoint read back different from what was written) */
    TMLP_ERR_NOT_FOUND = -9, /* no valid checkpoint in the flash */
    TMLP_ERR_UNINIT = -10    /* the net handle was never initialised, or its last init
                                failed: every call but an init refuses it */
} tmlp_status_t;

/* Short English description of a status ("ok", "bad argument", ...); never
 * NULL. With TMLP_NO_STRINGS it returns "" for every code. */
const char *tmlp_status_str(tmlp_status_t status);

/* ------------------------------------------------------------------------ */
/* Model description                                                         */
/* ------------------------------------------------------------------------ */

typedef enum {
    TMLP_ACT_IDENTITY = 0,
    TMLP_ACT_SIGMOID = 1,    /* 1 / (1 + exp(-lambda z)); param = lambda, default 1 */
    TMLP_ACT_TANH = 2,
    TMLP_ACT_RELU = 3,
    TMLP_ACT_LEAKY_RELU = 4, /* z > 0 ? z : slope z; param = slope in (0, 1), default 0.01 */
    TMLP_ACT_SOFTMAX = 5     /* output layer only */
} tmlp_act_t;

/* One dense layer: y = act(W x + b), W of shape [units][previous width]. */
typedef struct {
    uint16_t units;  /* output width, 1..TMLP_MAX_WIDTH */
    uint8_t act;     /* a tmlp_act_t */
    uint8_t flags;   /* TMLP_LAYER_* bits */
    float act_param; /* sigmoid lambda or leaky ReLU slope; 0 selects the default;
                        must be 0 for the other activations */
} tmlp_layer_desc_t;

/* A frozen layer is not trained: no gradient, no optimizer state, no delta
 * is kept for it. Frozen layers must come first (layers 0..k-1), and at
 * least one layer of a training net must be trainable. */
#define TMLP_LAYER_FROZEN 1u

/* The shape of a model. Zero-initialise, then fill n_in, n_layers and
 * layer[0..n_layers-1]; layer[n_layers-1] is the output layer. Copied by
 * tmlp_net_init(): the caller may discard it afterwards. */
typedef struct {
    uint16_t n_in;    /* input width, 1..TMLP_MAX_WIDTH */
    uint8_t n_layers; /* 1..TMLP_MAX_LAYERS */
    uint8_t flags;    /* TMLP_DESC_* bits */
    tmlp_layer_desc_t layer[TMLP_MAX_LAYERS];
} tmlp_desc_t;

/* The net scales its input, x' = (x - offset) * scale per feature, before
 * the first layer, so a model carries its own preprocessing (see
 * tmlp_net_set_input_scale; the arena grows by TMLP_INPUT_SCALE_BYTES). */
#define TMLP_DESC_INPUT_SCALE 1u

/* ------------------------------------------------------------------------ */
/* Optimizers (work on any flat float vector, not only on a model)          */
/* ------------------------------------------------------------------------ */

typedef enum {
    /* torch.optim.SGD: g' = g + wd w; v = g' on the first step, then
     * v = mu v + (1 - dampening) g'; w -= lr v, or with Nesterov
     * w -= lr (g' + mu v). momentum = 0 is plain SGD and keeps no state. */
    TMLP_OPT_SGD = 0,
    /* Moving-average momentum: v = beta v + (1 - beta) g' (v starts
     * at 0); w -= lr v. beta is the `momentum` field. */
    TMLP_OPT_EMA = 1,
    /* torch.optim.Adam (bias-corrected); decoupled_wd selects AdamW. */
    TMLP_OPT_ADAM = 2,
    /* torch.optim.RMSprop (not centered); momentum > 0 adds a buffer. */
    TMLP_OPT_RMSPROP = 3
} tmlp_opt_kind_t;

/* Optimizer hyperparameters. Zero-initialise, then set kind and lr. Fields
 * documented "0 = default" can not be set to exactly 0 (use a tiny value). */
typedef struct {
    uint8_t kind;         /* a tmlp_opt_kind_t */
    uint8_t nesterov;     /* SGD: Nesterov momentum (needs momentum > 0, dampening 0) */
    uint8_t maximize;     /* step up the gradient instead of down (as torch) */
    uint8_t decoupled_wd; /* Adam: AdamW's w -= lr wd w instead of g += wd w */
    float lr;             /* learning rate, > 0 */
    float momentum;       /* SGD/RMSprop momentum or EMA beta, in [0, 1) */
    float dampening;      /* SGD, in [0, 1] */
    float weight_decay;   /* L2 penalty on weights and biases, >= 0 */
    float beta1;          /* Adam, 0 = default 0.9 */
    float beta2;          /* Adam, 0 = default 0.999 */
    float alpha;          /* RMSprop smoothing, 0 = default 0.99 */
    float eps;            /* Adam/RMSprop denominator term, 0 = default 1e-8 */
    float clip_norm;      /* > 0: scale the gradient so its L2 norm is at most this,
                             as torch.nn.utils.clip_grad_norm_ (0 = no clipping) */
} tmlp_optim_t;

/* State vectors each optimizer keeps per parameter (the `slots` argument of
 * the arena macros). */
#define TMLP_SLOTS_SGD 0u               /* SGD without momentum */
#define TMLP_SLOTS_MOMENTUM 1u          /* SGD with momentum, EMA */
#define TMLP_SLOTS_RMSPROP 1u           /* RMSprop without momentum */
#define TMLP_SLOTS_RMSPROP_MOMENTUM 2u  /* RMSprop with momentum */
#define TMLP_SLOTS_ADAM 2u              /* Adam, AdamW */

/* Number of state vectors `opt` keeps per parameter (0, 1 or 2).
 * Errors: TMLP_ERR_ARG (NULL, unknown kind, hyperparameter out of range). */
tmlp_status_t tmlp_optim_slots(const tmlp_optim_t *opt, uint32_t *slots);

/* One optimizer step on a flat vector: w[0..n) moves along g[0..n).
 * state: slots * n floats, zeroed by the caller before the first step, laid
 * out vector after vector; may be NULL when slots is 0. *step counts the
 * steps taken (0 before the first) and is incremented on success. The
 * arrays must not overlap. Nothing is written unless every new value is
 * finite.
 * Errors: TMLP_ERR_ARG, TMLP_ERR_NUMERIC (non-finite gradient or result). */
tmlp_status_t tmlp_optim_step(const tmlp_optim_t *opt, float *w, const float *g, float *state,
                              size_t n, uint32_t *step);

/* ------------------------------------------------------------------------ */
/* Building a net: one init, one arena                                       */
/* ------------------------------------------------------------------------ */

/* The handle, caller-owned (static, stack or a struct of the caller's);
 * its fields are private (defined at the end of this header). */
typedef struct tmlp_net tmlp_net_t;

/* How a net is built: three independent choices. Zero-initialise, then set
 * what differs from the default; all zeros (or a NULL tmlp_opts_t *) is an
 * inference net whose parameters live in the arena. */
typedef struct {
    /* Training: the optimizer (copied); NULL builds an inference net. */
    const tmlp_optim_t *optim;
    /* Where the parameters live. NULL: in the arena, starting at 0 (fill
     * them with tmlp_net_init_weights, tmlp_net_set_params or a load). Else
     * n_params floats of the caller's, canonical order, finite, borrowed for
     * the net's lifetime and never written (typically a const array in
     * flash): an inference net reads them in place; a training net reads
     * its frozen layers (TMLP_LAYER_FROZEN) in place and copies the
     * trainable ones into the arena, which holds only those. Such a
     * training net with frozen layers is called a fine-tuning net below. */
    const float *params;
    size_t n_params;
    /* Training only: no gradient buffer (n_train floats less). The net then
     * trains only by fused batch-1 steps (tmlp_net_train_sample, or the loop
     * with batch 1), so the optimizer must be plain SGD (momentum and
     * dampening allowed; no weight decay, Nesterov, maximize, clipping);
     * tmlp_net_backward, tmlp_net_step and tmlp_net_gradcheck are not
     * available (TMLP_ERR_STATE). Same results, bit for bit. */
    uint8_t no_grad_buffer;
} tmlp_opts_t;

/* Parameters (floats) of one dense layer: weights [n_out][n_in] then biases. */
#define TMLP_DENSE_PARAMS(n_in, n_out) ((size_t)(n_out) * ((size_t)(n_in) + 1u))

/* The same choices as bits, for the arena macros (OR them; 0 = inference
 * with the parameters in the arena). */
#define TMLP_BUILD_TRAIN 1u   /* opts.optim is set */
#define TMLP_BUILD_BORROW 2u  /* opts.params is set */
#define TMLP_BUILD_NO_GRAD 4u /* opts.no_grad_buffer is set */
#define TMLP_BUILD_SCALE 8u   /* the desc has TMLP_DESC_INPUT_SCALE */

/* Arena bytes, as one constant expression usable to declare the arena
 * (tmlp_arena_size() gives the same at run time). With
 *   n_in, n_out = input and output widths
 *   n_units   = sum over layers of units (the output layer included)
 *   max_units = largest layer width (the input width not included)
 *   n_params  = sum over layers of TMLP_DENSE_PARAMS(in, out)
 *   n_train   = the same over the trainable (not frozen) layers only
 *   max_train = largest trainable layer width
 *   slots     = TMLP_SLOTS_* of the optimizer (0 for inference)
 *   build     = TMLP_BUILD_* bits
 * the arena holds, in floats:
 *   inference: n_params unless borrowed, + 2 max_units (ping-pong
 *              activations), + 3 n_in with input scaling (offset, scale,
 *              the scaled input)
 *   training:  n_params (n_train when borrowed: the frozen layers stay in
 *              the caller's array), + n_train slots (optimizer state)
 *              + n_train unless NO_GRAD (gradient), + n_in + n_units + 2 n_out
 *              (input copy, activations, output logits, target), + 2 max_train
 *              (back-propagated deltas), + 2 n_in with input scaling
 * Nothing else: the handle holds the bookkeeping. Without frozen layers
 * n_train = n_params and max_train = max_units. The generated header of
 * `tinymlp export` defines the ready-made sizes of its model. */
#define TMLP_ARENA_BYTES(n_in, n_out, n_units, max_units, n_params, n_train, max_train, slots, \
                         build)                                                               \
    (sizeof(float) *                                                                          \
     (((build) & TMLP_BUILD_TRAIN)                                                            \
          ? (((build) & TMLP_BUILD_BORROW) ? (size_t)(n_train) : (size_t)(n_params)) +         \
                (size_t)(n_train) *                                                           \
                    ((size_t)(slots) + (((build) & TMLP_BUILD_NO_GRAD) ? 0u : 1u)) +          \
                (size_t)(n_in) + (size_t)(n_units) + 2u * (size_t)(n_out) +                  \
                2u * (size_t)(max_train) + (((build) & TMLP_BUILD_SCALE) ? 2u * (size_t)(n_in) : 0u) \
          : (((build) & TMLP_BUILD_BORROW) ? 0u : (size_t)(n_params)) +                       \
                2u * (size_t)(max_units) + (((build) & TMLP_BUILD_SCALE) ? 3u * (size_t)(n_in) : 0u)))

/* The same for the common shapes without frozen layers: MLP2 = input i, one
 * hidden layer h, output o; MLP3 = two hidden layers h1, h2. */
#define TMLP_MAX2(a, b) ((a) > (b) ? (a) : (b))
#define TMLP_MLP2_PARAMS(i, h, o) (TMLP_DENSE_PARAMS(i, h) + TMLP_DENSE_PARAMS(h, o))
#define TMLP_MLP2_BYTES(i, h, o, slots, build)                                                  \
    TMLP_ARENA_BYTES(i, o, (h) + (o), TMLP_MAX2(h, o), TMLP_MLP2_PARAMS(i, h, o),               \
                     TMLP_MLP2_PARAMS(i, h, o), TMLP_MAX2(h, o), slots, build)
#define TMLP_MLP3_PARAMS(i, h1, h2, o) \
    (TMLP_DENSE_PARAMS(i, h1) + TMLP_DENSE_PARAMS(h1, h2) + TMLP_DENSE_PARAMS(h2, o))
#define TMLP_MLP3_BYTES(i, h1, h2, o, slots, build)                                             \
    TMLP_ARENA_BYTES(i, o, (h1) + (h2) + (o), TMLP_MAX2(TMLP_MAX2(h1, h2), o),                  \
                     TMLP_MLP3_PARAMS(i, h1, h2, o), TMLP_MLP3_PARAMS(i, h1, h2, o),            \
                     TMLP_MAX2(TMLP_MAX2(h1, h2), o), slots, build)

/* Arena bytes for `desc` built with `opts` (may be NULL; its parameter
 * array is not read): the formula above, at run time.
 * Errors: TMLP_ERR_ARG (bad optimizer; no_grad_buffer without plain SGD or
 * without training), TMLP_ERR_SHAPE (desc invalid), TMLP_ERR_STATE (a
 * training net with nothing to train). */
tmlp_status_t tmlp_arena_size(const tmlp_desc_t *desc, const tmlp_opts_t *opts, size_t *n_bytes);

/* Builds a net in `arena` (4-byte aligned; declaring it as a float array is
 * the easy way), as `opts` says (NULL: inference, parameters in the arena).
 * Parameters in the arena start at 0. The arena (and opts->params) must
 * outlive the net; nothing is freed, ever. A net with
 * TMLP_DESC_INPUT_SCALE starts with offset 0 and scale 1
 * (tmlp_net_set_input_scale, or a load, sets them).
 * The init first marks the handle as not initialised: if it then fails, the
 * handle is refused (TMLP_ERR_UNINIT) by every other function until an init
 * succeeds. This is the one exception to "an error changes nothing": a
 * failed init never leaves a half-built or stale net usable. A handle that
 * is all zeros (a static one whose init never ran) is refused the same
 * way, and so is most garbage.
 * Errors: TMLP_ERR_ARG, TMLP_ERR_SHAPE (desc invalid, or n_params differs
 * from the desc's), TMLP_ERR_STATE (training with nothing to train),
 * TMLP_ERR_NUMERIC (a borrowed parameter is not finite), TMLP_ERR_NOMEM
 * (arena_bytes too small: *needed_bytes, if not NULL, gets the size). */
tmlp_status_t tmlp_net_init(tmlp_net_t *net, const tmlp_desc_t *desc, const tmlp_opts_t *opts,
                            void *arena, size_t arena_bytes, size_t *needed_bytes);

/* Replaces the optimizer of a training net (e.g. a new learning rate). The
 * new one must need no more state slots than the one given at init, and be
 * of the same kind (the state means something different to each kind). If
 * it uses a different number of state vectors than the current one (e.g.
 * momentum switched on or off), the state and step count start afresh.
 * Errors: TMLP_ERR_ARG, TMLP_ERR_STATE. */
tmlp_status_t tmlp_net_set_optim(tmlp_net_t *net, const tmlp_optim_t *opt);

/* Read-only view of the parameters in canonical order (per layer: W
 * [out][in] row-major, then b [out]); valid while the net lives.
 * Errors: TMLP_ERR_ARG, TMLP_ERR_STATE (a fine-tuning net: its parameters
 * are in two places; use tmlp_net_train_params()). */
tmlp_status_t tmlp_net_params(const tmlp_net_t *net, const float **params, size_t *n_params);

/* Read-only view of the trainable layers' parameters: the last n_train of
 * the canonical vector (all of it without frozen layers). For an inference
 * net, *n_train is 0. Errors: TMLP_ERR_ARG. */
tmlp_status_t tmlp_net_train_params(const tmlp_net_t *net, const float **params, size_t *n_train);

/* Copies n_params floats (canonical order) into the net's parameters.
 * Errors: TMLP_ERR_ARG, TMLP_ERR_STATE (const parameters), TMLP_ERR_SHAPE
 * (n_params differs), TMLP_ERR_NUMERIC (a value is not finite). */
tmlp_status_t tmlp_net_set_params(tmlp_net_t *net, const float *params, size_t n_params);

/* Sets the input scaling of a net built with TMLP_DESC_INPUT_SCALE: copies
 * offset[n_in] and scale[n_in] (finite). A new net starts with offset 0 and
 * scale 1. Errors: TMLP_ERR_ARG, TMLP_ERR_STATE (no TMLP_DESC_INPUT_SCALE),
 * TMLP_ERR_NUMERIC. */
tmlp_status_t tmlp_net_set_input_scale(tmlp_net_t *net, const float *offset, const float *scale);

/* Read-only views of the input scaling (n_in floats each).
 * Errors: TMLP_ERR_ARG, TMLP_ERR_STATE (no TMLP_DESC_INPUT_SCALE). */
tmlp_status_t tmlp_net_input_scale(const tmlp_net_t *net, const float **offset,
                                   const float **scale);

/* Widths: input, output, parameter count. Errors: TMLP_ERR_ARG. */
tmlp_status_t tmlp_net_shape(const tmlp_net_t *net, size_t *n_in, size_t *n_out, size_t *n_params);

/* ------------------------------------------------------------------------ */
/* Random numbers and initialisation                                         */
/* ------------------------------------------------------------------------ */

/* xoshiro128** generator; caller-owned state, 16 bytes. */
typedef struct {
    uint32_t s[4];
} tmlp_rng_t;

/* Seeds the generator: the same seed gives the same sequence on every
 * target. Pass a board's entropy (port/: tmlp_port_entropy()) for a
 * different run each boot.
 * Errors: TMLP_ERR_ARG. */
tmlp_status_t tmlp_rng_seed(tmlp_rng_t *rng, uint32_t seed);
/* Next 32 random bits. Errors: TMLP_ERR_ARG. */
tmlp_status_t tmlp_rng_u32(tmlp_rng_t *rng, uint32_t *out);
/* Uniform in [0, 1), a multiple of 2^-24. Errors: TMLP_ERR_ARG. */
tmlp_status_t tmlp_rng_uniform(tmlp_rng_t *rng, float *out);
/* Standard normal (Marsaglia's polar method). Errors: TMLP_ERR_ARG. */
tmlp_status_t tmlp_rng_normal(tmlp_rng_t *rng, float *out);

typedef enum {
    TMLP_INIT_AUTO = 0,       /* HE_UNIFORM for (leaky) ReLU layers, XAVIER_UNIFORM otherwise */
    TMLP_INIT_ZEROS = 1,
    TMLP_INIT_CONST = 2,      /* every weight = a */
    TMLP_INIT_UNIFORM = 3,    /* uniform in [a, b) */
    TMLP_INIT_NORMAL = 4,     /* mean a, standard deviation b */
    TMLP_INIT_FANIN_UNIFORM = 5,  /* uniform in +-1/sqrt(fan_in) (torch's nn.Linear) */
    TMLP_INIT_XAVIER_UNIFORM = 6, /* +-gain sqrt(6 / (fan_in + fan_out)) */
    TMLP_INIT_XAVIER_NORMAL = 7,  /* std gain sqrt(2 / (fan_in + fan_out)) */
    TMLP_INIT_HE_UNIFORM = 8,     /* +-gain sqrt(6 / fan_in) */
    TMLP_INIT_HE_NORMAL = 9       /* std gain sqrt(2 / fan_in) */
} tmlp_init_kind_t;

/* How to initialise parameters. Zero-initialised it means TMLP_INIT_AUTO
 * with zero biases. */
typedef struct {
    uint8_t kind;      /* a tmlp_init_kind_t */
    uint8_t init_bias; /* 0: biases = 0; 1: biases drawn like the weights */
    uint8_t reserved[2];
    float a;           /* CONST value, UNIFORM low, NORMAL mean, scaled kinds: gain (0 = 1) */
    float b;           /* UNIFORM high, NORMAL standard deviation */
} tmlp_init_t;

/* Initialises every layer's parameters, drawing from rng in canonical order
 * (per layer: weights row by row, then biases when init_bias is set).
 * Resets the optimizer state, step count and gradients of a training net.
 * Errors: TMLP_ERR_ARG, TMLP_ERR_STATE (const parameters). */
tmlp_status_t tmlp_net_init_weights(tmlp_net_t *net, const tmlp_init_t *init, tmlp_rng_t *rng);

/* ------------------------------------------------------------------------ */
/* Forward, loss, backward, step                                             */
/* ------------------------------------------------------------------------ */

typedef enum {
    /* 1/2 sum_k (y_k - yhat_k)^2 per sample (dL/dyhat = yhat - y). */
    TMLP_LOSS_HALF_SSE = 0,
    /* torch.nn.MSELoss: mean over the outputs of (y_k - yhat_k)^2. */
    TMLP_LOSS_MSE = 1,
    /* torch.nn.BCEWithLogitsLoss on a sigmoid output layer (mean over the
     * outputs), targets in [0, 1]; fused: dL/dz = lambda (yhat - y) / n_out. */
    TMLP_LOSS_BCE = 2,
    /* torch.nn.CrossEntropyLoss on a softmax output layer; fused: dL/dz =
     * yhat - onehot(label), or yhat sum(y) - y for a target vector of
     * non-negative weights (yhat - y for probabilities). */
    TMLP_LOSS_CE = 3
} tmlp_loss_t;

/* What a sample should produce: a target vector (n_out floats) or, when
 * `values` is NULL, a class label (one-hot for HALF_SSE/MSE/BCE; with a
 * single output and those losses, a binary label 0 or 1 is the target value
 * itself). Target vectors: finite; in [0, 1] for BCE; >= 0 for CE. */
typedef struct {
    const float *values; /* borrowed for the duration of the call */
    uint32_t label;      /* used when values is NULL; 0..n_out-1 */
} tmlp_target_t;

/* Runs the net on one input x[n_in] and writes y[n_out]. y may be NULL: the
 * output stays in the arena for tmlp_net_loss(). A training net keeps a copy
 * of x and every activation for tmlp_net_backward().
 * Errors: TMLP_ERR_ARG, TMLP_ERR_NUMERIC (x or the output is not finite; in
 * the second case the computation overflowed, x being finite: the
 * parameters or input scaling are too large for this input. The net forgets
 * its last output, so tmlp_net_loss and tmlp_net_backward return
 * TMLP_ERR_STATE until the next good forward). */
tmlp_status_t tmlp_net_forward(tmlp_net_t *net, const float *x, float *y);

/* Runs the net on n inputs X[n][n_in], writing Y[n][n_out]. Stops at the first
 * sample that fails; *n_done (if not NULL) says how many succeeded.
 * Errors: as tmlp_net_forward(). */
tmlp_status_t tmlp_net_forward_batch(tmlp_net_t *net, const float *X, size_t n, float *Y,
                                     size_t *n_done);

/* Loss of the last forward's output against target (one sample).
 * Errors: TMLP_ERR_ARG, TMLP_ERR_STATE (no forward yet, or BCE without a
 * sigmoid / CE without a softmax output), TMLP_ERR_LABEL, TMLP_ERR_NUMERIC. */
tmlp_status_t tmlp_net_loss(const tmlp_net_t *net, tmlp_loss_t loss, const tmlp_target_t *target,
                            float *value);

/* Back-propagates the last forward's sample and adds its gradient to the
 * net's gradient sums (the mean over the batch is taken by tmlp_net_step()).
 * *value (if not NULL) gets the sample's loss. Needs one forward before each
 * backward.
 * Errors: as tmlp_net_loss(), TMLP_ERR_STATE (inference net, no gradient
 * buffer, no forward). */
tmlp_status_t tmlp_net_backward(tmlp_net_t *net, tmlp_loss_t loss, const tmlp_target_t *target,
                                float *value);

/* Applies the optimizer to the mean of the gradients accumulated since the
 * last step, then clears them. All or nothing: if the gradient or any new
 * parameter or state value would be non-finite, nothing changes (the
 * accumulated gradients stay; clear them with tmlp_net_zero_grad()).
 * Errors: TMLP_ERR_ARG, TMLP_ERR_STATE (inference net, nothing accumulated),
 * TMLP_ERR_NUMERIC. */
tmlp_status_t tmlp_net_step(tmlp_net_t *net);

/* One sample of stochastic gradient descent: tmlp_net_forward(x),
 * tmlp_net_backward(loss, target, value) and tmlp_net_step() in one call,
 * with the same results bit for bit (parameters, optimizer state, step
 * count). Needs a training net with no accumulated gradient.
 * With plain SGD (any momentum and dampening; no weight decay, Nesterov,
 * maximize or clipping) the gradient is folded into the update as it is
 * computed: one pass over the parameters instead of three, and the gradient
 * buffer is not touched. Such a fused step does not compute the gradient
 * norm (tmlp_net_grad_norm() then gives TMLP_ERR_STATE). It stays all or
 * nothing: before writing, it proves from bounds on the parameters,
 * momentum, deltas and inputs that every new value is finite; when it
 * cannot (values beyond about 1e30), it takes the checked three-call path,
 * or, in a net without a gradient buffer, refuses the step with
 * TMLP_ERR_NUMERIC. Other optimizers always take the checked path.
 * On any error the parameters, optimizer state and gradient are as before.
 * Errors: as tmlp_net_forward() and tmlp_net_backward(); TMLP_ERR_STATE
 * (inference net, accumulated gradient); TMLP_ERR_NUMERIC (a non-finite
 * step). */
tmlp_status_t tmlp_net_train_sample(tmlp_net_t *net, const float *x, tmlp_loss_t loss,
                                    const tmlp_target_t *target, float *value);

/* Forgets the gradients accumulated since the last step. Errors: TMLP_ERR_ARG,
 * TMLP_ERR_STATE (inference net). */
tmlp_status_t tmlp_net_zero_grad(tmlp_net_t *net);

/* L2 norm of the mean gradient of the last successful step (before
 * clipping). Errors: TMLP_ERR_ARG, TMLP_ERR_STATE (the last step was a
 * fused tmlp_net_train_sample step, which does not compute it). */
tmlp_status_t tmlp_net_grad_norm(const tmlp_net_t *net, float *norm);

/* Index of the largest of y[0..n) (the first one on ties). Errors: TMLP_ERR_ARG. */
tmlp_status_t tmlp_argmax(const float *y, size_t n, uint32_t *index);

/* Compares back-propagated gradients with central finite differences
 * (L(w + h) - L(w - h)) / 2h for every parameter on one sample; reports the
 * largest |analytic - numeric| / max(1, |analytic|, |numeric|). Needs a
 * training net with no accumulated gradient; parameters are restored bit for
 * bit and the gradient sums cleared afterwards. Cost: 2 n_params forwards.
 * Errors: as tmlp_net_backward(); TMLP_ERR_ARG if h is not > 0. */
tmlp_status_t tmlp_net_gradcheck(tmlp_net_t *net, const float *x, tmlp_loss_t loss,
                                 const tmlp_target_t *target, float h, float *max_error);

/* ------------------------------------------------------------------------ */
/* Training loop                                                             */
/* ------------------------------------------------------------------------ */

/* Fills sample `index` (0..n-1): the input x[n_in] and either the target
 * vector y[n_out] or *label, as the data source's `targets` says (y is NULL
 * for a label source). x and y point into the net's arena or the caller's
 * scratch. Return TMLP_OK, or an error that stops
 * training and is passed on. Called from the training loop only. */
typedef tmlp_status_t (*tmlp_read_fn)(void *ctx, uint32_t index, float *x, float *y,
                                      uint32_t *label);

typedef enum {
    TMLP_TARGET_LABEL = 0, /* the read function sets *label (a class index) */
    TMLP_TARGET_VECTOR = 1 /* the read function fills y[n_out] */
} tmlp_target_kind_t;

/* A data set the loop reads one sample at a time: nothing is copied, so it
 * may be far larger than RAM (in flash, on an SD card, from a sensor log). */
typedef struct {
    uint32_t n;      /* number of samples, >= 1 */
    uint8_t targets; /* a tmlp_target_kind_t */
    uint8_t reserved;
    uint16_t n_in;   /* floats read writes into x, 0 = not stated (your own read
                        function: it must write the net's n_in) */
    uint16_t n_out;  /* floats read writes into y (vector targets), 0 = not stated */
    tmlp_read_fn read;
    void *ctx; /* passed to read */
} tmlp_data_t;

/* Context of the ready-made source for arrays in memory or flash: inputs
 * X[n][n_in] and either labels (uint8_t or uint32_t) or targets Y[n][n_out].
 * Set exactly one of labels_u8, labels, Y. Borrowed: must outlive training. */
typedef struct {
    const float *X;
    const uint8_t *labels_u8;
    const uint32_t *labels;
    const float *Y;
    uint16_t n_in, n_out;
} tmlp_arrays_t;

/* Makes `data` read from `arrays` (which it points to: keep both alive).
 * Errors: TMLP_ERR_ARG (NULL, not exactly one target array, zero widths). */
tmlp_status_t tmlp_data_arrays(tmlp_data_t *data, const tmlp_arrays_t *arrays, uint32_t n);

/* Learning-rate schedules, as functions of the epoch e (0, 1, ...); lr0 is
 * the optimizer's lr at tmlp_train_begin(). */
typedef enum {
    TMLP_SCHED_CONSTANT = 0, /* lr0 */
    TMLP_SCHED_STEP = 1,     /* lr0 gamma^floor(e / period) */
    TMLP_SCHED_EXP = 2,      /* lr0 gamma^e */
    TMLP_SCHED_INVERSE = 3,  /* lr0 / (1 + k e)  (k in `gamma`) */
    TMLP_SCHED_COSINE = 4    /* lr_min + (lr0 - lr_min) (1 + cos(pi e / period)) / 2, then lr_min */
} tmlp_sched_kind_t;

typedef struct {
    uint8_t kind;    /* a tmlp_sched_kind_t */
    uint8_t reserved[3];
    float gamma;     /* STEP/EXP factor in (0, 1]; INVERSE k >= 0 */
    float lr_min;    /* COSINE floor, >= 0 */
    uint32_t period; /* STEP: epochs per decay; COSINE: epochs to reach lr_min (>= 1) */
    uint32_t warmup; /* epochs of linear warm-up (lr (e + 1) / (warmup + 1)), 0 = none */
} tmlp_sched_t;

/* Why the loop stopped. */
typedef enum {
    TMLP_STOP_NONE = 0,       /* still running */
    TMLP_STOP_MAX_EPOCHS = 1, /* max_epochs completed */
    TMLP_STOP_MAX_STEPS = 2,  /* max_steps optimizer steps taken */
    TMLP_STOP_GRAD_NORM = 3,  /* ||mean gradient||_2 <= grad_tol after a step */
    TMLP_STOP_PLATEAU = 4,    /* relative epoch-loss decrease < rel_tol, rel_patience epochs in a row */
    TMLP_STOP_TIME = 5,       /* time_budget ticks elapsed */
    TMLP_STOP_EARLY = 6,      /* validation loss not improved for `patience` epochs */
    TMLP_STOP_CALLBACK = 7,   /* on_epoch returned nonzero */
    TMLP_STOP_ERROR = 8       /* a call failed (e.g. TMLP_ERR_NUMERIC: divergence) */
} tmlp_stop_t;

/* What the per-epoch callback sees. */
typedef struct {
    uint32_t epoch;      /* epochs completed (1 after the first) */
    uint32_t steps;      /* optimizer steps so far */
    float train_loss;    /* mean sample loss over the epoch */
    float val_loss;      /* mean validation loss, or -1 without validation data */
    float grad_norm;     /* norm of the last step's mean gradient; -1 when steps
                            are fused (batch 1 without grad_tol, plain SGD:
                            see tmlp_net_train_sample) */
    float lr;            /* learning rate used in this epoch */
    uint32_t elapsed;    /* ticks since tmlp_train_begin() */
} tmlp_epoch_info_t;

/* Returns nonzero to stop training (TMLP_STOP_CALLBACK). */
typedef int (*tmlp_epoch_fn)(void *ctx, const tmlp_epoch_info_t *info);

/* Training configuration. Zero-initialise, then set at least one limit
 * (max_epochs, max_steps, a tolerance or a time budget); 0 turns a rule off. */
typedef struct {
    uint8_t loss;    /* a tmlp_loss_t */
    uint8_t shuffle; /* 1: a new order every epoch, from `seed` */
    uint8_t restore_best; /* early stopping: restore best_params when stopping */
    uint8_t reserved;
    uint32_t batch;      /* samples per step; 0 or >= n = the whole set (batch GD);
                            1 uses tmlp_net_train_sample (fused, see there), and
                            is required (with grad_tol 0) without a gradient buffer */
    uint32_t seed;       /* shuffling seed */
    uint32_t *index_buf; /* optional n entries: Fisher-Yates shuffles them; without it
                            the order is a random bijection of [0, n) in O(1) memory */
    uint32_t max_epochs;
    uint32_t max_steps;
    float grad_tol;           /* stop when the step's gradient norm <= grad_tol */
    float rel_tol;            /* stop when (prev - loss) / |prev| < rel_tol ... */
    uint32_t rel_patience;    /* ... this many epochs in a row (0 means 1) */
    uint32_t time_budget;     /* ticks of `clock`; checked after every step */
    uint32_t (*clock)(void *ctx); /* tick source (wrapping uint32_t counter), required
                                     with a time budget (TMLP_ERR_ARG otherwise), e.g.
                                     tmlp_port_clock from port/; NULL: elapsed stays 0 */
    void *clock_ctx;
    const tmlp_data_t *val;   /* optional validation set, evaluated every epoch */
    uint32_t patience;        /* early stopping on val (0 = off) */
    float *best_params;       /* optional: the best trainable parameters by val loss,
                                 n_train floats (see tmlp_net_train_params) */
    tmlp_sched_t sched;
    tmlp_epoch_fn on_epoch;   /* optional progress callback */
    void *on_epoch_ctx;
} tmlp_train_cfg_t;

/* The loop's state, caller-owned (about 200 bytes): begin once, then call
 * tmlp_train_step() from the main loop or a task as often as there is time.
 * Fields are private. */
typedef struct tmlp_trainer tmlp_trainer_t;

/* Checks cfg, copies it and prepares the first epoch. The net must be a
 * training net whose output layer suits cfg->loss; net and data are
 * borrowed until training ends. lr0 is the net's optimizer lr now.
 * Errors: TMLP_ERR_ARG, TMLP_ERR_STATE (inference net, loss not suited,
 * no stopping rule), TMLP_ERR_SHAPE (the data's or validation data's stated
 * widths differ from the net's). */
tmlp_status_t tmlp_train_begin(tmlp_trainer_t *tr, tmlp_net_t *net, const tmlp_data_t *data,
                               const tmlp_train_cfg_t *cfg);

/* Runs one mini-batch (reads, forward, backward, one optimizer step) and,
 * at the end of an epoch, the epoch's bookkeeping (validation, stopping
 * rules, callback). *stop gets TMLP_STOP_NONE while training goes on. After
 * an error the net keeps its last finite weights, its gradient sums are
 * cleared, and *stop is TMLP_STOP_ERROR.
 * The net must still be the one tmlp_train_begin() was given: if it was
 * initialised again since (another shape, mode or arena, or a failed init),
 * the step touches neither the net nor the trainer and returns
 * TMLP_ERR_STATE (TMLP_ERR_UNINIT for a net left uninitialised), with
 * *stop TMLP_STOP_ERROR; call tmlp_train_begin() again.
 * Errors: TMLP_ERR_ARG, TMLP_ERR_STATE (already stopped, net re-initialised),
 * TMLP_ERR_UNINIT, and whatever a
 * read function, the forward/backward pass or the step returned. One
 * exception to "an error changes nothing": an error from the validation set
 * at the end of an epoch comes after that epoch's last step has been
 * applied (the weights are that step's, finite). */
tmlp_status_t tmlp_train_step(tmlp_trainer_t *tr, tmlp_stop_t *stop);

/* Summary of a run so far. */
typedef struct {
    uint8_t stop;      /* a tmlp_stop_t */
    uint8_t reserved[3];
    uint32_t epochs;   /* completed */
    uint32_t steps;    /* optimizer steps */
    float train_loss;  /* mean loss of the last completed epoch (-1 before) */
    float val_loss;    /* last validation loss (-1 without) */
    float best_val;    /* best validation loss (-1 without) */
    float grad_norm;   /* last step's gradient norm (-1: fused steps, as above) */
    uint32_t elapsed;  /* ticks */
} tmlp_train_result_t;

/* Errors: TMLP_ERR_ARG. */
tmlp_status_t tmlp_train_result(const tmlp_trainer_t *tr, tmlp_train_result_t *result);

/* begin + step until stopped: identical results to the incremental API.
 * Errors: as tmlp_train_begin() and tmlp_train_step(). */
tmlp_status_t tmlp_train(tmlp_trainer_t *tr, tmlp_net_t *net, const tmlp_data_t *data,
                         const tmlp_train_cfg_t *cfg, tmlp_train_result_t *result);

/* Learning rate of `sched` at epoch e for base rate lr0 (the loop's rule).
 * A rate that would reach 0 is kept at FLT_MIN, so the optimizer stays valid
 * (and savable) at every epoch. Errors: TMLP_ERR_ARG. */
tmlp_status_t tmlp_sched_lr(const tmlp_sched_t *sched, float lr0, uint32_t epoch, float *lr);

/* Index of sample i of an epoch under the trainer's current order (for
 * tests and for callers that want to log the order). Errors: TMLP_ERR_ARG. */
tmlp_status_t tmlp_train_order(const tmlp_trainer_t *tr, uint32_t i, uint32_t *index);

/* ------------------------------------------------------------------------ */
/* Metrics                                                                   */
/* ------------------------------------------------------------------------ */

/* Mean loss over `data` and, for classification (labels, or the argmax of
 * target vectors; with one output, the output and target each above 0.5),
 * accuracy in [0, 1]; confusion (optional, C x C with C = max(2, n_out),
 * [true][predicted]) is zeroed and filled. mean_loss and accuracy may be
 * NULL. scratch: n_in + n_out floats for the read function; may be NULL for a
 * training net, which has those buffers in its arena. It runs forwards, so a
 * training net needs a new forward before its next backward; parameters,
 * optimizer state and gradients are not touched.
 * Errors: TMLP_ERR_ARG, TMLP_ERR_STATE (loss not suited to the output
 * layer), errors of the read function, the forward pass and the loss
 * (TMLP_ERR_LABEL, TMLP_ERR_NUMERIC). */
tmlp_status_t tmlp_evaluate(tmlp_net_t *net, const tmlp_data_t *data, tmlp_loss_t loss,
                            float *scratch, float *mean_loss, float *accuracy,
                            uint32_t *confusion);

/* The random-guess baselines of labelled data with n_classes
 * classes: accuracy of always guessing the majority class, and of guessing
 * uniformly at random (1 / n_classes). counts: caller's n_classes entries,
 * filled with the class counts. x_buf: room for one input (n_in floats) for
 * the read function, whose inputs are otherwise ignored.
 * Errors: TMLP_ERR_ARG, TMLP_ERR_LABEL, errors of the read function. */
tmlp_status_t tmlp_baseline(const tmlp_data_t *data, uint32_t n_classes, float *x_buf,
                            uint32_t *counts, float *majority, float *uniform);

/* ------------------------------------------------------------------------ */
/* Model files (format: docs/model-format.md)                               */
/* ------------------------------------------------------------------------ */

/* Newest format version this library reads and writes. A file carries the
 * lowest version that can hold it: 1 for a full file (readable by every
 * release), 2 for a partial one (see TMLP_SAVE_FULL). */
#define TMLP_FORMAT_VERSION 2u
/* Bytes of a file without parameters, scaling or optimizer state:
 * header (32) + 12 per layer + CRC (4). */
#define TMLP_MODEL_BASE_BYTES(n_layers) (36u + 12u * (size_t)(n_layers))
/* Bytes of a file, at compile time (tmlp_model_size() at run time), as the
 * sum of its sections, with n_params and n_train as for the arena macros:
 *   full file:     TMLP_MODEL_BYTES(n_layers, n_params)
 *   partial file:  TMLP_MODEL_PARTIAL_BYTES(n_layers, n_train) (the frozen
 *                  layers' parameters are left out)
 *   + TMLP_MODEL_SCALE_BYTES(n_in) for a net with input scaling
 *   + TMLP_MODEL_OPTIM_BYTES(n_train, slots) with TMLP_SAVE_OPTIM, slots
 *     being the state vectors the net's current optimizer uses (TMLP_SLOTS_*;
 *     fewer than the arena's after tmlp_net_set_optim turned momentum off). */
#define TMLP_MODEL_BYTES(n_layers, n_params) \
    (TMLP_MODEL_BASE_BYTES(n_layers) + 4u * (size_t)(n_params))
#define TMLP_MODEL_PARTIAL_BYTES(n_layers, n_train) TMLP_MODEL_BYTES(n_layers, n_train)
#define TMLP_MODEL_SCALE_BYTES(n_in) (8u * (size_t)(n_in))
#define TMLP_MODEL_OPTIM_BYTES(n_train, slots) \
    (44u + 4u * (size_t)(slots) * (size_t)(n_train))

/* What to save: the optimizer state (hyperparameters, step count and state
 * vectors) besides the model, so training resumes exactly. */
#define TMLP_SAVE_OPTIM 1u
/* A fine-tuning net (see tmlp_opts_t) saves a partial file by
 * default: the layer table, the trainable layers' parameters, and the
 * number and CRC-32 of the frozen layers, whose parameters stay in flash
 * and are left out. TMLP_SAVE_FULL saves the whole model instead (its frozen
 * layers included), e.g. to ship the adapted model back; other nets always
 * save whole. The loads ignore this bit (a file says which it is), so a
 * save and its load can share one `what`. */
#define TMLP_SAVE_FULL 2u

/* Receives the next len bytes of a file being saved. Return TMLP_OK, or an
 * error that stops the save and is passed on. */
typedef tmlp_status_t (*tmlp_write_fn)(void *ctx, const void *buf, size_t len);
/* Reads len bytes at byte offset `offset` of a stored file into buf. */
typedef tmlp_status_t (*tmlp_pread_fn)(void *ctx, uint32_t offset, void *buf, size_t len);

/* Bytes tmlp_model_save() writes for this net and `what` (see
 * TMLP_MODEL_BYTES; smaller for the partial file of a fine-tuning net).
 * Errors: TMLP_ERR_ARG (NULL, unknown `what` bits), TMLP_ERR_STATE
 * (TMLP_SAVE_OPTIM on a net without training state). */
tmlp_status_t tmlp_model_size(const tmlp_net_t *net, uint32_t what, size_t *n_bytes);

/* Serialises the net into buf[0..cap): *len gets the bytes written.
 * Errors: as tmlp_model_size(); TMLP_ERR_NOMEM (cap too small). */
tmlp_status_t tmlp_model_save(const tmlp_net_t *net, uint32_t what, void *buf, size_t cap,
                              size_t *len);

/* The same through a write callback, in pieces of at most 64 bytes.
 * Errors: as tmlp_model_size(), and the callback's. */
tmlp_status_t tmlp_model_save_stream(const tmlp_net_t *net, uint32_t what, tmlp_write_fn write,
                                     void *ctx);

/* What a stored file holds, from tmlp_model_peek(). */
typedef struct {
    uint32_t version;   /* format version */
    uint32_t n_params;
    uint32_t file_bytes;
    uint8_t has_scale;  /* input scaling present (desc.flags has TMLP_DESC_INPUT_SCALE) */
    uint8_t has_optim;  /* optimizer state present */
    uint8_t partial;    /* 1: a partial file (a fine-tuning net saved without
                           TMLP_SAVE_FULL): the parameters of the n_frozen
                           leading layers are not in it; n_params counts them */
    uint8_t n_frozen;   /* partial: the layers left out, 1..n_layers-1; else 0 */
    tmlp_optim_t optim; /* its hyperparameters, when has_optim */
    uint32_t steps;     /* its step count, when has_optim */
    uint32_t base_crc;  /* partial: CRC-32 of the left-out parameters, canonical
                           order, each as its 4 little-endian bytes (as
                           tmlp_net_crc32; on a little-endian target, the
                           tmlp_crc32 of the base array's first floats); else 0 */
} tmlp_model_info_t;

/* Verifies a whole stored file of `len` bytes (magic, version, every size,
 * the CRC, finite values) and returns its description, so the caller can
 * size an arena and build a net for it. Reads nothing past len.
 * Optimizer state must be state that training can produce: all zero with a
 * step count of 0, and never a negative second moment (Adam's exp_avg_sq,
 * RMSprop's square_avg); anything else is refused as corrupt, even with a
 * valid CRC, since no step could ever succeed from it.
 * Parameters and input scaling load whatever their finite values: a model
 * trained elsewhere may hold large ones. If they are so large that the
 * forward pass overflows (e.g. weights near 3.4e38), tmlp_net_forward
 * returns TMLP_ERR_NUMERIC for a finite input: the model, not the input,
 * is then at fault.
 * Errors: TMLP_ERR_ARG, TMLP_ERR_FORMAT (anything malformed, truncated or
 * corrupt, impossible optimizer state), TMLP_ERR_NUMERIC (a NaN/Inf value),
 * the read callback's. */
tmlp_status_t tmlp_model_peek(tmlp_pread_fn read, void *ctx, size_t len, tmlp_desc_t *desc,
                              tmlp_model_info_t *info);

/* Loads a stored file into a net built for the same desc: a first pass
 * verifies everything (as tmlp_model_peek, plus the shape against the net),
 * a second writes parameters, input scaling and, with TMLP_SAVE_OPTIM, the
 * optimizer state, step count and hyperparameters (the net's optimizer must
 * be of the same kind; TMLP_SAVE_FULL is ignored). On any error the net is
 * unchanged, with one exception: if the read callback itself fails during
 * the second pass (the storage failing between two reads of bytes it has
 * just verified), the parameters are partly loaded, the training state is
 * reset and the callback's error is returned. The stored bytes must not
 * change between the two passes.
 * A fine-tuning net (see tmlp_opts_t) takes only the trainable
 * layers from the file, after checking that the file belongs to its base
 * model (a checkpoint of another base model is refused): a full file's
 * frozen layers must equal the base parameters bit for bit; a partial file
 * must leave out as many layers as the net has frozen, and their CRC-32
 * must be that of the base parameters. A partial file loads only into a
 * fine-tuning net: other nets have no base to complete it.
 * Errors: as tmlp_model_peek(); TMLP_ERR_SHAPE (another shape),
 * TMLP_ERR_STATE (const parameters; TMLP_SAVE_OPTIM asked of a file without
 * state, or for a net of another optimizer kind or without training state,
 * or with an optimizer a net without a gradient buffer cannot run; frozen
 * layers that differ from a fine-tuning net's base; a partial file
 * into a net that is not fine-tuning, or of another base or frozen-layer
 * count). */
tmlp_status_t tmlp_model_load(tmlp_net_t *net, uint32_t what, tmlp_pread_fn read, void *ctx,
                              size_t len);

/* tmlp_model_peek and tmlp_model_load on a file in memory (buf[0..len)). */
tmlp_status_t tmlp_model_peek_buf(const void *buf, size_t len, tmlp_desc_t *desc,
                                  tmlp_model_info_t *info);
tmlp_status_t tmlp_model_load_buf(tmlp_net_t *net, uint32_t what, const void *buf, size_t len);

/* ------------------------------------------------------------------------ */
/* Checkpoints in flash (layout and protocol: docs/checkpoints.md)          */
/* ------------------------------------------------------------------------ */

/* Largest program unit the checkpoint functions accept, in bytes: a save
 * (and a repair, see tmlp_ckpt_load) keeps one unit on its stack (at least
 * 40 bytes are kept, for the header).
 * 128 by default, so every checkpoint call needs at most 512 bytes of stack
 * on Cortex-M0+ and M4F (docs/quality.md); each 128 bytes more adds as much
 * to tmlp_ckpt_save's stack. */
#ifndef TMLP_CKPT_MAX_PROG
#define TMLP_CKPT_MAX_PROG 128u
#endif
/* Bytes of a checkpoint record's header before rounding up to the program
 * unit: magic, sequence number, model length, model CRC, header CRC. */
#define TMLP_CKPT_HEADER_BYTES 20u
/* Bytes of the confirm mark (4 zero bytes) programmed after the header,
 * before rounding up to the program unit: proof that the header's program
 * completed (docs/checkpoints.md). */
#define TMLP_CKPT_CONFIRM_BYTES 4u
/* n rounded up to a multiple of p (p > 0). */
#define TMLP_CKPT_ROUND_UP(n, p) ((((size_t)(n) + (size_t)(p) - 1u) / (size_t)(p)) * (size_t)(p))
/* Bytes one slot needs for a model file of model_bytes (tmlp_model_size, or
 * TMLP_MODEL_BYTES / TMLP_MODEL_PARTIAL_BYTES and their extras) on a flash
 * whose program unit is prog_bytes: usable to size the slots at compile
 * time. tmlp_ckpt_size() computes the same at run time. */
#define TMLP_CKPT_SLOT_BYTES(model_bytes, prog_bytes)          \
    (TMLP_CKPT_ROUND_UP(TMLP_CKPT_HEADER_BYTES, prog_bytes) +   \
     TMLP_CKPT_ROUND_UP(TMLP_CKPT_CONFIRM_BYTES, prog_bytes) + \
     TMLP_CKPT_ROUND_UP(model_bytes, prog_bytes))

/* Storage shaped like NOR flash, provided by the board (or by the RAM
 * simulator in port/sim for tests), in the manner of littlefs's struct
 * lfs_config. Addresses are device byte addresses. The checkpoint area is
 * sector_count sectors from `base`, split into sector_count / slot_sectors
 * slots (at least 2; sectors left over are not used), or with slot_sectors
 * 0 into two slots of sector_count / 2 sectors. Zero-initialise,
 * then fill every field; the struct is borrowed for the duration of each
 * call. Every callback returns TMLP_OK or an error, which the checkpoint
 * functions pass on unchanged. */
typedef struct {
    /* Reads len bytes at addr into buf: any alignment and length inside the
     * area. */
    tmlp_status_t (*read)(void *ctx, uint32_t addr, void *buf, size_t len);
    /* Programs buf[0..len) at addr: addr and len are multiples of
     * prog_bytes and stay within one sector. Programming can only clear bits
     * (1 -> 0). The library programs each unit once per erase, except to
     * repair a record that a cut save may have left half-programmed: then
     * it programs that record's units a second time with the bytes it has
     * just read from them, so only bits already 0 (or half-programmed) are
     * cleared and never is a 1 asked where the flash reads 0. A flash that
     * refuses a second program of a unit (some with per-unit ECC) returns
     * an error there, and the load or save that needed the repair returns
     * it (docs/checkpoints.md). */
    tmlp_status_t (*prog)(void *ctx, uint32_t addr, const void *buf, size_t len);
    /* Erases the sector that starts at addr (a multiple of sector_bytes):
     * every byte becomes 0xFF. */
    tmlp_status_t (*erase)(void *ctx, uint32_t addr);
    void *ctx;             /* passed to the callbacks */
    uint32_t base;         /* device address of the area, a multiple of sector_bytes */
    uint32_t sector_bytes; /* erase unit, bytes, a multiple of prog_bytes */
    uint32_t prog_bytes;   /* program unit, bytes, 1..TMLP_CKPT_MAX_PROG */
    uint32_t sector_count; /* sectors in the area; base + the area's bytes must be < 2^32 */
    uint32_t slot_sectors; /* sectors per slot; 0 = two slots of sector_count / 2 */
} tmlp_flash_t;

/* Bytes one slot needs (TMLP_CKPT_SLOT_BYTES) to hold this net saved with
 * `what` on a flash whose program unit is prog_bytes.
 * Errors: as tmlp_model_size(); TMLP_ERR_ARG (prog_bytes 0 or more than
 * TMLP_CKPT_MAX_PROG). */
tmlp_status_t tmlp_ckpt_size(const tmlp_net_t *net, uint32_t what, uint32_t prog_bytes,
                             size_t *n_bytes);

/* Saves the net (as tmlp_model_save_stream with `what`: for a fine-tuning
 * net, a partial file unless TMLP_SAVE_FULL) as a new checkpoint with the
 * next sequence number, in the slot after the newest valid one
 * (round-robin, so every sector wears alike), then reads it back. If the
 * newest valid record lacks its confirm mark (a save of it was cut), it is
 * repaired first, as by tmlp_ckpt_load, before anything is erased. A power
 * cut at any point leaves either the previous newest checkpoint or this one
 * as the newest valid one. The net is not changed; *seq (may be NULL) gets
 * the new sequence number. Streams in program units, whatever the model's
 * size: stack use is at most 512 bytes on Cortex-M0+ and 468 on M4F with
 * the default TMLP_CKPT_MAX_PROG (gcc -Os, flash callbacks excluded; the
 * program unit's own bytes are part of it).
 * Errors: TMLP_ERR_ARG (NULL, bad geometry, unknown `what` bits),
 * TMLP_ERR_STATE (TMLP_SAVE_OPTIM on a net without training state),
 * TMLP_ERR_NOMEM (a slot smaller than tmlp_ckpt_size()), TMLP_ERR_IO (the
 * read-back or the repair did not verify: a failing flash, or one whose
 * half-programmed bits read differently), the callbacks' errors.
 * After an error the flash holds the checkpoints it held before the call,
 * except that the slot this save used may have been erased (never after a
 * failed repair: nothing is erased then). */
tmlp_status_t tmlp_ckpt_save(const tmlp_flash_t *flash, const tmlp_net_t *net, uint32_t what,
                             uint32_t *seq);

/* Describes the newest valid checkpoint, fully verified as by
 * tmlp_model_peek(), so the caller can build a net for it; *seq (may be
 * NULL) gets its sequence number. The newest record is verified twice: in
 * the scan of every slot, then again for its shape (the scan keeps only
 * where it is, to save stack). Repairs it first if its confirm mark is
 * missing, as tmlp_ckpt_load does.
 * Errors: TMLP_ERR_ARG, TMLP_ERR_NOT_FOUND (no valid checkpoint),
 * TMLP_ERR_IO (the record verified in the scan but not the second time: the
 * flash did not read the same bytes twice; or the repair did not verify),
 * the callbacks' errors (prog's only from a repair). */
tmlp_status_t tmlp_ckpt_peek(const tmlp_flash_t *flash, tmlp_desc_t *desc,
                             tmlp_model_info_t *info, uint32_t *seq);

/* Loads the newest valid checkpoint into a net built for its shape, as
 * tmlp_model_load() (verify everything, then write); *seq (may be NULL) gets
 * its sequence number. Older checkpoints are never used when the newest
 * does not suit the net: that is an error (e.g. a partial checkpoint of
 * another base model, TMLP_ERR_STATE). On any error the net is unchanged,
 * provided the flash reads the same bytes twice.
 * Across boots and power cuts, peek, load and save never hand out a
 * checkpoint older than one a save reported saved or a peek or load
 * returned, and never TMLP_ERR_NOT_FOUND once a save completed. For that,
 * the newest record is repaired before it is used if its confirm mark is
 * missing (only in the first call after a cut save): its units are
 * programmed again with the bytes just verified, which makes
 * half-programmed bits solid, then read back. Otherwise nothing is written.
 * Errors: TMLP_ERR_ARG, TMLP_ERR_NOT_FOUND (no valid checkpoint), and as
 * tmlp_model_load() (TMLP_ERR_SHAPE, TMLP_ERR_STATE), TMLP_ERR_IO (the
 * repair did not verify; the net is unchanged), the callbacks' errors
 * (prog's only from a repair). */
tmlp_status_t tmlp_ckpt_load(const tmlp_flash_t *flash, tmlp_net_t *net, uint32_t what,
                             uint32_t *seq);

/* ------------------------------------------------------------------------ */
/* Checksums                                                                 */
/* ------------------------------------------------------------------------ */

/* CRC-32 (zlib polynomial 0xEDB88320, reflected) of len bytes, continuing
 * from crc (0 to start): tmlp_crc32(0, "123456789", 9) gives 0xcbf43926.
 * Errors: TMLP_ERR_ARG (data NULL with len > 0). */
tmlp_status_t tmlp_crc32(uint32_t crc, const void *data, size_t len, uint32_t *out);

/* CRC-32 of the parameters in canonical order, each as its 4 little-endian
 * IEEE-754 bytes: the "weights-hash", equal on every target for equal
 * parameters. Errors: TMLP_ERR_ARG. */
tmlp_status_t tmlp_net_crc32(const tmlp_net_t *net, uint32_t *crc);

/* ------------------------------------------------------------------------ */
/* The handles' storage. The caller declares them (static, stack or inside   */
/* a struct of its own) and never touches a field: every field is private   */
/* and may change between releases.                                          */
/* ------------------------------------------------------------------------ */

/* tmlp_net_t: about 200 bytes with the default TMLP_MAX_LAYERS. */
struct tmlp_net {
    tmlp_desc_t desc;
    tmlp_optim_t opt;
    const float *params; /* canonical order: per layer W [out][in] then b; in
                            fine-tuning only the frozen layers' are read here */
    float *params_rw;    /* == params, or NULL when the parameters are const */
    float *train_params; /* the trainable layers' parameters (a suffix of the
                            canonical vector), n_train; NULL for inference */
    float *grad;         /* training: gradient sums, n_train */
    float *opt_state;    /* training: slots * n_train */
    float *input;        /* training: copy of the last input, n_in */
    float *acts;         /* training: every layer's output; inference: 2 x max_units */
    float *logits;       /* output layer pre-activation of the last forward */
    float *output;       /* output layer activation of the last forward */
    float *target;       /* training: target vector scratch, n_out */
    float *delta;        /* training: 2 x max_units */
    float *in_offset;    /* input scaling: offset[n_in], scale[n_in], and the */
    float *in_scale;     /* scaled input x_scaled[n_in] (inference modes) */
    float *x_scaled;
    uint32_t n_params;
    uint32_t n_train;     /* parameters of the trainable layers */
    uint32_t steps;       /* optimizer steps taken */
    uint32_t batch_count; /* samples accumulated in grad since the last step */
    uint16_t max_units;  /* widest layer; for training, widest trainable layer */
    uint8_t mode;        /* how it was built: a tmlp_i_mode_t (tmlp_internal.h) */
    uint8_t have_output; /* 1 after a successful forward */
    uint8_t backward_ready; /* training: 1 after a forward, 0 after its backward */
    uint8_t n_frozen;       /* leading frozen layers */
    uint8_t slots;          /* optimizer state vectors */
    uint8_t bounds_known;   /* wbound and vbound hold (tmlp_net_train_sample) */
    float grad_norm; /* L2 norm of the mean gradient used by the last step; < 0
                        after a fused step, which does not compute it */
    float wbound;    /* >= every |trainable parameter|, when bounds_known */
    float vbound;    /* >= every |momentum value|, when bounds_known */
    uint32_t magic;  /* a fixed marker once an init succeeded; anything else
                        (a zeroed static handle, a failed init) is refused */
};

/* tmlp_trainer_t */
struct tmlp_trainer {
    tmlp_train_cfg_t cfg;
    tmlp_net_t *net;
    const tmlp_data_t *data;
    tmlp_rng_t rng;
    float lr0, lr;
    uint32_t epoch, pos, steps;
    uint32_t perm_mask, perm_mul, perm_add, perm_shift; /* this epoch's bijection */
    uint32_t t_start, elapsed; /* t_start: the clock's last reading */
    float loss_sum;      /* sum of sample losses this epoch */
    float prev_loss, best_val, last_loss, last_val;
    uint32_t plateau_count, since_best;
    uint8_t stop;        /* a tmlp_stop_t */
    uint8_t reserved[3];
    tmlp_status_t error; /* the status that stopped it with TMLP_STOP_ERROR */
    /* The net as tmlp_train_begin found it; a step refuses a net that was
     * initialised again since with another shape, mode or arena. */
    const float *net_acts;
    uint32_t net_n_params, net_n_train;
    uint16_t net_n_in, net_n_out;
    uint8_t net_mode;
};

#ifdef __cplusplus
}
#endif

#endif
