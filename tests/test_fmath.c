/* SPDX-License-Identifier: MIT */
/* Tests of lib/core/tmlp_fmath.c against the C library's double functions.
 * The reference is (float)f((double)x): the correctly rounded float on glibc,
 * and within a tiny fraction of an ulp of it on newlib (Cortex-M/QEMU).
 * Sweeps step through float bit patterns with a stride; the QEMU build
 * multiplies every stride by TMLP_FMATH_STRIDE (e.g. -DTMLP_FMATH_STRIDE=64).
 * The bounds asserted are the measured maxima stated in tmlp_fmath.c.
 * Where the kernels use vectors (TMLP_KERNEL_VEC), the 8-at-a-time forms of
 * expf, tanhf and the sigmoid must give the scalar functions' bits exactly,
 * and so must the activation layers that use them. */
#include "tmlp_test.h"
#include "tmlp_internal.h"

#include <float.h>
#include <math.h>
#include <string.h>

#ifndef TMLP_FMATH_STRIDE
#define TMLP_FMATH_STRIDE 1u
#endif

/* See test_golden_hash. */
#define TMLP_FMATH_GOLDEN 0x4D4D1A58u

void suite_fmath(void);

typedef float (*fn32)(float);
typedef double (*fn64)(double);

static float F(uint32_t u)
{
    return tmlp_i_bits_float(u);
}

static int is_nan(float x)
{
    return (tmlp_i_float_bits(x) & 0x7fffffffu) > 0x7f800000u;
}

/* Error of y in ulps of the float nearest to ref (subnormal ulp below 2^-126). */
static double ulp_err(float y, double ref)
{
    uint32_t e = (tmlp_i_float_bits((float)ref) >> 23) & 0xffu;
    double d = (double)y - ref;
    if (e == 0) {
        e = 1;
    }
    return fabs(d) / ldexp(1.0, (int)e - 150);
}

/* Sweeps the bit patterns lo, lo+stride, ..., <= hi (and hi itself); checks
 * that no result exceeds `bound` ulps (and that NaN/inf appear exactly where
 * the reference has them). Returns the number of points checked. */
static uint32_t sweep(fn32 f, fn64 g, uint32_t lo, uint32_t hi, uint32_t stride, double bound)
{
    double worst = 0.0;
    uint32_t u = lo, wu = lo, n = 0, bad_special = 0;
    for (;;) {
        float x = F(u), y = f(x);
        double r = g((double)x);
        float rf = (float)r;
        n++;
        if (is_nan(rf) || is_nan(y) || !tmlp_i_isfinite(rf) || !tmlp_i_isfinite(y)) {
            if (!(is_nan(rf) && is_nan(y)) && tmlp_i_float_bits(rf) != tmlp_i_float_bits(y)) {
                bad_special++;
            }
        } else if (ulp_err(y, r) > worst) {
            worst = ulp_err(y, r);
            wu = u;
        }
        if (u == hi) {
            break;
        }
        u = (hi - u > stride) ? u + stride : hi;
    }
    CHECK(bad_special == 0);
    CHECK(worst <= bound);
    CHECK_ULPS(f(F(wu)), (float)g((double)F(wu)), 1);
    return n;
}

TMLP_TEST(test_bits_helpers)
{
    CHECK(tmlp_i_float_bits(1.0f) == 0x3f800000u);
    CHECK(tmlp_i_float_bits(-0.0f) == 0x80000000u);
    CHECK_BITS(tmlp_i_bits_float(0x40490fdbu), 3.14159274f);
    CHECK(tmlp_i_isfinite(0.0f) && tmlp_i_isfinite(-FLT_MAX) && tmlp_i_isfinite(F(1u)));
    CHECK(!tmlp_i_isfinite(F(0x7f800000u)) && !tmlp_i_isfinite(F(0xff800000u)));
    CHECK(!tmlp_i_isfinite(F(0x7fc00000u)) && !tmlp_i_isfinite(F(0xffffffffu)));
}

