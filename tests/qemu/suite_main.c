/* SPDX-License-Identifier: MIT */
/* Entry point running a single test suite, for targets whose RAM cannot hold
 * every suite's static arenas at once (the 16 KB micro:bit): qemu.mk builds
 * one image per suite with -DTMLP_QEMU_SUITE=suite_<name> and
 * run_split.sh runs them in tests/test_main.c's order. */
#include "suites.h"
#include "tmlp_test.h"

#ifndef TMLP_QEMU_SUITE
#error "define TMLP_QEMU_SUITE=suite_<name>"
#endif

int main(void);

int main(void)
{
    TMLP_QEMU_SUITE();
    return tmlp_test_report() != 0 ? 1 : 0;
}
