/* SPDX-License-Identifier: MIT */
/* tinymlp: multi-layer perceptrons that run and train on microcontrollers,
 * in single precision, in one caller-owned arena whose size is known at
 * compile time.
 *
 * The one public header. Conventions that hold for every function below:
 * - Every function returns a tmlp_status_t (TMLP_OK = 0, errors < 0) and
 *   writes its results through out-parameters. tmlp_status_str() and
 *   tmlp_stop_str() are the exceptions: they can not fail and return a
 *   string.
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

/* Marks every function that returns a tmlp_status_t: a caller that drops
 * the status gets a compiler warning (GCC and clang; empty elsewhere, or
 * when TMLP_NO_NODISCARD is defined). GCC warns even for a (void) cast:
 * check the status. */
#if defined(__GNUC__) && !defined(TMLP_NO_NODISCARD)
#define TMLP_NODISCARD __attribute__((warn_unused_result))
#else
#define TMLP_NODISCARD
#endif

/* ------------------------------------------------------------------------ */
/* Status                                                                    */
/* ------------------------------------------------------------------------ */

typedef enum {
    TMLP_OK = 0,
    TMLP_ERR_ARG = -1,     /* NULL pointer, unknown enum value, bad hyperparameter */
    TMLP_ERR_SHAPE = -2,   /* zero or too large width, too many layers, size mismatch */
    TMLP_ERR_NOMEM = -3,   /* arena smaller than tmlp_arena_size() (size reported) */
    TMLP_ERR_STATE = -4,   /* wrong order of calls: loss or backward before a forward,
                              backward twice, step with nothing accumulated, a trainer
                              stopped or whose net was initialised again */
    TMLP_ERR_NUMERIC = -5, /* NaN/Inf in an input, target, parameter, loss, gradient or update */
    TMLP_ERR_FORMAT = -6,  /* malformed serialized data */
    TMLP_ERR_LABEL = -7,   /* class label out of range */
    TMLP_ERR_IO = -8,      /* storage failed: a flash read, program or erase (or a
                              checkpoint read back different from what was written) */
    TMLP_ERR_NOT_FOUND = -9, /* no valid checkpoint in the flash */
    TMLP_ERR_UNINIT = -10,   /* the net handle was never initialised, or its last init
                                failed: every call but an init refuses it */
    TMLP_ERR_NO_SCALE = -11, /* the description says the inputs are scaled
                                (TMLP_DESC_INPUT_SCALE) and no scaling was given yet:
                                tmlp_opts_t.in_offset/in_scale, tmlp_net_set_input_scale
                                or a load gives it */
    TMLP_ERR_NOT_TRAINING = -12,   /* training call on an inference net (no tmlp_opts_t.optim) */
    TMLP_ERR_NO_GRAD = -13,        /* needs the gradient buffer: net built with no_grad_buffer */
    TMLP_ERR_LOSS = -14,           /* loss unsuited to the output: BCE needs sigmoid, CE softmax */
    TMLP_ERR_OPTIM_MISMATCH = -15, /* optimizer (state) of another kind or size than the net's */
    TMLP_ERR_FROZEN = -16,         /* frozen layers don't fit: other base or count, or all frozen */
    TMLP_ERR_READ_ONLY = -17,      /* writes to parameters borrowed read-only (opts.params) */
    TMLP_ERR_SLOT_SIZE = -18,      /* checkpoint larger than a flash slot (see tmlp_ckpt_size) */
    TMLP_ERR_GEOMETRY = -19,       /* tmlp_flash_t unit, sector, base or slot sizes don't fit */
    TMLP_ERR_UNSUPPORTED = -20     /* a feature this build leaves out (tmlp_config.h: a
                                      TMLP_WITH_* option set to 0) */
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

/* The rules of a description, in the order tmlp_desc_check tries them. */
typedef enum {
    TMLP_DESC_OK = 0,
    TMLP_DESC_N_IN = 1,          /* input width not in 1..TMLP_MAX_WIDTH */
    TMLP_DESC_N_LAYERS = 2,      /* layer count not in 1..TMLP_MAX_LAYERS */
    TMLP_DESC_UNITS = 3,         /* a layer's width not in 1..TMLP_MAX_WIDTH */
    TMLP_DESC_FLAGS = 4,         /* unknown TMLP_DESC_* bits */
    TMLP_DESC_ACT = 5,           /* unknown activation or TMLP_LAYER_* bits */
    TMLP_DESC_SOFTMAX = 6,       /* softmax on a layer other than the output */
    TMLP_DESC_PARAM_UNUSED = 7,  /* act_param set on an activation without one */
    TMLP_DESC_PARAM_RANGE = 8,   /* sigmoid lambda not > 0, leaky ReLU slope not
                                    in (0, 1), or not finite */
    TMLP_DESC_FROZEN_ORDER = 9   /* a frozen layer after a trainable one */
} tmlp_desc_rule_t;

/* Where a description breaks a rule. */
typedef struct {
    uint8_t rule;  /* a tmlp_desc_rule_t */
    uint8_t layer; /* the layer at fault, or TMLP_MAX_LAYERS for N_IN, N_LAYERS, FLAGS */
} tmlp_desc_fault_t;

/* Checks a description against its rules (tmlp_desc_rule_t); tmlp_net_init
 * and tmlp_arena_size check the same. On error *fault (may be NULL) says
 * which rule and which layer, e.g. for a tool that points at the line.
 * Errors: TMLP_ERR_ARG (NULL; FLAGS, ACT, SOFTMAX, PARAM_*, FROZEN_ORDER),
 * TMLP_ERR_SHAPE (N_IN, N_LAYERS, UNITS). */
tmlp_status_t tmlp_desc_check(const tmlp_desc_t *desc, tmlp_desc_fault_t *fault) TMLP_NODISCARD;

/* The net scales its input, x' = (x - offset) * scale per feature, before
 * the first layer, so a model carries its own preprocessing (see
 * tmlp_net_set_input_scale; the arena grows: TMLP_BUILD_SCALE). */
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
tmlp_status_t tmlp_optim_slots(const tmlp_optim_t *opt, uint32_t *slots) TMLP_NODISCARD;

/* One optimizer step on a flat vector: w[0..n) moves along g[0..n).
 * state: slots * n floats, zeroed by the caller before the first step, laid
 * out vector after vector; may be NULL when slots is 0. *step counts the
 * steps taken (0 before the first) and is incremented on success. The
 * arrays must not overlap. Nothing is written unless every new value is
 * finite.
 * Errors: TMLP_ERR_ARG, TMLP_ERR_NUMERIC (non-finite gradient or result). */
tmlp_status_t tmlp_optim_step(const tmlp_optim_t *opt, float *w, const float *g, float *state,
                              size_t n, uint32_t *step) TMLP_NODISCARD;

/* ------------------------------------------------------------------------ */
/* Building a net: one init, one arena                                       */
/* ------------------------------------------------------------------------ */

/* The handle, caller-owned (static, stack or a struct of the caller's);
 * its fields are private (defined at the end of this header). */
typedef struct tmlp_net tmlp_net_t;

/* How a net is built: independent choices. Zero-initialise, then set
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
     * available (TMLP_ERR_NO_GRAD). Same results, bit for bit. */
    uint8_t no_grad_buffer;
    /* Input scaling, for a desc with TMLP_DESC_INPUT_SCALE: n_in offsets and
     * n_in scales (finite), copied. Both NULL: the net has no scaling yet,
     * and refuses to run or be saved (TMLP_ERR_NO_SCALE) until
     * tmlp_net_set_input_scale or a load gives it one: it never runs with
     * a scaling nobody gave it. */
    const float *in_offset;
    const float *in_scale;
    /* Training with the gradient buffer only: 1 = every tmlp_net_step
     * computes the L2 norm of the mean gradient, for tmlp_net_grad_norm().
     * 0 (the default): the norm is computed only where the step needs it
     * (clipping; the training loop's grad_tol asks for it itself), which
     * saves a pass of squares over the gradient; these are subnormal late
     * in training, and arithmetic on subnormal floats is slow on x86. The
     * step's results are the same either way, its errors too: a step whose
     * norm would not be finite is refused (TMLP_ERR_NUMERIC) whether or not
     * it is computed (a bound from the largest element decides, and the
     * norm is computed only when the bound cannot). */
    uint8_t grad_norm;
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
 * the arena holds these buffers, in floats:
 *   inference: n_params unless borrowed; 2 max_units (ping-pong
 *              activations); with input scaling 2 n_in (offset, scale)
 *              and n_in (the scaled input)
 *   training:  n_params (n_train when borrowed: the frozen layers stay in
 *              the caller's array); n_train unless NO_GRAD (gradient);
 *              slots n_train (optimizer state); n_in (input copy); n_units
 *              (activations); n_out (output logits); n_out (target);
 *              2 max_train (back-propagated deltas); with input scaling
 *              2 n_in (offset, scale)
 * Nothing else: the handle holds the bookkeeping. Without frozen layers
 * n_train = n_params and max_train = max_units. With TMLP_CACHE_LINE = C
 * bytes > 0 (tmlp_config.h: 64 on x86 and AArch64) each buffer is rounded
 * up to whole lines and the arena holds C - 4 bytes more in front; with 0
 * (the microcontrollers' default) it is exactly the floats above.
 * TMLP_ARENA_BYTES_LINE(line_bytes, ...) gives the size for another line
 * than this build's (a host tool sizing a board's arena: line 0, or 32 for
 * a Cortex-M7).
 * The generated header of `tinymlp export` defines the ready-made sizes of
 * its model. */
#define TMLP_ARENA_BYTES(n_in, n_out, n_units, max_units, n_params, n_train, max_train, slots, \
                         build)                                                               \
    TMLP_ARENA_BYTES_LINE(TMLP_CACHE_LINE, n_in, n_out, n_units, max_units, n_params, n_train, \
                          max_train, slots, build)

/* A cache line of line_bytes bytes (0, or a power of two from 8 to 256, as
 * TMLP_CACHE_LINE) in floats: 1 without a line, so that rounding to it
 * changes nothing. TMLP_LINE_ROUND: n floats rounded up to whole lines, in
 * floats. */
#define TMLP_LINE_FLOATS(line_bytes)                                   \
    ((size_t)(line_bytes) / sizeof(float) != 0u ? (size_t)(line_bytes) / sizeof(float) \
                                                : (size_t)1)
#define TMLP_LINE_ROUND(n, line_bytes)                                                  \
    (((size_t)(n) + TMLP_LINE_FLOATS(line_bytes) - 1u) / TMLP_LINE_FLOATS(line_bytes) * \
     TMLP_LINE_FLOATS(line_bytes))

/* TMLP_ARENA_BYTES for a cache line of line_bytes bytes (see above). */
#define TMLP_ARENA_BYTES_LINE(line_bytes, n_in, n_out, n_units, max_units, n_params, n_train,      \
                              max_train, slots, build)                                             \
    (sizeof(float) *                                                                               \
     (TMLP_LINE_FLOATS(line_bytes) - 1u +                                                          \
      (((build) & TMLP_BUILD_TRAIN)                                                                \
           ? TMLP_LINE_ROUND(((build) & TMLP_BUILD_BORROW) ? (size_t)(n_train)                     \
                                                           : (size_t)(n_params),                   \
                             line_bytes) +                                                         \
                 TMLP_LINE_ROUND(((build) & TMLP_BUILD_NO_GRAD) ? 0u : (size_t)(n_train),          \
                                 line_bytes) +                                                     \
                 TMLP_LINE_ROUND((size_t)(slots) * (size_t)(n_train), line_bytes) +                \
                 TMLP_LINE_ROUND(n_in, line_bytes) + TMLP_LINE_ROUND(n_units, line_bytes) +        \
                 2u * TMLP_LINE_ROUND(n_out, line_bytes) +                                         \
                 TMLP_LINE_ROUND(2u * (size_t)(max_train), line_bytes) +                           \
                 (((build) & TMLP_BUILD_SCALE)                                                     \
                      ? TMLP_LINE_ROUND(2u * (size_t)(n_in), line_bytes)                           \
                      : 0u)                                                                        \
           : TMLP_LINE_ROUND(((build) & TMLP_BUILD_BORROW) ? 0u : (size_t)(n_params),              \
                             line_bytes) +                                                         \
                 TMLP_LINE_ROUND(2u * (size_t)(max_units), line_bytes) +                           \
                 (((build) & TMLP_BUILD_SCALE)                                                     \
                      ? TMLP_LINE_ROUND(2u * (size_t)(n_in), line_bytes) +                         \
                            TMLP_LINE_ROUND(n_in, line_bytes)                                      \
                      : 0u))))

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
 * without training), TMLP_ERR_SHAPE (desc invalid), TMLP_ERR_FROZEN (a
 * training net whose every layer is frozen: nothing to train). */
