/* SPDX-License-Identifier: MIT */
/* tinymlp port for any Cortex-M (M0/M0+/M3/M4/M7/M23/M33/M55), bare metal.
 *
 * No vendor HAL and no CMSIS headers: the few System Control Space
 * registers used are at the addresses fixed by the Armv6-M/Armv7-M/Armv8-M
 * Architecture Reference Manuals.
 *
 * Clock (tmlp_port_ticks):
 *   - Armv7-M/Armv7E-M/Armv8-M mainline (M3, M4, M7, M33, M55): the DWT
 *     cycle counter CYCCNT (0xE0001004), a free-running 32-bit count of core
 *     cycles. tmlp_port_init() sets DEMCR.TRCENA (0xE000EDFC bit 24), unlocks
 *     the DWT (LAR 0xE0001FB0 = 0xC5ACCE55; needed on the M7, ignored
 *     elsewhere) and sets DWT_CTRL.CYCCNTENA (0xE0001000 bit 0). It then
 *     checks that CYCCNT advances across a short loop; if it does not (no
 *     DWT, a debugger owns it, or QEMU, which reads it as 0) the port falls
 *     back to SysTick. A debugger may clear TRCENA when it attaches or
 *     detaches: calling tmlp_port_init() again re-arms the counter without
 *     resetting it.
 *   - Armv6-M and Armv8-M baseline (M0, M0+, M23) have no cycle counter:
 *     SysTick (CSR 0xE000E010, RVR 0xE000E014, CVR 0xE000E018), a 24-bit
 *     down counter clocked by the core clock (CSR.CLKSOURCE = 1). The port
 *     programs it with RVR = 0xFFFFFF and extends it to 32 bits in software,
 *     which is wrap-safe only if tmlp_port_ticks() is called at least once
 *     every 2^24 core cycles (0.67 s at 25 MHz, 0.26 s at 64 MHz, 0.10 s at
 *     168 MHz). The library's time-budget loop calls it once per training
 *     step; a step longer than that period loses whole periods of time.
 *     Alternatively build with -DTMLP_PORT_SYSTICK_IRQ: the port then also
 *     enables the SysTick interrupt and defines SysTick_Handler(), which
 *     counts the wraps, so there is no reading-rate requirement (the board
 *     must not define SysTick_Handler itself; with interrupts masked, at most
 *     one wrap is accounted for, from the pending bit ICSR.PENDSTSET).
 *   - SysTick is taken over (reprogrammed) only when the DWT is not usable.
 *     If the board already runs SysTick for something else (an RTOS tick),
 *     define TMLP_PORT_NO_SYSTICK: the port then never touches SysTick, and
 *     on a core without a working DWT the ticks are taken from the weak hook
 *     tmlp_port_board_ticks() (see "Other options").
 *
 * State: the SysTick extension (last counter value, accumulated count) and
 * the clock choice live in static variables of this file. That is the
 * board's clock, like a hardware register, not model state: the library
 * itself still keeps no state outside the caller's handle. The software
 * extension is not reentrant: do not call tmlp_port_ticks() from both an
 * interrupt and the main loop (the DWT and TMLP_PORT_SYSTICK_IRQ paths are).
 *
 * Frequency (tmlp_port_ticks_per_sec): the core clock, which both CYCCNT and
 * SysTick (CLKSOURCE = 1) count. Set it with -DTMLP_PORT_CPU_HZ=<hz>
 * (default 25000000, the MPS2 FPGA boards AN385/AN386/AN500; QEMU's
 * mps2-an505 runs at 20 MHz and the micro:bit's nRF51 at 16 MHz), or, when
 * the clock is only known at run time, define in the board code
 *     uint32_t tmlp_port_cpu_hz(void) { return SystemCoreClock; }
 * which replaces the weak default here.
 *
 * Entropy (tmlp_port_entropy): define in the board code
 *     int tmlp_port_hw_rng(uint32_t *out);
 * returning nonzero after storing 32 bits from a hardware RNG (e.g. the
 * STM32 RNG or the nRF RNG peripheral). Without one (the weak default
 * returns 0) the port hashes the tick counter with a call counter: good
 * enough to seed different runs differently when the call time depends on
 * something external (a button press, a radio packet), useless otherwise;
 * never cryptographic.
 *
 * Other options: -DTMLP_PORT_NO_DWT forces SysTick even where a DWT exists.
 * With -DTMLP_PORT_NO_SYSTICK and no usable DWT, ticks come from
 *     uint32_t tmlp_port_board_ticks(void);
 * (e.g. an RTOS tick count or a free-running timer; report its rate through
 * tmlp_port_cpu_hz()); the weak default returns 0, i.e. no clock.
 *
 * Under QEMU (checked with 7.2 on mps2-an385/386/500/505 and microbit): the
 * DWT reads as zero, so the SysTick fallback is used; it counts the host's
 * real time at the board's nominal clock (add -icount shift=0 to QEMU for
 * exactly repeatable counts, which then measure instructions, not cycles).
 */
