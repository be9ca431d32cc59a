/* SPDX-License-Identifier: MIT */
/* Optimizers on flat float vectors, in torch.optim's formulas (see
 * tinymlp.h), plus moving-average momentum (TMLP_OPT_EMA).
 *
 * A step is all or nothing: a dry run computes every new value without
 * storing it and checks that it is finite, then a commit pass computes the
 * same values again and stores them (and, for a net, zeroes the gradient).
 * Both passes run the same float operations, so they agree bit for bit.
 * Plain SGD without a norm to compute skips its dry run when a bound from
 * the largest magnitudes proves the step finite (plain_step_proven()). The
 * gradient norm is computed only when something needs it: clipping, or a
 * caller that asks (tmlp_opts_t.grad_norm, the loop's grad_tol). Clipping
 * needs its own pass before the updates; otherwise the dry run of plain SGD
 * (with or without momentum, the common case) computes it alongside, in the
 * same order as tmlp_i_sumsq_scaled(). Whether or not it is computed, a
 * step whose norm would not be finite is refused (norm_bound()). The SGD
 * loops are in tmlp_optim_sgd.c. */
#include "tmlp_optim.h"

#include <float.h>
#include <string.h>

static int in_unit(float x) /* 0 <= x < 1 */
{
    return x >= 0.0f && x < 1.0f;
}

/* See tmlp_internal.h. */
tmlp_status_t tmlp_i_optim_check(const tmlp_optim_t *opt, uint32_t *slots)
{
    const float f[] = {opt->lr, opt->momentum, opt->dampening, opt->weight_decay, opt->beta1,
                       opt->beta2, opt->alpha, opt->eps, opt->clip_norm};
    if (!tmlp_i_all_finite(f, sizeof f / sizeof f[0]) || !(opt->lr > 0.0f) ||
        !in_unit(opt->momentum) || !(opt->dampening >= 0.0f && opt->dampening <= 1.0f) ||
        !(opt->weight_decay >= 0.0f) || !in_unit(opt->beta1) || !in_unit(opt->beta2) ||
        !in_unit(opt->alpha) || !(opt->eps >= 0.0f) || !(opt->clip_norm >= 0.0f) ||
        opt->nesterov > 1u || opt->maximize > 1u || opt->decoupled_wd > 1u) {
        return TMLP_ERR_ARG;
    }
    if (opt->nesterov && (opt->kind != TMLP_OPT_SGD || opt->momentum == 0.0f ||
                          opt->dampening != 0.0f)) {
        return TMLP_ERR_ARG;
    }
    if (opt->decoupled_wd && opt->kind != TMLP_OPT_ADAM) {
        return TMLP_ERR_ARG;
    }
    if (opt->kind > TMLP_OPT_RMSPROP) {
        return TMLP_ERR_ARG;
    }
    if (!TMLP_WITH_ADAM && (opt->kind == TMLP_OPT_ADAM || opt->kind == TMLP_OPT_RMSPROP)) {
        return TMLP_ERR_UNSUPPORTED;
    }
    *slots = tmlp_i_optim_used_slots(opt);
    return TMLP_OK;
}

/* See tmlp_internal.h. momentum != 0 is tested on the bits (+0 and -0
 * alike), so that no soft-float call is made on Cortex-M0+: this runs on
 * the checkpoint save's deepest stack path. */
uint32_t tmlp_i_optim_used_slots(const tmlp_optim_t *opt)
{
    uint32_t momentum = (tmlp_i_float_bits(opt->momentum) << 1) != 0u ? 1u : 0u;
    switch (opt->kind) {
    case TMLP_OPT_SGD:
        return momentum;
    case TMLP_OPT_EMA:
        return 1u;
    case TMLP_OPT_ADAM:
        return 2u;
    default: /* TMLP_OPT_RMSPROP */
        return 1u + momentum;
    }
}

/* See tmlp_internal.h. */
tmlp_status_t tmlp_i_mode_optim_check(unsigned mode, const tmlp_optim_t *opt, uint32_t *slots)
{
    tmlp_status_t st = tmlp_i_optim_check(opt, slots);
    if (st == TMLP_OK && tmlp_i_mode_fused(mode) && !tmlp_i_optim_fusable(opt)) {
        /* Without the checked path, the fused step's limits are the build's. */
        st = TMLP_WITH_CHECKED_STEP ? TMLP_ERR_ARG : TMLP_ERR_UNSUPPORTED;
    }
    return st;
}

static float or_default(float v, float def)
{
    return v != 0.0f ? v : def;
}

