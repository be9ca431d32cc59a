/* SPDX-License-Identifier: MIT */
/* Host (POSIX) port: monotonic clock in microseconds, entropy from the clock
 * and the process id. Tests that need a fixed or fake clock pass their own
 * function to the library instead of using these. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 199309L
#endif
#include "tmlp_port.h"

#include <time.h>
#include <unistd.h>

void tmlp_port_init(void)
{
}

uint32_t tmlp_port_entropy(void)
{
    struct timespec ts;
    (void)clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint32_t)ts.tv_nsec ^ ((uint32_t)ts.tv_sec << 20) ^ ((uint32_t)getpid() * 2654435761u);
}

uint32_t tmlp_port_ticks(void)
{
    struct timespec ts;
    (void)clock_gettime(CLOCK_MONOTONIC, &ts);
    /* Wraps every 71.6 minutes; callers use differences only. */
    return (uint32_t)ts.tv_sec * 1000000u + (uint32_t)(ts.tv_nsec / 1000);
}

uint32_t tmlp_port_ticks_per_sec(void)
{
    return 1000000u;
}

uint32_t tmlp_port_clock(void *ctx)
{
    (void)ctx;
    return tmlp_port_ticks();
}
