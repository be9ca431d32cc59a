/* SPDX-License-Identifier: MIT */
/* Arm semihosting without a C library: the operation number in r0, its
 * argument in r1, then `bkpt 0xAB` (the Thumb semihosting trap on M
 * profile cores). */
#include "semihosting.h"

#define SYS_WRITE0 0x04u        /* print a NUL-terminated string */
#define SYS_EXIT_EXTENDED 0x20u /* stop, with a reason and an exit code */
#define ADP_STOPPED_APPLICATION_EXIT 0x20026u

static uint32_t sh_call(uint32_t op, const void *arg)
{
    register uint32_t r0 __asm__("r0") = op;
    register const void *r1 __asm__("r1") = arg;
    __asm__ volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

void sh_print(const char *text)
{
    (void)sh_call(SYS_WRITE0, text);
}

void sh_print_uint(uint32_t v)
{
    char digits[11]; /* 4294967295 and the NUL */
    char *p = &digits[sizeof digits - 1u];
    *p = '\0';
    do {
        *--p = (char)('0' + v % 10u);
        v /= 10u;
    } while (v != 0u);
    sh_print(p);
}

void sh_exit(int code)
{
    uint32_t block[2];
    block[0] = ADP_STOPPED_APPLICATION_EXIT;
    block[1] = (uint32_t)code;
    for (;;) {
        (void)sh_call(SYS_EXIT_EXTENDED, block);
    }
}
