/* SPDX-License-Identifier: MIT */
/* Optimizers on flat float vectors, in torch.optim's formulas (see
 * tinymlp.h), plus the seeds' moving-average momentum.
 *
 * A step is all or nothing: a dry run computes every new value without
 * storing it and checks that it is finite, then a commit pass computes the
 * same values again and stores them (and, for a net, zeroes the gradient).
 * Both passes run the same float operations, so they agree bit for bit. The
 * gradient norm needs its own pass before the updates only when clipping is
 * configured; otherwise the dry run of plain SGD (with or without momentum,
 * the common case) computes it alongside, in the same order as
 * tmlp_i_sumsq_scaled(). */
#include "tmlp_internal.h"

#include <string.h>

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
} step_ctx_t;

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
    switch (opt->kind) {
    case TMLP_OPT_SGD:
        *slots = opt->momentum != 0.0f ? 1u : 0u;
        return TMLP_OK;
    case TMLP_OPT_EMA:
        *slots = 1u;
        return TMLP_OK;
    case TMLP_OPT_ADAM:
        *slots = 2u;
        return TMLP_OK;
    case TMLP_OPT_RMSPROP:
        *slots = opt->momentum != 0.0f ? 2u : 1u;
        return TMLP_OK;
    default:
        return TMLP_ERR_ARG;
    }
}

static float or_default(float v, float def)
{
    return v != 0.0f ? v : def;
}

static void ctx_init(step_ctx_t *c, const tmlp_optim_t *opt, uint32_t slots, float gscale,
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
    c->add_wd = opt->weight_decay != 0.0f;
    c->decay = 1.0f - opt->lr * opt->weight_decay;
    c->step_size = opt->lr;
    c->bc2_sqrt = 1.0f;
    if (opt->kind == TMLP_OPT_ADAM) {
        /* Step t counts from 1; a wrapped counter would make t = 0. */
        uint32_t t = step == UINT32_MAX ? step : step + 1u;
        c->step_size = opt->lr / (1.0f - tmlp_i_powif(c->b1, t));
        c->bc2_sqrt = tmlp_i_sqrtf(1.0f - tmlp_i_powif(c->b2, t));
    }
}

/* New values of w[i] and its state s0 (= state[i]), s1 (= state[n + i]),
 * for EMA, Adam and RMSprop (SGD has its own loop, sgd_all). */
static float update_one(const step_ctx_t *c, float w, float g, float *s0, float *s1)
{
    const tmlp_optim_t *o = c->opt;
    float m;
    g = g * c->gscale;
    if (o->maximize) {
        g = -g;
    }
    if (o->kind == TMLP_OPT_ADAM && o->decoupled_wd) {
        w = w * c->decay;
    } else if (o->weight_decay != 0.0f) {
        g = g + o->weight_decay * w;
    }
    switch (o->kind) {
    case TMLP_OPT_EMA:
        *s0 = o->momentum * *s0 + (1.0f - o->momentum) * g;
        return w - o->lr * *s0;
    case TMLP_OPT_ADAM:
        *s0 = c->b1 * *s0 + (1.0f - c->b1) * g;
        *s1 = c->b2 * *s1 + (1.0f - c->b2) * (g * g);
        return w - c->step_size * (*s0 / (tmlp_i_sqrtf(*s1) / c->bc2_sqrt + c->eps));
    default: /* RMSprop; SGD never comes here (sgd_all) */
        *s0 = c->alpha * *s0 + (1.0f - c->alpha) * (g * g);
        m = g / (tmlp_i_sqrtf(*s0) + c->eps);
        if (o->momentum == 0.0f) {
            return w - o->lr * m;
        }
        *s1 = o->momentum * *s1 + m;
        return w - o->lr * *s1;
    }
}

/* SGD, the common case, with the element loop free of the optimizer
 * switch: the same float operations as update_one(), so the same bits. */
static int sgd_all(const step_ctx_t *c, float *w, const float *g, float *v, size_t n, int commit)
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

/* Pass 2 (commit = 0): 1 if every new value is finite. Pass 3 (commit = 1):
 * stores them. state is only touched when the optimizer has slots. */
