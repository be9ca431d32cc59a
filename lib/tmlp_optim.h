/* SPDX-License-Identifier: MIT */
/* Shared by tmlp_optim.c (validation, EMA/Adam/RMSprop, the step) and
 * tmlp_optim_sgd.c (the SGD loops); not installed. */
#ifndef TMLP_OPTIM_H
#define TMLP_OPTIM_H

#include "tmlp_internal.h"
#include "tmlp_vec.h"

/* Everything one element's update needs, fixed for the whole step. */
typedef struct {
    const tmlp_optim_t *opt;
    float gscale; /* mean over the batch times the clipping factor */
    float b1, b2, alpha, eps;
    float step_size;   /* Adam: lr / (1 - beta1^t) */
    float bc2_sqrt;    /* Adam: sqrt(1 - beta2^t) */
    float decay;       /* AdamW: 1 - lr wd */
    int first;         /* SGD: first step, v = g */
    int add_wd;        /* weight decay added to the gradient */
    uint32_t slots;    /* state vectors: 0, 1 or 2 */
    tmlp_i_sgd_t sgd;  /* plain SGD's commit: the row kernel's constants */
} tmlp_i_step_ctx_t;

/* Plain SGD (tmlp_i_sgd_is_plain) and, with momentum, not the first step
 * (which sets v = g): the dry run tmlp_i_sgd_plain_dry carries no
 * per-element flags, and the commit is the row kernel tmlp_i_sgd_rows with
 * c->sgd, over the whole vector as one row (x = g, a = gscale). */
static inline int tmlp_i_sgd_plain(const tmlp_i_step_ctx_t *c)
{
    return tmlp_i_sgd_is_plain(c->opt) && (c->slots == 0u || !c->first);
}

/* Any SGD (v is the momentum buffer, unused without momentum). commit = 0:
 * returns 1 if every new value is finite; commit = 1: stores them. */
int tmlp_i_sgd_all(const tmlp_i_step_ctx_t *c, float *w, const float *g, float *v, size_t n,
                   int commit);
/* Whether the plain-SGD dry run computes the gradient norm's squares even
 * when nobody asks for the norm: yes on cores with a scalar FPU and no
 * vector kernels (Cortex-M4F/M7/M33: the squares ride in the unrolled dry
 * run for about nothing, and the FPU takes subnormals without a penalty,
 * while a bound over the gradient would cost a pass of its own); no with
 * GNU C vectors (x86 takes a microcode assist per subnormal) and on soft
 * float (two library calls per element). Either way the same results and
 * the same refusals. */
#if !TMLP_VEC && defined(__ARM_FP)
#define TMLP_I_SQUARES_FREE 1
#else
#define TMLP_I_SQUARES_FREE 0
#endif

/* Dry run of plain SGD: sets *ok to 1 if every new value is finite; with
 * sumsq also the gradient norm's sum: returns sum_i (g[i] gscale)^2 in the
 * order of tmlp_i_sumsq_scaled() (else 0). */
float tmlp_i_sgd_plain_dry(const tmlp_i_step_ctx_t *c, const float *w, const float *g,
                           const float *v, size_t n, int sumsq, int *ok);

#endif