static void ctx_init(tmlp_i_step_ctx_t *c, const tmlp_optim_t *opt, uint32_t slots, float gscale,
                     uint32_t step)
{
    c->opt = opt;
    c->slots = slots;
    c->gscale = gscale;
    c->b1 = or_default(opt->beta1, 0.9f);
    c->b2 = or_default(opt->beta2, 0.999f);
    c->alpha = or_default(opt->alpha, 0.99f);
    c->eps = or_default(opt->eps, 1e-8f);
    c->first = step == 0u;
    c->sgd.lr = opt->lr;
    c->sgd.mu = opt->momentum;
    c->sgd.keep = 1.0f - opt->dampening;
    c->sgd.first = 0;     /* plain SGD never takes the first momentum step */
    c->sgd.from_zero = 0; /* the gradient g gscale exactly */
    c->add_wd = opt->weight_decay != 0.0f;
    c->decay = 1.0f - opt->lr * opt->weight_decay;
    c->step_size = opt->lr;
    c->bc2_sqrt = 1.0f;
    if (TMLP_WITH_ADAM && opt->kind == TMLP_OPT_ADAM) {
        /* Step t counts from 1; a wrapped counter would make t = 0. */
        uint32_t t = step == UINT32_MAX ? step : step + 1u;
        c->step_size = opt->lr / (1.0f - tmlp_i_powif(c->b1, t));
        c->bc2_sqrt = tmlp_i_sqrtf(1.0f - tmlp_i_powif(c->b2, t));
    }
}

/* New values of w[i] and its state s0 (= state[i]), s1 (= state[n + i]),
 * for EMA, Adam and RMSprop (SGD has its own loop, tmlp_i_sgd_all() in
 * tmlp_optim_sgd.c). */
static float update_one(const tmlp_i_step_ctx_t *c, float w, float g, float *s0, float *s1)
{
    const tmlp_optim_t *o = c->opt;
    (void)s1; /* Adam's and RMSprop's second slot only */
    g = g * c->gscale;
    if (o->maximize) {
        g = -g;
    }
    if (TMLP_WITH_ADAM && o->kind == TMLP_OPT_ADAM && o->decoupled_wd) {
        w = w * c->decay;
    } else if (o->weight_decay != 0.0f) {
        g = g + o->weight_decay * w;
    }
#if TMLP_WITH_ADAM
    if (o->kind == TMLP_OPT_ADAM) {
        *s0 = c->b1 * *s0 + (1.0f - c->b1) * g;
        *s1 = c->b2 * *s1 + (1.0f - c->b2) * (g * g);
        return w - c->step_size * (*s0 / (tmlp_i_sqrtf(*s1) / c->bc2_sqrt + c->eps));
    }
    if (o->kind == TMLP_OPT_RMSPROP) {
        float m;
        *s0 = c->alpha * *s0 + (1.0f - c->alpha) * (g * g);
        m = g / (tmlp_i_sqrtf(*s0) + c->eps);
        if (o->momentum == 0.0f) {
            return w - o->lr * m;
        }
        *s1 = o->momentum * *s1 + m;
        return w - o->lr * *s1;
    }
#endif
    /* EMA; SGD never comes here (tmlp_i_sgd_all) */
    *s0 = o->momentum * *s0 + (1.0f - o->momentum) * g;
    return w - o->lr * *s0;
}

/* Pass 2 (commit = 0): 1 if every new value is finite. Pass 3 (commit = 1):
 * stores them. state is only touched when the optimizer has slots. EMA,
 * Adam and RMSprop; apply() sends SGD to tmlp_i_sgd_all() itself, so that
 * the deepest stack path holds one loop's frame, not a dispatcher's too.
 * Never inlined: inlined (as gcc does on the Cortex-M0+ when Adam is left
 * out) it would grow apply()'s frame, which sits on the deepest path. */
TMLP_I_NOINLINE static int update_all(const tmlp_i_step_ctx_t *c, float *w, const float *g,
                                      float *state, size_t n, int commit)
{
    size_t i;
    float zero = 0.0f;
    for (i = 0; i < n; i++) {
        float s0 = c->slots > 0u ? state[i] : zero;
        float s1 = c->slots > 1u ? state[n + i] : zero;
        float wn = update_one(c, w[i], g[i], &s0, &s1);
        if (!commit) {
            if (!tmlp_i_isfinite(wn) || !tmlp_i_isfinite(s0) || !tmlp_i_isfinite(s1)) {
                return 0;
            }
            continue;
        }
        w[i] = wn;
        if (c->slots > 0u) {
            state[i] = s0;
        }
        if (c->slots > 1u) {
            state[n + i] = s1;
        }
    }
    return 1;
}

