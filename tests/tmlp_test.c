/* SPDX-License-Identifier: MIT */
#include "tmlp_test.h"

#include <setjmp.h>
#include <stdio.h>
#include <string.h>

/* Test-side state: the library itself has none. */
static int cases_passed;
static int cases_failed;
static int cases_skipped;
static int current_failed;
/* Where a case that needs a left-out feature returns to (lean builds). */
static jmp_buf skip_to;

uint32_t tmlp_test_bits(float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

uint32_t tmlp_test_ulps(float a, float b)
{
    uint32_t ua = tmlp_test_bits(a), ub = tmlp_test_bits(b);
    if ((ua ^ ub) & 0x80000000u) {
        /* Opposite signs: distance through zero. */
        return (ua & 0x7fffffffu) + (ub & 0x7fffffffu);
    }
    return ua > ub ? ua - ub : ub - ua;
}

void tmlp_test_run(void (*fn)(void), const char *name)
{
    current_failed = 0;
    /* A case skipped after a failed check is a failure: the skip must never
     * hide what the case found before it. */
    if (setjmp(skip_to) == 0) {
        fn();
    } else if (!current_failed) {
        cases_skipped++;
        return;
    }
    if (current_failed) {
        cases_failed++;
        printf("FAIL %s\n", name);
    } else {
        cases_passed++;
    }
}

int tmlp_test_check(int ok, const char *file, int line, const char *expr)
{
    if (!ok) {
        current_failed = 1;
        printf("  %s:%d: check failed: %s\n", file, line, expr);
    }
    return ok;
}

void tmlp_test_skip(void)
{
    longjmp(skip_to, 1);
}

int tmlp_test_check_status(int got, int want, const char *file, int line, const char *expr)
{
    /* In a lean build, a call that needs a left-out feature ends the case
     * as skipped; in the full build it is a failure like any other. */
    if (TMLP_TEST_LEAN && got == (int)TMLP_ERR_UNSUPPORTED && want != got) {
        tmlp_test_skip();
    }
    if (got != want) {
        current_failed = 1;
        printf("  %s:%d: %s returned %d, expected %d\n", file, line, expr, got, want);
        return 0;
    }
    return 1;
}

int tmlp_test_check_near(float a, float b, float tol, const char *file, int line, const char *expr)
{
    float d = a - b;
    if (d < 0.0f) {
        d = -d;
    }
    if (!(d <= tol)) {
        current_failed = 1;
        printf("  %s:%d: %s: bits 0x%08lx vs 0x%08lx beyond tolerance 0x%08lx\n", file, line, expr,
               (unsigned long)tmlp_test_bits(a), (unsigned long)tmlp_test_bits(b),
               (unsigned long)tmlp_test_bits(tol));
        return 0;
    }
    return 1;
}

int tmlp_test_check_bits(float a, float b, const char *file, int line, const char *expr)
{
    if (tmlp_test_bits(a) != tmlp_test_bits(b)) {
        current_failed = 1;
        printf("  %s:%d: %s: bits 0x%08lx vs 0x%08lx\n", file, line, expr,
               (unsigned long)tmlp_test_bits(a), (unsigned long)tmlp_test_bits(b));
        return 0;
    }
    return 1;
}

int tmlp_test_check_ulps(float a, float b, uint32_t n, const char *file, int line, const char *expr)
{
    if (a != a || b != b || tmlp_test_ulps(a, b) > n) {
        current_failed = 1;
        printf("  %s:%d: %s: bits 0x%08lx vs 0x%08lx more than %lu ulps apart\n", file, line, expr,
               (unsigned long)tmlp_test_bits(a), (unsigned long)tmlp_test_bits(b), (unsigned long)n);
        return 0;
    }
    return 1;
}

int tmlp_test_report(void)
{
    if (TMLP_TEST_LEAN) {
        printf("skipped %d cases: they need a feature this build leaves out (tmlp_config.h)\n",
               cases_skipped);
    }
    printf("%d passed, %d failed\n", cases_passed, cases_failed);
    return cases_failed;
}