TMLP_TEST(test_expf_sweep)
{
    /* [-104, 89]: every finite result, subnormal results included. */
    CHECK(sweep(tmlp_i_expf, exp, 0x00000000u, 0x42b20000u, 2003u * TMLP_FMATH_STRIDE, 0.87) > 100u);
    CHECK(sweep(tmlp_i_expf, exp, 0x80000000u, 0xc2d00000u, 2003u * TMLP_FMATH_STRIDE, 0.87) > 100u);
    /* dense around the overflow and underflow thresholds */
    sweep(tmlp_i_expf, exp, 0x42b17000u, 0x42b17400u, 1u, 0.87);
    sweep(tmlp_i_expf, exp, 0xc2cff000u, 0xc2d00000u, 1u, 0.87);
}

TMLP_TEST(test_expf_special)
{
    CHECK(is_nan(tmlp_i_expf(F(0x7fc00000u))));
    CHECK(is_nan(tmlp_i_expf(F(0xffc00001u))));
    CHECK_BITS(tmlp_i_expf(F(0x7f800000u)), F(0x7f800000u));
    CHECK_BITS(tmlp_i_expf(F(0xff800000u)), 0.0f);
    CHECK_BITS(tmlp_i_expf(0.0f), 1.0f);
    CHECK_BITS(tmlp_i_expf(-0.0f), 1.0f);
    CHECK_BITS(tmlp_i_expf(F(1u)), 1.0f);
    CHECK_ULPS(tmlp_i_expf(1.0f), 2.71828183f, 1);
    /* 88.7228394 is the largest x with e^x < FLT_MAX + ulp/2; one ulp more overflows */
    CHECK_BITS(tmlp_i_expf(F(0x42b17217u)), (float)exp((double)F(0x42b17217u)));
    CHECK(tmlp_i_isfinite(tmlp_i_expf(F(0x42b17217u))));
    CHECK_BITS(tmlp_i_expf(F(0x42b17218u)), F(0x7f800000u));
    CHECK_BITS(tmlp_i_expf(89.0f), F(0x7f800000u));
    CHECK_BITS(tmlp_i_expf(FLT_MAX), F(0x7f800000u));
    /* subnormal results and the last one before 0 */
    CHECK_ULPS(tmlp_i_expf(-90.0f), (float)exp(-90.0), 1);
    CHECK(tmlp_i_expf(-103.0f) > 0.0f && tmlp_i_expf(-103.0f) < FLT_MIN);
    CHECK_BITS(tmlp_i_expf(-103.9f), F(1u)); /* e^-103.9 = 1.07 * 2^-149 */
    CHECK_BITS(tmlp_i_expf(-104.0f), 0.0f);
    CHECK_BITS(tmlp_i_expf(-200.0f), 0.0f);
    CHECK_BITS(tmlp_i_expf(-FLT_MAX), 0.0f);
}

TMLP_TEST(test_logf_sweep)
{
    /* every positive finite float, subnormals included */
    CHECK(sweep(tmlp_i_logf, log, 0x00000001u, 0x7f7fffffu, 1021u * TMLP_FMATH_STRIDE, 0.84) > 100u);
    sweep(tmlp_i_logf, log, 0x00000001u, 0x00000400u, 1u, 0.84); /* tiny subnormals */
    sweep(tmlp_i_logf, log, 0x3f7ff000u, 0x3f801000u, 1u, 0.84); /* around 1 */
}