#include "tmlp_port.h"

#include <stdint.h>

#ifndef TMLP_PORT_CPU_HZ
#define TMLP_PORT_CPU_HZ 25000000u
#endif

#if (defined(__ARM_ARCH_7M__) || defined(__ARM_ARCH_7EM__) || defined(__ARM_ARCH_8M_MAIN__) || \
     defined(__ARM_ARCH_8_1M_MAIN__)) &&                                                        \
    !defined(TMLP_PORT_NO_DWT)
#define TMLP_PORT_HAVE_DWT 1
#else
#define TMLP_PORT_HAVE_DWT 0
#endif

#define REG32(addr) (*(volatile uint32_t *)(uintptr_t)(addr))

#define DEMCR           REG32(0xE000EDFCu)
#define DEMCR_TRCENA    (1u << 24)
#define DWT_CTRL        REG32(0xE0001000u)
#define DWT_CTRL_CYCEN  (1u << 0)
#define DWT_CTRL_NOCYC  (1u << 25)
#define DWT_CYCCNT      REG32(0xE0001004u)
#define DWT_LAR         REG32(0xE0001FB0u)
#define DWT_LAR_KEY     0xC5ACCE55u

#define SYST_CSR        REG32(0xE000E010u)
#define SYST_RVR        REG32(0xE000E014u)
#define SYST_CVR        REG32(0xE000E018u)
#define SYST_CSR_ENABLE (1u << 0)
#define SYST_CSR_TICKINT (1u << 1)
#define SYST_CSR_CORECLK (1u << 2)
#define SYST_MASK       0x00FFFFFFu
#define ICSR            REG32(0xE000ED04u)
#define ICSR_PENDSTSET  (1u << 26)

/* Board hooks: weak defaults, replaced by a strong definition elsewhere. */
int tmlp_port_hw_rng(uint32_t *out);
uint32_t tmlp_port_cpu_hz(void);
uint32_t tmlp_port_board_ticks(void);

enum { CLOCK_NONE = 0, CLOCK_DWT = 1, CLOCK_SYSTICK = 2, CLOCK_BOARD = 3 };

/* Board clock state (see the top comment). */
static uint8_t clock_src;
#if !defined(TMLP_PORT_NO_SYSTICK)
static uint32_t systick_last;        /* last CVR read (software extension) */
static volatile uint32_t systick_hi; /* accumulated count, or wraps * 2^24 with the IRQ */
#endif
static uint32_t entropy_calls;

__attribute__((weak)) int tmlp_port_hw_rng(uint32_t *out)
{
    (void)out;
    return 0;
}

__attribute__((weak)) uint32_t tmlp_port_cpu_hz(void)
{
    return (uint32_t)(TMLP_PORT_CPU_HZ);
}

__attribute__((weak)) uint32_t tmlp_port_board_ticks(void)
{
    return 0u;
}

#if TMLP_PORT_HAVE_DWT
/* Enables CYCCNT and reports whether it really counts. */
static int dwt_start(void)
{
    uint32_t t0, t1;
    volatile uint32_t spin;

    DEMCR |= DEMCR_TRCENA;
    DWT_LAR = DWT_LAR_KEY;
    if (DWT_CTRL & DWT_CTRL_NOCYC) {
        return 0;
    }
    DWT_CTRL |= DWT_CTRL_CYCEN;
    t0 = DWT_CYCCNT;
    for (spin = 0; spin < 64u; spin++) {
    }
    t1 = DWT_CYCCNT;
    return t1 != t0;
}
#endif