/* L2 norm of g * gscale. The plain sum of squares overflows for norms above
 * about 1.8e19 although every element is finite; only then is it computed
 * again scaled by the largest element, so results that fit keep their bits.
 * Returns a non-finite value if an element is not finite. */
static float grad_norm(const float *g, float gscale, size_t n)
{
    float nrm = tmlp_i_sqrtf(tmlp_i_sumsq_scaled(g, gscale, n));
    float m = 0.0f;
    size_t i;
    if (tmlp_i_isfinite(nrm)) {
        return nrm;
    }
    for (i = 0; i < n; i++) {
        float a = g[i] * gscale;
        if (!tmlp_i_isfinite(a)) {
            return a;
        }
        a = a < 0.0f ? -a : a;
        m = a > m ? a : m;
    }
    return m * tmlp_i_sqrtf(tmlp_i_sumsq_scaled(g, gscale / m, n));
}

/* Whether grad_norm(g, gscale, n) is finite, told without computing it
 * where a bound can, from m = tmlp_i_abs_max_bits(g, n): 1 finite, 0 not
 * (an element is not finite), -1 the bound cannot tell (then the caller
 * computes it). The norm is at most
 * sqrt(n) m, m = max |g[i] gscale| (in grad_norm's scaled fallback every
 * square is at most 1 and their sum at most n, give or take rounding), so
 * m 2^(k+1) < FLT_MAX with 4^k >= n is enough: a power of two, exact, no
 * square root. m comes from the bits alone, with no arithmetic on
 * subnormal values. */
static int norm_bound(uint32_t m, float gscale, size_t n)
{
    uint32_t k = 0;
    if (m >= 0x7f800000u) {
        return 0;
    }
    while (k < 32u && ((uint64_t)1 << (2u * k)) < (uint64_t)n) {
        k++;
    }
    /* 2^(k+1): k + 1 <= 33, a normal float's exponent */
    return tmlp_i_bits_float(m) * gscale * tmlp_i_bits_float((127u + k + 1u) << 23) < FLT_MAX
               ? 1
               : -1;
}

/* 1 if every new value of a plain SGD step is finite for sure, told from
 * the largest magnitudes alone (mg of g, as norm_bound takes it): no
 * arithmetic on the elements, so none on subnormal ones, which cost x86 a
 * microcode assist each and a soft-float core a library call. Rounding to
 * nearest is monotone, so each new value is at most the same operations
 * on the largest magnitudes: |v'| <= mu mv + keep (mg gscale), |w'| <= mw
 * + lr |v'| (lr, gscale > 0; momentum and 1 - dampening >= 0, as the
 * optimizer checks and the callers ensure); a finite bound proves the dry
 * run would pass. 0: the bound cannot tell (the exact dry run decides).
 * Never inlined: its locals would join apply()'s frame, on the Cortex-M0+'s
 * deepest stack path. */
TMLP_I_NOINLINE static int plain_step_proven(const tmlp_i_step_ctx_t *c, const float *w,
                                             const float *v, size_t n, uint32_t mg)
{
    uint32_t mw = tmlp_i_abs_max_bits(w, n);
    uint32_t mv = c->slots != 0u ? tmlp_i_abs_max_bits(v, n) : 0u;
    float vb = tmlp_i_bits_float(mg) * c->gscale;
    if (mg >= 0x7f800000u || mw >= 0x7f800000u || mv >= 0x7f800000u) {
        return 0;
    }
    if (c->slots != 0u) {
        vb = c->sgd.mu * tmlp_i_bits_float(mv) + c->sgd.keep * vb;
    }
    return tmlp_i_bits_float(mw) + c->sgd.lr * vb <= FLT_MAX;
}

/* The step; gz is g (zeroed on success) or NULL; norm receives the
 * gradient norm, or is NULL when nobody needs it (then it is computed only
 * for clipping). The same new values and the same refusals either way. */