TMLP_TEST(test_logf_special)
{
    CHECK_BITS(tmlp_i_logf(1.0f), 0.0f);
    CHECK_BITS(tmlp_i_logf(0.0f), F(0xff800000u));
    CHECK_BITS(tmlp_i_logf(-0.0f), F(0xff800000u));
    CHECK_BITS(tmlp_i_logf(F(0x7f800000u)), F(0x7f800000u));
    CHECK(is_nan(tmlp_i_logf(-1.0f)));
    CHECK(is_nan(tmlp_i_logf(F(0x80000001u))));
    CHECK(is_nan(tmlp_i_logf(F(0xff800000u))));
    CHECK(is_nan(tmlp_i_logf(F(0x7fc00000u))));
    CHECK_ULPS(tmlp_i_logf(F(1u)), -103.278931f, 1);
    CHECK_ULPS(tmlp_i_logf(FLT_MAX), 88.7228394f, 1);
    CHECK_ULPS(tmlp_i_logf(2.0f), 0.693147182f, 1);
    CHECK_ULPS(tmlp_i_logf(2.71828183f), 1.0f, 1);
}

TMLP_TEST(test_tanhf_sweep)
{
    uint32_t u, odd_bad = 0;
    CHECK(sweep(tmlp_i_tanhf, tanh, 0x00000000u, 0x41a00000u, 2003u * TMLP_FMATH_STRIDE, 1.05) > 100u);
    CHECK(sweep(tmlp_i_tanhf, tanh, 0x80000000u, 0xc1a00000u, 2003u * TMLP_FMATH_STRIDE, 1.05) > 100u);
    /* dense around the switch points 0.75 and 9.1 */
    sweep(tmlp_i_tanhf, tanh, 0x3f3f0000u, 0x3f410000u, 7u, 1.05);
    sweep(tmlp_i_tanhf, tanh, 0x410f0000u, 0x41200000u, 7u, 1.05);
    for (u = 0; u < 0x41a00000u; u += 4099u * TMLP_FMATH_STRIDE) {
        if (tmlp_i_float_bits(tmlp_i_tanhf(F(u | 0x80000000u))) != (tmlp_i_float_bits(tmlp_i_tanhf(F(u))) ^ 0x80000000u)) {
            odd_bad++;
        }
    }
    CHECK(odd_bad == 0);
}

TMLP_TEST(test_tanhf_special)
{
    CHECK_BITS(tmlp_i_tanhf(0.0f), 0.0f);
    CHECK_BITS(tmlp_i_tanhf(-0.0f), -0.0f);
    CHECK_BITS(tmlp_i_tanhf(F(0x80000001u)), F(0x80000001u));
    CHECK_BITS(tmlp_i_tanhf(F(0x7f800000u)), 1.0f);
    CHECK_BITS(tmlp_i_tanhf(F(0xff800000u)), -1.0f);
    CHECK(is_nan(tmlp_i_tanhf(F(0x7fc00000u))));
    CHECK(is_nan(tmlp_i_tanhf(F(0xffc00000u))));
    CHECK_BITS(tmlp_i_tanhf(20.0f), 1.0f);
    CHECK_BITS(tmlp_i_tanhf(-FLT_MAX), -1.0f);
    CHECK_BITS(tmlp_i_tanhf(9.0f), F(0x3f7fffffu)); /* 1 - 3.05e-8 rounds down */
    CHECK_BITS(tmlp_i_tanhf(9.2f), 1.0f);
    CHECK_ULPS(tmlp_i_tanhf(0.5f), 0.462117157f, 1);
}

TMLP_TEST(test_sqrtf_exact)
{
    uint32_t u, n = 0, bad = 0, wu = 0;
    /* every result bit for bit equal to the correctly rounded sqrt */
    for (u = 0; u <= 0x7f800000u; u += 2039u * TMLP_FMATH_STRIDE) {
        n++;
        if (tmlp_i_float_bits(tmlp_i_sqrtf(F(u))) != tmlp_i_float_bits((float)sqrt((double)F(u)))) {
            bad++;
            wu = u;
        }
    }
    for (u = 1; u < 0x2000u; u++) { /* all small subnormals */
        if (tmlp_i_float_bits(tmlp_i_sqrtf(F(u))) != tmlp_i_float_bits((float)sqrt((double)F(u)))) {
            bad++;
            wu = u;
        }
    }
    CHECK(n > 100u);
    CHECK(bad == 0);
    CHECK_BITS(tmlp_i_sqrtf(F(wu)), (float)sqrt((double)F(wu)));
}

