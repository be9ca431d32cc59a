/* SPDX-License-Identifier: MIT */
/* Float-only elementary functions, bit-identical on every target.
 *
 * Rules followed throughout (see tmlp_fmath.h):
 *  - only binary32 +, -, *, / (round-to-nearest, gradual underflow) and
 *    integer arithmetic; no binary64, no libm, no fused multiply-add
 *    (the file is built with -ffp-contract=off) and every sum is written
 *    with explicit parentheses so its order is fixed;
 *  - special values are recognised from the bit pattern, so the code keeps
 *    working under -ffinite-math-only;
 *  - every NaN returned is the canonical quiet NaN 0x7fc00000, so even NaN
 *    payloads agree between targets.
 *
 * Polynomial coefficients were fitted (Chebyshev fits in 50-digit
 * arithmetic) for this file and then rounded to float; the errors quoted
 * below were MEASURED, in ulps of the float result, against the correctly
 * rounded value (binary64 glibc libm, rounded to float), exhaustively over every
 * float of the stated range unless said otherwise. */
#include "tmlp_fmath.h"

#include <string.h>

#define QNAN_BITS 0x7fc00000u
#define PINF_BITS 0x7f800000u
#define NINF_BITS 0xff800000u

/* 2^n for -126 <= n <= 127, built from the exponent field (exact). */
static float pow2i(int32_t n)
{
    return tmlp_i_bits_float((uint32_t)(n + 127) << 23);
}

/* Exact float value of a small integer (|k| < 2^22) without an int->float
 * conversion: 1.5*2^23 + k has k in its low mantissa bits. */
static float small_int_float(int32_t k)
{
    return tmlp_i_bits_float((uint32_t)(0x4b400000 + k)) - 12582912.0f;
}

/* ln2 = LN2_HI + LN2_LO (tmlp_fmath.h, shared with the vector forms). */
#define LN2_HI TMLP_I_LN2_HI
#define LN2_LO TMLP_I_LN2_LO
#define LOG2E TMLP_I_LOG2E

/* expf: x = k*ln2 + r with k = nearest integer to x*log2(e), so
 * |r| <= ln2/2 (+ a few ulps from rounding x*log2(e)). Cody-Waite: x - k*LN2_HI
 * is exact (product exact, then Sterbenz), and the rounding error c of
 * r = rh - k*LN2_LO is kept and added back, since e^(r+c) ~= e^r + c.
 * e^r = 1 + (r + r^2*P(r)), P of degree 5 (fit error 2^-29.4 on P, i.e.
 * < 2^-32 on e^r). The result is scaled by 2^k through the exponent
 * bits; k = 128 is done as 2^127 * 2, and results below 2^-126 are scaled
 * in two steps (exact *2^(k+64), then one rounding *2^-64) so subnormal
 * results are rounded only once.
 * MEASURED: max error 0.87 ulp, exhaustively over all floats in [-104, 89]
 * (subnormal results included, in ulps of the subnormal result). */
float tmlp_i_expf(float x)
{
    uint32_t ux = tmlp_i_float_bits(x);
    float t, kf, rh, kl, r, c, p, y;
    int32_t k;
    if ((ux & 0x7fffffffu) >= PINF_BITS) { /* +-inf or NaN */
        if ((ux & 0x7fffffffu) > PINF_BITS) {
            return tmlp_i_bits_float(QNAN_BITS);
        }
        return (ux >> 31) ? 0.0f : x;
    }
    if (x > 89.0f) { /* e^x > 4.4e38 > FLT_MAX */
        return tmlp_i_bits_float(PINF_BITS);
    }
    if (x < -104.0f) { /* e^x < 6.8e-46 < 2^-150: rounds to 0 */
        return 0.0f;
    }
    t = x * LOG2E;
    k = (int32_t)(t < 0.0f ? t - 0.5f : t + 0.5f); /* -150 <= k <= 128 */
    kf = small_int_float(k);
    rh = x - kf * LN2_HI;
    kl = kf * LN2_LO;
    r = rh - kl;
    c = (rh - r) - kl;
    p = r * r *
        (0.5f + r * (1.666666716e-01f + r * (4.166646674e-02f +
                     r * (8.333310485e-03f + r * (1.393364742e-03f + r * 1.989098819e-04f)))));
    y = 1.0f + (r + (p + c));
    if (k > 127) {
        return (y * pow2i(127)) * 2.0f;
    }
    if (k < -126) {
        return (y * pow2i(k + 64)) * pow2i(-64);
    }
    return y * pow2i(k);
}

