/* SPDX-License-Identifier: MIT */
/* tmlp_i_expf, tmlp_i_tanhf and the sigmoid, 8 at a time on the GNU C
 * vectors of tmlp_vec.h (x86-64, AArch64; elsewhere nothing is compiled).
 * Each lane computes exactly what the scalar function of tmlp_fmath.c
 * computes: the same binary32 operations in the same order (vector +, -, *,
 * / round each lane as the scalar operations do; no FMA under
 * -ffp-contract=off), and
 * every branch is computed in all lanes and chosen per lane by a mask, so
 * every result has the scalar result's bits. A tmlp_vreg_t is 4 lanes (SSE2,
 * AArch64) or 8 (AVX); a comparison of vectors gives an integer vector, all
 * ones where true, and a cast between tmlp_vreg_t and vi_t keeps the bits, as
 * tmlp_i_float_bits() does. W1 (64-32-10, sigmoid) spent a third of its
 * inference instructions in the scalar tmlp_i_expf. */
#include "tmlp_fmath.h"

#if TMLP_KERNEL_VEC
typedef int32_t vi_t __attribute__((vector_size(TMLP_VBYTES)));

/* m ? a : b in each lane (m all ones or all zeros); C has no vector ?:. */
static vi_t vsel(vi_t m, vi_t a, vi_t b)
{
    return (a & m) | (b & ~m);
}

static vi_t vsplat(int32_t a)
{
    vi_t r = {0};
    return r + a;
}

/* tmlp_i_expf in each lane. Lanes that the scalar code answers before the
 * polynomial (NaN, +-inf, x > 89, x < -104) compute on 0 instead, so that
 * their k stays small (converting a huge or NaN t to int is undefined),
 * and get their answer at the end. */
static tmlp_vreg_t vexpf(tmlp_vreg_t x)
{
    const vi_t ux = (vi_t)x, in = (x >= -104.0f) & (x <= 89.0f); /* false for NaN */
    const tmlp_vreg_t xc = (tmlp_vreg_t)(ux & in), t = xc * TMLP_I_LOG2E;
    tmlp_vreg_t kf, rh, kl, r, c, p, y;
    vi_t k, hi, lo, scale, unit, out;
    k = __builtin_convertvector((tmlp_vreg_t)vsel(t < 0.0f, (vi_t)(t - 0.5f), (vi_t)(t + 0.5f)), vi_t);
    kf = (tmlp_vreg_t)(k + 0x4b400000) - 12582912.0f; /* small_int_float(k) */
    rh = xc - kf * TMLP_I_LN2_HI;
    kl = kf * TMLP_I_LN2_LO;
    r = rh - kl;
    c = (rh - r) - kl;
    p = r * r *
        (0.5f + r * (1.666666716e-01f + r * (4.166646674e-02f +
                     r * (8.333310485e-03f + r * (1.393364742e-03f + r * 1.989098819e-04f)))));
    y = 1.0f + (r + (p + c));
    /* The scalar code's three scalings as one: k > 127: (y 2^127) 2;
     * k < -126: (y 2^(k+64)) 2^-64; otherwise (y 2^k) 1, where the exact
     * product by 1 leaves y 2^k as the scalar code rounds it. hi and lo are
     * -1 where true, so scale is pow2i(127), pow2i(k + 64) or pow2i(k), and
     * unit is 2 (0x40000000), 2^-64 (0x1f800000) or 1. */
    hi = k > 127;
    lo = k < -126;
    scale = (k + hi + (lo & 64) + 127) << 23;
    unit = vsplat(0x3f800000) + (hi & 0x00800000) - (lo & 0x20000000);
    y = (y * (tmlp_vreg_t)scale) * (tmlp_vreg_t)unit;
    out = vsel(x > 89.0f, vsplat(0x7f800000), vsplat(0)); /* +inf included; -inf -> 0 */
    out = vsel((ux & 0x7fffffff) > 0x7f800000, vsplat(0x7fc00000), out);
    return (tmlp_vreg_t)vsel(in, (vi_t)y, out);
}

/* tmlp_i_tanhf in each lane: the polynomial and the expf form are both
 * computed, then chosen; the sign is copied back except to a NaN. */
static tmlp_vreg_t vtanhf(tmlp_vreg_t x)
{
    const vi_t ux = (vi_t)x, sign = ux & vsplat(INT32_MIN);
    const tmlp_vreg_t a = (tmlp_vreg_t)(ux & 0x7fffffff), z = a * a;
    tmlp_vreg_t p = tmlp_i_tanh_poly[6] + z * tmlp_i_tanh_poly[7], e;
    vi_t y;
    int i;
    for (i = 6; i > 0; i--) { /* Horner, as the scalar loop */
        p = tmlp_i_tanh_poly[i - 1] + z * p;
    }
    p = a + a * (z * p);
    e = 1.0f - 2.0f / (vexpf(2.0f * a) + 1.0f);
    y = vsel(a < 0.75f, (vi_t)p, vsel(a > 9.1f, vsplat(0x3f800000), (vi_t)e)) | sign;
    return (tmlp_vreg_t)vsel((ux & 0x7fffffff) > 0x7f800000, vsplat(0x7fc00000), y);
}

static tmlp_vreg_t vsigmoidf(float lambda, tmlp_vreg_t z)
{
    return 1.0f / (1.0f + vexpf(-(lambda * z)));
}

enum { F_EXP, F_TANH, F_SIGMOID };

/* One vector of function f (lambda: the sigmoid's). */
static tmlp_vreg_t apply(int f, float lambda, tmlp_vreg_t x)
{
    switch (f) {
    case F_EXP:
        return vexpf(x);
    case F_TANH:
        return vtanhf(x);
    default:
        return vsigmoidf(lambda, x);
    }
}

/* y = f(x) over the blocks of 8 of x[0..n); returns the elements done. */
static size_t blocks(int f, float lambda, const float *x, float *y, size_t n)
{
    size_t i;
    tmlp_f8_t v;
    for (i = 0; i + 8 <= n; i += 8) {
        v = tmlp_f8_load(x + i);
        v.v0 = apply(f, lambda, v.v0);
#if TMLP_VBYTES == 16
        v.v1 = apply(f, lambda, v.v1);
#endif
        tmlp_f8_store(y + i, v);
    }
    return i;
}

/* See tmlp_fmath.h. */
size_t tmlp_i_expf8(const float *x, float *y, size_t n)
{
    return blocks(F_EXP, 0.0f, x, y, n);
}

/* See tmlp_fmath.h. */
size_t tmlp_i_tanhf8(const float *x, float *y, size_t n)
{
    return blocks(F_TANH, 0.0f, x, y, n);
}

/* See tmlp_fmath.h. */
size_t tmlp_i_sigmoidf8(float lambda, const float *z, float *y, size_t n)
{
    return blocks(F_SIGMOID, lambda, z, y, n);
}
#endif /* TMLP_KERNEL_VEC */