TMLP_TEST(test_sqrtf_special)
{
    CHECK_BITS(tmlp_i_sqrtf(0.0f), 0.0f);
    CHECK_BITS(tmlp_i_sqrtf(-0.0f), -0.0f);
    CHECK_BITS(tmlp_i_sqrtf(F(0x7f800000u)), F(0x7f800000u));
    CHECK(is_nan(tmlp_i_sqrtf(-1.0f)));
    CHECK(is_nan(tmlp_i_sqrtf(F(0x80000001u))));
    CHECK(is_nan(tmlp_i_sqrtf(F(0xff800000u))));
    CHECK(is_nan(tmlp_i_sqrtf(F(0x7fc00000u))));
    CHECK_BITS(tmlp_i_sqrtf(4.0f), 2.0f);
    CHECK_BITS(tmlp_i_sqrtf(2.0f), 1.41421354f);
    CHECK_BITS(tmlp_i_sqrtf(F(2u)), F(0x1a800000u)); /* sqrt(2^-148) = 2^-74 */
    CHECK_BITS(tmlp_i_sqrtf(FLT_MAX), 1.84467430e19f);
    CHECK_BITS(tmlp_i_sqrtf(F(0x3f7fffffu)), F(0x3f7fffffu)); /* rounds up to it */
    /* remainder == q, the closest a root gets to a tie: must round down */
    CHECK_BITS(tmlp_i_sqrtf(F(0x3f800001u)), 1.0f);
    CHECK_BITS(tmlp_i_sqrtf(F(0x40000001u)), (float)sqrt((double)F(0x40000001u)));
}

TMLP_TEST(test_cosf_sweep)
{
    uint32_t u, even_bad = 0;
    /* documented range: every finite float; dense over |x| <= 1e4 */
    CHECK(sweep(tmlp_i_cosf, cos, 0x00000000u, 0x461c4000u, 2003u * TMLP_FMATH_STRIDE, 0.83) > 100u);
    CHECK(sweep(tmlp_i_cosf, cos, 0x461c4000u, 0x7f7fffffu, 4099u * TMLP_FMATH_STRIDE, 0.83) > 100u);
    sweep(tmlp_i_cosf, cos, 0x3fc90000u, 0x3fc91000u, 1u, 0.83); /* around pi/2 */
    sweep(tmlp_i_cosf, cos, 0x3f490000u, 0x3f491000u, 1u, 0.83); /* around pi/4 */
    for (u = 0; u < 0x7f800000u; u += 65537u * TMLP_FMATH_STRIDE) {
        if (tmlp_i_float_bits(tmlp_i_cosf(F(u))) != tmlp_i_float_bits(tmlp_i_cosf(F(u | 0x80000000u)))) {
            even_bad++;
        }
    }
    CHECK(even_bad == 0);
}

TMLP_TEST(test_cosf_special)
{
    CHECK_BITS(tmlp_i_cosf(0.0f), 1.0f);
    CHECK_BITS(tmlp_i_cosf(-0.0f), 1.0f);
    CHECK_BITS(tmlp_i_cosf(F(1u)), 1.0f);
    CHECK(is_nan(tmlp_i_cosf(F(0x7f800000u))));
    CHECK(is_nan(tmlp_i_cosf(F(0xff800000u))));
    CHECK(is_nan(tmlp_i_cosf(F(0x7fc00000u))));
    CHECK_ULPS(tmlp_i_cosf(1.57079637f), -4.37113883e-8f, 1); /* float(pi/2) */
    CHECK_ULPS(tmlp_i_cosf(3.14159274f), -1.0f, 1);
    CHECK_ULPS(tmlp_i_cosf(1.0f), 0.540302306f, 1);
    CHECK_ULPS(tmlp_i_cosf(1e4f), (float)cos(1e4), 1);
    CHECK_ULPS(tmlp_i_cosf(FLT_MAX), (float)cos((double)FLT_MAX), 1);
}