/* logf: x = 2^k * m with m in [sqrt(1/2), sqrt(2)) (subnormals are first
 * scaled by 2^25, exactly), f = m - 1 (exact), s = f/(2+f), so that
 * log(m) = 2 atanh(s) = 2s + s*R, R = z*L(z), z = s^2 <= 0.0295, with L a
 * degree-3 fit (error 2^-29.7 on L, negligible after the factor s^3).
 * Because 2s = f - s*f, log(m) = f - (f^2/2 - s*(f^2/2 + R)): the exact f
 * is added last, and k*ln2 is added as the exact k*LN2_HI plus k*LN2_LO.
 * MEASURED: max error 0.84 ulp, exhaustively over all positive floats
 * (subnormals included). */
float tmlp_i_logf(float x)
{
    uint32_t ux = tmlp_i_float_bits(x), m;
    int32_t k = 0;
    float f, s, z, r, hfsq, dk;
    if (ux >= PINF_BITS) { /* +inf, NaN, or sign bit set */
        if (ux == PINF_BITS) {
            return x;
        }
        return tmlp_i_bits_float(ux == 0x80000000u ? NINF_BITS : QNAN_BITS);
    }
    if (ux < 0x00800000u) { /* +0 or subnormal */
        if (ux == 0) {
            return tmlp_i_bits_float(NINF_BITS);
        }
        ux = tmlp_i_float_bits(x * 33554432.0f); /* 2^25 */
        k = -25;
    }
    k += (int32_t)(ux >> 23) - 127;
    m = ux & 0x007fffffu;
    if (m >= 0x3504f3u) { /* mantissa >= sqrt(2): use m/2 */
        m |= 0x3f000000u;
        k += 1;
    } else {
        m |= 0x3f800000u;
    }
    f = tmlp_i_bits_float(m) - 1.0f;
    s = f / (2.0f + f);
    z = s * s;
    r = z * (6.666666865e-01f + z * (4.000012279e-01f + z * (2.855081558e-01f + z * 2.333057374e-01f)));
    hfsq = 0.5f * f * f;
    dk = small_int_float(k);
    return dk * LN2_HI - ((hfsq - (s * (hfsq + r) + dk * LN2_LO)) - f);
}

/* tanh(x) = x + x*z*T(z), z = x^2 < 0.5625: coefficients of T, z^0 first. */
const float tmlp_i_tanh_poly[8] = {
    -3.333333433e-01f, 1.333333254e-01f, -5.396798253e-02f, 2.186557278e-02f,
    -8.835070767e-03f, 3.479914973e-03f, -1.198577578e-03f, 2.540758287e-04f,
};

/* tanhf: odd, computed on |x| and the sign bit copied back.
 * |x| < 0.75: tanh(x) = x + x*z*T(z), z = x^2, T a degree-7 fit (error
 * 2^-36 after the factor x^3). 0.75 <= |x| <= 9.1: tanh = 1 - 2/(e^(2|x|)+1)
 * with tmlp_i_expf; q = 2/(e^2|x|+1) <= 0.37 there, so the errors of expf
 * and of the division are damped by q/(1-q) in 1 - q. (The switch point
 * 0.75 was chosen by measurement: 0.55 gave 1.42 ulp, 0.9 gave 1.18 ulp.)
 * |x| > 9.1: 1 - tanh|x| < 2^-25, so the result is exactly 1.
 * MEASURED: max error 1.05 ulp (at |x| = 0.7583), exhaustively over all
 * floats; -0 -> -0. */
float tmlp_i_tanhf(float x)
{
    uint32_t ux = tmlp_i_float_bits(x);
    float a = tmlp_i_bits_float(ux & 0x7fffffffu), z, y;
    int i;
    if ((ux & 0x7fffffffu) > PINF_BITS) {
        return tmlp_i_bits_float(QNAN_BITS);
    }
    if (a < 0.75f) { /* exact for subnormals; -0 gets its sign below */
        z = a * a;
        y = tmlp_i_tanh_poly[7];
        for (i = 7; i > 0; i--) { /* Horner, highest coefficient first */
            y = tmlp_i_tanh_poly[i - 1] + z * y;
        }
        y = a + a * (z * y);
    } else if (a > 9.1f) {
        y = 1.0f;
    } else {
        y = 1.0f - 2.0f / (tmlp_i_expf(2.0f * a) + 1.0f);
    }
    return tmlp_i_bits_float(tmlp_i_float_bits(y) | (ux & 0x80000000u));
}