tmlp_status_t tmlp_arena_size(const tmlp_desc_t *desc, const tmlp_opts_t *opts, size_t *n_bytes)
    TMLP_NODISCARD;

/* Builds a net in `arena` (aligned for a float: 4 bytes on 32-bit cores, any
 * address on the AVR; declaring it as a float array is the easy way), as
 * `opts` says (NULL: inference, parameters in the arena).
 * Parameters in the arena start as zeros. With TMLP_CACHE_LINE > 0 the buffers
 * start at the arena's first line boundary (whatever its address, the
 * size tmlp_arena_size() gives is enough). The arena (and opts->params) must
 * outlive the net; nothing is freed, ever. A net with
 * TMLP_DESC_INPUT_SCALE takes its scaling from opts (in_offset, in_scale);
 * without them it has none until tmlp_net_set_input_scale or a load gives
 * it one, and every call that would use it (forward, training, save)
 * returns TMLP_ERR_NO_SCALE meanwhile.
 * The init first marks the handle as not initialised: if it then fails, the
 * handle is refused (TMLP_ERR_UNINIT) by every other function until an init
 * succeeds. This is the one exception to "an error changes nothing": a
 * failed init never leaves a half-built or stale net usable. A handle that
 * is all zeros (a static one whose init never ran) is refused the same
 * way, and so is most garbage.
 * Errors: TMLP_ERR_ARG (also: one of in_offset/in_scale without the other,
 * or either without TMLP_DESC_INPUT_SCALE), TMLP_ERR_SHAPE (desc invalid,
 * or n_params differs from the desc's), TMLP_ERR_FROZEN (training with
 * every layer frozen), TMLP_ERR_NUMERIC (a borrowed parameter or a scaling
 * value is not finite), TMLP_ERR_NOMEM
 * (arena_bytes too small: *needed_bytes, if not NULL, gets the size). */
