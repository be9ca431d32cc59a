/* SPDX-License-Identifier: MIT */
/* tinymlp port for 8-bit AVR microcontrollers with a 16-bit Timer1
 * (ATmega328P of the Arduino Uno and Nano, ATmega32U4, ATmega2560), bare
 * metal with avr-libc.
 *
 * Clock (tmlp_port_ticks): Timer1 counting the CPU clock divided by 64
 * (F_CPU / 64 ticks per second: 250 kHz, 4 us, at 16 MHz), extended to 32
 * bits by its overflow interrupt (TIMER1_OVF_vect, defined here), so the
 * count wraps after 4.8 hours at 16 MHz. tmlp_port_init() takes Timer1
 * over (normal mode, no output pins) and enables its overflow interrupt;
 * global interrupts must be on (sei(); the Arduino core turns them on
 * before setup()). Do not use it together with a library that needs
 * Timer1 (Servo, TimerOne); an Arduino sketch can pass micros() instead.
 * The frequency is -DF_CPU=<hz> (the Arduino build and most AVR Makefiles
 * set it; default 16000000).
 *
 * Entropy (tmlp_port_entropy): define in the board code
 *     int tmlp_port_hw_rng(uint32_t *out);
 * returning nonzero after storing 32 bits from a noise source (e.g. the
 * low bits of ADC readings of a floating pin). Without one (the weak default
 * returns 0) the port hashes the tick count with a call counter: different
 * runs are seeded differently only when the call time depends on something
 * external (a button press); never cryptographic.
 *
 * State: the overflow count and the entropy call counter are static
 * variables of this file (board state, like a register), not model state. */
#include "tmlp_port.h"

#include <avr/interrupt.h>
#include <avr/io.h>
#include <stdint.h>

#ifndef F_CPU
#define F_CPU 16000000UL
#endif

int tmlp_port_hw_rng(uint32_t *out);

static volatile uint16_t t1_overflows;
static uint32_t entropy_calls;

__attribute__((weak)) int tmlp_port_hw_rng(uint32_t *out)
{
    (void)out;
    return 0;
}

ISR(TIMER1_OVF_vect)
{
    t1_overflows++;
}

/* See tmlp_port.h. */
void tmlp_port_init(void)
{
    if (TIMSK1 & (1u << TOIE1)) {
        return; /* already running: keep the count */
    }
    TCCR1A = 0u;
    TCCR1B = (uint8_t)((1u << CS11) | (1u << CS10)); /* normal mode, F_CPU / 64 */
    TCNT1 = 0u;
    TIFR1 = (uint8_t)(1u << TOV1); /* writing 1 clears a stale overflow */
    TIMSK1 = (uint8_t)(1u << TOIE1);
}

/* See tmlp_port.h. */
uint32_t tmlp_port_ticks(void)
{
    uint8_t sreg = SREG;
    uint16_t hi, lo;
    cli();
    hi = t1_overflows;
    lo = TCNT1;
    /* Overflowed since interrupts went off, the handler not run yet. */
    if ((TIFR1 & (1u << TOV1)) && lo < 0x8000u) {
        hi++;
    }
    SREG = sreg;
    return ((uint32_t)hi << 16) | lo;
}

/* See tmlp_port.h. */
uint32_t tmlp_port_ticks_per_sec(void)
{
    return (uint32_t)(F_CPU / 64UL);
}

/* murmur3's 32-bit finaliser: every input bit affects every output bit. */
static uint32_t mix32(uint32_t x)
{
    x ^= x >> 16;
    x *= 0x85EBCA6BUL;
    x ^= x >> 13;
    x *= 0xC2B2AE35UL;
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
    return mix32(tmlp_port_ticks() ^ mix32(entropy_calls * 0x9E3779B9UL));
}

/* See tmlp_port.h. */
uint32_t tmlp_port_clock(void *ctx)
{
    (void)ctx;
    return tmlp_port_ticks();
}
