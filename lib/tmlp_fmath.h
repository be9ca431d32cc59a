/* SPDX-License-Identifier: MIT */
/* Internal float-only elementary functions of tinymlp (not a public header).
 * They replace libm so that every target (host gcc/clang at any -O level,
 * Cortex-M0/M3 soft-float, Cortex-M4F/M7 FPU) computes the same bits: each
 * result depends only on IEEE-754 binary32 +, -, *, / in round-to-nearest
 * (compiled with -ffp-contract=off, no excess precision) and on integer
 * arithmetic. Error bounds are stated in tmlp_fmath.c and checked by
 * tests/test_fmath.c. NaN results are always the quiet NaN 0x7fc00000. */
#ifndef TMLP_FMATH_H
#define TMLP_FMATH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "tmlp_vec.h"

/* Bit-identical results on every target need every float operation rounded
 * as written: no fused multiply-add, no reassociation. The build should say
 * -ffp-contract=off (GCC's default in its GNU modes is to fuse); these make
 * sure of it for every function of the library, whatever the flags. */
#if defined(__FAST_MATH__)
#error "tinymlp must not be built with -ffast-math: results would differ between targets"
#endif
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

float tmlp_i_expf(float x);    /* e^x; overflow -> +inf, underflow -> 0 (subnormals where representable), NaN -> NaN */
float tmlp_i_logf(float x);    /* natural log; 0 -> -inf, x<0 -> NaN, +inf -> +inf, subnormals handled */
float tmlp_i_tanhf(float x);   /* odd, saturates to +-1, tanh(-0) = -0 */
float tmlp_i_sqrtf(float x);   /* correctly rounded (same bits as IEEE hardware sqrt); x<0 -> NaN */
float tmlp_i_cosf(float x);    /* cosine for every finite x (see tmlp_fmath.c for the error); +-inf, NaN -> NaN */
float tmlp_i_powif(float b, uint32_t n); /* b^n by repeated squaring, fixed operation order */

/* ln2 = TMLP_I_LN2_HI + TMLP_I_LN2_LO; the high part has 15 significant
 * bits, so k*TMLP_I_LN2_HI is exact for |k| < 2^9 (expf needs |k| <= 150,
 * logf |k| <= 150). */
#define TMLP_I_LN2_HI 0.693145751953125f /* 0x3f317200 */
#define TMLP_I_LN2_LO 1.428606765e-06f   /* 0x35bfbe8e */
#define TMLP_I_LOG2E 1.442695041f
/* tanh(x) = x + x*z*T(z), z = x^2 < 0.5625: coefficients of T, z^0 first. */
extern const float tmlp_i_tanh_poly[8];

/* Blocks of 8 on the GNU C vectors of tmlp_vec.h (tmlp_fmath_vec.c),
 * defined only where TMLP_KERNEL_VEC is 1 (x86-64, AArch64; Cortex-M keeps
 * the scalar code): y[k] = f(x[k]) for k < n - n % 8, with exactly the bits
 * of the scalar function for every input, NaN and infinities included.
 * Returns n - n % 8; the caller does the other units with the scalar
 * function. y may be x (not partly overlapping it). */
size_t tmlp_i_expf8(const float *x, float *y, size_t n);
size_t tmlp_i_tanhf8(const float *x, float *y, size_t n);
/* f(z) = 1 / (1 + e^-(lambda z)), the sigmoid activation, rounded as
 * 1.0f / (1.0f + tmlp_i_expf(-(lambda * z))) (tmlp_act.c). */
size_t tmlp_i_sigmoidf8(float lambda, const float *z, float *y, size_t n);

/* The bits of a float and back (memcpy: no aliasing questions; compilers
 * turn it into a register move). Inline: they sit in hot loops. */
static inline uint32_t tmlp_i_float_bits(float x)
{
    uint32_t u;
    memcpy(&u, &x, sizeof u);
    return u;
}

static inline float tmlp_i_bits_float(uint32_t u)
{
    float x;
    memcpy(&x, &u, sizeof x);
    return x;
}

/* 1 if x is neither infinite nor NaN, from the bit pattern (so it holds even
 * under -ffinite-math-only). */
static inline int tmlp_i_isfinite(float x)
{
    return (tmlp_i_float_bits(x) & 0x7f800000u) != 0x7f800000u;
}

#endif
