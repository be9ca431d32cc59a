/* SPDX-License-Identifier: MIT */
/* Minimal test harness shared by the host and the Cortex-M (QEMU) builds.
 * Needs only printf with integer and string conversions, so it also runs
 * on targets where newlib's float printf is too large. Floats that fail a
 * check are printed as their bit patterns. */
#ifndef TMLP_TEST_H
#define TMLP_TEST_H

#include <stdint.h>

#include "tinymlp.h"

/* 1 when the library is built with a feature left out (tmlp_config.h): a
 * case then ends as skipped, and is counted so, when a call it checks
 * returns TMLP_ERR_UNSUPPORTED, or when it asks for a left-out feature
 * with REQUIRE(), unless a check failed before: then it counts as failed.
 * In the full build every such return is a failure. */
#define TMLP_TEST_LEAN                                                                        \
    (!TMLP_WITH_TRAINING || !TMLP_WITH_CHECKED_STEP || !TMLP_WITH_ADAM || !TMLP_WITH_SIGMOID || \
     !TMLP_WITH_TANH || !TMLP_WITH_LEAKY_RELU || !TMLP_WITH_SOFTMAX || !TMLP_WITH_INPUT_SCALE ||  \
     !TMLP_WITH_SCHEDULES)
/* Skips the rest of the case when a lean build returned st =
 * TMLP_ERR_UNSUPPORTED (for calls whose status is not CHECKed directly). */
#define SKIP_IF_UNSUPPORTED(st)                                         \
    do {                                                                \
        if (TMLP_TEST_LEAN && (int)(st) == (int)TMLP_ERR_UNSUPPORTED) { \
            tmlp_test_skip();                                           \
        }                                                               \
    } while (0)
/* Skips the rest of the case when the build leaves out what it tests. */
#define REQUIRE(feature)      \
    do {                      \
        if (!(feature)) {     \
            tmlp_test_skip(); \
        }                     \
    } while (0)

/* A test case is a function without arguments; it fails if any check fails. */
#define TMLP_TEST(name) static void name(void)
#define RUN(name) tmlp_test_run(name, #name)

#define CHECK(c) tmlp_test_check((c) ? 1 : 0, __FILE__, __LINE__, #c)
#define CHECK_OK(e) tmlp_test_check_status((int)(e), 0, __FILE__, __LINE__, #e)
#define CHECK_ERR(e, code) tmlp_test_check_status((int)(e), (int)(code), __FILE__, __LINE__, #e)
/* |a - b| <= tol, all in float; NaN never passes. */
#define CHECK_NEAR(a, b, tol) tmlp_test_check_near((a), (b), (tol), __FILE__, __LINE__, #a " ~ " #b)
/* Same bits (so +0 != -0 and NaN == NaN of the same payload). */
#define CHECK_BITS(a, b) tmlp_test_check_bits((a), (b), __FILE__, __LINE__, #a " == " #b)
/* a and b at most n units in the last place apart (same sign). */
#define CHECK_ULPS(a, b, n) tmlp_test_check_ulps((a), (b), (n), __FILE__, __LINE__, #a " ~ " #b)

void tmlp_test_run(void (*fn)(void), const char *name);
void tmlp_test_skip(void);
int tmlp_test_check(int ok, const char *file, int line, const char *expr);
int tmlp_test_check_status(int got, int want, const char *file, int line, const char *expr);
int tmlp_test_check_near(float a, float b, float tol, const char *file, int line, const char *expr);
int tmlp_test_check_bits(float a, float b, const char *file, int line, const char *expr);
int tmlp_test_check_ulps(float a, float b, uint32_t n, const char *file, int line, const char *expr);
uint32_t tmlp_test_bits(float f);
/* Distance in ulps between two finite floats (large if signs differ). */
uint32_t tmlp_test_ulps(float a, float b);
/* Prints "N passed, M failed" for the cases run so far; returns M. */
int tmlp_test_report(void);

/* Name of the build configuration, for "weights-hash <config> <hex>" lines.
 * Set with -DTMLP_TEST_CONFIG="\"host-gcc-O2\"". */
#ifndef TMLP_TEST_CONFIG
#define TMLP_TEST_CONFIG "unknown"
#endif

#endif
