/* SPDX-License-Identifier: MIT */
/* Start-up code for a Cortex-M4F: the vector table and the reset handler.
 * A real board adds its interrupt handlers after the 16 core entries and
 * usually sets up its clock (PLL, flash wait states) at the start of
 * Reset_Handler; QEMU needs neither. */
#include <stdint.h>

#include "semihosting.h"

int main(void);
void Reset_Handler(void);
void Fault_Handler(void);

/* Defined by the linker script (mps2-an386.ld). */
extern uint32_t _sidata[], _sdata[], _edata[], __bss_start__[], __bss_end__[], _estack[];

/* Coprocessor Access Control Register: bits 20-23 give full access to
 * CP10 and CP11, the FPU. */
#define CPACR (*(volatile uint32_t *)0xE000ED88u)

/* The core reads its initial stack pointer and the address to start at
 * from the first two words; the rest are exception handlers. */
struct vector_table {
    uint32_t *initial_sp;
    void (*handler[15])(void);
};

__attribute__((section(".vectors"), used)) static const struct vector_table vectors = {
    _estack,
    {
        Reset_Handler,
        Fault_Handler, /* NMI */
        Fault_Handler, /* HardFault */
        Fault_Handler, /* MemManage */
        Fault_Handler, /* BusFault */
        Fault_Handler, /* UsageFault */
        0, 0, 0, 0,
        Fault_Handler, /* SVCall */
        Fault_Handler, /* DebugMonitor */
        0,
        Fault_Handler, /* PendSV */
        Fault_Handler, /* SysTick */
    },
};

void Reset_Handler(void)
{
    uint32_t *src = _sidata, *dst;
    /* The FPU is off after reset: enable it before any float instruction
     * (the compiler may use FPU registers anywhere in the code below). */
    CPACR |= 0xFu << 20;
    __asm__ volatile("dsb\n\tisb" ::: "memory");
    for (dst = _sdata; dst < _edata; dst++) {
        *dst = *src++;
    }
    for (dst = __bss_start__; dst < __bss_end__; dst++) {
        *dst = 0u;
    }
    sh_exit(main());
}

/* Any fault or unexpected exception ends the run with status 3 (under a
 * debugger, set a breakpoint here). */
void Fault_Handler(void)
{
    sh_exit(3);
}
