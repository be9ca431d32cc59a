/* SPDX-License-Identifier: MIT */
/* The SGD passes of tmlp_optim.c's step (see there for the dry run and
 * commit passes): any SGD in sgd_all, and plain SGD, the common case, with
 * its dry run fused with the gradient norm (on GNU C vectors, tmlp_vec.h,
 * or in portable C); its commit is the row kernel the fused step uses too
 * (tmlp_i_sgd_rows, tmlp_kernel_sgd.c, called by tmlp_optim.c). Every loop runs the same float
 * operations in the same order as update_one() would, so the bits do not
 * depend on the path. */
#include "tmlp_optim.h"
#include "tmlp_vec.h"

#include <string.h>

/* See tmlp_optim.h. SGD with the element loop free of the optimizer
 * switch. */
int tmlp_i_sgd_all(const tmlp_i_step_ctx_t *c, float *w, const float *g, float *v, size_t n,
                   int commit)
{
    const tmlp_optim_t *o = c->opt;
    const float gs = c->gscale, lr = o->lr, mu = o->momentum, wd = o->weight_decay;
    const float keep = 1.0f - o->dampening;
    /* Integer flags, decided once: tested in the loop as registers, not as
     * float compares. */
    const int neg = o->maximize, decay = c->add_wd, mom = c->slots != 0u, nest = o->nesterov;
    const int first = c->first;
    uint32_t bad = 0;
    size_t i;
    for (i = 0; i < n; i++) {
        float gi = g[i] * gs, wi = w[i], vi = 0.0f, wn;
        if (neg) {
            gi = -gi;
        }
        if (decay) {
            gi = gi + wd * wi;
        }
        if (mom) {
            vi = first ? gi : mu * v[i] + keep * gi;
            wn = wi - lr * (nest ? gi + mu * vi : vi);
        } else {
            wn = wi - lr * gi;
        }
        if (commit) {
            w[i] = wn;
            if (mom) {
                v[i] = vi;
            }
        } else {
            bad |= (uint32_t)!tmlp_i_isfinite(wn) | (uint32_t)!tmlp_i_isfinite(vi);
        }
    }
    return bad == 0u;
}

#if TMLP_VEC
/* x86-64 and Arm NEON: blocks of 8 floats (tmlp_f8_t); lane k of the sum of
 * squares is partial sum k of tmlp_i_sumsq_scaled() (tmlp_vec.h). gcc does
 * not vectorise the portable code below at -O2 (the 8 scalar sums, and
 * loops of unknown length). */

/* See tmlp_optim.h. The finiteness check: chk + x * 0 stays 0 while every
 * x is finite and becomes NaN for good at the first Inf or NaN (one
 * multiply and one add per block instead of a test per value); with SGD,
 * w' = w - lr v' is finite only if v' is (lr > 0, w finite or w' is not),
 * so w' alone is checked. */
float tmlp_i_sgd_plain_dry(const tmlp_i_step_ctx_t *c, const float *w, const float *g,
                           const float *v, size_t n, int sumsq, int *ok)
{
    const float gs = c->gscale, lr = c->opt->lr, mu = c->opt->momentum;
    const float keep = 1.0f - c->opt->dampening, zero = 0.0f;
    const int mom = c->slots != 0u;
    const tmlp_f8_t G = tmlp_f8_splat(gs), LR = tmlp_f8_splat(lr), MU = tmlp_f8_splat(mu), KEEP = tmlp_f8_splat(keep);
    const tmlp_f8_t Z = tmlp_f8_splat(zero);
    tmlp_f8_t ss = Z, chkv = Z, gv, vv;
    float s[8], ck[8], chk = 0.0f, gi, vi;
    size_t i = 0;
    /* The squares only when the norm is wanted: one test per block. */
    if (mom) {
        for (; i + 8u <= n; i += 8u) {
            gv = tmlp_f8_mul(tmlp_f8_load(g + i), G);
            if (sumsq) {
                ss = tmlp_f8_add(ss, tmlp_f8_mul(gv, gv));
            }
            vv = tmlp_f8_add(tmlp_f8_mul(MU, tmlp_f8_load(v + i)), tmlp_f8_mul(KEEP, gv));
            chkv = tmlp_f8_add(chkv, tmlp_f8_mul(tmlp_f8_sub(tmlp_f8_load(w + i), tmlp_f8_mul(LR, vv)), Z));
        }
    } else {
        for (; i + 8u <= n; i += 8u) {
            gv = tmlp_f8_mul(tmlp_f8_load(g + i), G);
            if (sumsq) {
                ss = tmlp_f8_add(ss, tmlp_f8_mul(gv, gv));
            }
            chkv = tmlp_f8_add(chkv, tmlp_f8_mul(tmlp_f8_sub(tmlp_f8_load(w + i), tmlp_f8_mul(LR, gv)), Z));
        }
    }
    tmlp_f8_store(s, ss);
    tmlp_f8_store(ck, chkv);
    for (; i < n; i++) {
        gi = g[i] * gs;
        if (sumsq) {
            s[0] += gi * gi;
        }
        vi = mom ? mu * v[i] + keep * gi : gi;
        chk += (w[i] - lr * vi) * zero;
    }
    chk += ((ck[0] + ck[1]) + (ck[2] + ck[3])) + ((ck[4] + ck[5]) + (ck[6] + ck[7]));
    *ok = chk == 0.0f;
    return ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
}