/* sqrtf: exact integer square root. x = M * 2^e, M in [2^23, 2^24) after
 * normalising subnormals; N = M << (23 or 24) makes the exponent even and
 * floor(sqrt(N)) a 24-bit integer q, computed bit by bit on uint64 with
 * remainder N - q^2. sqrt(N) > q + 1/2 iff remainder > q (no ties are
 * possible), which gives round-to-nearest: the result is correctly rounded,
 * i.e. the same bits as IEEE hardware sqrt. MEASURED: 0 ulp (bit-exact),
 * exhaustively over all non-negative floats. */
float tmlp_i_sqrtf(float x)
{
    uint32_t ux = tmlp_i_float_bits(x), m;
    int32_t e, odd;
    uint64_t n, q = 0, bit = (uint64_t)1 << 46;
    if (ux >= PINF_BITS || (ux & 0x7fffffffu) == 0) { /* <0, inf, NaN, +-0 */
        if (ux == PINF_BITS || (ux & 0x7fffffffu) == 0) {
            return x;
        }
        return tmlp_i_bits_float(QNAN_BITS);
    }
    e = (int32_t)(ux >> 23) - 127;
    m = ux & 0x007fffffu;
    if (e == -127) { /* subnormal: normalise */
        e = -126;
        while (m < 0x00800000u) {
            m <<= 1;
            e -= 1;
        }
    } else {
        m |= 0x00800000u;
    }
    odd = (int32_t)((uint32_t)e & 1u);
    n = (uint64_t)m << (23 + odd);
    while (bit != 0) {
        if (n >= q + bit) {
            n -= q + bit;
            q = (q >> 1) + bit;
        } else {
            q >>= 1;
        }
        bit >>= 2;
    }
    if (n > q) {
        q += 1; /* may carry into the exponent field, which is correct */
    }
    return tmlp_i_bits_float(((uint32_t)((e - odd) / 2 + 126) << 23) + (uint32_t)q);
}

/* Bits of 2/pi after the binary point, 32 per word (enough for every
 * float exponent: the reduction reads 96 bits from bit e-1 on). */
static const uint32_t two_over_pi[7] = {
    0xA2F9836Eu, 0x4E441529u, 0xFC2757D1u, 0xF534DDC0u,
    0xDB629599u, 0x3C439041u, 0xFE5163ABu,
};

/* Exact-integer (Payne-Hanek) reduction of |x| = m * 2^e > pi/4, finite:
 * |x| * 2/pi = 4j + q + f, |f| <= 1/2. Only the 96 bits of 2/pi that can
 * reach the fraction or q are used (higher bits give multiples of 4), so the
 * 120-bit product m*T has an error below 2^-70 in f for every finite x;
 * f is then kept to 2^-62 and r = f*pi/2 is returned as hi + lo with about
 * 30 correct bits beyond hi's 24 (enough: the exhaustive check of cosf over
 * all floats, including the multiples of pi/2 closest to a float, stays
 * below 1 ulp). */
static uint32_t reduce_pio2(uint32_t ax, float *hi, float *lo)
{
    uint32_t m = (ax & 0x007fffffu) | 0x00800000u, q, t[3], i;
    int32_t e = (int32_t)(ax >> 23) - 150, i0 = e >= 2 ? e - 2 : 0, sh = 0;
    uint32_t j = (uint32_t)i0 >> 5, b = (uint32_t)i0 & 31u, d = (uint32_t)(2 + i0 - e);
    uint64_t acc = 0, l[3], w, a, prod;
    for (i = 0; i < 3; i++) { /* bits i0+1 .. i0+96 of 2/pi */
        w = ((uint64_t)two_over_pi[j + i] << 32) | two_over_pi[j + i + 1];
        t[i] = (uint32_t)(w >> (32 - b));
    }
    for (i = 0; i < 3; i++) { /* m * T, least significant word first */
        acc += (uint64_t)m * t[2 - i];
        l[i] = acc & 0xffffffffu;
        acc >>= 32;
    }
    /* binary point of m*T at bit 94+d; w = 2 integer bits + 62 fraction bits */
    w = (((acc << 32) | l[2]) << (32 - d)) | (l[1] >> d);
    q = (uint32_t)(w >> 62);
    a = w << 2; /* fraction in [0,1) scaled by 2^64 */
    if (a >> 63) { /* f >= 1/2: round up, f := f - 1 < 0 */
        q += 1;
        a = (uint64_t)0 - a;
    }
    if (a == 0) {
        *hi = 0.0f;
        *lo = 0.0f;
        return q;
    }
    while (!(a >> 63)) {
        a <<= 1;
        sh += 1;
    }
    prod = (a >> 32) * 0xC90FDAA2u; /* * pi/2 * 2^31 */
    if (!(prod >> 63)) {
        prod <<= 1;
        sh += 1;
    }
    *hi = tmlp_i_bits_float(((uint32_t)(127 - sh) << 23) | (uint32_t)((prod >> 40) & 0x7fffffu));
    *lo = (tmlp_i_bits_float(0x4b000000u | (uint32_t)((prod >> 17) & 0x7fffffu)) - 8388608.0f) *
          pow2i(-46 - sh);
    if (w & ((uint64_t)1 << 61)) { /* negative f (bit 61 of w = top fraction bit) */
        *hi = -*hi;
        *lo = -*lo;
    }
    return q;
}

