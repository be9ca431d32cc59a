/* SPDX-License-Identifier: MIT */
/* The RISC-V port helpers (port/riscv/tmlp_port.c) under QEMU: the clock
 * advances across a busy loop, tmlp_port_clock reads the same counter,
 * the rate is the configured one and two entropy values differ. Ends with
 * "N passed, M failed"; the exit status is the number of failures. */
#include <stdio.h>

#include "tmlp_port.h"

#ifndef TMLP_PORT_EXPECT_HZ
#error "define TMLP_PORT_EXPECT_HZ, the rate the build configured"
#endif

static int passed, failed;

static void check(int ok, const char *what)
{
    if (ok) {
        passed++;
    } else {
        failed++;
        printf("FAIL port: %s\n", what);
    }
}

int main(void);

int main(void)
{
    volatile uint32_t spin;
    uint32_t t0, t1, t2, e0, e1;
    tmlp_port_init();
    tmlp_port_init(); /* idempotent */
    t0 = tmlp_port_ticks();
    for (spin = 0; spin < 200000u; spin++) {
    }
    t1 = tmlp_port_clock(NULL);
    t2 = tmlp_port_ticks();
    e0 = tmlp_port_entropy();
    e1 = tmlp_port_entropy();
    check(t1 - t0 > 0u && t1 - t0 < 0x80000000u, "ticks advance across a busy loop");
    check(t2 - t1 < 0x80000000u, "tmlp_port_clock reads the same counter");
    check(tmlp_port_ticks_per_sec() == TMLP_PORT_EXPECT_HZ, "ticks per second as configured");
    check(e0 != e1, "two entropy values differ");
    printf("port: %lu ticks over the busy loop at %lu ticks/s\n", (unsigned long)(t1 - t0),
           (unsigned long)tmlp_port_ticks_per_sec());
    printf("%d passed, %d failed\n", passed, failed);
    return failed;
}