tmlp_status_t tmlp_net_init(tmlp_net_t *net, const tmlp_desc_t *desc, const tmlp_opts_t *opts,
                            void *arena, size_t arena_bytes, size_t *needed_bytes) TMLP_NODISCARD;

/* Replaces the optimizer of a training net (e.g. a new learning rate). The
 * new one must need no more state slots than the one given at init, and be
 * of the same kind (the state means something different to each kind). If
 * it uses a different number of state vectors than the current one (e.g.
 * momentum switched on or off), the state and step count start afresh.
 * Errors: TMLP_ERR_ARG, TMLP_ERR_NOT_TRAINING (inference net),
 * TMLP_ERR_OPTIM_MISMATCH (another kind, more slots than at init, or not
 * plain SGD for a net without a gradient buffer). */
tmlp_status_t tmlp_net_set_optim(tmlp_net_t *net, const tmlp_optim_t *opt) TMLP_NODISCARD;

/* Read-only view of the parameters in canonical order (per layer: W
 * [out][in] row-major, then b [out]); valid while the net lives.
 * Errors: TMLP_ERR_ARG, TMLP_ERR_FROZEN (a fine-tuning net: its parameters
 * are in two places; use tmlp_net_train_params()). */
tmlp_status_t tmlp_net_params(const tmlp_net_t *net, const float **params, size_t *n_params)
    TMLP_NODISCARD;