/* sin(hi + lo), |hi| <= pi/4, |lo| <= 2^-23 |hi|:
 * sin(hi) = hi + hi^3*S(z), z = hi^2, S a degree-3 fit (error 2^-35);
 * sin(hi + lo) ~= sin(hi) + lo*(1 - z/2). */
static float kernel_sin(float hi, float lo)
{
    float z = hi * hi;
    float p = -1.666666716e-01f + z * (8.333331905e-03f + z * (-1.984008704e-04f + z * 2.724992555e-06f));
    return hi + ((z * hi) * p + lo * (1.0f - 0.5f * z));
}

/* cos(hi + lo) ~= 1 - z/2 + z^2*C(z) - hi*lo, C a degree-2 fit (error
 * 2^-28.9 on C, < 2^-30 on the result). The rounding error of w = 1 - z/2
 * is recovered exactly as (1 - w) - z/2 (Sterbenz) and added back. */
static float kernel_cos(float hi, float lo)
{
    float z = hi * hi, hz = 0.5f * z, w = 1.0f - hz;
    float p = (z * z) * (4.166666418e-02f + z * (-1.388830249e-03f + z * 2.454794230e-05f));
    return w + (((1.0f - w) - hz) + (p - hi * lo));
}

/* cosf: |x| <= pi/4 directly, otherwise exact reduction modulo pi/2 (valid
 * for every finite float, so the range is all of them) and the quadrant
 * picks +-cos or +-sin of the remainder.
 * MEASURED: max error 0.83 ulp, exhaustively over all finite floats
 * (0.82 ulp over |x| <= 1e4). */
float tmlp_i_cosf(float x)
{
    uint32_t ax = tmlp_i_float_bits(x) & 0x7fffffffu, q;
    float hi, lo;
    if (ax >= PINF_BITS) {
        return tmlp_i_bits_float(QNAN_BITS);
    }
    if (ax <= 0x3f490fdau) { /* |x| <= pi/4 (0x3f490fdb is just above) */
        return kernel_cos(tmlp_i_bits_float(ax), 0.0f);
    }
    q = reduce_pio2(ax, &hi, &lo);
    switch (q & 3u) {
    case 0:
        return kernel_cos(hi, lo);
    case 1:
        return -kernel_sin(hi, lo);
    case 2:
        return -kernel_cos(hi, lo);
    default:
        return kernel_sin(hi, lo);
    }
}

/* powif: binary exponentiation, least significant bit of n first; the
 * sequence of multiplications depends only on n, so it is reproducible.
 * Each multiplication rounds once: error at most about (2*log2(n)) * 0.5 ulp
 * for normal results; b^0 = 1 for every b (also NaN), and b^n (n > 0) of a
 * NaN b is the canonical NaN. Exact whenever every intermediate power is
 * representable (e.g. 2^10, 0.5^3). */
float tmlp_i_powif(float b, uint32_t n)
{
    float r = 1.0f;
    if (n != 0 && (tmlp_i_float_bits(b) & 0x7fffffffu) > PINF_BITS) {
        /* b * b would keep b's payload on x86 and Arm but give the
         * canonical NaN on RISC-V: return the canonical one everywhere. */
        return tmlp_i_bits_float(QNAN_BITS);
    }
    while (n != 0) {
        if (n & 1u) {
            r = r * b;
        }
        n >>= 1;
        if (n != 0) {
            b = b * b;
        }
    }
    return r;
}