TMLP_TEST(test_powif)
{
    static const float bases[] = {0.5f, -1.25f, 1.0001f, 3.0f, -0.9f, 1.7f};
    uint32_t i, n, k;
    CHECK_BITS(tmlp_i_powif(2.0f, 10u), 1024.0f);
    CHECK_BITS(tmlp_i_powif(0.5f, 3u), 0.125f);
    CHECK_BITS(tmlp_i_powif(-2.0f, 3u), -8.0f);
    CHECK_BITS(tmlp_i_powif(3.0f, 0u), 1.0f);
    CHECK_BITS(tmlp_i_powif(F(0x7fc00000u), 0u), 1.0f);
    /* a NaN's payload and sign are not kept (RISC-V would not keep them) */
    CHECK_BITS(tmlp_i_powif(F(0xffa00001u), 3u), F(0x7fc00000u));
    CHECK_BITS(tmlp_i_powif(F(0x7fc12345u), 1u), F(0x7fc00000u));
    CHECK_BITS(tmlp_i_powif(-0.0f, 1u), -0.0f);
    CHECK_BITS(tmlp_i_powif(-0.0f, 2u), 0.0f);
    CHECK_BITS(tmlp_i_powif(10.0f, 39u), F(0x7f800000u));
    CHECK_BITS(tmlp_i_powif(0.5f, 149u), F(1u));
    CHECK_BITS(tmlp_i_powif(0.5f, 151u), 0.0f);
    CHECK_BITS(tmlp_i_powif(2.0f, 127u), 1.70141183e38f);
    for (i = 0; i < sizeof bases / sizeof bases[0]; i++) {
        for (n = 0; n <= 20u; n++) {
            float rep = 1.0f;
            for (k = 0; k < n; k++) {
                rep = rep * bases[i];
            }
            /* both round at most n times: allow n ulps between them */
            CHECK_ULPS(tmlp_i_powif(bases[i], n), rep, n);
            CHECK_ULPS(tmlp_i_powif(bases[i], n), (float)pow((double)bases[i], (double)n), n);
        }
    }
}

/* Inputs where the scalar code branches or is about to: signed zeros,
 * subnormals, FLT_MIN/MAX, infinities, NaNs (quiet, signalling, negative),
 * expf's thresholds 89 and -104 and the last non-overflowing x, the x where
 * k = round(x log2 e) goes 127 -> 128, -126 -> -127 and -149 -> -150, and
 * tanhf's switch points 0.75 and 9.1, each with its neighbours. */
static const uint32_t branch_bits[] = {
    0x00000000u, 0x80000000u, 0x00000001u, 0x80000001u, 0x007fffffu, 0x807fffffu,
    0x00800000u, 0x80800000u, 0x7f7fffffu, 0xff7fffffu, 0x7f800000u, 0xff800000u,
    0x7fc00000u, 0xffc00000u, 0x7f800001u, 0xff800001u, 0x7fffffffu, 0xffffffffu,
    0x3f800000u, 0xbf800000u, 0x42b1ffffu, 0x42b20000u, 0x42b20001u, 0xc2cfffffu,
    0xc2d00000u, 0xc2d00001u, 0x42b17217u, 0x42b17218u, 0x42b0c0a5u, 0x42b0c0a6u,
    0x42b0c0a7u, 0xc2af5dc1u, 0xc2af5dc2u, 0xc2af5dc3u, 0xc2cf4041u, 0xc2cf4042u,
    0xc2cf4043u, 0x3f3fffffu, 0x3f400000u, 0x3f400001u, 0xbf400000u, 0x41119999u,
    0x4111999au, 0x4111999bu, 0xc111999au, 0x42c80000u, 0xc2c80000u,
};
#define N_BRANCH (sizeof branch_bits / sizeof branch_bits[0])