/* Read-only view of the trainable layers' parameters: the last n_train of
 * the canonical vector (all of it without frozen layers). For an inference
 * net, *n_train is 0. Errors: TMLP_ERR_ARG. */
tmlp_status_t tmlp_net_train_params(const tmlp_net_t *net, const float **params, size_t *n_train)
    TMLP_NODISCARD;

/* Copies n_params floats (canonical order) into the net's parameters.
 * Errors: TMLP_ERR_ARG, TMLP_ERR_READ_ONLY (parameters borrowed through
 * tmlp_opts_t.params, fine-tuning nets included), TMLP_ERR_SHAPE
 * (n_params differs), TMLP_ERR_NUMERIC (a value is not finite). */
tmlp_status_t tmlp_net_set_params(tmlp_net_t *net, const float *params, size_t n_params)
    TMLP_NODISCARD;

/* Sets the input scaling of a net built with TMLP_DESC_INPUT_SCALE: copies
 * offset[n_in] and scale[n_in] (finite); identity scaling is offset 0 and
 * scale 1, given explicitly. Errors: TMLP_ERR_ARG, TMLP_ERR_SHAPE (the
 * desc has no TMLP_DESC_INPUT_SCALE), TMLP_ERR_NUMERIC. */
tmlp_status_t tmlp_net_set_input_scale(tmlp_net_t *net, const float *offset, const float *scale)
    TMLP_NODISCARD;