static tmlp_status_t apply(const tmlp_optim_t *opt, float *w, const float *g, float *gz,
                           float gscale, float *state, size_t n, uint32_t step, float *norm)
{
    tmlp_i_step_ctx_t c;
    uint32_t slots = 0;
    float nrm = -1.0f;
    (void)tmlp_i_optim_check(opt, &slots);
    ctx_init(&c, opt, slots, gscale, step);
    if (!(opt->clip_norm > 0.0f) && tmlp_i_sgd_plain(&c)) {
        int ok = 0;
        if (norm != NULL || TMLP_I_SQUARES_FREE) {
            nrm = tmlp_i_sqrtf(tmlp_i_sgd_plain_dry(&c, w, g, state, n, 1, &ok));
            if (!tmlp_i_isfinite(nrm)) {
                /* Overflowed sum of squares or a non-finite gradient. */
                nrm = grad_norm(g, gscale, n);
            }
            ok = ok && tmlp_i_isfinite(nrm);
        } else {
            uint32_t mg = tmlp_i_abs_max_bits(g, n);
            int fin = norm_bound(mg, gscale, n);
            if (fin < 0) {
                fin = tmlp_i_isfinite(grad_norm(g, gscale, n));
            }
            ok = fin && plain_step_proven(&c, w, state, n, mg);
            if (fin && !ok) {
                (void)tmlp_i_sgd_plain_dry(&c, w, g, state, n, 0, &ok);
            }
        }
        if (!ok) {
            return TMLP_ERR_NUMERIC;
        }
        tmlp_i_sgd_rows(&c.sgd, w, slots != 0u ? state : NULL, g, &c.gscale, n, 1u);
    } else {
        int fin = opt->clip_norm > 0.0f || norm != NULL
                      ? -1
                      : norm_bound(tmlp_i_abs_max_bits(g, n), gscale, n);
        if (fin < 0) {
            nrm = grad_norm(g, gscale, n);
            fin = tmlp_i_isfinite(nrm);
        }
        if (!fin) {
            return TMLP_ERR_NUMERIC;
        }
        if (opt->clip_norm > 0.0f) {
            /* torch.nn.utils.clip_grad_norm_: scale by max_norm / (norm +
             * 1e-6) when that is below 1. */
            float coef = opt->clip_norm / (nrm + 1e-6f);
            if (coef < 1.0f) {
                ctx_init(&c, opt, slots, gscale * coef, step);
            }
        }
        if (tmlp_i_sgd_plain(&c)) {
            int ok = 0;
            (void)tmlp_i_sgd_plain_dry(&c, w, g, state, n, 0, &ok);
            if (!ok) {
                return TMLP_ERR_NUMERIC;
            }
            tmlp_i_sgd_rows(&c.sgd, w, slots != 0u ? state : NULL, g, &c.gscale, n, 1u);
        } else {
            const int sgd = opt->kind == TMLP_OPT_SGD;
            if (!(sgd ? tmlp_i_sgd_all(&c, w, g, state, n, 0)
                      : update_all(&c, w, g, state, n, 0))) {
                return TMLP_ERR_NUMERIC;
            }
            (void)(sgd ? tmlp_i_sgd_all(&c, w, g, state, n, 1)
                       : update_all(&c, w, g, state, n, 1));
        }
    }
    if (gz != NULL) {
        memset(gz, 0, n * sizeof(float));
    }
    if (norm != NULL) {
        *norm = nrm;
    }
    return TMLP_OK;
}

/* See tmlp_internal.h. */
tmlp_status_t tmlp_i_optim_apply(const tmlp_optim_t *opt, float *w, const float *g, float gscale,
                                 float *state, size_t n, uint32_t step, float *norm)
{
    return apply(opt, w, g, NULL, gscale, state, n, step, norm);
}

/* See tmlp_internal.h. */
tmlp_status_t tmlp_i_optim_apply_zero(const tmlp_optim_t *opt, float *w, float *g, float gscale,
                                      float *state, size_t n, uint32_t step, float *norm)
{
    return apply(opt, w, g, g, gscale, state, n, step, norm);
}

/* See tinymlp.h. */
tmlp_status_t tmlp_optim_slots(const tmlp_optim_t *opt, uint32_t *slots)
{
    if (opt == NULL || slots == NULL) {
        return TMLP_ERR_ARG;
    }
    return tmlp_i_optim_check(opt, slots);
}

/* See tinymlp.h. */
tmlp_status_t tmlp_optim_step(const tmlp_optim_t *opt, float *w, const float *g, float *state,
                              size_t n, uint32_t *step)
{
    uint32_t slots = 0;
    tmlp_status_t st;
    if (opt == NULL || w == NULL || g == NULL || step == NULL || n == 0) {
        return TMLP_ERR_ARG;
    }
    st = tmlp_i_optim_check(opt, &slots);
    if (st != TMLP_OK) {
        return st;
    }
    if (slots > 0u && state == NULL) {
        return TMLP_ERR_ARG;
    }
    if (!tmlp_i_all_finite(w, n)) {
        return TMLP_ERR_NUMERIC;
    }
    st = tmlp_i_optim_apply(opt, w, g, 1.0f, state, n, *step, NULL);
    if (st == TMLP_OK && *step < UINT32_MAX) {
        (*step)++;
    }
    return st;
}