/* The sigmoid activation as tmlp_act.c computes it unit by unit. */
static float sigmoid_ref(float z, float lambda)
{
    return 1.0f / (1.0f + tmlp_i_expf(-(lambda * z)));
}

#if TMLP_KERNEL_VEC
typedef size_t (*fn8)(const float *, float *, size_t);

/* Runs f8 on x[0..n) (n a multiple of 8) and counts the results whose bits
 * differ from f's; the first difference is also reported by CHECK_BITS. */
static uint32_t diff8(fn8 f8, fn32 f, const float *x, size_t n)
{
    float y[1024];
    uint32_t bad = 0;
    size_t k;
    CHECK(n <= 1024u && f8(x, y, n) == n);
    for (k = 0; k < n; k++) {
        if (tmlp_i_float_bits(y[k]) != tmlp_i_float_bits(f(x[k])) && bad++ == 0) {
            CHECK_BITS(y[k], f(x[k]));
        }
    }
    return bad;
}

/* f8 against f on every stride-th bit pattern of all 2^32, on the dense
 * windows of +-4096 patterns around each branch point, and on every branch
 * point in every lane with other branch points in the other lanes. */
static void vec_sweep(fn8 f8, fn32 f, uint32_t stride)
{
    float x[1024];
    uint32_t bad = 0, i, j, lane, n = 0;
    for (i = 0; i <= 0xffffffffu / stride; i++) {
        x[n++] = F(i * stride);
        if (n == 1024u) {
            bad += diff8(f8, f, x, n);
            n = 0;
        }
    }
    bad += diff8(f8, f, x, n - n % 8);
    for (i = 0; i < N_BRANCH; i++) {
        for (j = 0; j < 8192u; j += 1024u) {
            for (n = 0; n < 1024u; n++) {
                x[n] = F(branch_bits[i] - 4096u + j + n);
            }
            bad += diff8(f8, f, x, 1024u);
        }
        for (lane = 0; lane < 8u; lane++) {
            for (n = 0; n < 8u; n++) {
                x[n] = F(branch_bits[n == lane ? i : (i + 5u * n + 1u) % N_BRANCH]);
            }
            bad += diff8(f8, f, x, 8u);
        }
    }
    CHECK(bad == 0);
}

static float sigmoid_1(float z)
{
    return sigmoid_ref(z, 1.0f);
}

static size_t sigmoid8_1(const float *z, float *y, size_t n)
{
    return tmlp_i_sigmoidf8(1.0f, z, y, n);
}

static float sigmoid_m(float z)
{
    return sigmoid_ref(z, -2.75f);
}

static size_t sigmoid8_m(const float *z, float *y, size_t n)
{
    return tmlp_i_sigmoidf8(-2.75f, z, y, n);
}

/* About 4.2 million patterns for expf, 2.1 million for tanhf and 0.5
 * million for each sigmoid, plus the branch points. */
TMLP_TEST(test_vec_bits)
{
    vec_sweep(tmlp_i_expf8, tmlp_i_expf, 1021u * TMLP_FMATH_STRIDE);
    vec_sweep(tmlp_i_tanhf8, tmlp_i_tanhf, 2039u * TMLP_FMATH_STRIDE);
    vec_sweep(sigmoid8_1, sigmoid_1, 8191u * TMLP_FMATH_STRIDE);
    vec_sweep(sigmoid8_m, sigmoid_m, 8191u * TMLP_FMATH_STRIDE);
    CHECK(tmlp_i_expf8(NULL, NULL, 7u) == 0u);
}
#endif /* TMLP_KERNEL_VEC */

