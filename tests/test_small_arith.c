/* SPDX-License-Identifier: MIT */
/* The float arithmetic under the library, checked against IEEE-754 on
 * every target: single-precision +, -, *, / and the int/float conversions
 * the library uses, whether done by an FPU or by soft-float routines (on
 * the AVR, avr-libc's). Its own file and suite, so that the AVR runs it as
 * an image of its own (tests/avr/avr.mk). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "suites.h"
#include "tmlp_test.h"

#ifdef __AVR__
/* avr-gcc keeps string constants in RAM: a failed check is reported by its
 * line number alone (as in test_small.c). */
#undef CHECK
#define CHECK(c) tmlp_test_check((c) ? 1 : 0, "test_small_arith.c", __LINE__, "")
#endif

/* The hashes of small_float_ops_round_as_ieee, computed on x86-64. */
#define FLOAT_ADD_HASH  0xde63cb49u
#define FLOAT_SUB_HASH  0x360d6081u
#define FLOAT_MUL_HASH  0x827dbabcu
#define FLOAT_DIV_HASH  0x6f1da8dcu
#define FLOAT_CONV_HASH 0x87fd78c1u

/* A finite float from 32 random bits: an exponent of all ones (Inf, NaN)
 * becomes the largest finite one; every eighth value is made subnormal or
 * tiny, where rounding is hardest to get right. */
static float finite_from(uint32_t u, uint32_t k)
{
    float f;
    if ((u & 0x7f800000u) == 0x7f800000u) {
        u &= 0xff7fffffu;
    }
    if (k % 8u == 0u) {
        u &= 0x80ffffffu; /* exponent 0 or 1: subnormal or just above */
    }
    memcpy(&f, &u, sizeof f);
    return f;
}

static uint32_t mix_bits(uint32_t h, float y)
{
    uint32_t u;
    memcpy(&u, &y, sizeof u);
    h = (h ^ u) * 16777619u;
    return h ^ (h >> 13);
}

/* The C library's (or the FPU's) single-precision +, -, *, / and the
 * int/float conversions the library uses, on 2048 pairs of finite
 * operands (b near a in half of them, for cancellation; subnormals
 * included): a hash per operation, each computed on x86-64, whose SSE
 * arithmetic rounds correctly. A target whose soft-float routines round
 * otherwise (the AVR's are avr-libc's) fails here, and the failing line
 * names the operation. No NaN can arise (finite operands, no 0/0), so NaN
 * payloads play no part. */
TMLP_TEST(small_float_ops_round_as_ieee)
{
    uint32_t r = 2463534242u, k, ha = 2166136261u, hs = ha, hm = ha, hd = ha, hc = ha;
    for (k = 0; k < 2048u; k++) {
        uint32_t ua, ub;
        float a, b;
        r ^= r << 13;
        r ^= r >> 17;
        r ^= r << 5;
        ua = r;
        r ^= r << 13;
        r ^= r >> 17;
        r ^= r << 5;
        ub = r;
        if (k & 1u) { /* b within a few binades of a */
            ub = (ub & 0x807fffffu) | ((ua & 0x7f800000u) ^ ((ub >> 9) & 0x01800000u));
        }
        a = finite_from(ua, k);
        b = finite_from(ub, k / 2u);
        ha = mix_bits(ha, a + b);
        hs = mix_bits(hs, a - b);
        hm = mix_bits(hm, a * b);
        if (b != 0.0f) {
            hd = mix_bits(hd, a / b);
        }
        hc = mix_bits(hc, (float)(int32_t)ua);
        hc = mix_bits(hc, (float)ub);
        if (a > -2147483520.0f && a < 2147483520.0f) {
            hc = mix_bits(hc, (float)(int32_t)a);
        }
    }
    if (ha != FLOAT_ADD_HASH || hs != FLOAT_SUB_HASH || hm != FLOAT_MUL_HASH ||
        hd != FLOAT_DIV_HASH || hc != FLOAT_CONV_HASH) {
        printf("float ops here: %08lx %08lx %08lx %08lx %08lx\n", (unsigned long)ha,
               (unsigned long)hs, (unsigned long)hm, (unsigned long)hd, (unsigned long)hc);
    }
    CHECK(ha == FLOAT_ADD_HASH);  /* a + b */
    CHECK(hs == FLOAT_SUB_HASH);  /* a - b */
    CHECK(hm == FLOAT_MUL_HASH);  /* a * b */
    CHECK(hd == FLOAT_DIV_HASH);  /* a / b */
    CHECK(hc == FLOAT_CONV_HASH); /* int32 and uint32 to float, float to int32 */
}

void suite_small_arith(void)
{
    RUN(small_float_ops_round_as_ieee);
}