/* Read-only views of the input scaling (n_in floats each).
 * Errors: TMLP_ERR_ARG, TMLP_ERR_SHAPE (no TMLP_DESC_INPUT_SCALE),
 * TMLP_ERR_NO_SCALE (none given yet). */
tmlp_status_t tmlp_net_input_scale(const tmlp_net_t *net, const float **offset,
                                   const float **scale) TMLP_NODISCARD;

/* Widths: input, output, parameter count. Errors: TMLP_ERR_ARG. */
tmlp_status_t tmlp_net_shape(const tmlp_net_t *net, size_t *n_in, size_t *n_out, size_t *n_params)
    TMLP_NODISCARD;

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
tmlp_status_t tmlp_rng_seed(tmlp_rng_t *rng, uint32_t seed) TMLP_NODISCARD;
/* Next 32 random bits. Errors: TMLP_ERR_ARG. */
tmlp_status_t tmlp_rng_u32(tmlp_rng_t *rng, uint32_t *out) TMLP_NODISCARD;
/* Uniform in [0, 1), a multiple of 2^-24. Errors: TMLP_ERR_ARG. */
tmlp_status_t tmlp_rng_uniform(tmlp_rng_t *rng, float *out) TMLP_NODISCARD;
/* Standard normal (Marsaglia's polar method). Errors: TMLP_ERR_ARG. */
tmlp_status_t tmlp_rng_normal(tmlp_rng_t *rng, float *out) TMLP_NODISCARD;

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
 * Errors: TMLP_ERR_ARG, TMLP_ERR_READ_ONLY (borrowed parameters). */
tmlp_status_t tmlp_net_init_weights(tmlp_net_t *net, const tmlp_init_t *init, tmlp_rng_t *rng)
    TMLP_NODISCARD;

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
tmlp_status_t tmlp_net_forward(tmlp_net_t *net, const float *x, float *y) TMLP_NODISCARD;

/* Runs the net on n inputs X[n][n_in], writing Y[n][n_out]. Stops at the first
 * sample that fails; *n_done (if not NULL) says how many succeeded.
 * Errors: as tmlp_net_forward(). */
tmlp_status_t tmlp_net_forward_batch(tmlp_net_t *net, const float *X, size_t n, float *Y,
                                     size_t *n_done) TMLP_NODISCARD;

/* Loss of the last forward's output against target (one sample).
 * Errors: TMLP_ERR_ARG, TMLP_ERR_STATE (no forward yet), TMLP_ERR_LOSS (BCE
 * without a sigmoid / CE without a softmax output), TMLP_ERR_LABEL,
 * TMLP_ERR_NUMERIC. */
tmlp_status_t tmlp_net_loss(const tmlp_net_t *net, tmlp_loss_t loss, const tmlp_target_t *target,
                            float *value) TMLP_NODISCARD;

