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

#include <stdint.h>
#include <string.h>

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