#else /* !TMLP_VEC */

/* Portable C, unrolled by 8 with the local SGD_* macros below. They stay
 * macros on purpose: the macro-free version (one static inline function per
 * element, 8 calls per block) is not inlined by gcc 12 -Os for Cortex-M, so
 * the 8 partial sums and the check sum go through memory: the dry run's
 * frame grows from 28 to 112 bytes and the commit's from 16 to 64, on the
 * training step's stack path whose margin is a few bytes. Forcing the
 * inlining needs a compiler-specific attribute, and even then the dry run
 * needs 52 bytes. */

/* The finiteness check of a dry run: acc + x * 0 stays 0 while every x is
 * finite and becomes NaN for good at the first Inf or NaN. One (non-fused)
 * multiply-accumulate per checked value instead of a bit test and a branch.
 * With SGD, w' = w - lr v' is finite only if v' is (lr > 0, w finite or w'
 * is not), so w' alone is checked. */
#define SGD_NEW(k, VI)                                                              \
    gi = g[i + (k)] * gs;                                                           \
    s##k += gi * gi;                                                                \
    vi = VI;                                                                        \
    chk += (w[i + (k)] - lr * vi) * zero;
#define SGD_DRY(VI)                                                                 \
    for (; i + 8u <= n; i += 8u) {                                                  \
        SGD_NEW(0, VI(0))                                                           \
        SGD_NEW(1, VI(1))                                                           \
        SGD_NEW(2, VI(2))                                                           \
        SGD_NEW(3, VI(3))                                                           \
        SGD_NEW(4, VI(4))                                                           \
        SGD_NEW(5, VI(5))                                                           \
        SGD_NEW(6, VI(6))                                                           \
        SGD_NEW(7, VI(7))                                                           \
    }                                                                               \
    for (; i < n; i++) {                                                            \
        SGD_NEW(0, VI(0))                                                           \
    }
#define SGD_V_MOM(k) mu * v[i + (k)] + keep * gi
#define SGD_V_NONE(k) gi

/* See tmlp_optim.h. Without sumsq, one plain loop (the checks only). */
float tmlp_i_sgd_plain_dry(const tmlp_i_step_ctx_t *c, const float *w, const float *g,
                           const float *v, size_t n, int sumsq, int *ok)
{
    const float gs = c->gscale, lr = c->opt->lr, mu = c->opt->momentum;
    const float keep = 1.0f - c->opt->dampening, zero = 0.0f;
    float s0 = 0.0f, s1 = 0.0f, s2 = 0.0f, s3 = 0.0f;
    float s4 = 0.0f, s5 = 0.0f, s6 = 0.0f, s7 = 0.0f;
    float chk = 0.0f, gi, vi;
    size_t i = 0;
    if (!sumsq) {
        const int mom = c->slots != 0u;
        for (; i < n; i++) {
            gi = g[i] * gs;
            vi = mom ? mu * v[i] + keep * gi : gi;
            chk += (w[i] - lr * vi) * zero;
        }
        *ok = chk == 0.0f;
        return 0.0f;
    }
    if (c->slots != 0u) {
        SGD_DRY(SGD_V_MOM)
    } else {
        SGD_DRY(SGD_V_NONE)
    }
    *ok = chk == 0.0f;
    return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
}
#undef SGD_NEW
#undef SGD_DRY
#undef SGD_V_MOM
#undef SGD_V_NONE

#endif /* TMLP_VEC */