static int update_all(const step_ctx_t *c, float *w, const float *g, float *state, size_t n,
                      int commit)
{
    size_t i;
    float zero = 0.0f;
    if (c->opt->kind == TMLP_OPT_SGD) {
        return sgd_all(c, w, g, state, n, commit);
    }
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

/* x86-64 (SSE2 and up) and Arm NEON with gcc or clang: the loops of plain
 * SGD on GNU C vectors (as in tmlp_kernel.c), a block of 8 floats (b8_t)
 * in one 32-byte vector with AVX or two 16-byte vectors; lane k of the sum
 * of squares is partial sum k of tmlp_i_sumsq_scaled(). Lane-wise IEEE
 * operations rounded as the scalar ones (-ffp-contract=off), so the same
 * bits as the portable C code below; gcc does not vectorise that code at
 * -O2 (the 8 scalar sums, and loops of unknown length). -DTMLP_NO_ASM
 * selects the portable C code. */
#if !defined(TMLP_NO_ASM) && defined(__GNUC__) && (defined(__SSE2__) || defined(__ARM_NEON))
#define TMLP_VEC 1
#else
#define TMLP_VEC 0
#endif

#if TMLP_VEC
#if defined(__AVX__)
#define TMLP_VBYTES 32
#else
#define TMLP_VBYTES 16
#endif
/* vf_u: the same vector at any float's alignment, allowed to alias floats
 * (as the x86 intrinsics' unaligned types): one unaligned move each. */
typedef float vf_t __attribute__((vector_size(TMLP_VBYTES)));
typedef float vf_u __attribute__((vector_size(TMLP_VBYTES), aligned(4), may_alias));
typedef struct {
    vf_t v0;
#if TMLP_VBYTES == 16
    vf_t v1;
#endif
} b8_t;

static b8_t b8_load(const float *p)
{
    b8_t r;
    r.v0 = *(const vf_u *)(const void *)p;
#if TMLP_VBYTES == 16
    r.v1 = *(const vf_u *)(const void *)(p + 4);
#endif
    return r;
}

static void b8_store(float *p, b8_t a)
{
    *(vf_u *)(void *)p = a.v0;
#if TMLP_VBYTES == 16
    *(vf_u *)(void *)(p + 4) = a.v1;
#endif
}

static b8_t b8_splat(float a)
{
    b8_t r;
    vf_t v = {a, a, a, a};
#if TMLP_VBYTES == 16
    r.v1 = v;
#else
    v = (vf_t){a, a, a, a, a, a, a, a};
#endif
    r.v0 = v;
    return r;
}

static b8_t b8_add(b8_t a, b8_t b)
{
    a.v0 += b.v0;
#if TMLP_VBYTES == 16
    a.v1 += b.v1;
#endif
    return a;
}

static b8_t b8_sub(b8_t a, b8_t b)
{
    a.v0 -= b.v0;
#if TMLP_VBYTES == 16
    a.v1 -= b.v1;
#endif
    return a;
}

static b8_t b8_mul(b8_t a, b8_t b)
{
    a.v0 *= b.v0;
#if TMLP_VBYTES == 16
    a.v1 *= b.v1;
#endif
    return a;
}
#endif /* TMLP_VEC */

/* Plain SGD: no maximize, no weight decay, no Nesterov, and with momentum
 * not the first step (v = mu v + (1 - dampening) g); the loops below carry
 * no per-element flags. */
static int sgd_plain(const step_ctx_t *c)
{
    const tmlp_optim_t *o = c->opt;
    return o->kind == TMLP_OPT_SGD && !o->maximize && !c->add_wd && !o->nesterov &&
           (c->slots == 0u || !c->first);
}

#if TMLP_VEC
/* Dry run of plain SGD fused with the gradient norm: returns sum_i (g[i]
 * gscale)^2 in the order of tmlp_i_sumsq_scaled() and sets *ok to 1 if
 * every new value is finite. The finiteness check: chk + x * 0 stays 0
 * while every x is finite and becomes NaN for good at the first Inf or NaN
 * (one multiply and one add per block instead of a test per value); with
 * SGD, w' = w - lr v' is finite only if v' is (lr > 0, w finite or w' is
 * not), so w' alone is checked. */
static float sgd_plain_dry(const step_ctx_t *c, const float *w, const float *g, const float *v,
                           size_t n, int *ok)
{
    const float gs = c->gscale, lr = c->opt->lr, mu = c->opt->momentum;
    const float keep = 1.0f - c->opt->dampening, zero = 0.0f;
    const int mom = c->slots != 0u;
    const b8_t G = b8_splat(gs), LR = b8_splat(lr), MU = b8_splat(mu), KEEP = b8_splat(keep);
    const b8_t Z = b8_splat(zero);
    b8_t ss = Z, chkv = Z, gv, vv;
    float s[8], ck[8], chk = 0.0f, gi, vi;
    size_t i = 0;
    if (mom) {
        for (; i + 8u <= n; i += 8u) {
            gv = b8_mul(b8_load(g + i), G);
            ss = b8_add(ss, b8_mul(gv, gv));
            vv = b8_add(b8_mul(MU, b8_load(v + i)), b8_mul(KEEP, gv));
            chkv = b8_add(chkv, b8_mul(b8_sub(b8_load(w + i), b8_mul(LR, vv)), Z));
        }
    } else {
        for (; i + 8u <= n; i += 8u) {
            gv = b8_mul(b8_load(g + i), G);
            ss = b8_add(ss, b8_mul(gv, gv));
            chkv = b8_add(chkv, b8_mul(b8_sub(b8_load(w + i), b8_mul(LR, gv)), Z));
        }
    }
    b8_store(s, ss);
    b8_store(ck, chkv);
    for (; i < n; i++) {
        gi = g[i] * gs;
        s[0] += gi * gi;
        vi = mom ? mu * v[i] + keep * gi : gi;
        chk += (w[i] - lr * vi) * zero;
    }
    chk += ((ck[0] + ck[1]) + (ck[2] + ck[3])) + ((ck[4] + ck[5]) + (ck[6] + ck[7]));
    *ok = chk == 0.0f;
    return ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
}

/* Commit pass of plain SGD; zeroes g when gz (= g) is not NULL. */
static void sgd_plain_commit(const step_ctx_t *c, float *w, const float *g, float *v, float *gz,
                             size_t n)
{
    const float gs = c->gscale, lr = c->opt->lr, mu = c->opt->momentum;
    const float keep = 1.0f - c->opt->dampening;
    const b8_t G = b8_splat(gs), LR = b8_splat(lr), MU = b8_splat(mu), KEEP = b8_splat(keep);
    const b8_t Z = b8_splat(0.0f);
    b8_t vv;
    float vi;
    size_t i = 0;
    if (c->slots == 0u) {
        for (; i + 8u <= n; i += 8u) {
            b8_store(w + i, b8_sub(b8_load(w + i), b8_mul(LR, b8_mul(b8_load(g + i), G))));
        }
        for (; i < n; i++) {
            w[i] = w[i] - lr * (g[i] * gs);
        }
        if (gz != NULL) {
            memset(gz, 0, n * sizeof(float));
        }
    } else if (gz == NULL) {
        for (; i + 8u <= n; i += 8u) {
            vv = b8_add(b8_mul(MU, b8_load(v + i)), b8_mul(KEEP, b8_mul(b8_load(g + i), G)));
            b8_store(v + i, vv);
            b8_store(w + i, b8_sub(b8_load(w + i), b8_mul(LR, vv)));
        }
        for (; i < n; i++) {
            vi = mu * v[i] + keep * (g[i] * gs);
            v[i] = vi;
            w[i] = w[i] - lr * vi;
        }
    } else {
        for (; i + 8u <= n; i += 8u) {
            vv = b8_add(b8_mul(MU, b8_load(v + i)), b8_mul(KEEP, b8_mul(b8_load(gz + i), G)));
            b8_store(gz + i, Z);
            b8_store(v + i, vv);
            b8_store(w + i, b8_sub(b8_load(w + i), b8_mul(LR, vv)));
        }
        for (; i < n; i++) {
            vi = mu * v[i] + keep * (gz[i] * gs);
            gz[i] = 0.0f;
            v[i] = vi;
            w[i] = w[i] - lr * vi;
        }
    }
}

#else /* !TMLP_VEC */

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

/* Dry run of plain SGD fused with the gradient norm: returns sum_i (g[i]
 * gscale)^2 in the order of tmlp_i_sumsq_scaled() and sets *ok to 1 if
 * every new value is finite. */
static float sgd_plain_dry(const step_ctx_t *c, const float *w, const float *g, const float *v,
                           size_t n, int *ok)
{
    const float gs = c->gscale, lr = c->opt->lr, mu = c->opt->momentum;
    const float keep = 1.0f - c->opt->dampening, zero = 0.0f;
    float s0 = 0.0f, s1 = 0.0f, s2 = 0.0f, s3 = 0.0f;
    float s4 = 0.0f, s5 = 0.0f, s6 = 0.0f, s7 = 0.0f;
    float chk = 0.0f, gi, vi;
    size_t i = 0;
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

/* Commit pass of plain SGD; zeroes g when gz (= g) is not NULL. Unrolled
 * by 8 so that the loop control is paid once per 8 elements. */
#define SGD_UNROLL8(E)                                                              \
    for (; i + 8u <= n; i += 8u) {                                                  \
        E(0) E(1) E(2) E(3) E(4) E(5) E(6) E(7)                                     \
    }                                                                               \
    for (; i < n; i++) {                                                            \
        E(0)                                                                        \
    }
#define SGD_SET_NONE(k) w[i + (k)] = w[i + (k)] - lr * (g[i + (k)] * gs);
#define SGD_SET_MOM(k)                                                              \
    vi = mu * v[i + (k)] + keep * (g[i + (k)] * gs);                                \
    v[i + (k)] = vi;                                                                \
    w[i + (k)] = w[i + (k)] - lr * vi;
#define SGD_SET_MOM_ZERO(k)                                                         \
    vi = mu * v[i + (k)] + keep * (gz[i + (k)] * gs);                               \
    gz[i + (k)] = 0.0f;                                                             \
    v[i + (k)] = vi;                                                                \
    w[i + (k)] = w[i + (k)] - lr * vi;
static void sgd_plain_commit(const step_ctx_t *c, float *w, const float *g, float *v, float *gz,
                             size_t n)
{
    const float gs = c->gscale, lr = c->opt->lr, mu = c->opt->momentum;
    const float keep = 1.0f - c->opt->dampening;
    float vi;
    size_t i = 0;
    if (c->slots == 0u) {
        SGD_UNROLL8(SGD_SET_NONE)
        if (gz != NULL) {
            memset(gz, 0, n * sizeof(float));
        }
    } else if (gz == NULL) {
        SGD_UNROLL8(SGD_SET_MOM)
    } else {
        SGD_UNROLL8(SGD_SET_MOM_ZERO)
    }
}
#undef SGD_UNROLL8
#undef SGD_SET_NONE
#undef SGD_SET_MOM
#undef SGD_SET_MOM_ZERO

#endif /* TMLP_VEC */

/* The step; gz is g (zeroed on success) or NULL. */
static tmlp_status_t apply(const tmlp_optim_t *opt, float *w, const float *g, float *gz,
                           float gscale, float *state, size_t n, uint32_t step, float *norm)
{
    step_ctx_t c;
    uint32_t slots = 0;
    float nrm;
    (void)tmlp_i_optim_check(opt, &slots);
    ctx_init(&c, opt, slots, gscale, step);
    if (!(opt->clip_norm > 0.0f) && sgd_plain(&c)) {
        int ok = 0;
        nrm = tmlp_i_sqrtf(sgd_plain_dry(&c, w, g, state, n, &ok));
        if (!tmlp_i_isfinite(nrm)) {
            /* Overflowed sum of squares or a non-finite gradient. */
            nrm = grad_norm(g, gscale, n);
        }
        if (!tmlp_i_isfinite(nrm) || !ok) {
            return TMLP_ERR_NUMERIC;
        }
        sgd_plain_commit(&c, w, g, state, gz, n);
    } else {
        nrm = grad_norm(g, gscale, n);
        if (!tmlp_i_isfinite(nrm)) {
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
        if (sgd_plain(&c)) {
            int ok = 0;
            (void)sgd_plain_dry(&c, w, g, state, n, &ok);
            if (!ok) {
                return TMLP_ERR_NUMERIC;
            }
            sgd_plain_commit(&c, w, g, state, gz, n);
        } else {
            if (!update_all(&c, w, g, state, n, 0)) {
                return TMLP_ERR_NUMERIC;
            }
            (void)update_all(&c, w, g, state, n, 1);
            if (gz != NULL) {
                memset(gz, 0, n * sizeof(float));
            }
        }
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
