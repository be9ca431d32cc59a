/* SPDX-License-Identifier: MIT */
/* Raw Arm semihosting calls (bkpt 0xAB), used without newlib's rdimon.
 * Test harness only. QEMU needs -semihosting-config enable=on,target=native. */
#ifndef TMLP_SEMIHOST_H
#define TMLP_SEMIHOST_H

#include <stdint.h>

static inline uint32_t tmlp_sh_call(uint32_t op, const void *arg)
{
    register uint32_t r0 __asm__("r0") = op;
    register const void *r1 __asm__("r1") = arg;
    __asm__ volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

/* SYS_WRITE0: a NUL-terminated string to the debug console. */
static inline void tmlp_sh_write0(const char *s)
{
    (void)tmlp_sh_call(0x04u, s);
}

/* SYS_EXIT_EXTENDED with ADP_Stopped_ApplicationExit: QEMU exits with code. */
static inline __attribute__((noreturn)) void tmlp_sh_exit(int code)
{
    uint32_t block[2];
    block[0] = 0x20026u;
    block[1] = (uint32_t)code;
    for (;;) {
        (void)tmlp_sh_call(0x20u, block);
    }
}

#endif
