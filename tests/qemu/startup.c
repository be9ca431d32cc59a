/* SPDX-License-Identifier: MIT */
/* Bare-metal start-up for the QEMU test images: vector table, reset handler,
 * fault reporting. Test harness only; not part of the library or the port.
 *
 * Reset: enable the FPU when the build uses one (CPACR 0xE000ED88 bits
 * 20-23, then dsb/isb, before any float instruction), copy .data from its
 * load address, zero .bss, open newlib rdimon's semihosting stdio, paint the
 * free RAM between the heap and the stack, run main() and pass its return
 * value to exit(), which rdimon turns into QEMU's exit status (semihosting
 * SYS_EXIT_EXTENDED). Between main() and exit() one line reports the stack
 * high-water mark and the heap newlib took (stdio buffers):
 *   qemu harness: stack <B> B, heap <B> B, static <B> B, RAM <B> B
 * where static is .data + .bss. A fault prints its exception number and the
 * stacked pc and lr (for arm-none-eabi-addr2line) through raw semihosting
 * and exits with status 3, so a crash is a failed run, not a timeout. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "semihost.h"

int main(void);
void Reset_Handler(void);
void Default_Handler(void);
void _init(void);
void _fini(void);
void NMI_Handler(void) __attribute__((weak, alias("Default_Handler")));
void HardFault_Handler(void) __attribute__((weak, alias("Default_Handler")));
void MemManage_Handler(void) __attribute__((weak, alias("Default_Handler")));
void BusFault_Handler(void) __attribute__((weak, alias("Default_Handler")));
void UsageFault_Handler(void) __attribute__((weak, alias("Default_Handler")));
void SecureFault_Handler(void) __attribute__((weak, alias("Default_Handler")));
void SVC_Handler(void) __attribute__((weak, alias("Default_Handler")));
void DebugMon_Handler(void) __attribute__((weak, alias("Default_Handler")));
void PendSV_Handler(void) __attribute__((weak, alias("Default_Handler")));
/* tmlp_port.c defines it when built with -DTMLP_PORT_SYSTICK_IRQ. */
void SysTick_Handler(void) __attribute__((weak, alias("Default_Handler")));

/* Linker script symbols. */
extern uint32_t _sidata[], _sdata[], _edata[], __bss_start__[], __bss_end__[];
extern uint32_t _estack[], end[];
extern void *sbrk(ptrdiff_t incr); /* newlib (rdimon); unistd.h is not C99 */
extern void initialise_monitor_handles(void); /* newlib rdimon: semihosting stdio */

#define PAINT 0x5AFEC0DEu

struct vector_table {
    void *initial_sp;
    void (*handler[15])(void);
};

__attribute__((section(".vectors"), used)) const struct vector_table tmlp_qemu_vectors = {
    _estack,
    {
        Reset_Handler,       /* 1 */
        NMI_Handler,         /* 2 */
        HardFault_Handler,   /* 3 */
        MemManage_Handler,   /* 4 */
        BusFault_Handler,    /* 5 */
        UsageFault_Handler,  /* 6 */
        SecureFault_Handler, /* 7 (Armv8-M) */
        0, 0, 0,
        SVC_Handler,         /* 11 */
        DebugMon_Handler,    /* 12 */
        0,
        PendSV_Handler,      /* 14 */
        SysTick_Handler,     /* 15 */
    },
};

static void put_hex(char *dst, uint32_t v)
{
    int i;
    for (i = 7; i >= 0; i--) {
        dst[i] = "0123456789abcdef"[v & 0xfu];
        v >>= 4;
    }
}

/* frame: the registers the core stacked on exception entry (r0-r3, r12, lr,
 * pc, xpsr); assumes the fault came from code running on the main stack. */
void tmlp_qemu_fault(const uint32_t *frame);
__attribute__((used)) void tmlp_qemu_fault(const uint32_t *frame)
{
    uint32_t ipsr;
    char msg[] = "qemu harness: fault, exception 00 at pc 00000000 lr 00000000\n";
    __asm__ volatile("mrs %0, ipsr" : "=r"(ipsr));
    ipsr &= 0x1ffu;
    msg[31] = (char)('0' + (ipsr / 10u) % 10u);
    msg[32] = (char)('0' + ipsr % 10u);
    put_hex(msg + 40, frame[6]);
    put_hex(msg + 52, frame[5]);
    tmlp_sh_write0(msg);
    tmlp_sh_exit(3);
}

/* Naked so that the stack pointer still points at the exception frame. */
__attribute__((naked)) void Default_Handler(void)
{
    __asm__ volatile("mrs r0, msp\n\tbl tmlp_qemu_fault");
}

/* Fills the free RAM between the heap (newlib-nano's stdio already took
 * some) and this function's frame with PAINT. */
static __attribute__((noinline)) void paint_stack(void)
{
    uint32_t *p, *sp;
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    for (p = (uint32_t *)sbrk(0); p < sp - 16; p++) {
        *p = PAINT;
    }
}

/* The lowest word the stack reached: the first one above the heap that lost
 * its paint. */
static void report_memory(void)
{
    uint32_t *heap_top = (uint32_t *)sbrk(0);
    uint32_t *p = heap_top;
    while (p < _estack && *p == PAINT) {
        p++;
    }
    printf("qemu harness: stack %lu B, heap %lu B, static %lu B, RAM %lu B\n",
           (unsigned long)((uintptr_t)_estack - (uintptr_t)p),
           (unsigned long)((uintptr_t)heap_top - (uintptr_t)end),
           (unsigned long)((uintptr_t)end - (uintptr_t)_sdata),
           (unsigned long)((uintptr_t)_estack - (uintptr_t)_sdata));
}

__attribute__((noreturn)) void Reset_Handler(void)
{
    uint32_t *src, *dst;
#if defined(__ARM_FP)
    *(volatile uint32_t *)0xE000ED88u |= 0xFu << 20;
    __asm__ volatile("dsb\n\tisb" ::: "memory");
#endif
    for (src = _sidata, dst = _sdata; dst < _edata;) {
        *dst++ = *src++;
    }
    for (dst = __bss_start__; dst < __bss_end__;) {
        *dst++ = 0u;
    }
    initialise_monitor_handles();
    paint_stack();
    {
        int rc = main();
        report_memory();
        exit(rc);
    }
}

/* Called by newlib's exit() and __libc_init_array(); nothing to do. */
void _init(void) {}
void _fini(void) {}