/* Back-propagates the last forward's sample and adds its gradient to the
 * net's gradient sums (the mean over the batch is taken by tmlp_net_step()).
 * *value (if not NULL) gets the sample's loss. Needs one forward before each
 * backward.
 * Errors: as tmlp_net_loss(), TMLP_ERR_NOT_TRAINING (inference net),
 * TMLP_ERR_NO_GRAD (no gradient buffer), TMLP_ERR_STATE (no forward since
 * the last backward). */
tmlp_status_t tmlp_net_backward(tmlp_net_t *net, tmlp_loss_t loss, const tmlp_target_t *target,
                                float *value) TMLP_NODISCARD;

/* Applies the optimizer to the mean of the gradients accumulated since the
 * last step, then clears them. All or nothing: if the gradient or any new
 * parameter or state value would be non-finite, nothing changes (the
 * accumulated gradients stay; clear them with tmlp_net_zero_grad()).
 * Errors: TMLP_ERR_ARG, TMLP_ERR_NOT_TRAINING (inference net),
 * TMLP_ERR_NO_GRAD (no gradient buffer), TMLP_ERR_STATE (nothing
 * accumulated), TMLP_ERR_NUMERIC. */
tmlp_status_t tmlp_net_step(tmlp_net_t *net) TMLP_NODISCARD;

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
 * Errors: as tmlp_net_forward() and tmlp_net_loss(); TMLP_ERR_NOT_TRAINING
 * (inference net); TMLP_ERR_STATE (accumulated gradient); TMLP_ERR_NUMERIC
 * (a non-finite step). */
tmlp_status_t tmlp_net_train_sample(tmlp_net_t *net, const float *x, tmlp_loss_t loss,
                                    const tmlp_target_t *target, float *value) TMLP_NODISCARD;

/* Forgets the gradients accumulated since the last step. Errors: TMLP_ERR_ARG,
 * TMLP_ERR_NOT_TRAINING (inference net), TMLP_ERR_NO_GRAD (no gradient buffer). */
tmlp_status_t tmlp_net_zero_grad(tmlp_net_t *net) TMLP_NODISCARD;

/* L2 norm of the mean gradient of the last successful step (before
 * clipping). Errors: TMLP_ERR_ARG, TMLP_ERR_STATE (the last step did not
 * compute it: a fused tmlp_net_train_sample step, or a step of a net built
 * without tmlp_opts_t.grad_norm and without clipping). */
tmlp_status_t tmlp_net_grad_norm(const tmlp_net_t *net, float *norm) TMLP_NODISCARD;

/* Index of the largest of y[0..n) (the first one on ties). Errors: TMLP_ERR_ARG. */
tmlp_status_t tmlp_argmax(const float *y, size_t n, uint32_t *index) TMLP_NODISCARD;

/* Compares back-propagated gradients with central finite differences
 * (L(w + h) - L(w - h)) / 2h for every parameter on one sample; reports the
 * largest |analytic - numeric| / max(1, |analytic|, |numeric|). Needs a
 * training net with no accumulated gradient; parameters are restored bit for
 * bit and the gradient sums cleared afterwards. Cost: 2 n_params forwards.
 * Errors: as tmlp_net_backward() (TMLP_ERR_STATE: a gradient is
 * accumulated); TMLP_ERR_ARG if h is not > 0. */
tmlp_status_t tmlp_net_gradcheck(tmlp_net_t *net, const float *x, tmlp_loss_t loss,
                                 const tmlp_target_t *target, float h, float *max_error)
    TMLP_NODISCARD;

/* The training loop and metrics, then model files, checkpoints and
 * checksums: topic headers of this one (include tinymlp.h, not them). */
#include "tmlp_training.h"
#include "tmlp_files.h"

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
    uint8_t scale_given;    /* input scaling: 1 once given (init, set, load) */
    uint8_t want_norm;      /* tmlp_opts_t.grad_norm */
    float grad_norm; /* L2 norm of the mean gradient used by the last step; < 0
                        when the step did not compute it */
    float wbound;    /* >= every |trainable parameter|, when bounds_known */
    float vbound;    /* >= every |momentum value|, when bounds_known */
    uint32_t magic;  /* a fixed marker once an init succeeded; anything else
                        (a zeroed static handle, a failed init) is refused */
};

#ifdef __cplusplus
}
#endif

#endif
