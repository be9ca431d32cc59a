/* SPDX-License-Identifier: MIT */
/* tinymlp compile-time options and limits.
 *
 * Everything here has a safe default. Override by defining the macro on the
 * command line, or put the definitions in a file of your own and build with
 * -DTMLP_USER_CONFIG=\"my_tmlp_config.h\" (included first). */
#ifndef TMLP_CONFIG_H
#define TMLP_CONFIG_H

#ifdef TMLP_USER_CONFIG
#include TMLP_USER_CONFIG
#endif

/* Largest number of dense layers in one model (the hidden layers plus the
 * output layer). Each layer costs 12 bytes in tmlp_desc_t and 4 in tmlp_net_t. */
#ifndef TMLP_MAX_LAYERS
#define TMLP_MAX_LAYERS 8
#endif

/* Largest width of the input or of any layer. Widths are stored in 16 bits. */
#ifndef TMLP_MAX_WIDTH
#define TMLP_MAX_WIDTH 4096
#endif

/* ---- Features -------------------------------------------------------------
 * Every feature is in by default (1): a build that defines none of these
 * behaves as it always did. Set one to 0 to leave its code out: a call that
 * needs it then returns TMLP_ERR_UNSUPPORTED and changes nothing. No option
 * removes a check on arguments, handles, NaN/Inf or files, and none changes
 * a result bit. What each saves, measured by `make size` (Cortex-M4F /
 * Cortex-M0+, arm-none-eabi-gcc -Os), is in docs/footprint.md.
 *
 * Code that is never called is not linked whatever these say (build with
 * -ffunction-sections -fdata-sections and link with --gc-sections): model
 * files, checkpoints, the training loop, the initialisers cost nothing until
 * called. These options cut what a call reaches only through a value known
 * at run time: an activation or loss named in a description, an optimizer
 * kind, the checked training path behind tmlp_net_train_sample(). */

/* Training: optimizers, back-propagation, tmlp_net_train_sample(), the
 * training loop and checkpoints. 0: inference only; tmlp_net_init() refuses
 * tmlp_opts_t.optim, and every training call returns TMLP_ERR_UNSUPPORTED. */
#ifndef TMLP_WITH_TRAINING
#define TMLP_WITH_TRAINING 1
#endif

/* The checked training path: the gradient buffer, tmlp_net_backward(),
 * tmlp_net_step(), tmlp_net_zero_grad(), tmlp_net_gradcheck(), batches
 * larger than 1, and every optimizer setting the fused step cannot take
 * (Adam, RMSprop, EMA, weight decay, Nesterov, maximize, clipping).
 * 0: training nets are built with tmlp_opts_t.no_grad_buffer = 1 only, and
 * tmlp_net_train_sample() is the one way to train. A step it cannot prove
 * finite is then refused (TMLP_ERR_NUMERIC, nothing written), as in the
 * no_grad_buffer mode of a full build. */
#ifndef TMLP_WITH_CHECKED_STEP
#define TMLP_WITH_CHECKED_STEP 1
#endif

/* Adam and RMSprop (TMLP_OPT_ADAM, TMLP_OPT_RMSPROP). */
#ifndef TMLP_WITH_ADAM
#define TMLP_WITH_ADAM 1
#endif

/* Activations beyond identity and ReLU, which are always in. A description
 * that names a left-out one is refused by tmlp_desc_check() (rule
 * TMLP_DESC_ACT, TMLP_ERR_UNSUPPORTED). The sigmoid brings binary cross-
 * entropy (TMLP_LOSS_BCE) with it and the softmax cross-entropy
 * (TMLP_LOSS_CE): each loss needs its activation on the output. */
#ifndef TMLP_WITH_SIGMOID
#define TMLP_WITH_SIGMOID 1
#endif
#ifndef TMLP_WITH_TANH
#define TMLP_WITH_TANH 1
#endif
#ifndef TMLP_WITH_LEAKY_RELU
#define TMLP_WITH_LEAKY_RELU 1
#endif
#ifndef TMLP_WITH_SOFTMAX
#define TMLP_WITH_SOFTMAX 1
#endif

/* Input scaling by the net (TMLP_DESC_INPUT_SCALE). */
#ifndef TMLP_WITH_INPUT_SCALE
#define TMLP_WITH_INPUT_SCALE 1
#endif

/* Learning-rate schedules other than constant (step, exponential, cosine)
 * in the training loop. */
#ifndef TMLP_WITH_SCHEDULES
#define TMLP_WITH_SCHEDULES 1
#endif

/* ---- Layout ---------------------------------------------------------------
 * Data-cache line in bytes (0, or a power of two from 8 to 256). With C > 0
 * every buffer of the arena (parameters, gradients, optimizer state, input,
 * activations, ...) starts on a C-byte boundary whatever the arena's own
 * address, so no vector load of a kernel straddles two lines more often
 * than it must: each buffer is rounded up to whole lines and the arena
 * holds C - 4 bytes more in front. That costs RAM (at most C - 4 bytes per
 * buffer, at most 10 buffers, plus the lead) and helps only a core with a
 * data cache:
 * 64 by default on x86 and AArch64, 0 everywhere else (Cortex-M0+/M3/M4/M33,
 * RISC-V microcontrollers, AVR: no data cache, the arena exactly the floats
 * docs/memory.md lists). Build a Cortex-M7 with -DTMLP_CACHE_LINE=32 (its
 * L1 data-cache line). Results are the same bits whatever the value: the
 * kernels never depend on where a buffer starts. TMLP_ARENA_BYTES and
 * tmlp_arena_size() include the padding; the library and the code that
 * sizes its arenas must see the same value. On a target whose floats may
 * start at any address (AVR) a line > 0 starts the buffers within a float
 * of a boundary only. */
#ifndef TMLP_CACHE_LINE
#if defined(__x86_64__) || defined(__i386__) || defined(__aarch64__) || defined(_M_X64) || \
    defined(_M_IX86) || defined(_M_ARM64)
#define TMLP_CACHE_LINE 64
#else
#define TMLP_CACHE_LINE 0
#endif
#endif
#if TMLP_CACHE_LINE != 0 && (TMLP_CACHE_LINE < 8 || TMLP_CACHE_LINE > 256 || \
                             (TMLP_CACHE_LINE & (TMLP_CACHE_LINE - 1)) != 0)
#error "TMLP_CACHE_LINE must be 0 or a power of two from 8 to 256"
#endif

/* Internal invariant checks (TMLP_ASSERT). Off by default: the public entry
 * points check their arguments whether or not this is set. */
/* #define TMLP_DEBUG 1 */

/* Leave out tmlp_status_str()'s and tmlp_stop_str()'s strings to save flash. */
/* #define TMLP_NO_STRINGS 1 */

/* Leave TMLP_NODISCARD (warn_unused_result on every function that returns
 * a status) empty, for code that may drop statuses. */
/* #define TMLP_NO_NODISCARD 1 */

/* Use the portable C dense kernels even where VFP assembly kernels exist
 * (Cortex-M4F/M7/M33); both give the same bits. */
/* #define TMLP_NO_ASM 1 */

#endif
