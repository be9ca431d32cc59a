/* SPDX-License-Identifier: MIT */
/* tinymlp port for 32-bit RISC-V microcontrollers running bare metal in
 * machine mode (GD32VF103, CH32V, BL60x, ESP32-C3/C6 without an RTOS, QEMU
 * virt).
 *
 * Clock (tmlp_port_ticks): by default the low 32 bits of the machine cycle
 * counter mcycle (CSR 0xB00), which counts core clock cycles; the rate is
 * the core clock, -DTMLP_PORT_CPU_HZ=<hz> (default 8000000, the reset clock
 * of the GD32VF103 and CH32V parts) or, when it is known only at run time,
 * a board function
 *     uint32_t tmlp_port_cpu_hz(void) { return SystemCoreClock; }
 * which replaces the weak default here. Some cores keep mcycle stopped after
 * reset (mcountinhibit, CSR 0x320, bit 0): tmlp_port_init() clears that
 * bit; on a core without mcountinhibit the write is ignored or traps, so
 * define TMLP_PORT_NO_MCOUNTINHIBIT there.
 *
 * With -DTMLP_PORT_RISCV_TIME the clock is the time CSR (0xC01, rdtime)
 * instead, which counts the platform timer (mtime) at a fixed rate:
 * -DTMLP_PORT_TIMER_HZ=<hz> (default 10000000, QEMU virt's timebase). Many
 * microcontrollers do not implement the time CSR in hardware (reading it
 * traps); it suits cores that do, and QEMU.
 *
 * The counters are read with .insn, so the file builds with -march=rv32imac
 * or rv32imafc alone (GCC 12 otherwise wants _zicsr in -march).
 *
 * Entropy (tmlp_port_entropy): define in the board code
 *     int tmlp_port_hw_rng(uint32_t *out);
 * returning nonzero after storing 32 bits from a hardware RNG (e.g. the
 * ESP32-C3's RNG register or the BL602 TRNG). Without one (the weak default
 * returns 0) the port hashes the clock with a call counter: different runs
 * are seeded differently only when the call time depends on something
 * external (a button, a radio packet); never cryptographic.
 *
 * State: the entropy call counter is a static variable of this file (board
 * state, like a register), not model state. */
#include "tmlp_port.h"

#include <stdint.h>

#ifndef TMLP_PORT_CPU_HZ
#define TMLP_PORT_CPU_HZ 8000000u
#endif
#ifndef TMLP_PORT_TIMER_HZ
#define TMLP_PORT_TIMER_HZ 10000000u
#endif

/* csrrs rd, csr, x0 as an I-type instruction: opcode SYSTEM (0x73), funct3 2,
 * the CSR number as the sign-extended 12-bit immediate. */
#define CSR_MCYCLE_IMM "-1280" /* 0xB00 */
#define CSR_TIME_IMM   "-1023" /* 0xC01 */

uint32_t tmlp_port_cpu_hz(void);
int tmlp_port_hw_rng(uint32_t *out);

static uint32_t entropy_calls;

__attribute__((weak)) uint32_t tmlp_port_cpu_hz(void)
{
    return TMLP_PORT_CPU_HZ;
}

__attribute__((weak)) int tmlp_port_hw_rng(uint32_t *out)
{
    (void)out;
    return 0;
}

/* See tmlp_port.h. */
void tmlp_port_init(void)
{
#if !defined(TMLP_PORT_RISCV_TIME) && !defined(TMLP_PORT_NO_MCOUNTINHIBIT)
    /* csrrci x0, mcountinhibit (0x320), 1: let mcycle count. */
    __asm__ volatile(".insn i 0x73, 7, x0, x1, 0x320" ::: "memory");
#endif
}

/* See tmlp_port.h. */
uint32_t tmlp_port_ticks(void)
{
    uint32_t v;
#if defined(TMLP_PORT_RISCV_TIME)
    __asm__ volatile(".insn i 0x73, 2, %0, x0, " CSR_TIME_IMM : "=r"(v));
#else
    __asm__ volatile(".insn i 0x73, 2, %0, x0, " CSR_MCYCLE_IMM : "=r"(v));
#endif
    return v;
}

/* See tmlp_port.h. */
uint32_t tmlp_port_ticks_per_sec(void)
{
#if defined(TMLP_PORT_RISCV_TIME)
    return TMLP_PORT_TIMER_HZ;
#else
    return tmlp_port_cpu_hz();
#endif
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
    return mix32(tmlp_port_ticks() ^ mix32(entropy_calls * 0x9E3779B9u));
}

/* See tmlp_port.h. */
uint32_t tmlp_port_clock(void *ctx)
{
    (void)ctx;
    return tmlp_port_ticks();
}