#if !defined(TMLP_PORT_NO_SYSTICK)
static void systick_start(void)
{
    uint32_t csr = SYST_CSR_ENABLE | SYST_CSR_CORECLK;
    uint32_t n;
#if defined(TMLP_PORT_SYSTICK_IRQ)
    csr |= SYST_CSR_TICKINT;
#endif
    SYST_CSR = 0u;
    SYST_RVR = SYST_MASK;
    SYST_CVR = 0u; /* any write clears it; the counter reloads from RVR */
    systick_hi = 0u;
    SYST_CSR = csr;
    /* The first reload comes one clock later on silicon, but QEMU does it
     * from its timer thread, which on a busy host can take milliseconds:
     * until then CVR reads 0 and the clock would look stopped. Wait for it
     * (bounded, in case SysTick is absent). */
    for (n = 0u; n < 1000000u && (SYST_CVR & SYST_MASK) == 0u; n++) {
    }
    systick_last = SYST_CVR & SYST_MASK;
}
#endif

#if defined(TMLP_PORT_SYSTICK_IRQ) && !defined(TMLP_PORT_NO_SYSTICK)
void SysTick_Handler(void);

void SysTick_Handler(void)
{
    systick_hi += SYST_MASK + 1u;
}

static uint32_t systick_ticks(void)
{
    uint32_t hi, cvr, pending;
    do {
        hi = systick_hi;
        cvr = SYST_CVR & SYST_MASK;
        pending = ICSR & ICSR_PENDSTSET;
    } while (hi != systick_hi);
    /* Reloaded but the handler has not run yet (interrupt latency, or
     * interrupts masked): count the wrap here. */
    if (pending != 0u && cvr > (SYST_MASK >> 1)) {
        hi += SYST_MASK + 1u;
    }
    return hi + (SYST_MASK - cvr);
}
#elif !defined(TMLP_PORT_NO_SYSTICK)
static uint32_t systick_ticks(void)
{
    uint32_t cvr = SYST_CVR & SYST_MASK;
    /* Down counter: elapsed = last - now, modulo the 2^24 period. */
    systick_hi += (systick_last - cvr) & SYST_MASK;
    systick_last = cvr;
    return systick_hi;
}
#endif

/* See tmlp_port.h. */
void tmlp_port_init(void)
{
#if TMLP_PORT_HAVE_DWT
    if (clock_src == CLOCK_DWT) {
        /* Re-arm only (a debugger may have cleared these); CYCCNT keeps its
         * count. */
        DEMCR |= DEMCR_TRCENA;
        DWT_CTRL |= DWT_CTRL_CYCEN;
        return;
    }
#endif
    if (clock_src != CLOCK_NONE) {
        return;
    }
#if TMLP_PORT_HAVE_DWT
    if (dwt_start()) {
        clock_src = CLOCK_DWT;
        return;
    }
#endif
#if !defined(TMLP_PORT_NO_SYSTICK)
    systick_start();
    clock_src = CLOCK_SYSTICK;
#else
    clock_src = CLOCK_BOARD;
#endif
}

/* See tmlp_port.h. */
uint32_t tmlp_port_ticks(void)
{
    switch (clock_src) {
#if TMLP_PORT_HAVE_DWT
    case CLOCK_DWT:
        return DWT_CYCCNT;
#endif
#if !defined(TMLP_PORT_NO_SYSTICK)
    case CLOCK_SYSTICK:
        return systick_ticks();
#endif
    case CLOCK_BOARD:
        return tmlp_port_board_ticks();
    default:
        return 0u;
    }
}

/* See tmlp_port.h. */
uint32_t tmlp_port_ticks_per_sec(void)
{
    return tmlp_port_cpu_hz();
}

/* murmur3's 32-bit finaliser: every input bit affects every output bit. */
static uint32_t mix32(uint32_t x)
{
    x ^= x >> 16;
    x *= 0x85EBCA6Bu;
    x ^= x >> 13;
    x *= 0xC2B2AE35u;
    x ^= x >> 16;
    return x;
}

/* See tmlp_port.h. */
uint32_t tmlp_port_entropy(void)
{
    uint32_t v;
    if (tmlp_port_hw_rng(&v)) {
        return v;
    }
    entropy_calls++;
    v = tmlp_port_ticks() ^ mix32(entropy_calls * 0x9E3779B9u);
#if !defined(TMLP_PORT_NO_SYSTICK)
    /* The raw SysTick value adds a few bits when ticks come from the DWT. */
    v ^= (SYST_CVR & SYST_MASK) << 8;
#endif
    return mix32(v);
}

uint32_t tmlp_port_clock(void *ctx)
{
    (void)ctx;
    return tmlp_port_ticks();
}