/* The sigmoid (lambda = 1 and others) and tanh layers of n = 1..20 units,
 * so that no block, blocks of 8 alone and blocks with the scalar rest all
 * run (on vector targets), out of place and in place: every unit has the
 * scalar function's bits. Runs on every target. */
TMLP_TEST(test_act_forward_bits)
{
    static const float lambdas[] = {1.0f, 0.5f, 2.75f, -1.25f};
    float z[20], y[20], w[20];
    uint32_t bad = 0, r = 12345u;
    size_t n, k, j;
    REQUIRE(TMLP_WITH_SIGMOID && TMLP_WITH_TANH);
    for (n = 1; n <= 20u; n++) {
        for (j = 0; j < sizeof lambdas / sizeof lambdas[0]; j++) {
            for (k = 0; k < n; k++) { /* a branch point or a value in [-33, 33] */
                r = r * 1664525u + 1013904223u;
                z[k] = (r >> 30) == 0u ? F(branch_bits[(r >> 8) % N_BRANCH])
                                       : (float)(int32_t)((r >> 8) & 0xffffu) * 1e-3f - 32.768f;
            }
            tmlp_i_act_forward(TMLP_ACT_SIGMOID, lambdas[j], z, y, n);
            memcpy(w, z, n * sizeof(float));
            tmlp_i_act_forward(TMLP_ACT_SIGMOID, lambdas[j], w, w, n);
            for (k = 0; k < n; k++) {
                bad += tmlp_i_float_bits(y[k]) != tmlp_i_float_bits(sigmoid_ref(z[k], lambdas[j]));
                bad += tmlp_i_float_bits(w[k]) != tmlp_i_float_bits(y[k]);
            }
            tmlp_i_act_forward(TMLP_ACT_TANH, 0.0f, z, y, n);
            for (k = 0; k < n; k++) {
                bad += tmlp_i_float_bits(y[k]) != tmlp_i_float_bits(tmlp_i_tanhf(z[k]));
            }
        }
    }
    CHECK(bad == 0);
}

/* Mixes one result into the hash (FNV-1a step plus a shift, so that high
 * bits such as the sign also reach the low bits). */
static uint32_t mix(uint32_t h, float y)
{
    h = (h ^ tmlp_i_float_bits(y)) * 16777619u;
    return h ^ (h >> 13);
}

/* Hash of the results on fixed inputs: the constant was computed on x86-64;
 * every target and optimisation level must reproduce it bit for bit. */
TMLP_TEST(test_golden_hash)
{
    uint32_t h = 2166136261u, i;
    for (i = 0; i < 4096u; i++) {
        float x = F(i * 1048573u); /* spreads over all bit patterns */
        h = mix(h, tmlp_i_expf(x));
        h = mix(h, tmlp_i_logf(x));
        h = mix(h, tmlp_i_tanhf(x));
        h = mix(h, tmlp_i_sqrtf(x));
        h = mix(h, tmlp_i_cosf(x));
        h = mix(h, tmlp_i_powif(x, i & 31u));
        h = mix(h, tmlp_i_expf(x * 1e-36f)); /* small arguments too */
        h = mix(h, tmlp_i_tanhf(x * 1e-36f));
        h = mix(h, tmlp_i_cosf(x * 1e-36f));
    }
    CHECK(h == TMLP_FMATH_GOLDEN);
}

void suite_fmath(void)
{
    RUN(test_bits_helpers);
    RUN(test_expf_sweep);
    RUN(test_expf_special);
    RUN(test_logf_sweep);
    RUN(test_logf_special);
    RUN(test_tanhf_sweep);
    RUN(test_tanhf_special);
    RUN(test_sqrtf_exact);
    RUN(test_sqrtf_special);
    RUN(test_cosf_sweep);
    RUN(test_cosf_special);
    RUN(test_powif);
#if TMLP_KERNEL_VEC
    RUN(test_vec_bits);
#endif
    RUN(test_act_forward_bits);
    RUN(test_golden_hash);
}
